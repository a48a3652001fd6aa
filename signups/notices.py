"""What conference bookings tell families, through the outbox (registered in
SignupsConfig.ready(); the contract is in messaging.registry).

Kinds rendered here (context: {"booking": <pk>}):

    conference_booked     the booking is made (or moved): who, when, where or by phone
    conference_reminder   the day before and one hour before (CONFERENCE_REMINDER_MINUTES)

conference_reminder is time-critical. A cancelled booking's messages not yet sent are
cancelled with it; one whose booking is gone, or whose day staff cancelled, by the time it
is sent is not sent.
"""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from messaging import dates, outbox, registry
from messaging.models import Message
from messaging.segments import fit, shorten

# Minutes before the meeting: the day before, and one hour before.
REMINDER_MINUTES = (24 * 60, 60)

TEXTS = {
    "conference_booked": lambda: gettext(
        "Booked: meeting with %(host)s, %(when)s, %(place)s.%(note)s %(link)s"
    ),
    "conference_reminder": lambda: gettext(
        "Reminder: meeting with %(host)s, %(when)s, %(place)s.%(note)s %(link)s"
    ),
}
KINDS = tuple(TEXTS)
TIME_CRITICAL = ("conference_reminder",)


def register() -> None:
    registry.register_renderer(
        KINDS,
        render,
        time_critical=TIME_CRITICAL,
        current=still_current,
    )


def _key(kind: str, booking) -> str:
    return f"{kind}:booking:{booking.pk}"


def booked(booking) -> None:
    """A confirmation now, and the two reminders (those whose time has not passed)."""
    recipient = outbox.resolve(f"family:{booking.family_id}")
    if recipient is None:
        return
    stamp = f":{booking.starts_at.timestamp():.0f}:{timezone.now().timestamp():.0f}"
    context = {"booking": booking.pk}
    outbox.enqueue(
        recipient=recipient,
        kind="conference_booked",
        key=_key("conference_booked", booking) + stamp,
        context=context,
    )
    now = timezone.now()
    for minutes in getattr(settings, "CONFERENCE_REMINDER_MINUTES", REMINDER_MINUTES):
        due = booking.starts_at - timedelta(minutes=minutes)
        if due <= now:
            continue
        outbox.enqueue(
            recipient=recipient,
            kind="conference_reminder",
            key=f"{_key('conference_reminder', booking)}:{minutes}m:"
            f"{booking.starts_at.timestamp():.0f}",
            due_at=due,
            context=context,
        )


def cancel_reminders(booking) -> int:
    """Every message of this booking not yet sent (the confirmation too)."""
    return sum(outbox.cancel(outbox.pending(_key(kind, booking) + ":")) for kind in KINDS)


def still_current(message: Message) -> bool:
    # A cancelled booking's row is gone: nothing left to remind of.
    from signups.models import Booking

    booking = (
        Booking.objects.filter(pk=message.context.get("booking"))
        .select_related("slot__day")
        .first()
    )
    if booking is None:
        return False
    # A day staff cancelled has no meeting to remind of (as My page and the reports, which
    # leave cancelled days out).
    if booking.slot.day.status == booking.slot.day.Status.CANCELLED:
        return False
    # A reminder for a time since moved has a key naming the old time.
    return message.kind != "conference_reminder" or (
        f":{booking.starts_at.timestamp():.0f}:" in message.idempotency_key
    )


def page_link(language: str) -> str:
    with translation.override(language):
        path = reverse("families:home")
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def render(message: Message, recipient) -> outbox.Rendered:
    from signups.models import Booking

    booking = Booking.objects.select_related("slot__day__school", "host", "interpreter").get(
        pk=message.context["booking"]
    )
    day = booking.slot.day
    language = message.language
    zone = str(day.time_zone)
    if booking.by_phone:
        place = gettext("by phone")
    else:
        place = ", ".join(p for p in (day.place, booking.host.room) if p) or gettext("by phone")
    interpreter = " " + gettext("An interpreter will be there.") if booking.interpreter_id else ""
    link = page_link(language)
    template = TEXTS[message.kind]()
    params = {"note": interpreter, "link": link}
    long_when = dates.long_when(booking.starts_at, language, zone)
    short_when = dates.short_when(booking.starts_at, language, zone)
    # What a text shortens before the teacher's name, longest first: the weekday, then the
    # place down to its first part ("Library, second floor" -> "Library"); never the link,
    # nor the interpreter's sentence.
    variants = [
        {"when": long_when, "place": place},
        {"when": short_when, "place": place},
    ]
    first_part = shorten(place.split(",")[0].strip(), 30)
    if first_part != place:
        variants.append({"when": short_when, "place": first_part})
    sms = fit(
        lambda title, **v: template % {**params, **v, "host": title},
        booking.host.name,
        variants,
    )
    long_text = template % {**params, **variants[0], "host": booking.host.name}
    school = day.school.name
    meeting = gettext("Parent-teacher meeting")
    subject = f"{school}: {meeting}"
    return outbox.Rendered(
        sms=sms,
        email_subject=subject,
        email_body=long_text,
        email_html=outbox.email_html(
            subject=subject,
            headline=long_text.replace(link, "").strip(),
            school=school,
            title=booking.host.name,
            when=long_when,
            place=place,
            description="",
            link=link,
        ),
        voice_script=f"{school}. {long_text.replace(link, '').strip()}",
        school_id=day.school_id,
    )
