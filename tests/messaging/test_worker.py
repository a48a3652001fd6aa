"""End to end with real processes: a Celery worker and Celery beat, Redis as the broker,
PostgreSQL as the outbox, the file SMS backend as the provider."""

import base64
import json
import logging
import time
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from events import services
from events.services import Party
from messaging.models import Message
from tests.conftest import deliver_now
from tests.events.conftest import make_event
from tests.families.conftest import make_family
from tests.messaging.conftest import start, stop

pytestmark = [pytest.mark.pg, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_arabic_family_gets_confirmation_and_both_reminders_once(school_a, worker_env, tmp_path):
    env, sms_file = worker_env
    start_at = timezone.now() + timedelta(days=5)
    event = make_event(school_a, starts_at=start_at, title="Family night")
    event.title_ar = "أمسية العائلات"
    event.save()
    family = make_family("رنا", school_a, phone="+12125550123", language="ar")
    services.rsvp(family=family, event=event, party=Party(True, adults=2, children=1))
    assert Message.objects.count() == 3
    # Move the clock: both reminders are due now.
    Message.objects.update(due_at=timezone.now() - timedelta(minutes=1))

    worker = start(["worker", "-c", "2", "-P", "prefork", "--loglevel", "WARNING"], env)
    beat = start(["beat", "--schedule", str(tmp_path / "beat"), "--loglevel", "WARNING"], env)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if Message.objects.filter(status="sent").count() == 3:
                break
            time.sleep(0.5)
        time.sleep(3)  # a few more beats: nothing may be sent again
    finally:
        stop(beat)
        stop(worker)

    lines = [json.loads(line) for line in sms_file.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 3, lines
    assert {line["to"] for line in lines} == {"+12125550123"}
    assert all("أمسية العائلات" in line["text"] for line in lines)
    assert sorted(Message.objects.values_list("kind", "status")) == [
        ("reminder", "sent"),
        ("reminder", "sent"),
        ("rsvp_going", "sent"),
    ]


def test_the_broker_and_the_logs_carry_ids_only(school_a, settings, caplog):
    """RELIABILITY E6: no name, phone or email in Redis: tasks carry message ids."""
    import redis

    from messaging.tasks import dispatch_due

    family = make_family(
        "ZZ-SENTINEL-NAME", school_a, phone="+12125559876", email="zz-sentinel@example.org"
    )
    services.rsvp(family=family, event=make_event(school_a), party=Party(True))
    Message.objects.update(due_at=timezone.now() - timedelta(minutes=1))
    connection = redis.Redis.from_url(settings.REDIS_URL)
    connection.flushdb()
    assert dispatch_due() == 3  # published at commit, nobody consumes them here
    bodies = []
    for key in connection.keys("*"):
        if connection.type(key) != b"list":
            continue
        for raw in connection.lrange(key, 0, -1):
            envelope = json.loads(raw)
            # kombu keeps the task's arguments base64-encoded in "body": look inside.
            bodies.append(
                base64.b64decode(envelope["body"]).decode() + json.dumps(envelope["headers"])
            )
    # One send task for the three texts: its argument is their ids, nothing else.
    assert len(bodies) == 1
    ids = sorted(Message.objects.values_list("pk", flat=True))
    arguments = json.loads(bodies[0].split('"lang"')[0].rsplit("]{", 1)[0] + "]")[0]
    assert len(arguments) == 1 and sorted(arguments[0]) == ids
    with caplog.at_level(logging.DEBUG):
        assert deliver_now() == ["sent"] * 3
    for text in [*bodies, caplog.text]:
        for sentinel in ("ZZ-SENTINEL", "2125559876", "zz-sentinel@"):
            assert sentinel not in text
    assert "messaging.sent" in caplog.text  # the log does say what happened, by id
    connection.flushdb()


def test_texts_keep_to_the_channel_rate_limit(school_a, worker_env, tmp_path):
    """MESSAGING_SMS_RATE=10/s: twenty texts take about two seconds, even with two processes
    free to send; without a limit they go out in a fraction of a second."""
    from messaging.tasks import dispatch_due
    from tests.messaging.test_chaos import many_messages, provider_log, wait_until

    env, sms_file = worker_env
    env = {**env, "MESSAGING_SMS_RATE": "10/s"}
    many_messages(school_a, 20)
    worker = start(["worker", "-c", "2", "-P", "prefork", "--loglevel", "WARNING"], env)
    try:
        time.sleep(3)  # let the worker connect before the burst
        assert dispatch_due() == 20
        assert wait_until(lambda: len(provider_log(sms_file)) == 20, 60)
    finally:
        stop(worker)
    times = sorted(datetime.fromisoformat(line["at"]) for line in provider_log(sms_file))
    assert (times[-1] - times[0]).total_seconds() >= 1.5
