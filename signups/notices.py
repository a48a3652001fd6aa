"""What conference bookings tell families, through the outbox (registered in
SignupsConfig.ready(); the contract is in messaging.registry).

Kinds rendered here:

    conference_booked     the booking is made (or moved): who, when, where or by phone
                          (context: {"booking": <pk>})
    conference_reminder   the day before and one hour before (CONFERENCE_REMINDER_MINUTES)
                          (context: {"booking": <pk>})
    conference_cancelled  the school called the meeting off (its day cancelled, its teacher
                          or its time deleted in the admin): which meeting, and where to
                          book another. Its context carries all it says (the booking's row
                          may be gone by then): {"booking", "host", "starts_at", "time_zone",
                          "school", "slug", "interpreting"}; one per booking and person.

conference_reminder and conference_cancelled are time-critical. A cancelled booking's
messages not yet sent are cancelled with it; one whose booking is gone, or whose day staff
cancelled, by the time it is sent is not sent (conference_cancelled always is).

conference_booked and conference_reminder end "Reply 1 if you will come, 2 to cancel" (a
call asks the same inside its <Gather>) while the family may still cancel: conversations/
replies.py turns the "1" or "2" into a confirmation or signups.services.cancel.
"""

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from messaging import dates, outbox, registry
from messaging.models import Message
from messaging.segments import fit, shorten, without_accents

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
CANCELLED_TEXTS = {
    False: lambda: gettext(
        "The school cancelled your meeting with %(host)s, %(when)s. We are sorry. "
        "Book another time: %(link)s"
    ),
    # To a parent who volunteered to interpret at it.
    True: lambda: gettext(
        "The school cancelled the meeting with %(host)s, %(when)s, where you were to "
        "interpret. Thank you. %(link)s"
    ),
}
# The kinds of one booking (and the keys cancel_reminders looks for).
BOOKING_KINDS = tuple(TEXTS)
KINDS = (*BOOKING_KINDS, "conference_cancelled")
TIME_CRITICAL = ("conference_reminder", "conference_cancelled")
# The kinds a family may answer with "1" or "2" (conversations/replies.py); a reply to
# conference_cancelled is told the meeting is gone.
ANSWERABLE = BOOKING_KINDS


def answerable(booking, kind: str) -> bool:
    """Whether a text about this booking can still be answered by reply: while the family
    may still cancel it (its day published and before the deadline) and before it starts."""
    day = booking.slot.day
    return kind in ANSWERABLE and day.is_open and booking.starts_at > timezone.now()


def reply_line(booking, kind: str) -> str:
    """How to answer by reply, at the end of the text; "" once cancelling is closed."""
    if not answerable(booking, kind):
        return ""
    return " " + gettext("Reply 1 if you will come, 2 to cancel.")


def press_line(booking, kind: str) -> str:
    """The same at the end of a call, read inside the provider's <Gather>."""
    return gettext("Press 1 if you will come, 2 to cancel.") if answerable(booking, kind) else ""


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
    # The school's address too: a reply after the booking is gone links to its page.
    context = {"booking": booking.pk, "slug": booking.slot.day.school.slug}
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
    return sum(outbox.cancel(outbox.pending(_key(kind, booking) + ":")) for kind in BOOKING_KINDS)


def school_cancelled(booking) -> None:
    """The school called this meeting off (signups.services.school_cancelled): its messages
    not yet sent go, and the family, and a parent who was to interpret, are told once,
    whatever happens to the row afterwards (the key names the booking)."""
    cancel_reminders(booking)
    day = booking.slot.day
    context = {
        "booking": booking.pk,
        "host": booking.host.name,
        "starts_at": booking.starts_at.isoformat(),
        "time_zone": str(day.time_zone),
        "school": day.school.name,
        "school_id": day.school_id,
        "slug": day.school.slug,
    }
    told = [(booking.family_id, False)]
    interpreter = booking.interpreter
    if interpreter is not None and interpreter.family_id:
        told.append((interpreter.family_id, True))
    for family_id, interpreting in told:
        recipient = outbox.resolve(f"family:{family_id}")
        if recipient is None:
            continue
        outbox.enqueue(
            recipient=recipient,
            kind="conference_cancelled",
            key=f"conference_cancelled:booking:{booking.pk}:family:{family_id}",
            context={**context, "interpreting": interpreting},
        )


def still_current(message: Message) -> bool:
    if message.kind == "conference_cancelled":
        return True  # it tells of a meeting that is gone: its context has what it says
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


