"""The site's URLs plus the benchmark's yardsticks, served by the same gunicorn through the
same middleware: /bench/minimal/ (the cheapest Django response) and /bench/bare/ (a bare
view of a family page's shape: one query and a 5 KB template, no base.html, no translated
columns)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from portal.urls import handler429  # noqa: F401
from portal.urls import urlpatterns as site_urlpatterns
from schools.models import School


def minimal(request):
    return HttpResponse(b"ok", content_type="text/plain")


def bare(request):
    school = School.objects.values("name", "address", "phone").get(slug="school-0")
    return render(request, "bench/bare.html", {"school": school})


urlpatterns = [path("bench/minimal/", minimal), path("bench/bare/", bare), *site_urlpatterns]
