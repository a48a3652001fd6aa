from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from families import views as family_views
from messaging import views as messaging_views
from portal import media, pages, views
from schools import urls as schools_urls

handler429 = "portal.views.too_many_requests"

# Pages that show several apps live in portal.pages but keep their names in the "schools"
# namespace ("schools:district") and their addresses, so every link stays as it was.
schools_pages = (
    [
        *schools_urls.urlpatterns,
        path("districts/<slug:slug>/", pages.district_detail, name="district"),
    ],
    "schools",
)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # A family pass's QR code: no language in it, it opens in the front desk's language.
    path("p/<str:token>/", family_views.front_desk_scan, name="pass_scan"),
    path("messaging/sms/inbound", messaging_views.inbound_sms, name="sms_inbound"),
]

urlpatterns += i18n_patterns(
    path("language/", views.choose_language, name="language"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("families.urls")),
    path("", include("events.urls")),
    path("", include(schools_pages)),
    path("", include("committees.urls")),
    path("", include("reports.urls")),
)

if settings.DEBUG:
    # Uploaded recordings, with the headers that keep them inert (portal.media); in
    # production the proxy serves MEDIA_ROOT the same way (deploy/nginx.conf).
    urlpatterns += media.urlpatterns()
