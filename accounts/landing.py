"""Where a person lands after logging in (or on "Staff" in the header).

Each staff role has its own first page: the admin, the pass check, the reports, assisted
registration. Those pages belong to apps above accounts, so the decision lives in the
portal (portal/front_door.py), which registers it here in its AppConfig.ready(). Until
then, and for families, this answers None and the login goes to LOGIN_REDIRECT_URL.
"""

from collections.abc import Callable

_decide: Callable | None = None


def register(decide: Callable) -> None:
    """decide(user) -> the URL of the page where this person's work is, or None."""
    global _decide
    _decide = decide


def front_door(user) -> str | None:
    if _decide is None or not user.is_authenticated:
        return None
    return _decide(user)
