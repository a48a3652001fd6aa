from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from portal import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]

urlpatterns += i18n_patterns(
    path("language/", views.choose_language, name="language"),
    path("accounts/", include("allauth.urls")),
    path("", include("schools.urls")),
)

if settings.DEBUG:
    # Uploaded recordings; in production the proxy serves MEDIA_ROOT.
    urlpatterns += [
        path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
