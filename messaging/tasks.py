"""Delivery: a dispatcher (beat, every minute) and a send task per message.

At most once: a send task claims its message with a conditional UPDATE (queued → sending)
that is committed before the provider is called. A message found still "sending" after the
lease becomes "unknown" and is shown to staff; it is never sent again by itself.
Task arguments are ids only: no name, phone or email in Redis or the logs.
"""

import logging
import random
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from messaging import budget, channels, outbox, registry
from messaging.models import Message
from portal.languages import LANGUAGE_CODES

log = logging.getLogger("portal.messaging")


@shared_task(ignore_result=True)
def dispatch_due(batch_size: int | None = None) -> int:
    """Hand due messages to send tasks, batch after batch, until the broker holds
    MESSAGING_MAX_IN_FLIGHT tasks not yet started: a morning with 100,000 reminders is not
    limited to one batch a minute, and Redis is not flooded faster than workers send.
    Safe to run in parallel (SKIP LOCKED)."""
    now = timezone.now()
    batch = batch_size or settings.MESSAGING_BATCH_SIZE
    # First the leases: a message whose worker vanished shows as "unknown" to staff at the
    # first run after its lease ends, without a beat task of its own.
    expire_leases(now)
    redispatch_before = now - timedelta(seconds=settings.MESSAGING_REDISPATCH_SECONDS)
    # What the broker holds is counted in the database, not asked of Redis: handed out
    # recently and still queued means a task waiting for a worker. Older than that, the
    # task is presumed lost and the message is handed out again below.
    in_flight = Message.objects.filter(
        status=Message.Status.QUEUED, dispatched_at__gt=redispatch_before
    ).count()
    room = settings.MESSAGING_MAX_IN_FLIGHT - in_flight
    total = 0
    while room > 0:
        size = min(batch, room)
        count = len(dispatch_batch(size, now, redispatch_before))
        total += count
        room -= count
        if count < size:
            break
    return total


def dispatch_batch(size: int, now, redispatch_before) -> list[int]:
    """One batch in one transaction: two SQL statements whatever its size."""
    with transaction.atomic():
        # SKIP LOCKED: a second dispatcher (two beats by mistake, or a slow run overlapping
        # the next) takes other rows instead of waiting for these or taking them twice.
        due = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(status=Message.Status.QUEUED, due_at__lte=now)
            .exclude(dispatched_at__gt=redispatch_before)
            .order_by("due_at")
            .values_list("pk", "channel")[:size]
        )
        Message.objects.filter(pk__in=[pk for pk, _ in due]).update(dispatched_at=now)
        # Published after commit: a lost publish is picked up again after the re-dispatch time.
        transaction.on_commit(lambda: [sender(channel).delay(pk) for pk, channel in due])
    return [pk for pk, _ in due]


def expire_leases(now=None) -> int:
    now = now or timezone.now()
    lease = timedelta(seconds=settings.MESSAGING_LEASE_SECONDS)
    count = Message.objects.filter(
        status=Message.Status.SENDING, claimed_at__lt=now - lease
    ).update(
        status=Message.Status.UNKNOWN, last_error="no answer from the worker before the lease ended"
    )
    if count:
        log.warning("messaging.unknown count=%s", count)
    return count


def claim(message_id: int) -> bool:
    """queued → sending, for exactly one worker; committed before anything is sent."""
    # One conditional UPDATE is the whole claim: of two workers holding the same task, the
    # database lets exactly one change the row. The try is counted in the same statement,
    # so a worker that dies after claiming has still used it up.
    with transaction.atomic():
        claimed = Message.objects.filter(pk=message_id, status=Message.Status.QUEUED).update(
            status=Message.Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
        )
    return claimed == 1


def over_daily_limit(message: Message) -> bool:
    """Families are not flooded: past MESSAGING_DAILY_LIMIT messages in 24 hours, a message
    that can wait (not a reminder, change or cancellation) waits until the next morning."""
    if message.status != Message.Status.QUEUED or message.kind in registry.TIME_CRITICAL_KINDS:
        return False
    since = timezone.now() - timedelta(hours=24)
    sent = Message.objects.filter(
        recipient=message.recipient, status=Message.Status.SENT, sent_at__gte=since
    ).count()
    if sent < settings.MESSAGING_DAILY_LIMIT:
        return False
    # Half a day on, then out of quiet hours: in practice the next morning, when the day's
    # count has room again. It stays queued, so no try is used.
    later = outbox.outside_quiet_hours(
        timezone.now() + timedelta(hours=12), settings.TIME_ZONE, Message.Channel.SMS
    )
    Message.objects.filter(pk=message.pk, status=Message.Status.QUEUED).update(
        due_at=later, dispatched_at=None, last_error="waiting: the family's daily limit was reached"
    )
    return True


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_message(message_id: int) -> str:
    """Send one message. A task redelivered after its worker died finds the message no longer
    queued and does nothing: the claim is the redelivery cap, counted in the database."""
    return deliver(message_id)


def _channel_task(channel: str):
    # One task per channel so each has its own rate limit (a provider's pace for texts is not
    # its pace for calls or emails). Celery applies rate limits per worker process.
    @shared_task(
        name=f"messaging.tasks.send_{channel}",
        acks_late=True,
        reject_on_worker_lost=True,
        ignore_result=True,
        rate_limit=settings.MESSAGING_RATE_LIMITS.get(channel),
    )
    def send(message_id: int) -> str:
        return deliver(message_id)

    return send


send_sms_message = _channel_task("sms")
send_voice_message = _channel_task("voice")
send_email_message = _channel_task("email")


