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

import re
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from modeltranslation.utils import build_localized_fieldname

from events.models import Event, Rsvp
from messaging import dates, outbox, registry
from messaging.models import Message
from messaging.segments import fit, shorten, without_accents

# The kinds, each with its words: what, when and where, then the link (never only the link).
TEXTS = {
    "rsvp_going": lambda: gettext(
        'You are on the list for "%(title)s": %(when)s, %(place)s. %(link)s'
    ),
    "rsvp_waitlisted": lambda: gettext(
        '"%(title)s" (%(when)s, %(place)s) is full. You are on the waiting list. %(link)s'
    ),
    "reminder": lambda: gettext('Reminder: "%(title)s", %(when)s, %(place)s. %(link)s'),
    "promoted": lambda: gettext(
        'Good news: a place opened for you. "%(title)s", %(when)s, %(place)s. %(link)s'
    ),
    "event_changed": lambda: gettext('Change: "%(title)s" is now %(when)s, %(place)s. %(link)s'),
    "event_cancelled": lambda: gettext(
        'Cancelled: "%(title)s", %(when)s, %(place)s. We are sorry. %(link)s'
    ),
}
KINDS = tuple(TEXTS)
TIME_CRITICAL = ("reminder", "event_changed", "event_cancelled")


def answerable(event: Event, kind: str) -> bool:
    """Whether a text about the event can still be answered by reply: not a cancellation,
    not once the event has started or the date to answer has passed. A draft counts as
    answerable: staff preview its texts before publishing, and drafts are never sent."""
    now = timezone.now()
    return (
        kind != "event_cancelled"
        and event.status != Event.Status.CANCELLED
        and event.starts_at > now
        and (event.rsvp_deadline is None or event.rsvp_deadline > now)
    )


def reply_line(event: Event, kind: str) -> str:
    """How to answer by reply, at the end of an event's text (conversations/replies.py turns
    the "1" or "2" into the answer); "" where an answer no longer makes sense."""
    return " " + gettext("Reply 1 if you will come, 2 if not.") if answerable(event, kind) else ""


def press_line(event: Event, kind: str) -> str:
    """The same at the end of a call, read inside the provider's <Gather>."""
    return gettext("Press 1 if you will come, 2 if not.") if answerable(event, kind) else ""


def register() -> None:
    registry.register_renderer(
        KINDS,
        render,
        time_critical=TIME_CRITICAL,
        current=still_current,
        current_many=superseded,
        key=render_key,
        read_ahead=events_of,
    )


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
    # To the microsecond: "going", "not going", "going" again within one second (a reply
    # by text right after the site) is two confirmations, not one kept from the first.
    stamp = f":{timezone.now().timestamp():.6f}"
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


# Superseded messages --------------------------------------------------------------------

# What each kind says about the family's answer: a message whose answer has since changed
# is not sent (a confirmation for "going" after the family said no; "waiting list" once a
# place opened).
ANSWER_FOR_KIND = {
    "rsvp_going": Rsvp.Status.GOING,
    "rsvp_waitlisted": Rsvp.Status.WAITLISTED,
    "promoted": Rsvp.Status.GOING,
    "reminder": Rsvp.Status.GOING,
    "event_changed": Rsvp.Status.GOING,
}
# A "remind now" and another reminder for one event closer than this are the same reminder
# twice (pressed again, or both held back until 08:00): the second is not sent.
REMINDER_GAP = timedelta(hours=1)


def still_current(message: Message) -> bool:
    """Asked for one message (messaging.registry.still_current; RELIABILITY E8)."""
    return message.pk not in superseded([message])


