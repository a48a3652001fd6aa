"""Who holds a phone number or an email address, and when an unfinished sign-up lets go.

Anyone can type any number into the sign-up form. Until its code is typed, the new login
only claims the number; after CLAIM_HOLD the claim gives way to the next sign-up with that
number, so a stranger cannot keep a family out of the portal (RELIABILITY G1, B4).
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User

log = logging.getLogger("portal.auth")

CLAIM_HOLD = timedelta(hours=1)


def holders(*, phone: str = "", email: str = ""):
    """The logins that have this phone number or this email address (in any case)."""
    from allauth.account.models import EmailAddress

    match = Q(pk__in=[])
    if phone:
        match |= Q(phone=phone)
    if email:
        match |= Q(email__iexact=email) | Q(
            pk__in=EmailAddress.objects.filter(email__iexact=email).values("user_id")
        )
    return User.objects.filter(match)


def is_unfinished_signup(user: User) -> bool:
    """A sign-up nobody finished: nothing confirmed, never logged in, no staff role, and a
    family (if any) holding nothing but the name typed at sign-up."""
    if user.last_login or user.phone_verified or user.is_staff or user.is_superuser:
        return False
    if user.staff_roles.exists() or user.emailaddress_set.filter(verified=True).exists():
        return False
    family = getattr(user, "family", None)
    if family is None:
        return True
    if family.registered_by_id or family.registered_by_partner_id:
        return False
    related = ("memberships", "rsvps", "feedback", "seat_applications", "seats")
    return not any(getattr(family, name).exists() for name in related)


def _gives_way(user: User, held_for: timedelta) -> bool:
    return user.date_joined <= timezone.now() - held_for and is_unfinished_signup(user)


def in_use(*, phone: str = "", email: str = "", held_for: timedelta = CLAIM_HOLD) -> bool:
    """Whether a new login cannot have this number or address (a sign-up unfinished for
    longer than held_for does not count: release() takes it away)."""
    return any(not _gives_way(user, held_for) for user in holders(phone=phone, email=email))


@transaction.atomic
def release(*, phone: str = "", email: str = "", held_for: timedelta = CLAIM_HOLD) -> int:
    """Delete the sign-ups, unfinished for longer than held_for, that hold this number or
    address. Returns how many went.

    Deleted rather than kept with the number blanked: such a login has never been used and
    confirms no way to reach anyone (its email may be its only other contact, and a login
    needs one), and its family row holds only a name a stranger may have typed; keeping it
    would keep personal data for nothing. A real account (a confirmed address, a login, a
    staff role, a family with schools, answers or messages) never gives up its number here:
    taking a number from it would hand its messages to the newcomer.
    """
    released = 0
    for user in holders(phone=phone, email=email).select_for_update():
        if not _gives_way(user, held_for):
            continue
        log.info("auth.claim_released user=%s", user.pk)
        family = getattr(user, "family", None)
        if family is not None:
            family.delete()
        user.delete()
        released += 1
    return released
