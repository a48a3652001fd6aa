"""Send tasks in batches (RELIABILITY E3, E4, E5): a batch costs the same few statements
whatever its size, retries that failed together come back spread out, one dispatcher at a
time keeps the broker within its limit, and a batch never waits on a message another
transaction holds."""

import base64
import json
import threading
import time
from datetime import timedelta

import psycopg
import pytest
import redis
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from messaging import sms
from messaging.models import Message
from messaging.tasks import deliver_batch, dispatch_due
from tests.messaging.test_chaos import many_messages

pytestmark = [pytest.mark.pg, pytest.mark.django_db]


def due_ids():
    return list(Message.objects.filter(status="queued").values_list("pk", flat=True))


@pytest.mark.parametrize("size", [10, 60])
def test_a_batch_costs_the_same_statements_whatever_its_size(school_a, size, settings):
    """Claim, the events, answers and other messages (superseded?), the families and their
    opt-outs, the event once per language, the outcomes: the same count for 10 or 60.
    Unpaced: a paced batch reads its families' phones again once a second (a family erased
    meanwhile is not texted), a cost of the time it takes, not of its size."""
    settings.MESSAGING_RATE_LIMITS = {**settings.MESSAGING_RATE_LIMITS, "sms": None}
    many_messages(school_a, size)
    ids = due_ids()
    started = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        results = deliver_batch(ids)
    # Nine statements and, inside the test's transaction, a savepoint around each write;
    # on a loaded machine a batch may pass a second, and the phones are read again (two
    # statements per second begun): time, not size.
    seconds = int(time.monotonic() - started)
    assert len(queries) <= 12 + 2 * seconds, [q["sql"][:120] for q in queries]
    assert list(results.values()) == ["sent"] * size
    assert len(sms.outbox) == size == len({text["to"] for text in sms.outbox})
    assert Message.objects.filter(status="sent").count() == size