def sender(channel: str):
    return {
        "sms": send_sms_message,
        "voice": send_voice_message,
        "email": send_email_message,
    }.get(channel, send_message)


def deliver(message_id: int) -> str:
    message = Message.objects.filter(pk=message_id).first()
    if message is None:
        return "gone"
    # The daily limit is checked before the claim: a message put off for the family's sake
    # has not been tried, so it must not count against MESSAGING_MAX_ATTEMPTS.
    if over_daily_limit(message):
        return "later"
    if not claim(message_id):
        return "not-claimed"
    message.attempts += 1  # as the claim counted it
    # Checked after the claim (one worker decides) and before the hand-over to another
    # channel: what a later answer or message replaces is not sent anywhere (RELIABILITY E8).
    current = registry.still_current.get(message.kind)
    if current is not None and not current(message):
        return _finish(message, Message.Status.CANCELLED, "superseded by a later answer or message")
    # Resolved now, not when the message was queued: the row keeps no address, and the
    # family may have changed its number, its language or its channels since.
    recipient = outbox.resolve(message.recipient)
    if recipient is None or not recipient.channels:
        return _finish(message, Message.Status.CANCELLED, "the family can no longer be reached")
    if message.channel not in recipient.channels:
        # The family turned this channel off (a STOP reply, a removed number) since the
        # message was scheduled: the next channel it accepts takes over.
        _hand_over(message, recipient.channels[0])
        return _finish(
            message,
            Message.Status.CANCELLED,
            f"channel turned off; sent by {recipient.channels[0]}",
        )
    # Each kind's renderer is registered by the app that sends it (messaging.registry).
    renderer = registry.renderers.get(message.kind)
    if renderer is None:
        # A kind nobody renders will not render on a later try either: failed at once, and
        # visible to staff, rather than retried five times.
        return _finish(message, Message.Status.FAILED, f"no renderer for {message.kind}")
    if message.language not in LANGUAGE_CODES:
        # A language the portal does not know would give English words and a link to a
        # page that does not exist: the recipient's own fallback (its school's language).
        message.language = recipient.language
    with translation.override(message.language):
        rendered = renderer(message, recipient)
    # The budget is spent last, after every reason not to send: a message that fails to
    # render or cannot reach the family costs nothing.
    if message.channel in budget.PAID_CHANNELS and not budget.spend(
        budget.tier_of_kind(message.kind)
    ):
        return _wait_for_tomorrow(message, "waiting: today's budget for texts and calls is spent")
    try:
        provider_id = channels.send(message.channel, recipient, rendered)
    except channels.TransientError as error:
        return _retry_later(message, str(error))
    except channels.PermanentError as error:
        _fall_back(message, recipient)
        return _finish(message, Message.Status.FAILED, str(error))
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENT,
        sent_at=timezone.now(),
        provider_id=str(provider_id)[:100],
        last_error="",
    )
    log.info("messaging.sent id=%s kind=%s channel=%s", message.pk, message.kind, message.channel)
    return "sent"


def _finish(message: Message, status: str, reason: str) -> str:
    Message.objects.filter(pk=message.pk).update(status=status, last_error=reason[:300])
    log.info("messaging.%s id=%s reason=%s", status, message.pk, reason[:80])
    return status


def _wait_for_tomorrow(message: Message, reason: str) -> str:
    """Back to the queue until the next morning; the claim's attempt did not happen."""
    tomorrow = (timezone.localtime() + timedelta(days=1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.QUEUED,
        due_at=outbox.outside_quiet_hours(tomorrow, settings.TIME_ZONE, message.channel),
        dispatched_at=None,
        attempts=F("attempts") - 1,
        last_error=reason[:300],
    )
    log.info("messaging.later id=%s reason=budget", message.pk)
    return "later"


def _retry_later(message: Message, reason: str) -> str:
    """Back to the queue with exponential backoff and jitter; due times live in the database,
    so no long countdown sits in the broker (RELIABILITY E4, E5)."""
    if message.attempts >= settings.MESSAGING_MAX_ATTEMPTS:
        return _finish(
            message, Message.Status.FAILED, f"gave up after {message.attempts} tries: {reason}"
        )
    # Doubling from MESSAGING_BACKOFF_SECONDS, at most an hour apart: after a long outage
    # the messages go out within the hour of the provider's return. The jitter spreads
    # messages that failed together so they do not all come back in the same second.
    delay = min(settings.MESSAGING_BACKOFF_SECONDS * 2 ** (message.attempts - 1), 3600)
    delay = delay * (0.5 + random.random())  # noqa: S311 (jitter, not security)
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.QUEUED,
        due_at=timezone.now() + timedelta(seconds=delay),
        dispatched_at=None,
        last_error=reason[:300],
    )
    return "retry"


def _fall_back(message: Message, recipient) -> None:
    """A channel that cannot work hands over to the next one the family accepts."""
    channels_left = recipient.channels[recipient.channels.index(message.channel) + 1 :]
    if channels_left:
        _hand_over(message, channels_left[0])


def _hand_over(message: Message, channel: str) -> None:
    # A key derived from the original's: a task that runs twice, or a fall-back after a
    # fall-back, makes one message on the new channel, never two.
    Message.objects.get_or_create(
        idempotency_key=f"{message.idempotency_key}:then:{channel}",
        defaults={
            "recipient": message.recipient,
            "channel": channel,
            "language": message.language,
            "kind": message.kind,
            "context": message.context,
            "due_at": timezone.now(),
        },
    )
