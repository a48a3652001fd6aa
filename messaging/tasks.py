"""Delivery: a dispatcher (beat, every minute) and a send task per batch of messages.

At most once: a send task claims its batch with one conditional UPDATE (queued → sending)
that is committed before the provider is called. A message found still "sending" after the
lease becomes "unknown" and is shown to staff; it is never sent again by itself. A worker
that dies in the middle of a batch leaves at most that batch in doubt.
Task arguments are ids only: no name, phone or email in Redis or the logs.
"""

import contextlib
import logging
import random
import time
from collections import Counter
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import connection, transaction
from django.db.models import Count
from django.dispatch import receiver
from django.utils import timezone, translation
from kombu.exceptions import OperationalError

from messaging import budget, channels, outbox, registry
from messaging.models import Message
from portal.languages import LANGUAGE_CODES

log = logging.getLogger("portal.messaging")

# Any number, the same in every process: only one dispatcher runs at a time.
DISPATCH_LOCK = 7_140_001


@shared_task(ignore_result=True)
def dispatch_due(batch_size: int | None = None) -> int:
    """Hand due messages to send tasks, batch after batch, until MESSAGING_MAX_IN_FLIGHT
    messages wait in the broker not yet started: a morning with 100,000 reminders is not
    limited to one batch a minute, and Redis is not flooded faster than workers send.
    One dispatcher at a time: a second (two beats by mistake, or a slow run overlapping the
    next) finds the lock taken and leaves at once, so the two never both count the room
    left and each fill it."""
    now = timezone.now()
    batch = batch_size or settings.MESSAGING_BATCH_SIZE
    with transaction.atomic():
        if not _dispatch_lock():
            return 0
        # First the leases: a message whose worker vanished shows as "unknown" to staff at
        # the first run after its lease ends, without a beat task of its own.
        expire_leases(now)
        redispatch_before = now - timedelta(seconds=settings.MESSAGING_REDISPATCH_SECONDS)
        # What the broker holds is counted in the database, not asked of Redis: handed out
        # recently and still queued means a task waiting for a worker. Older than that, the
        # task is presumed lost and the message is handed out again below.
        in_flight = Message.objects.filter(
            status=Message.Status.QUEUED, dispatched_at__gt=redispatch_before
        ).count()
        room = settings.MESSAGING_MAX_IN_FLIGHT - in_flight
        if room < batch // 2:
            # Not worth a run yet: fewer, larger runs put more messages that read the same
            # into each send task.
            return 0
        total = 0
        while room > 0:
            size = min(batch, room)
            count = len(dispatch_batch(size, now, redispatch_before))
            total += count
            room -= count
            if count < size:
                break
    return total