@pytest.mark.parametrize("size", [20, 40])
def test_a_paced_batch_reads_the_phones_again_at_most_once_a_second(
    school_a, size, settings, django_assert_max_num_queries
):
    """At 20 texts a second, 20 or 40 texts take 1 or 2 seconds: the families and their
    opt-outs (two statements) are read again about once a second, not before every text."""
    settings.MESSAGING_RATE_LIMITS = {**settings.MESSAGING_RATE_LIMITS, "sms": "20/s"}
    many_messages(school_a, size)
    ids = due_ids()
    with django_assert_max_num_queries(12 + 2 * (size // 20)):
        results = deliver_batch(ids)
    assert list(results.values()) == ["sent"] * size


def test_messages_that_failed_together_come_back_spread_out(school_a, settings):
    """The jitter: forty texts refused together by a provider in trouble are not all tried
    again in the same second, which would hit the provider as it comes back."""
    from tests.fakes import FlakySmsBackend

    settings.SMS_BACKEND = "tests.fakes.FlakySmsBackend"
    FlakySmsBackend.calls = -100  # down for now
    many_messages(school_a, 40)
    before = timezone.now()
    assert set(deliver_batch(due_ids()).values()) == {"retry"}
    took = (timezone.now() - before).total_seconds()
    waits = [
        (due - before).total_seconds()
        for due in Message.objects.filter(status="queued").values_list("due_at", flat=True)
    ]
    assert len(waits) == 40
    # The first wait is MESSAGING_BACKOFF_SECONDS (30), between half and one and a half.
    assert all(15 <= wait <= 45 + took for wait in waits), (min(waits), max(waits), took)
    assert max(waits) - min(waits) >= 10, "the retries all come back at once"
    assert Message.objects.filter(attempts=1).count() == 40


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_stay_within_the_in_flight_limit(school_a, settings):
    """Two beats by mistake: their dispatchers start at the same moment. Together they hand
    out no more than MESSAGING_MAX_IN_FLIGHT messages, each once."""
    settings.MESSAGING_MAX_IN_FLIGHT = 100
    many_messages(school_a, 400)
    start = threading.Barrier(2)
    handed = [0, 0]

    def dispatcher(index):
        start.wait()
        try:
            handed[index] = dispatch_due(batch_size=5)
        finally:
            connection.close()

    threads = [threading.Thread(target=dispatcher, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    broker = redis.Redis.from_url(settings.REDIS_URL)
    published = []  # the ids in every send task waiting in the broker
    for raw in broker.lrange("celery", 0, -1):
        body = json.loads(base64.b64decode(json.loads(raw)["body"]))
        published += body[0][0]
    broker.flushdb()  # nobody consumes them here
    dispatched = Message.objects.exclude(dispatched_at=None).count()
    assert sum(handed) == dispatched == 100, handed
    assert len(published) == len(set(published)) == 100


@pytest.mark.django_db(transaction=True)
def test_a_batch_does_not_wait_for_a_message_another_transaction_holds(school_a):
    """SKIP LOCKED in the claim: a row held elsewhere (a dispatcher handing it out again, an
    admin's "try again") is left for later; the batch sends the others at once."""
    many_messages(school_a, 5)
    ids = sorted(due_ids())
    database = connection.settings_dict
    other = psycopg.connect(
        host=database["HOST"], port=database["PORT"], user=database["USER"], dbname=database["NAME"]
    )
    try:
        other.execute("SELECT id FROM messaging_message WHERE id = %s FOR UPDATE", [ids[0]])
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")  # without SKIP LOCKED: an error here
        results = deliver_batch(ids)
    finally:
        other.rollback()
        other.close()
    assert results == dict.fromkeys(ids[1:], "sent")
    assert Message.objects.get(pk=ids[0]).status == "queued"
    assert deliver_batch(ids) == {ids[0]: "sent"}  # once it is free
    assert len(sms.outbox) == 5 == len({text["to"] for text in sms.outbox})


def _render_fails(message, recipient, **extra):
    raise KeyError("a renderer that fails for this one message")


@pytest.fixture
def failing_kind():
    from messaging import registry

    registry.renderers["test_render_fails"] = _render_fails
    yield "test_render_fails"
    registry.renderers.pop("test_render_fails", None)


def first_in_the_batch(message):
    """The claim sorts by id: the message sent first in its batch."""
    Message.objects.filter(pk=message.pk).update(id=-1)


def test_one_message_that_cannot_be_written_does_not_hold_back_its_batch(school_a, failing_kind):
    """Its renderer raises: the other nine are sent at once, and that one ends failed with
    a reason staff can read, its try counted, not queued again beat after beat."""
    many_messages(school_a, 9)
    first = Message.objects.order_by("pk").first()
    bad = Message.objects.create(
        recipient=first.recipient,
        channel="sms",
        language="es",
        kind=failing_kind,
        context={"event": first.context["event"]},
        due_at=timezone.now() - timedelta(minutes=5),
        idempotency_key="test:render-fails",
    )
    first_in_the_batch(bad)
    results = deliver_batch(due_ids())
    assert len(sms.outbox) == 9
    assert results[-1] == "failed"
    bad = Message.objects.get(pk=-1)
    assert (bad.status, bad.attempts) == ("failed", 1)
    assert "could not be written" in bad.last_error
    assert deliver_batch([-1]) == {}  # not handed out again


def test_a_deleted_events_reminder_is_cancelled_and_the_others_go(school_a):
    """Staff delete an event while its reminders wait: those reminders are cancelled, and
    other events' reminders in the same batch go out."""
    from events.models import Event
    from tests.events.conftest import make_event

    many_messages(school_a, 9)
    gone = make_event(school_a, starts_at=timezone.now() + timedelta(days=2), title="Gone")
    first = Message.objects.order_by("pk").first()
    doomed = Message.objects.create(
        recipient=first.recipient,
        channel="sms",
        language="es",
        kind="reminder",
        context={"event": gone.pk},
        due_at=timezone.now() - timedelta(minutes=1),
        idempotency_key="test:event-gone",
    )
    first_in_the_batch(doomed)
    Event.objects.filter(pk=gone.pk).delete()
    results = deliver_batch(due_ids())
    assert len(sms.outbox) == 9
    assert results[-1] == "cancelled"
    assert Message.objects.filter(status="sent").count() == 9


def test_the_daily_limit_holds_within_one_batch(school_a, settings):
    """A family sent 2 messages today (limit 3) has 3 notices that can wait in one batch:
    one goes out today, the other two wait for the next morning (RELIABILITY E7)."""
    from tests.families.conftest import make_family

    settings.MESSAGING_DAILY_LIMIT = 3
    family = make_family("Rina", school_a, phone="+12125550123")
    key = f"family:{family.pk}"
    now = timezone.now()
    for i in range(2):
        Message.objects.create(
            recipient=key,
            channel="sms",
            language="en",
            kind="notice",
            context={"text": f"earlier {i}"},
            due_at=now,
            status="sent",
            sent_at=now,
            idempotency_key=f"test:sent:{i}",
        )
    ids = [
        Message.objects.create(
            recipient=key,
            channel="sms",
            language="en",
            kind="notice",
            context={"text": f"Notice number {i}."},
            due_at=now - timedelta(minutes=1),
            idempotency_key=f"test:queued:{i}",
        ).pk
        for i in range(3)
    ]
    results = deliver_batch(ids)
    assert len(sms.outbox) == 1, [text["text"] for text in sms.outbox]
    assert sorted(results.values()) == ["later", "later", "sent"]
    waiting = Message.objects.filter(pk__in=ids, status="queued")
    assert all(message.due_at > now + timedelta(hours=6) for message in waiting)
    assert set(waiting.values_list("attempts", flat=True)) == {0}


class ErasesTheLastFamily(sms.LocmemBackend):
    """A provider stand-in: while it takes the batch's first text, staff erase the last
    family of the batch (in another process, at that moment)."""

    family_pk = None

    def send(self, to, text):
        from families.models import Family
        from families.services import erase_family

        if type(self).family_pk is not None:
            pk, type(self).family_pk = type(self).family_pk, None
            erase_family(Family.objects.get(pk=pk))
        return super().send(to, text)


def test_a_family_erased_while_its_batch_is_sending_gets_no_text(school_a, settings):
    """The batch read every phone at its start and paces its texts (here 4 a second): a
    family erased meanwhile is not texted, and its row keeps no provider id (F4)."""
    from families.models import Family

    settings.SMS_BACKEND = "tests.messaging.test_batches.ErasesTheLastFamily"
    settings.MESSAGING_RATE_LIMITS = {**settings.MESSAGING_RATE_LIMITS, "sms": "4/s"}
    many_messages(school_a, 6)
    ids = sorted(due_ids())
    last = Message.objects.get(pk=ids[-1])
    family = Family.objects.get(pk=int(last.recipient.split(":")[1]))
    phone = family.user.phone
    ErasesTheLastFamily.family_pk = family.pk
    deliver_batch(ids)
    assert phone not in [text["to"] for text in sms.outbox]
    assert len(sms.outbox) == 5
    assert Message.objects.filter(pk=last.pk, provider_id="").count() <= 1
    assert not Message.objects.filter(recipient=last.recipient).exclude(provider_id="").exists()


class ErasesTheFamilyItTexts(sms.LocmemBackend):
    """A provider stand-in: while it takes a family's text, staff erase that family."""

    phone = None

    def send(self, to, text):
        from families.models import Family
        from families.services import erase_family

        if to == type(self).phone:
            type(self).phone = None
            erase_family(Family.objects.get(user__phone=to))
        return super().send(to, text)


def test_a_text_sent_as_its_family_is_erased_leaves_no_provider_id(school_a, settings):
    """Erased while its own text is with the provider: the batch's outcome does not put the
    provider's id back on the emptied row, which stays "unknown" (F4)."""
    from families.models import Family

    settings.SMS_BACKEND = "tests.messaging.test_batches.ErasesTheFamilyItTexts"
    many_messages(school_a, 3)
    ids = sorted(due_ids())
    second = Message.objects.get(pk=ids[1])
    family = Family.objects.get(pk=int(second.recipient.split(":")[1]))
    ErasesTheFamilyItTexts.phone = family.user.phone
    deliver_batch(ids)
    assert len(sms.outbox) == 3
    row = Message.objects.get(pk=second.pk)
    assert (row.status, row.provider_id, row.last_error) == ("unknown", "", "")
    assert Message.objects.filter(status="sent").count() == 2


@pytest.mark.parametrize(
    "edit",
    [
        {"place": "Gym, building B"},
        {"title_es": "Noche de familias nueva"},
        {"starts_at_shift": timedelta(hours=1)},
        {"school_zone": "America/Los_Angeles"},
    ],
)
def test_a_text_kept_from_an_earlier_batch_is_written_again_once_its_event_changes(
    school_a, settings, edit
):
    """A worker keeps the texts it wrote for later batches (messaging.tasks.RENDERED_KEPT):
    the next batch after staff edit the event, or its school, reads the edit, in every
    field the text shows."""
    settings.MESSAGING_RATE_LIMITS = {**settings.MESSAGING_RATE_LIMITS, "sms": None}
    event = many_messages(school_a, 4)
    ids = sorted(due_ids())
    deliver_batch(ids[:2])
    before = sms.outbox[-1]["text"]
    if "school_zone" in edit:
        school_a.time_zone = edit["school_zone"]
        school_a.save()
    elif "starts_at_shift" in edit:
        event.starts_at += edit["starts_at_shift"]
        event.ends_at += edit["starts_at_shift"]
        event.save()
    else:
        for name, value in edit.items():
            setattr(event, name, value)
        event.save()
    deliver_batch(ids[2:])
    after = sms.outbox[-1]["text"]
    assert after != before
    for value in edit.values():
        if isinstance(value, str) and not value.startswith("America"):
            assert value.split(",")[0] in after


def test_a_batch_reserves_the_days_budget_at_once_and_gives_back_what_it_did_not_send(
    school_a, settings, failing_kind
):
    """The day's count for texts is taken for the whole batch in a round trip or two, not
    two per text, and what the batch did not send (a text that could not be written) is
    given back: the count says what went out."""
    from django.core.cache import cache

    from messaging import budget

    settings.MESSAGING_RATE_LIMITS = {**settings.MESSAGING_RATE_LIMITS, "sms": None}
    many_messages(school_a, 5)
    first = Message.objects.order_by("pk").first()
    Message.objects.create(
        recipient=first.recipient,
        channel="sms",
        language="es",
        kind=failing_kind,
        context={"event": first.context["event"]},
        due_at=timezone.now() - timedelta(minutes=5),
        idempotency_key="test:render-fails",
    )
    cache.delete(budget._key())
    results = deliver_batch(due_ids())
    assert sorted(results.values()) == ["failed"] + ["sent"] * 5
    assert cache.get(budget._key()) == len(sms.outbox) == 5
