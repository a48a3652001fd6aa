"""End to end with real processes: a Celery worker and Celery beat, Redis as the broker,
PostgreSQL as the outbox, the file SMS backend as the provider."""

import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from events import services
from events.services import Party
from messaging.models import Message
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