def _dispatch_lock() -> bool:
    """A lock held until the dispatcher's transaction ends (PostgreSQL); SQLite, for the
    demo, has one writer at a time anyway."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [DISPATCH_LOCK])
        return cursor.fetchone()[0]


def dispatch_batch(size: int, now, redispatch_before) -> list[int]:
    """One batch in one transaction: two SQL statements whatever its size."""
    with transaction.atomic():
        # SKIP LOCKED: another transaction's rows are left to it, never waited for or taken
        # twice.
        due = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(status=Message.Status.QUEUED, due_at__lte=now)
            .exclude(dispatched_at__gt=redispatch_before)
            .order_by("due_at")
            .values_list("pk", "channel", "kind", "language", "context")[:size]
        )
        Message.objects.filter(pk__in=[row[0] for row in due]).update(dispatched_at=now)
        chunks = send_chunks(due)
        # Published after commit: a lost publish is picked up again after the re-dispatch time.
        transaction.on_commit(lambda: [send_batch.delay(ids) for ids in chunks])
    return [row[0] for row in due]


def send_chunks(due) -> list[list[int]]:
    """Ids in send tasks: one channel per task, at most MESSAGING_SEND_BATCH messages and
    what the channel's pace sends in half a minute (a task must end well within its time
    limit); messages that read the same side by side, so each text is written once."""
    by_channel: dict[str, list] = {}
    for pk, channel, kind, language, context in due:
        by_channel.setdefault(channel, []).append((kind, str(context), language, pk))
    chunks = []
    for channel, rows in by_channel.items():
        rows.sort()
        pace = per_second(settings.MESSAGING_RATE_LIMITS.get(channel))
        size = settings.MESSAGING_SEND_BATCH
        if pace:
            size = max(1, min(size, int(pace * 30)))
        ids = [row[-1] for row in rows]
        chunks += [ids[i : i + size] for i in range(0, len(ids), size)]
    return chunks


def per_second(rate: str | None) -> float:
    """A Celery-style rate ("10/s", "100/m", "1000/h"; a bare number is per second)."""
    if not rate:
        return 0
    count, _, unit = rate.partition("/")
    return float(count) / {"s": 1, "m": 60, "h": 3600}.get(unit or "s", 1)


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


def claim(message_ids) -> list[Message]:
    """queued → sending, for exactly one worker; committed before anything is sent."""
    if isinstance(message_ids, int):
        message_ids = [message_ids]
    if not message_ids:
        return []
    # One conditional UPDATE is the whole claim: of two workers holding the same ids, the
    # database lets exactly one change each row. SKIP LOCKED: a row another transaction
    # holds (a dispatcher handing it out again) is left to it, not waited for. The try is
    # counted in the same statement, so a worker that dies after claiming has used it up.
    table = Message._meta.db_table
    columns = ", ".join(f'"{field.column}"' for field in Message._meta.concrete_fields)
    lock = (
        " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    )
    ids = ", ".join(["%s"] * len(message_ids))
    # Only our own table and column names are put in; the ids go as parameters.
    claimed = '"status" = %s, "claimed_at" = %s, "attempts" = "attempts" + 1'
    queued = f'SELECT "id" FROM "{table}" WHERE "id" IN ({ids}) AND "status" = %s'  # noqa: S608
    queued += lock
    sql = f'UPDATE "{table}" SET {claimed} WHERE "id" IN ({queued}) RETURNING {columns}'  # noqa: S608
    params = [Message.Status.SENDING, timezone.now(), *message_ids, Message.Status.QUEUED]
    with transaction.atomic():
        messages = list(Message.objects.raw(sql, params))
    return sorted(messages, key=lambda message: message.pk)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_batch(message_ids: list[int]) -> dict:
    """Send a batch. A task redelivered after its worker died finds its messages no longer
    queued and does nothing: the claim is the redelivery cap, counted in the database."""
    results = deliver_batch(message_ids)
    if results:
        # The room this batch leaves in the broker is filled now, not at the next beat: a
        # morning's reminders are not held to MESSAGING_MAX_IN_FLIGHT a minute. Only one
        # dispatcher runs at a time; the others leave at once. The broker gone: the beat
        # does it when it is back.
        with contextlib.suppress(OSError, OperationalError):
            dispatch_due.delay()
    return dict(Counter(results.values()))


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_message(message_id: int) -> str:
    """Send one message (and what tasks published before batches still hold)."""
    return deliver(message_id)


def _single(channel):
    # The per-channel tasks of before the batches: tasks still in the broker after an
    # upgrade are sent, not lost.
    @shared_task(
        name=f"messaging.tasks.send_{channel}",
        acks_late=True,
        reject_on_worker_lost=True,
        ignore_result=True,
    )
    def send(message_id: int) -> str:
        return deliver(message_id)

    return send


send_sms_message = _single("sms")
send_voice_message = _single("voice")
send_email_message = _single("email")


def deliver(message_id: int) -> str:
    """One message through the batch's code: "sent", "retry", "later", "failed",
    "cancelled", "unknown", or "not-claimed" when it was not queued."""
    return deliver_batch([message_id]).get(message_id, "not-claimed")


class Outcomes:
    """What happened to each claimed message, written in one statement at the end."""

    FIELDS = [
        "status",
        "last_error",
        "due_at",
        "dispatched_at",
        "attempts",
        "sent_at",
        "provider_id",
    ]

    def __init__(self):
        self.rows: dict[int, Message] = {}
        self.results: dict[int, str] = {}
        self.hand_overs: list[Message] = []
        self.in_doubt: int | None = None  # handed to the provider, no answer yet

    def finish(self, message: Message, status: str, reason: str, result: str = "") -> None:
        message.status, message.last_error = status, reason[:300]
        self.rows[message.pk] = message
        self.results[message.pk] = result or status
        if status != Message.Status.SENT:
            log.info("messaging.%s id=%s reason=%s", status, message.pk, reason[:80])

    def sent(self, message: Message, provider_id: str) -> None:
        message.sent_at = timezone.now()
        message.provider_id = str(provider_id)[:100]
        self.finish(message, Message.Status.SENT, "")
        log.info(
            "messaging.sent id=%s kind=%s channel=%s", message.pk, message.kind, message.channel
        )

    def back_to_queue(self, message: Message, due_at, reason: str, *, tried: bool, result: str):
        """Queued again for due_at; a try that did not happen is given back."""
        message.due_at, message.dispatched_at = due_at, None
        if not tried:
            message.attempts -= 1
        self.finish(message, Message.Status.QUEUED, reason, result)

    def hand_over(self, message: Message, channel: str) -> None:
        # A key derived from the original's: a task that runs twice, or a fall-back after a
        # fall-back, makes one message on the new channel, never two.
        self.hand_overs.append(
            Message(
                idempotency_key=f"{message.idempotency_key}:then:{channel}",
                recipient=message.recipient,
                channel=channel,
                language=message.language,
                kind=message.kind,
                context=message.context,
                due_at=timezone.now(),
            )
        )

    def write(self) -> None:
        with transaction.atomic():
            if self.rows:
                _update(list(self.rows.values()), self.FIELDS)
            if self.hand_overs:
                Message.objects.bulk_create(self.hand_overs, ignore_conflicts=True)


def _update(messages: list[Message], fields: list[str]) -> None:
    """Each message's own values in one statement: UPDATE … FROM (VALUES …) on PostgreSQL,
    which costs far less to build and run than bulk_update's CASE per field and row."""
    # Only rows still "sending": a row the lease's end made "unknown", or that an erasure
    # emptied meanwhile (outbox.forget), keeps what it says now; a provider id is never put
    # back on a forgotten family's row (RELIABILITY F4).
    if connection.vendor != "postgresql":
        Message.objects.filter(status=Message.Status.SENDING).bulk_update(messages, fields)
        return
    meta = Message._meta
    columns = [meta.get_field(name) for name in fields]
    casts = ["%s"] + [f"%s::{column.db_type(connection)}" for column in columns]
    row = "(" + ", ".join(casts) + ")"
    names = ", ".join(f'"{column.column}"' for column in columns)
    sets = ", ".join(f'"{column.column}" = v."{column.column}"' for column in columns)
    values = ", ".join([row] * len(messages))
    params = []
    for message in messages:
        params.append(message.pk)
        params += [
            column.get_db_prep_save(getattr(message, column.attname), connection)
            for column in columns
        ]
    # Only our own table and column names are put in; the values go as parameters.
    source = f'(VALUES {values}) AS v("id", {names})'
    sql = f'UPDATE "{meta.db_table}" AS m SET {sets} FROM {source} WHERE m."id" = v."id"'  # noqa: S608
    sql += ' AND m."status" = %s'
    params.append(Message.Status.SENDING)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def deliver_batch(message_ids: list[int]) -> dict[int, str]:
    messages = claim(message_ids)
    outcomes = Outcomes()
    if not messages:
        return {}
    waiting = list(messages)  # claimed, not yet decided
    batch = channels.Batch()
    allowance = budget.Allowance()
    try:
        _decide_before_sending(waiting, outcomes)
        to_send = [m for m in waiting if m.pk not in outcomes.rows]
        rendered = {"prefetched": _prefetch(to_send)}
        recipients = Recipients(to_send)
        allowance.reserve(
            [budget.tier_of_kind(m.kind) for m in to_send if m.channel in budget.PAID_CHANNELS]
        )
        for message in to_send:
            _send_one(message, outcomes, rendered, batch, recipients, allowance)
    finally:
        batch.close()
        # What the batch reserved and did not send (a message that failed to render, a
        # family that can no longer be reached, a stop) is given back to the day's budget.
        with contextlib.suppress(Exception):
            allowance.give_back()
        # A crash or the task's time limit in the middle: the message being sent is in
        # doubt and stays "sending" (unknown at the lease's end); those not yet tried go
        # back to the queue, their try given back, to be handed out again.
        for message in waiting:
            if message.pk not in outcomes.rows and message.pk != outcomes.in_doubt:
                outcomes.back_to_queue(
                    message,
                    message.due_at,
                    "not tried: the batch stopped",
                    tried=False,
                    result="not-tried",
                )
        outcomes.write()
    return outcomes.results


