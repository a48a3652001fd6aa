"""A URLconf for tests/portal/test_errors.py only: the site plus one view that fails."""

from django.urls import path

from portal.urls import urlpatterns as site_urlpatterns


def broken(request):
    raise RuntimeError("psycopg password=hunter2 at /srv/portal/secret.py line 42")


urlpatterns = [path("broken/", broken), *site_urlpatterns]
