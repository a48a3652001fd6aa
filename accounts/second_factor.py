"""Staff log in with a second factor; families never need one (RELIABILITY B10).

A staff member (any staff role, the admin's staff flag, or a superuser) whose session has
not used a second factor reaches none of the portal's pages but the ones that set one up
or ask for it: portal.middleware.staff_second_factor sends them there, whatever the page.
"""

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

from accounts import landing
from accounts.roles import role_kinds

# The pages a staff member may open before the second step: setting it up (and the
# password prompt allauth may put before that), answering it, logging out and choosing a
# language. Not the recovery codes: setting up the app counts as the second step, so they
# open right after it, and a session that only typed the password must never read them.
OPEN_BEFORE_SECOND_STEP = frozenset(
    {
        "mfa_activate_totp",
        "mfa_authenticate",
        "mfa_reauthenticate",
        "account_reauthenticate",
        "account_login",
        "account_staff_login",
        "account_logout",
        "language",
    }
)
NEXT_SESSION_KEY = "portal.second_step_next"


def needs_second_factor(user) -> bool:
    if not settings.STAFF_MFA_REQUIRED or not user.is_authenticated:
        return False
    return user.is_staff or user.is_superuser or bool(role_kinds(user))


def used_second_factor(request) -> bool:
    """Whether this session's login (or a later confirmation) included a second factor,
    as allauth records it: a code from the app, a recovery code or a security key."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def has_authenticator(user) -> bool:
    return (
        Authenticator.objects.filter(user_id=user.pk)
        .exclude(type=Authenticator.Type.RECOVERY_CODES)
        .exists()
    )


def second_step_url(request, wanted: str) -> str:
    """Where a staff member without the second step goes: to type a code (then on to the
    page they wanted), or to set up an authenticator app first."""
    if has_authenticator(request.user):
        return f"{reverse('mfa_reauthenticate')}?{urlencode({'next': wanted})}"
    return reverse("mfa_activate_totp")


def start_page(request) -> str:
    """Where the staff member goes once the second step is done: the page they asked for,
    else their front door (accounts.landing)."""
    wanted = request.session.get(NEXT_SESSION_KEY, "")
    if wanted.startswith("/") and not wanted.startswith("//"):
        return wanted
    return landing.front_door(request.user) or reverse("families:home")
