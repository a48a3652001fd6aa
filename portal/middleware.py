from django.conf import settings
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils import translation

from accounts import second_factor


def private_pages_not_cached(get_response):
    """A page shown to a logged-in person may hold their data: no shared or browser cache."""

    def middleware(request):
        response = get_response(request)
        user = getattr(request, "user", None)
        # no-store, not just private: on a shared computer the browser's back button must not
        # bring back the previous family's page from its cache.
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response

    return middleware


def remember_language(get_response):
    """The language of the last page a person read becomes their remembered choice, so the
    bare address and the staff pages (which carry no language in the URL) open in it."""

    def middleware(request):
        response = get_response(request)
        language = translation.get_language_from_path(request.path_info)
        # Only a page actually read (200): a 404 or a redirect under a language prefix, say a
        # mistyped link, must not change the language a person chose.
        if (
            language
            and response.status_code == 200
            and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language
        ):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                httponly=True,
            )
        return response

    return middleware


def staff_sessions_expire_sooner(get_response):
    """Staff pages are often opened on shared computers: a staff session ends after
    STAFF_SESSION_IDLE_SECONDS without activity; a family's lasts SESSION_COOKIE_AGE."""

    def middleware(request):
        user = getattr(request, "user", None)
        # Set again on every request, so it measures idleness: each staff page pushes the end
        # of the session back by the full period.
        if user is not None and user.is_authenticated and user.is_staff:
            request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        return get_response(request)

    return middleware


def staff_second_factor(get_response):
    """Staff and superusers reach no page until their session has used a second factor
    (RELIABILITY B10): the admin, reports, the door, assisted registration and any staff
    page added later are covered here, in one place. Families are never asked."""

    def middleware(request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and second_factor.needs_second_factor(user)
            and not second_factor.used_second_factor(request)
        ):
            # An unknown address goes to the second step too, rather than a 404 that would
            # let a half-logged-in session probe which staff pages exist.
            try:
                url_name = resolve(request.path_info).url_name
            except Resolver404:
                url_name = None
            if url_name not in second_factor.OPEN_BEFORE_SECOND_STEP:
                wanted = request.get_full_path()
                # Only a GET is worth coming back to: replaying a POST after the second step
                # would send a form the person can no longer see.
                if request.method == "GET":
                    request.session[second_factor.NEXT_SESSION_KEY] = wanted
                return redirect(second_factor.second_step_url(request, wanted))
        return get_response(request)

    return middleware


class RateLimitsAnswer429:
    """Some allauth flows raise RateLimited instead of answering (a fourth phone confirmed
    from one address in a minute), and so do our own code limits (accounts.limits): the
    visitor gets the 429 page in their language, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from allauth.core.exceptions import RateLimited

        if isinstance(exception, RateLimited):
            from portal.views import too_many_requests

            return too_many_requests(request, exception)
        return None
