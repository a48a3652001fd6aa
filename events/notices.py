"""What events tell families, through the outbox: one small function per purpose, called
inside the transaction that changed the answer or the event (RELIABILITY E1), and the one
renderer that writes them when they are sent (registered in EventsConfig.ready(); the
contract is in messaging.registry).

Kinds rendered here (context: {"event": <pk>}):

    rsvp_going        the family's answer put it on the list
    rsvp_waitlisted   the event is full: the family is on the waiting list
    promoted          a place opened and went to the family from the waiting list
    reminder          before the event (REMINDER_OFFSETS_MINUTES), or staff's "remind now"
    event_changed     the time or the place changed
    event_cancelled   the event will not take place

reminder, event_changed and event_cancelled are time-critical: no daily limit or budget
holds them back.
"""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from modeltranslation.utils import build_localized_fieldname

from events.models import Event, Rsvp
from messaging import outbox, registry
from messaging.models import Message
from messaging.segments import fit

# The kinds, each with its words: what, when and where, then the link (never only the link).
TEXTS = {
    "rsvp_going": lambda: gettext(
        "You are on the list for “%(title)s”: %(when)s, %(place)s. %(link)s"
    ),
    "rsvp_waitlisted": lambda: gettext(
        "“%(title)s” (%(when)s, %(place)s) is full. You are on the waiting list. %(link)s"
    ),
    "reminder": lambda: gettext("Reminder: “%(title)s”, %(when)s, %(place)s. %(link)s"),
    "promoted": lambda: gettext(
        "Good news: a place opened for you. “%(title)s”, %(when)s, %(place)s. %(link)s"
    ),
    "event_changed": lambda: gettext("Change: “%(title)s” is now %(when)s, %(place)s. %(link)s"),
    "event_cancelled": lambda: gettext(
        "Cancelled: “%(title)s”, %(when)s, %(place)s. We are sorry. %(link)s"
    ),
}
KINDS = tuple(TEXTS)
TIME_CRITICAL = ("reminder", "event_changed", "event_cancelled")


def register() -> None:
    registry.register_renderer(KINDS, render, time_critical=TIME_CRITICAL)


def _key(kind, rsvp_or_event, extra=""):
    if isinstance(rsvp_or_event, Rsvp):
        base = f"{kind}:event:{rsvp_or_event.event_id}:family:{rsvp_or_event.family_id}"
    else:
        base = f"{kind}:event:{rsvp_or_event.pk}"
    return f"{base}{extra}"


def _recipient(rsvp: Rsvp):
    return outbox.resolve(f"family:{rsvp.family_id}")


def answer_saved(rsvp: Rsvp, previous_status: str | None) -> None:
    """After an answer: a confirmation now; reminders for those going; none for the others."""
    recipient = _recipient(rsvp)
    if recipient is None:
        return
    if rsvp.status != Rsvp.Status.GOING:
        cancel_reminders(rsvp)
    if rsvp.status == previous_status and rsvp.status != Rsvp.Status.GOING:
        return
    stamp = f":{timezone.now().timestamp():.0f}"
    if rsvp.status == Rsvp.Status.GOING and previous_status != Rsvp.Status.GOING:
        outbox.enqueue(
            recipient=recipient,
            kind="rsvp_going",
            key=_key("rsvp_going", rsvp, stamp),
            context={"event": rsvp.event_id},
        )
    elif rsvp.status == Rsvp.Status.WAITLISTED and previous_status != Rsvp.Status.WAITLISTED:
        outbox.enqueue(
            recipient=recipient,
            kind="rsvp_waitlisted",
            key=_key("rsvp_waitlisted", rsvp, stamp),
            context={"event": rsvp.event_id},
        )
    if rsvp.status == Rsvp.Status.GOING:
        schedule_reminders(rsvp, recipient)


def promoted(rsvp: Rsvp) -> None:
    recipient = _recipient(rsvp)
    if recipient is None:
        return
    stamp = f":{timezone.now().timestamp():.0f}"
    outbox.enqueue(
        recipient=recipient,
        kind="promoted",
        key=_key("promoted", rsvp, stamp),
        context={"event": rsvp.event_id},
    )
    schedule_reminders(rsvp, recipient)


def schedule_reminders(rsvp: Rsvp, recipient=None) -> None:
    """Reminders before the event; one whose time has already passed is not sent."""
    recipient = recipient or _recipient(rsvp)
    if recipient is None:
        return
    event = rsvp.event
    now = timezone.now()
    for minutes in event.reminder_offsets or settings.REMINDER_OFFSETS_MINUTES:
        due = event.starts_at - timedelta(minutes=minutes)
        if due <= now:
            continue
        outbox.enqueue(
            recipient=recipient,
            kind="reminder",
            key=_key("reminder", rsvp, f":{minutes}m:{event.starts_at.timestamp():.0f}"),
            due_at=due,
            context={"event": event.pk},
        )


