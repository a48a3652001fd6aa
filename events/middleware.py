from django.shortcuts import render

from events import services
from families import locks


class EventBusyMiddleware:
    """A request that waited too long for an event's lock (another answer, the door, staff)
    gets "busy, please try again" in the reader's language with 503, never a 500. The
    family's answer form and the door page say it in place; this covers every other path
    (the admin, erasure, any page that cancels or moves places)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, services.EventBusy) or locks.is_lock_timeout(exception):
            return busy_page(request)
        return None


def busy_page(request):
    context = {"again": request.get_full_path(), "message": services.BUSY}
    response = render(request, "busy.html", context, status=503)
    response["Retry-After"] = "5"
    return response
