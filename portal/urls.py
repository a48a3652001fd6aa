from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from families import urls as family_urls
from messaging import views as messaging_views
from portal import media, pages, views
from schools import urls as school_urls

handler429 = "portal.views.too_many_requests"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # A family pass's QR code: no language in it, it opens in the front desk's language.
    path("p/<str:token>/", pages.pass_scan, name="pass_scan"),
    path("messaging/sms/inbound", messaging_views.inbound_sms, name="sms_inbound"),
    path("messaging/voice/gather", messaging_views.voice_gather, name="voice_gather"),
    path("messaging/email/inbound/", messaging_views.inbound_email, name="email_inbound"),
]

# Pages that show several apps live in portal.pages, under their app's namespace: their
# addresses and names ("families:home", "schools:school") are those of the app.
families = [*family_urls.urlpatterns, path("my/", pages.family_home, name="home")]
schools = [
    *school_urls.urlpatterns,
    path("schools/<slug:slug>/", pages.school_detail, name="school"),
    path("districts/<slug:slug>/", pages.district_detail, name="district"),
]

urlpatterns += i18n_patterns(
    path("language/", views.choose_language, name="language"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include((families, "families"))),
    path("", include("events.urls")),
    path("", include((schools, "schools"))),
    path("", include("committees.urls")),
    path("", include("signups.urls")),
    path("", include("conversations.urls")),
    path("", include("reports.urls")),
)

if settings.DEBUG:
    # Uploaded recordings, with the headers that keep them inert (portal.media); in
    # production the proxy serves MEDIA_ROOT the same way (deploy/nginx.conf).
    urlpatterns += media.urlpatterns()
