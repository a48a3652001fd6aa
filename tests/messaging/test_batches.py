"""Send tasks in batches (RELIABILITY E3, E4, E5): a batch costs the same few statements
whatever its size, retries that failed together come back spread out, one dispatcher at a
time keeps the broker within its limit, and a batch never waits on a message another
transaction holds."""

import base64
import json
import threading

import psycopg
import pytest
import redis
from django.db import connection
from django.utils import timezone

from messaging import sms
from messaging.models import Message
from messaging.tasks import deliver_batch, dispatch_due
from tests.messaging.test_chaos import many_messages

pytestmark = [pytest.mark.pg, pytest.mark.django_db]


def due_ids():
    return list(Message.objects.filter(status="queued").values_list("pk", flat=True))


@pytest.mark.parametrize("size", [10, 60])
def test_a_batch_costs_the_same_statements_whatever_its_size(
    school_a, size, django_assert_max_num_queries
):
    """Claim, the events, answers and other messages (superseded?), the families and their
    opt-outs, the event once per language, the outcomes: the same count for 10 or 60."""
    many_messages(school_a, size)
    ids = due_ids()
    # Nine statements and, inside the test's transaction, a savepoint around each write.
    with django_assert_max_num_queries(12):
        results = deliver_batch(ids)
    assert list(results.values()) == ["sent"] * size
    assert len(sms.outbox) == size == len({text["to"] for text in sms.outbox})
    assert Message.objects.filter(status="sent").count() == size


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