def _decide_before_sending(messages: list[Message], outcomes: Outcomes) -> None:
    """What the whole batch needs read, a few queries for all of it: the daily limit, what
    a later state supersedes, the recipients."""
    _hold_back_over_daily_limit(messages, outcomes)
    # Checked after the claim (one worker decides) and before the hand-over to another
    # channel: what a later answer or message replaces is not sent anywhere (RELIABILITY E8).
    for pk in _superseded_each([m for m in messages if m.pk not in outcomes.rows], outcomes):
        message = next(m for m in messages if m.pk == pk)
        outcomes.finish(
            message, Message.Status.CANCELLED, "superseded by a later answer or message"
        )
    left = [m for m in messages if m.pk not in outcomes.rows]
    # Resolved now, not when the message was queued: the row keeps no address, and the
    # family may have changed its number, its language or its channels since.
    recipients = outbox.resolve_many(m.recipient for m in left)
    for message in left:
        message.resolved = recipients.get(message.recipient)
        _reachable(message, outcomes)


def _reachable(message: Message, outcomes: Outcomes) -> bool:
    recipient = message.resolved
    if recipient is None or not recipient.channels:
        outcomes.finish(message, Message.Status.CANCELLED, "the family can no longer be reached")
        return False
    if message.channel not in recipient.channels:
        # The family turned this channel off (a STOP reply, a removed number) since the
        # message was scheduled: the next channel it accepts takes over.
        outcomes.hand_over(message, recipient.channels[0])
        outcomes.finish(
            message,
            Message.Status.CANCELLED,
            f"channel turned off; sent by {recipient.channels[0]}",
        )
        return False
    return True


