"""Which staff roles a person holds, answered by the app that defines roles (schools).

accounts sits below schools and may not read StaffRole itself, yet the login needs the
answer: a staff member must use a second factor, and lands on their own start page. schools
registers its role_kinds() here in its AppConfig.ready().
"""

from django.core.exceptions import ImproperlyConfigured

_role_kinds = None


def register(function) -> None:
    """function(user) -> set of StaffRole.Kind values."""
    global _role_kinds
    _role_kinds = function


def role_kinds(user) -> set[str]:
    # No answer is an error, never "no roles": that would let staff in without the second
    # factor (RELIABILITY B10).
    if _role_kinds is None:
        raise ImproperlyConfigured("No app registered staff roles (schools is not installed?)")
    return _role_kinds(user)