def superseded(messages: list[Message]) -> set[int]:
    """The messages of a batch that a later state supersedes, asked by the send task just
    before sending (messaging.registry.superseded; RELIABILITY E8). Three queries for the
    whole batch: the events, the answers, the family's other messages of the same kinds."""
    event_ids = {m.context.get("event") for m in messages}
    events = dict(
        Event.objects.filter(pk__in=[e for e in event_ids if isinstance(e, int)]).values_list(
            "pk", "status"
        )
    )
    out: set[int] = set()
    asked = []  # (message, event id, family id, the answer its kind speaks for)
    for message in messages:
        event_id = message.context.get("event")
        status = events.get(event_id)
        if status is None:
            # The event was deleted (staff, the admin) while its messages waited: nothing
            # left to speak of, and the renderer would fail on every try.
            out.add(message.pk)
            continue
        if message.kind == "event_cancelled":
            if status != Event.Status.CANCELLED:
                out.add(message.pk)
            continue
        if status == Event.Status.CANCELLED:
            out.add(message.pk)
            continue
        prefix, _, family_id = message.recipient.partition(":")
        answer = ANSWER_FOR_KIND.get(message.kind)
        if prefix == "family" and answer is not None and family_id.isdigit():
            asked.append((message, event_id, int(family_id), answer))
    if not asked:
        return out
    answers = {
        (event_id, family_id): status
        for event_id, family_id, status in Rsvp.objects.filter(
            event_id__in={a[1] for a in asked}, family_id__in={a[2] for a in asked}
        ).values_list("event_id", "family_id", "status")
    }
    still = []
    for message, event_id, family_id, answer in asked:
        if answers.get((event_id, family_id)) != answer:
            out.add(message.pk)
        else:
            still.append((message, event_id))
    if not still:
        return out
    # The family's other messages of these kinds, read once for the batch: the rows as they
    # are now, the batch's own included (claimed: "sending").
    others: dict[tuple, list] = {}
    rows = Message.objects.filter(
        recipient__in={m.recipient for m, _ in still},
        kind__in={m.kind for m, _ in still},
        status__in=[Message.Status.QUEUED, Message.Status.SENDING, Message.Status.SENT],
    ).values_list("pk", "recipient", "kind", "context", "status", "sent_at", "idempotency_key")
    for pk, recipient, kind, context, status, sent_at, key in rows:
        others.setdefault((recipient, kind, context.get("event")), []).append(
            (pk, status, sent_at, key)
        )
    recent = timezone.now() - REMINDER_GAP
    for message, event_id in still:
        same = [
            row
            for row in others.get((message.recipient, message.kind, event_id), [])
            if row[0] != message.pk
        ]
        if message.kind == "reminder":
            if ":now:" not in message.idempotency_key:
                # Scheduled reminders (two days and three hours before) are meant to be two;
                # only staff's "remind now" duplicates one of them.
                same = [row for row in same if ":now:" in row[3]]
            # Two reminders claimed at once (both held for 08:00, two workers, one batch)
            # must not drop each other: only the one claimed first, or one already sent,
            # counts.
            if any(
                (status == Message.Status.SENDING and pk < message.pk)
                or (status == Message.Status.SENT and sent_at and sent_at >= recent)
                for pk, status, sent_at, _ in same
            ):
                out.add(message.pk)
        # A later message of the same kind says the same, from the rows as they are then.
        elif any(pk > message.pk for pk, *_ in same):
            out.add(message.pk)
    return out


def render_key(message: Message, prefetched: dict | None = None):
    """What a text depends on: the renderer reads the event (with its school and district)
    in the message's language, never the family (messaging.registry.render_key). With the
    batch's events read ahead, the key carries the version of the rows read, so a text
    written for an earlier batch is used again only while none of them changed."""
    event = message.context.get("event")
    version = (prefetched or {}).get("versions", {}).get(event)
    return (message.kind, event, message.language, version)


def _version(event: Event) -> str:
    """Every column the renderer can read, of the event, its school and its district: any
    edit gives another version (a title in any language, the time, the place, the school's
    name or zone)."""
    rows = [event, event.school, event.district]
    return repr(
        [
            [getattr(row, field.attname) for field in type(row)._meta.concrete_fields]
            for row in rows
            if row is not None
        ]
    )


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


def page_link(event: Event, language: str) -> str:
    """The event's page (/es/events/7/): longer, and the first choice when it fits."""
    with translation.override(language):
        path = event.get_absolute_url()
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def short_title(event: Event, language: str) -> str:
    """The title staff wrote for texts in this language, if any (never another language's:
    an English short title is no shorter for an Arabic reader)."""
    own = getattr(event, build_localized_fieldname("short_title", language), None)
    if own is None:  # no per-language field: the plain attribute, if the model has one
        own = getattr(event, "short_title", "")
    return (own or "").strip()


def sms_variants(event: Event, language: str) -> list[dict]:
    """What a text can shorten before the title, longest first: the weekday goes, then the
    long link, then the place is cut to its first part ("Library, room 104" -> "Library")."""
    zone = str(event.time_zone)  # the zone's name, as messaging.dates takes it
    long_date = dates.long_when(event.starts_at, language, zone)
    short_date = dates.short_when(event.starts_at, language, zone)
    page, short = page_link(event, language), short_link(event, language)
    place = event.place
    first_part = shorten(place.split(",")[0].strip(), 30)
    variants = [
        {"when": long_date, "place": place, "link": page},
        {"when": short_date, "place": place, "link": page},
        {"when": short_date, "place": place, "link": short},
    ]
    if first_part != place:
        variants.append({"when": short_date, "place": first_part, "link": short})
    return variants


def sms_last_resort(event: Event, language: str, kind: str) -> list[dict]:
    """Only when 25 characters of the title do not fit otherwise: the text without the
    place (the link has it), though never a change of place, where the place is the news."""
    if kind == "event_changed":
        return []
    short_date = dates.short_when(event.starts_at, language, str(event.time_zone))
    return [{"when": short_date, "place": NO_PLACE, "link": short_link(event, language)}]