# A batch paces its texts for up to its time limit: phones read longer ago than this are read
# again before the next text, so a family erased (or that replied STOP) meanwhile is not
# texted. One read for all the batch's messages left, at most once a second.
RESOLVED_FOR_SECONDS = 1.0


class Recipients:
    """The recipients of the messages a batch has still to send, read again when stale."""

    def __init__(self, messages: list[Message]):
        self.messages = messages
        self.read_at = time.monotonic()

    def still_reachable(self, message: Message, outcomes: Outcomes) -> bool:
        if time.monotonic() - self.read_at > RESOLVED_FOR_SECONDS:
            left = [m for m in self.messages if m.pk not in outcomes.rows]
            recipients = outbox.resolve_many(m.recipient for m in left)
            for other in left:
                other.resolved = recipients.get(other.recipient)
            self.read_at = time.monotonic()
        return _reachable(message, outcomes)


def _hold_back_over_daily_limit(messages: list[Message], outcomes: Outcomes) -> None:
    """Families are not flooded: past MESSAGING_DAILY_LIMIT messages in 24 hours, a message
    that can wait (not a reminder, change or cancellation) waits until the next morning. Its
    try is given back: put off for the family's sake, it was not tried."""
    can_wait = [m for m in messages if m.kind not in registry.TIME_CRITICAL_KINDS]
    if not can_wait:
        return
    since = timezone.now() - timedelta(hours=24)
    sent = dict(
        Message.objects.filter(
            recipient__in={m.recipient for m in can_wait},
            status=Message.Status.SENT,
            sent_at__gte=since,
        )
        .values_list("recipient")
        .annotate(n=Count("pk"))
        .order_by()
    )
    # Half a day on, then out of quiet hours: in practice the next morning, when the day's
    # count has room again.
    later = outbox.outside_quiet_hours(
        timezone.now() + timedelta(hours=12), settings.TIME_ZONE, Message.Channel.SMS
    )
    # A running count: the batch's own messages count as they are let through, or one
    # batch would send a family any number of notices at once. Those that cannot wait go
    # whatever the count, and count too.
    for message in messages:
        if message.kind in registry.TIME_CRITICAL_KINDS:
            sent[message.recipient] = sent.get(message.recipient, 0) + 1
    for message in can_wait:
        if sent.get(message.recipient, 0) >= settings.MESSAGING_DAILY_LIMIT:
            outcomes.back_to_queue(
                message,
                later,
                "waiting: the family's daily limit was reached",
                tried=False,
                result="later",
            )
        else:
            sent[message.recipient] = sent.get(message.recipient, 0) + 1


