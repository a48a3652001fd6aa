"""The outbox: domain code schedules messages here inside its own transaction; the
dispatcher and the send task (messaging.tasks) deliver them. Messaging knows nothing of
families or events: a recipient resolver and one renderer per kind are registered by the
apps that own them (messaging.registry says who registers what)."""

import re
import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from messaging import registry
from messaging.models import Message


@dataclass
class Recipient:
    key: str
    language: str
    channels: list[str]  # in the order the family prefers; empty: nothing can reach them
    phone: str = ""
    email: str = ""
    time_zone: str = field(default_factory=lambda: settings.TIME_ZONE)
    # The resolver already left out texts for a number that replied STOP.
    texts_off_checked: bool = False


@dataclass
class Rendered:
    sms: str
    email_subject: str
    email_body: str
    email_html: str = ""
    voice_script: str = ""  # read aloud: no web address, which means nothing on a call
    # Asked at the end of a call, waiting for a key ("press 1 if you will come"): the provider
    # posts the key to messaging.views.voice_gather. "" when nothing is asked.
    voice_question: str = ""
    # The school the message is from, if any: an email's Reply-To names it, so that a reply
    # joins the family's conversation with that school (messaging.email_replies).
    school_id: int | None = None

    @property
    def voice(self) -> str:
        # A web address read aloud is noise, and a text's link must not reach a call when a
        # renderer wrote no script of its own: every address is left out here, for all kinds.
        return spoken(self.voice_script or self.sms)


WEB_ADDRESS = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)\S+", re.IGNORECASE)


