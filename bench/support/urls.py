"""The site's URLs plus /bench/minimal/: the cheapest Django response the same gunicorn can
give through the same middleware, the yardstick for the family pages."""

from django.http import HttpResponse
from django.urls import path

from portal.urls import handler429  # noqa: F401
from portal.urls import urlpatterns as site_urlpatterns


def minimal(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/minimal/", minimal), *site_urlpatterns]