def _prefetch(messages: list[Message]) -> dict:
    """What the renderers read, one read per app for the batch (registry.prefetch)."""
    groups: dict[object, list[Message]] = {}
    for message in messages:
        read = registry.prefetch.get(message.kind)
        if read is not None:
            groups.setdefault(read, []).append(message)
    return {read: read(group) for read, group in groups.items()}


def _superseded(messages: list[Message]) -> set[int]:
    found: set[int] = set()
    by_check: dict[object, list[Message]] = {}
    for message in messages:
        check = registry.superseded.get(message.kind)
        if check is not None:
            by_check.setdefault(check, []).append(message)
        elif (one := registry.still_current.get(message.kind)) is not None and not one(message):
            found.add(message.pk)
    for check, group in by_check.items():
        found |= check(group)
    return found


def _superseded_each(messages: list[Message], outcomes: Outcomes) -> set[int]:
    """The batch's check, and if it raises (one message whose context no longer reads),
    each message on its own: only the one that fails is failed, the batch goes on."""
    try:
        return _superseded(messages)
    except Exception:  # noqa: BLE001 (any error of an app's check)
        found: set[int] = set()
        for message in messages:
            try:
                found |= _superseded([message])
            except Exception as error:  # noqa: BLE001
                _failed_to_prepare(message, error, outcomes)
        return found


def _failed_to_prepare(message: Message, error: Exception, outcomes: Outcomes) -> None:
    """A message that cannot be checked or written will not be on a later try either:
    failed at once, with a reason staff can read, its try counted; the log names the error's
    type only (its text may quote a name or a number)."""
    log.warning(
        "messaging.prepare-error id=%s kind=%s error=%s",
        message.pk,
        message.kind,
        type(error).__name__,
    )
    outcomes.finish(
        message,
        Message.Status.FAILED,
        f"the message could not be written ({type(error).__name__}); "
        "what it speaks of may have been deleted",
    )


# Texts written for earlier batches of this process, by a render key that carries the version
# of what the renderer read (messaging.registry.render_key): a morning's 100,000 reminders
# of 20 events in 15 languages are written 300 times, not once per batch they fall in. The
# oldest go first past RENDERED_KEPT; an edit of the event gives a new key, never a stale
# text.
RENDERED_KEPT = 512
_rendered_kept: dict = {}


@receiver(setting_changed)
def _settings_changed(**kwargs) -> None:
    # A text reads settings too (the portal's address); tests change them.
    _rendered_kept.clear()


def _keep_rendered(key, text) -> None:
    _rendered_kept[key] = text
    while len(_rendered_kept) > RENDERED_KEPT:
        del _rendered_kept[next(iter(_rendered_kept))]


