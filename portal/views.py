import logging
from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from portal.languages import LANGUAGE_CODES, picker_choices

log = logging.getLogger("portal.auth")


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def path_in_language(path: str, code: str) -> str:
    """The same page in another language: swap the language prefix of the path."""
    parts = path.split("/", 2)  # "", "<lang>", "rest"
    if len(parts) >= 2 and parts[1] in LANGUAGE_CODES:
        rest = parts[2] if len(parts) > 2 else ""
        return f"/{code}/{rest}"
    return f"/{code}{path}"


@require_http_methods(["GET", "POST"])
def choose_language(request):
    """The language picker: a plain form, so it works with JavaScript off."""
    next_path = _safe_next(request, reverse("schools:home"))
    if request.method == "POST":
        code = request.POST.get("language", "")
        if code not in LANGUAGE_CODES:
            code = settings.LANGUAGE_CODE
        response = HttpResponseRedirect(path_in_language(next_path, code))
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            httponly=True,
        )
        return response
    return render(request, "portal/language.html", {"choices": picker_choices(), "next": next_path})


def robots_txt(request):
    return HttpResponse(
        "User-agent: *\nDisallow: /admin/\nDisallow: /accounts/\n", content_type="text/plain"
    )


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


def too_many_requests(request, exception=None):
    from accounts.limits import CodesPausedToday

    today = isinstance(exception, CodesPausedToday)
    log.info("auth.rate_limited path=%s until=%s", request.path, "tomorrow" if today else "soon")
    response = render(request, "429.html", {"until_tomorrow": today}, status=429)
    if today:
        now = timezone.localtime()
        midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        response["Retry-After"] = str(int((midnight - now).total_seconds()) + 1)
    return response
