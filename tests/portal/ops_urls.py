"""A URLconf for tests/portal/test_logs.py only: the site plus a view that queues a task (no
page of the site queues one yet: answers queue messages in the database) and one that fails
with a family's details at hand."""

from django.http import HttpResponse
from django.urls import path

from messaging.tasks import dispatch_due
from portal.urls import urlpatterns as site_urlpatterns


def queue_dispatch(request):
    dispatch_due.delay()
    return HttpResponse(status=202)


class FamilyNotReachable(Exception):
    pass


def leaky(request):
    # Local variables Sentry must not see (the name is not in this source: Sentry may send
    # the lines around the failing one).
    family_name = request.POST.get("name", "")  # noqa: F841
    phone = request.POST.get("phone", "")
    email = request.POST.get("note", "")
    raise FamilyNotReachable(f"no answer from {phone} or {email}")


urlpatterns = [
    path("ops/queue-dispatch/", queue_dispatch, name="queue_dispatch"),
    path("ops/leaky/", leaky, name="leaky"),
    *site_urlpatterns,
]