# Left out with the separator before it (", ", "، ", "，"): every catalog puts the place
# right after the time, so the sentence stays whole without it.
NO_PLACE = "\x00"
_NO_PLACE = re.compile(r"\s*[,،，]?\s*\x00")


def sms_text(template: str, params: dict) -> str:
    return _NO_PLACE.sub("", template % params)


def sms_template(event: Event, kind: str, language: str) -> str:
    """The text with its title left open ("%(title)s"), its other parts as short as the
    fitter makes them before it cuts the title: what the admin's counter counts, the
    title staff type put in."""
    shortest = sms_variants(event, language)[-1]
    return sms_text(TEXTS[kind]() + reply_line(event, kind), {**shortest, "title": "%(title)s"})


def events_of(messages: list[Message]) -> dict:
    """The events a batch of messages tells of, in one query (messaging.registry.prefetch)."""
    ids = {m.context.get("event") for m in messages}
    events = Event.objects.select_related("school", "district")
    events = events.in_bulk([i for i in ids if isinstance(i, int)])
    return {"events": events, "versions": {pk: _version(event) for pk, event in events.items()}}


def render(message: Message, recipient, prefetched: dict | None = None) -> outbox.Rendered:
    event = (prefetched or {}).get("events", {}).get(message.context["event"])
    if event is None:
        event = Event.objects.select_related("school", "district").get(pk=message.context["event"])
    language = message.language
    # The month by its name, at the event's place: short in a text (sms_variants), with the
    # weekday in a call or an e-mail.
    when = dates.long_when(event.starts_at, language, str(event.time_zone))
    link = short_link(event, language)
    params = {"when": when, "place": event.place, "link": link}
    template = TEXTS[message.kind]()
    # The reply line is one more part the fitter can shorten: the title is cut first, down to
    # its 25 characters; then the place goes (the link has it); then the accents the GSM
    # alphabet lacks (a Spanish or French text of 153 characters a part instead of 67, as
    # people type on a phone); only then the line, and the place of a change never.
    reply = reply_line(event, message.kind)
    variants = [{**variant, "reply": reply} for variant in sms_variants(event, language)]
    no_place = sms_last_resort(event, language, message.kind)
    last_resort = []
    if reply:
        last_resort += [{**variant, "reply": reply} for variant in no_place]
        last_resort += [
            {**variant, "reply": reply, "plain": True} for variant in (variants[-1], *no_place)
        ]
        last_resort += [{**variants[-1], "reply": ""}]
    last_resort += [{**variant, "reply": ""} for variant in no_place]

    def write(title, reply, plain=False, **variant):
        text = sms_text(template, {**params, **variant, "title": title}) + reply
        return without_accents(text) if plain else text

    sms = fit(write, short_title(event, language) or event.title, variants, last_resort=last_resort)
    school = event.school.name if event.school_id else event.district.name
    headline = template % {**params, "title": event.title, "link": ""}
    subject = f"{school}: {event.title}"
    title_in_english = not event.has_translation(language, "title")
    description_in_english = bool(event.description) and not event.has_translation(
        language, "description"
    )
    fallback = title_in_english or description_in_english
    # The plain part says so too, before the English words (a reader of the text part sees
    # no colour or lang attribute).
    english_note = outbox.english_fallback_note() if fallback else ""
    body = "\n\n".join(
        part
        for part in (template % {**params, "title": event.title}, english_note, event.description)
        if part
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
        title_in_english=title_in_english,
        description_in_english=description_in_english,
    )
    return outbox.Rendered(
        sms=sms,
        email_subject=subject,
        email_body=body,
        email_html=html,
        voice_script=f"{school}. {headline.strip()}",
        voice_question=press_line(event, message.kind),
        # A reply by email joins the family's conversation with the event's school.
        school_id=event.school_id,
    )


def remind_now(event: Event) -> list[Message]:
    """Staff's "send a reminder now": one reminder to every family going, due at once (or
    after the quiet hours), at most one per family and event per day however often it is
    pressed. Returns the reminders it queued, for staff to be told how many and when."""
    day = timezone.localdate(timezone.now(), event.time_zone).isoformat()
    queued = []
    for rsvp in event.rsvps.filter(status=Rsvp.Status.GOING):
        key = _key("reminder", rsvp, f":now:{day}")
        already = Message.objects.filter(idempotency_key__startswith=f"{key}:").exclude(
            status=Message.Status.CANCELLED
        )
        recipient = None if already.exists() else _recipient(rsvp)
        message = recipient and outbox.enqueue(
            recipient=recipient, kind="reminder", key=key, context={"event": event.pk}
        )
        if message:
            queued.append(message)
    return queued


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