def _send_one(
    message: Message,
    outcomes: Outcomes,
    rendered: dict,
    batch,
    recipients: Recipients,
    allowance: budget.Allowance,
) -> None:
    recipient = message.resolved
    # Each kind's renderer is registered by the app that sends it (messaging.registry).
    renderer = registry.renderers.get(message.kind)
    if renderer is None:
        # A kind nobody renders will not render on a later try either: failed at once, and
        # visible to staff, rather than retried five times.
        outcomes.finish(message, Message.Status.FAILED, f"no renderer for {message.kind}")
        return
    if message.language not in LANGUAGE_CODES:
        # A language the portal does not know would give English words and a link to a
        # page that does not exist: the recipient's own fallback (its school's language).
        message.language = recipient.language
    key_of = registry.render_key.get(message.kind)
    read = registry.prefetch.get(message.kind)
    prefetched = rendered["prefetched"][read] if read else None
    key = key_of(message, prefetched) if key_of else ("message", message.pk)
    if key not in rendered and key in _rendered_kept:
        rendered[key] = _rendered_kept[key]
    if key not in rendered:
        extra = {"prefetched": prefetched} if read else {}
        try:
            with translation.override(message.language):
                rendered[key] = renderer(message, recipient, **extra)
        except Exception as error:  # noqa: BLE001 (one message's error, not the batch's)
            _failed_to_prepare(message, error, outcomes)
            return
        if key_of and key[-1] is not None:
            _keep_rendered(key, rendered[key])
    # The budget is spent last, after every reason not to send: a message that fails to
    # render or cannot reach the family costs nothing.
    if message.channel in budget.PAID_CHANNELS and not allowance.take(
        budget.tier_of_kind(message.kind)
    ):
        tomorrow = (timezone.localtime() + timedelta(days=1)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        outcomes.back_to_queue(
            message,
            outbox.outside_quiet_hours(tomorrow, settings.TIME_ZONE, message.channel),
            "waiting: today's budget for texts and calls is spent",
            tried=False,
            result="later",
        )
        return
    pace(message.channel)
    if not recipients.still_reachable(message, outcomes):
        return
    recipient = message.resolved
    outcomes.in_doubt = message.pk
    try:
        provider_id = batch.send(message.channel, recipient, rendered[key])
    except channels.TransientError as error:
        outcomes.in_doubt = None
        _retry_later(message, str(error), outcomes)
    except channels.PermanentError as error:
        outcomes.in_doubt = None
        _fall_back(message, recipient, outcomes)
        outcomes.finish(message, Message.Status.FAILED, str(error))
    else:
        outcomes.sent(message, provider_id)
        outcomes.in_doubt = None


def pace(channel: str) -> None:
    """The channel's rate (MESSAGING_SMS_RATE, …), shared by every worker through the cache:
    each text takes the next free slot, 1/rate after the one before, and waits for it, so
    the provider sees an even pace, not a burst at the start of each second."""
    rate = per_second(settings.MESSAGING_RATE_LIMITS.get(channel))
    if not rate:
        return
    interval_ms = max(1, round(1000 / rate))
    key = f"messaging-pace:{channel}"
    now_ms = int(time.time() * 1000)
    try:
        slot = cache.incr(key, interval_ms) - interval_ms
    except ValueError:  # the first text in an hour
        slot = 0
    if slot < now_ms:
        # Idle until now: the schedule starts again from this text. Processes doing this at
        # the very same moment go together, a burst of at most one text each.
        cache.set(key, now_ms + interval_ms, 3600)
        return
    time.sleep((slot - now_ms) / 1000)


def _retry_later(message: Message, reason: str, outcomes: Outcomes) -> None:
    """Back to the queue with exponential backoff and jitter; due times live in the database,
    so no long countdown sits in the broker (RELIABILITY E4, E5)."""
    if message.attempts >= settings.MESSAGING_MAX_ATTEMPTS:
        outcomes.finish(
            message, Message.Status.FAILED, f"gave up after {message.attempts} tries: {reason}"
        )
        return
    # Doubling from MESSAGING_BACKOFF_SECONDS, at most an hour apart: after a long outage
    # the messages go out within the hour of the provider's return. The jitter spreads
    # messages that failed together so they do not all come back in the same second.
    delay = min(settings.MESSAGING_BACKOFF_SECONDS * 2 ** (message.attempts - 1), 3600)
    delay = delay * (0.5 + random.random())  # noqa: S311 (jitter, not security)
    outcomes.back_to_queue(
        message, timezone.now() + timedelta(seconds=delay), reason, tried=True, result="retry"
    )


def _fall_back(message: Message, recipient, outcomes: Outcomes) -> None:
    """A channel that cannot work hands over to the next one the family accepts."""
    channels_left = recipient.channels[recipient.channels.index(message.channel) + 1 :]
    if channels_left:
        outcomes.hand_over(message, channels_left[0])