def cancel_reminders(rsvp: Rsvp) -> int:
    return outbox.cancel(outbox.pending(_key("reminder", rsvp) + ":"))


def event_changed(event: Event) -> None:
    """Time or place changed: pending reminders move, and everyone going is told."""
    outbox.cancel(Message.objects.filter(kind="reminder", context__event=event.pk))
    stamp = f":{timezone.now().timestamp():.0f}"
    for rsvp in event.rsvps.filter(status=Rsvp.Status.GOING).select_related("event"):
        recipient = _recipient(rsvp)
        if recipient is None:
            continue
        outbox.enqueue(
            recipient=recipient,
            kind="event_changed",
            key=_key("event_changed", rsvp, stamp),
            context={"event": event.pk},
        )
        schedule_reminders(rsvp, recipient)


def event_cancelled(event: Event) -> int:
    outbox.cancel(Message.objects.filter(context__event=event.pk))
    told = 0
    for rsvp in event.rsvps.filter(status__in=[Rsvp.Status.GOING, Rsvp.Status.WAITLISTED]):
        recipient = _recipient(rsvp)
        if recipient and outbox.enqueue(
            recipient=recipient,
            kind="event_cancelled",
            key=_key("event_cancelled", rsvp),
            context={"event": event.pk},
        ):
            told += 1
    return told


# Rendering ------------------------------------------------------------------------------


def short_link(event: Event, language: str) -> str:
    """The event's short address, with the family's language prefix (/es/e/7)."""
    with translation.override(language):
        path = reverse("events:short", kwargs={"pk": event.pk})
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def sms_params(event: Event, language: str) -> dict:
    """Everything in an event's text but its title, in the current language."""
    when = formats.date_format(event.local_start, "SHORT_DATETIME_FORMAT")
    return {"when": when, "place": event.place, "link": short_link(event, language)}


def short_title(event: Event, language: str) -> str:
    """The title staff wrote for texts in this language, if any (never another language's:
    an English short title is no shorter for an Arabic reader)."""
    own = getattr(event, build_localized_fieldname("short_title", language), None)
    return (own or "").strip()


def sms_template(event: Event, kind: str, language: str) -> str:
    """The text with its title left open ("%(title)s"), its other parts as short as the
    fitter makes them before it cuts the title: what the admin's counter counts, the
    title staff type put in."""
    return TEXTS[kind]() % {**sms_params(event, language), "title": "%(title)s"}


def render(message: Message, recipient) -> outbox.Rendered:
    event = Event.objects.select_related("school", "district").get(pk=message.context["event"])
    params = sms_params(event, message.language)
    when, link = params["when"], params["link"]
    template = TEXTS[message.kind]()
    title = short_title(event, message.language) or event.title
    sms = fit(lambda title: template % {**params, "title": title}, title)
    school = event.school.name if event.school_id else event.district.name
    headline = template % {**params, "title": event.title, "link": ""}
    subject = f"{school}: {event.title}"
    fallback = not event.has_translation(message.language, "title") or (
        bool(event.description) and not event.has_translation(message.language, "description")
    )
    body = "\n\n".join(
        part for part in (template % {**params, "title": event.title}, event.description) if part
    )
    html = outbox.email_html(
        subject=subject,
        headline=headline.strip(),
        school=school,
        title=event.title,
        when=when,
        place=event.place,
        description=event.description,
        link=link,
        fallback=fallback,
    )
    return outbox.Rendered(
        sms=sms,
        email_subject=subject,
        email_body=body,
        email_html=html,
        voice_script=f"{school}. {headline.strip()}",
    )


def remind_now(event: Event) -> int:
    """Staff's "send a reminder now": one reminder to every family going, due at once."""
    stamp = f":now:{timezone.now().timestamp():.0f}"
    count = 0
    for rsvp in event.rsvps.filter(status=Rsvp.Status.GOING):
        recipient = _recipient(rsvp)
        if recipient and outbox.enqueue(
            recipient=recipient,
            kind="reminder",
            key=_key("reminder", rsvp, stamp),
            context={"event": event.pk},
        ):
            count += 1
    return count


def resend(message: Message) -> bool:
    """A person decided to try again a message that failed or is in doubt."""
    if message.status not in (Message.Status.FAILED, Message.Status.UNKNOWN):
        return False
    recipient = outbox.resolve(message.recipient)
    if recipient is None:
        return False
    return bool(
        outbox.enqueue(
            recipient=recipient,
            kind=message.kind,
            key=f"{message.idempotency_key}:again:{timezone.now().timestamp():.0f}",
            context=message.context,
        )
    )