def spoken(text: str) -> str:
    """The text of a call: without web addresses, and without the gaps they leave."""
    text = WEB_ADDRESS.sub("", text)
    text = re.sub(r"[ \t]+([.,;:!?。、])", r"\1", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def email_html(*, subject: str, headline: str, school: str, **details) -> str:
    """The HTML part of an email, in the active language and its direction. details: title,
    when, place, description, link, fallback (some of the event is shown in English), and
    title_in_english / description_in_english, which mark those parts lang="en" dir="ltr"
    so a screen reader reads them in English and an English line is not laid out
    right-to-left in an Arabic or Urdu email."""
    from django.template.loader import render_to_string
    from django.utils.translation import get_language

    from portal.languages import ENDONYMS, is_rtl

    language = get_language()
    return render_to_string(
        "messaging/email.html",
        {
            "subject": subject,
            "headline": headline,
            "school": school,
            "language": language,
            "language_name": ENDONYMS.get(language, language),
            "bidi": is_rtl(language),
            **details,
        },
    )


def english_fallback_note() -> str:
    """The sentence that tells a family, in its own language, that what follows is in
    English (the same words as the note in the HTML part and on the pages)."""
    from django.utils.translation import get_language, gettext

    from portal.languages import ENDONYMS

    language = get_language()
    return gettext("This part is not yet in %(language)s. It is shown in English.") % {
        "language": ENDONYMS.get(language, language)
    }


# Filled by the apps from their notices.py; the contract is in messaging.registry.
resolvers = registry.resolvers
renderers = registry.renderers
URGENT_KINDS = registry.URGENT_KINDS
TIME_CRITICAL_KINDS = registry.TIME_CRITICAL_KINDS


def resolve(recipient_key: str) -> Recipient | None:
    prefix, _, ident = recipient_key.partition(":")
    resolver = resolvers.get(prefix)
    return resolver(ident) if resolver else None


def resolve_many(recipient_keys) -> dict[str, Recipient | None]:
    """Every recipient of a batch, in a few queries per prefix when its app resolves many
    at once, else one by one."""
    by_prefix: dict[str, list[str]] = {}
    for key in set(recipient_keys):
        prefix, _, ident = key.partition(":")
        by_prefix.setdefault(prefix, []).append(ident)
    found: dict[str, Recipient | None] = {}
    for prefix, idents in by_prefix.items():
        many = registry.resolve_many.get(prefix)
        if many is not None:
            got = many(idents)
            found.update({f"{prefix}:{ident}": got.get(ident) for ident in idents})
        else:
            found.update({f"{prefix}:{ident}": resolve(f"{prefix}:{ident}") for ident in idents})
    return found


def outside_quiet_hours(when: datetime, time_zone: str, channel: str) -> datetime:
    """Texts and calls are not sent from 21:00 to 08:00 the recipient's time; they wait."""
    # An email waits quietly in the inbox; a text or a call wakes whoever holds the phone.
    if channel == Message.Channel.EMAIL or not settings.QUIET_HOURS:
        return when
    zone = zoneinfo.ZoneInfo(time_zone)
    local = timezone.localtime(when, zone)
    start, end = settings.QUIET_HOURS
    if local.time() >= time(start):
        morning = (local + timedelta(days=1)).replace(hour=end, minute=0, second=0, microsecond=0)
        return morning
    if local.time() < time(end):
        return local.replace(hour=end, minute=0, second=0, microsecond=0)
    return when


def enqueue(
    *,
    recipient: Recipient,
    kind: str,
    key: str,
    due_at: datetime | None = None,
    context: dict | None = None,
) -> Message | None:
    """Schedule one message on the recipient's first channel. Idempotent by key: the same
    key never makes a second message. Returns None when nothing can reach the recipient."""
    if not recipient.channels:
        return None
    channel = recipient.channels[0]
    due = due_at or timezone.now()
    if kind not in URGENT_KINDS:
        due = outside_quiet_hours(due, recipient.time_zone, channel)
    # The channel is part of the key: the same notice handed over to another channel is
    # another message, while the same notice scheduled twice on one channel is one.
    message, created = Message.objects.get_or_create(
        idempotency_key=f"{key}:{channel}",
        defaults={
            "recipient": recipient.key,
            "channel": channel,
            "language": recipient.language,
            "kind": kind,
            "context": context or {},
            "due_at": due,
        },
    )
    if not created and message.status == Message.Status.CANCELLED:
        # Scheduled again after a cancellation (not going, then going): the same message
        # comes back rather than a second one.
        message.status = Message.Status.QUEUED
        message.due_at = due
        message.language = recipient.language
        message.dispatched_at = None
        message.save(update_fields=["status", "due_at", "language", "dispatched_at"])
    return message


def cancel(queryset: QuerySet) -> int:
    """Cancel messages not yet handed to a provider."""
    return queryset.filter(status=Message.Status.QUEUED).update(status=Message.Status.CANCELLED)


def pending(key_prefix: str) -> QuerySet:
    return Message.objects.filter(
        idempotency_key__startswith=key_prefix, status=Message.Status.QUEUED
    )


def forget(recipient_key: str) -> int:
    """On erasure: messages still waiting (or never sent) go; those already handed to a
    provider stay for the delivery figures, with ids only: a notice's text, the provider's
    id (its logs hold the number) and the provider's error (it may quote the number) go."""
    messages = Message.objects.filter(recipient=recipient_key)
    removed = messages.filter(
        status__in=[Message.Status.QUEUED, Message.Status.CANCELLED]
    ).delete()[0]
    # A batch sending to the family right now: its row becomes "unknown" (it may have been
    # texted a moment ago), and the batch's outcome, written only to rows still "sending",
    # cannot put the provider's id back on it.
    messages.filter(status=Message.Status.SENDING).update(
        status=Message.Status.UNKNOWN, provider_id="", last_error=""
    )
    for message in messages:
        message.context = {k: v for k, v in message.context.items() if isinstance(v, int)}
        message.provider_id = ""
        message.last_error = ""
        message.save(update_fields=["context", "provider_id", "last_error"])
    return removed


def send_at_once(*, kind: str, channel: str, phone: str, language: str, text: str) -> Message:
    """For what a person waits for with the phone in hand (a login code): one outbox row,
    claimed and sent within the request, not queued, since a code that arrives minutes
    later is useless. The row says what happened; neither the text (it holds the secret)
    nor the number is stored, and the row is tied to no family."""
    import uuid

    from messaging import channels

    now = timezone.now()
    message = Message.objects.create(
        recipient="login",
        channel=channel,
        language=language,
        kind=kind,
        due_at=now,
        status=Message.Status.SENDING,
        attempts=1,
        dispatched_at=now,
        claimed_at=now,
        idempotency_key=f"{kind}:{uuid.uuid4().hex}",
    )
    recipient = Recipient(key="login", language=language, channels=[channel], phone=phone)
    try:
        provider_id = channels.send(
            channel, recipient, Rendered(sms=text, email_subject="", email_body=text)
        )
    except (channels.TransientError, channels.PermanentError) as error:
        message.status, message.last_error = Message.Status.FAILED, str(error)[:300]
    else:
        message.status, message.provider_id = Message.Status.SENT, str(provider_id)[:100]
        message.sent_at = timezone.now()
    message.save(update_fields=["status", "last_error", "provider_id", "sent_at"])
    return message
