"""Answers by reply to a conference text (issue 16): "1" (or the language's yes) to a
booking's confirmation or reminder says "I will come", "2" (or no) cancels the booking, and
a key pressed at the end of its call does the same. conversations/replies.py finds the
last answerable text or call, event or conference (so a "2" never cancels the wrong thing),
and hands it here when it was a conference's.

A "2" goes through signups.services.cancel: the slot's lock, the day's deadline to change
or cancel, the reminders not sent, the slot and the interpreter free again (RELIABILITY
D6, D8). It runs inside the webhook's transaction that records the MessageSid once, so a
reply delivered twice cancels once and tells once (E10). Every answer is a text in the
family's language through the outbox (families.services.notify, written now: the booking's
row is gone once cancelled).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from families.models import Family
from families.services import notify
from messaging import dates
from messaging.models import Message
from messaging.segments import fit, shorten, without_accents
from signups import notices as conference_notices
from signups import services
from signups.models import Booking
from signups.notices import one_period


def answer(family: Family, going: bool, message: Message) -> bool:
    """The family's "1" (going) or "2" to the conference message it last received."""
    booking = (
        Booking.objects.filter(pk=message.context.get("booking"), family=family)
        .select_related("slot__day__school", "host")
        .first()
    )
    slug = message.context.get("slug", "")
    if (
        booking is None
        or message.kind not in conference_notices.ANSWERABLE
        or booking.slot.day.status == booking.slot.day.Status.CANCELLED
    ):
        # Cancelled already: by the family, or by the school (its last text said so).
        notify(family, lambda: gone_text(slug))
        return True
    if booking.starts_at <= timezone.now():
        return False  # a meeting already held: the school reads it in the family's thread
    if going:
        notify(family, lambda: see_you_text(booking))
        return True
    host, starts_at, day = booking.host.name, booking.starts_at, booking.slot.day
    try:
        cancelled = services.cancel(family=family, booking_id=booking.pk)
    except ValidationError as error:
        if error.code == "closed":
            notify(family, lambda: too_late_text(day.school))
        else:
            refused = error
            notify(family, lambda: " ".join(refused.messages))
        return True
    if cancelled:
        notify(family, lambda: cancelled_text(host, starts_at, day))
    else:
        notify(family, lambda: gone_text(day.school.slug))
    return True


def _links(slug: str) -> list[str]:
    """Where to book another time: the school's conferences page, or (shorter, when the
    text needs the room) the family's page."""
    base = settings.PORTAL_BASE_URL.rstrip("/")
    links = [base + reverse("families:home")]
    if slug:
        links.insert(0, base + reverse("signups:conferences", kwargs={"slug": slug}))
    return links


def _when(starts_at, day) -> str:
    return dates.short_when(starts_at, translation.get_language(), str(day.time_zone))


def see_you_text(booking: Booking) -> str:
    day = booking.slot.day
    place = ", ".join(p for p in (day.place, booking.host.room) if p)
    when = _when(booking.starts_at, day)
    if booking.by_phone or not place:
        template = gettext(
            "Thank you. See you on %(when)s: meeting with %(host)s. The teacher will call you."
        )
        return fit(
            lambda title: one_period(template % {"when": when, "host": title}, when),
            booking.host.name,
        )
    template = gettext("Thank you. See you on %(when)s: meeting with %(host)s, %(place)s.")
    # The teacher's name is cut before the place gives way to its first part.
    places = [place, shorten(place.split(",")[0].strip(), 30)]
    return fit(
        lambda title, place: template % {"when": when, "host": title, "place": place},
        booking.host.name,
        [{"place": p} for p in places],
    )


def cancelled_text(host: str, starts_at, day) -> str:
    template = gettext(
        "Cancelled: your meeting with %(host)s, %(when)s. Book another time: %(link)s"
    )
    when = _when(starts_at, day)
    links = _links(day.school.slug)

    def write(title, link, plain=False):
        text = one_period(template % {"host": title, "when": when, "link": link}, when)
        return without_accents(text) if plain else text

    # As the school's own "cancelled" text (signups.notices.render_cancelled): the accents
    # GSM lacks go before the link to the conferences page does.
    variants = [{"link": links[0]}, {"link": links[0], "plain": True}]
    variants += [{"link": link, "plain": True} for link in links[1:]]
    return fit(write, host, variants)


def too_late_text(school) -> str:
    if school.phone:
        return gettext(
            "It is too late to cancel this meeting by text. Please call the school: %(phone)s"
        ) % {"phone": school.phone}
    return gettext("It is too late to cancel this meeting by text. Please call the school.")


def gone_text(slug: str) -> str:
    return gettext("This meeting is cancelled. Book another time: %(link)s") % {
        "link": _links(slug)[0]
    }