# Left out with the separator before it (", ", "، ", "，"), as events.notices does: every
# catalog puts the place right after the time.
NO_PLACE = "\x00"
_NO_PLACE = re.compile(r"\s*[,،，、]?\s*\x00")


def page_link(language: str) -> str:
    with translation.override(language):
        path = reverse("families:home")
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def conferences_link(slug: str, language: str) -> str:
    with translation.override(language):
        path = reverse("signups:conferences", kwargs={"slug": slug})
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def render(message: Message, recipient) -> outbox.Rendered:
    if message.kind == "conference_cancelled":
        return render_cancelled(message)
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
    # The reply line goes last of all, and only from a text in a script of 67 characters a
    # part: first the teacher's name is cut to 25 characters, then the accents GSM lacks go,
    # then the place (the link's page has it; as an event's text), never "by phone".
    reply = reply_line(booking, message.kind)
    variants = [{**variant, "reply": reply} for variant in variants]
    last_resort = []
    if reply:
        last_resort = [{**variants[-1], "plain": True}]
        if not booking.by_phone:
            no_place = {**variants[-1], "place": NO_PLACE}
            last_resort += [no_place, {**no_place, "plain": True}]
        last_resort += [{**variants[-1], "reply": ""}]

    def write(title, reply, plain=False, **variant):
        text = _NO_PLACE.sub("", template % {**params, **variant, "host": title}) + reply
        return without_accents(text) if plain else text

    sms = fit(write, booking.host.name, variants, last_resort=last_resort)
    long_text = template % {
        **params,
        "when": long_when,
        "place": place,
        "host": booking.host.name,
    }
    return rendered(
        sms,
        long_text,
        link=link,
        school=day.school.name,
        school_id=day.school_id,
        host=booking.host.name,
        when=long_when,
        place=place,
        voice_question=press_line(booking, message.kind),
    )


def rendered(sms, long_text, *, link, school, school_id, host, when, place, voice_question=""):
    """A meeting's text as every channel carries it: the e-mail's subject and card, the
    call's script (the link left out of what is read aloud)."""
    subject = f"{school}: {gettext('Parent-teacher meeting')}"
    spoken = long_text.replace(link, "").strip()
    return outbox.Rendered(
        sms=sms,
        email_subject=subject,
        email_body=long_text,
        email_html=outbox.email_html(
            subject=subject,
            headline=spoken,
            school=school,
            title=host,
            when=when,
            place=place,
            description="",
            link=link,
        ),
        voice_script=f"{school}. {spoken}",
        school_id=school_id,
        voice_question=voice_question,
    )


def one_period(text: str, when: str) -> str:
    """One full stop after a time that ends with one ("3:00 p.m.." in Spanish)."""
    return text.replace(when + ".", when) if when.endswith(".") else text


def render_cancelled(message: Message) -> outbox.Rendered:
    """From the message's own context: the booking, its teacher and its day may be gone."""
    context = message.context
    language = message.language
    starts_at = datetime.fromisoformat(context["starts_at"])
    zone = context["time_zone"]
    template = CANCELLED_TEXTS[bool(context.get("interpreting"))]()
    # Where to book another time (the school's conferences page), or, shorter, the family's
    # page; to an interpreter, the page where they offer their help.
    if context.get("interpreting"):
        with translation.override(language):
            path = reverse("signups:offer")
        links = [settings.PORTAL_BASE_URL.rstrip("/") + path, page_link(language)]
    else:
        links = [conferences_link(context["slug"], language), page_link(language)]
    long_when = dates.long_when(starts_at, language, zone)
    short_when = dates.short_when(starts_at, language, zone)
    # Shortened before the teacher's name: the weekday; then the accents GSM lacks (a
    # Spanish text of 153 characters a part instead of 67); then the link, to the family's
    # page, shorter than the school's conferences page.
    variants = [
        {"when": long_when, "link": links[0]},
        {"when": short_when, "link": links[0]},
        {"when": short_when, "link": links[0], "plain": True},
        *({"when": short_when, "link": link, "plain": True} for link in links[1:]),
    ]

    def write(title, when, link, plain=False):
        text = one_period(template % {"when": when, "link": link, "host": title}, when)
        return without_accents(text) if plain else text

    sms = fit(write, context["host"], variants)
    long_text = write(context["host"], long_when, links[0])
    return rendered(
        sms,
        long_text,
        link=links[0],
        school=context.get("school", ""),
        school_id=context.get("school_id"),
        host=context["host"],
        when=long_when,
        place="",
    )
