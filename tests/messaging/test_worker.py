"""End to end with real processes: a Celery worker and Celery beat, Redis as the broker,
PostgreSQL as the outbox, the file SMS backend as the provider."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from events import services
from events.services import Party
from messaging.models import Message
from tests.events.conftest import make_event
from tests.families.conftest import make_family

pytestmark = [pytest.mark.pg, pytest.mark.redis, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def start(args, env):
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, to stop it whole
    )


def stop(process):
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def worker_env(tmp_path, settings):
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "SMS_BACKEND": "messaging.sms.FileBackend",
        "SMS_FILE_PATH": str(tmp_path / "sms.jsonl"),
        "MESSAGING_DISPATCH_EVERY_SECONDS": "1",
    }
    return env, tmp_path / "sms.jsonl"


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
