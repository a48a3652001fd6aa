"""/healthz and /readyz (portal.health): what a load balancer and a monitor are told, against
the real database and a Redis server this test starts and stops itself."""

import json
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from messaging.models import Message
from portal.models import Heartbeat
from tests.messaging.conftest import start, stop, worker_env  # noqa: F401 (a fixture)
from tests.messaging.test_chaos import own_redis, wait_until  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def probe(client, path, **headers):
    response = client.get(path, **headers)
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    return response.status_code, json.loads(response.content)


def test_healthz_answers_without_the_database_by_any_address_over_plain_http(
    client, settings, django_assert_num_queries
):
    settings.SECURE_SSL_REDIRECT = True
    # A load balancer asks each server by its own address, which is not in ALLOWED_HOSTS.
    with django_assert_num_queries(0):
        status, body = probe(client, "/healthz", HTTP_HOST="10.0.0.11:8000")
    assert (status, body) == (200, {"status": "ok"})
    status, body = probe(client, "/readyz", HTTP_HOST="10.0.0.11:8000")
    assert status == 200 and body["status"] == "ready"
    # Everything else still gets the host check and the https redirect.
    assert client.get("/en/", HTTP_HOST="10.0.0.11:8000").status_code == 400
    assert client.get("/en/").status_code == 301


@pytest.mark.redis
def test_readyz_turns_503_when_redis_stops_and_200_when_it_is_back(
    client,
    settings,
    own_redis,  # noqa: F811
):
    port, servers, start_server = own_redis
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
    status, body = probe(client, "/readyz")
    assert status == 200, body
    assert body["checks"]["redis"] == {
        "ok": True,
        "configured": True,
        "ms": pytest.approx(0, abs=500),
    }
    servers[0].terminate()
    servers[0].wait()
    started = time.monotonic()
    status, body = probe(client, "/readyz")
    assert time.monotonic() - started < 3  # the load balancer gets its answer in time
    assert status == 503
    assert body["status"] == "not ready" and body["checks"]["redis"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True  # the rest is still reported
    servers.append(start_server())
    status, body = probe(client, "/readyz")
    assert status == 200 and body["checks"]["redis"]["ok"] is True


@pytest.fixture
def fresh_process(monkeypatch):
    """/readyz as a process that has just started sees it: it remembers nothing yet."""
    from portal import health

    monkeypatch.setattr(health, "_all_migrations_applied", False)


def test_readyz_is_503_while_a_migration_is_not_applied(client, fresh_process):
    recorder = MigrationRecorder.Migration.objects
    last = recorder.filter(app="portal").latest("id")
    last.delete()  # as if the code were newer than the database
    status, body = probe(client, "/readyz")
    assert status == 503
    assert body["checks"]["migrations"]["ok"] is False
    assert body["checks"]["migrations"]["pending"] == 1
    assert probe(client, "/readyz")[0] == 503  # asked again while one is pending
    recorder.create(app=last.app, name=last.name)
    assert probe(client, "/readyz")[0] == 200


def test_readyz_reads_the_migrations_only_until_they_are_all_applied(
    client, fresh_process, django_assert_num_queries
):
    # The database, the migrations (their table exists; which are applied), beat, the outbox.
    with django_assert_num_queries(6):
        assert probe(client, "/readyz")[0] == 200
    # Every probe after that, every few seconds from each load balancer, skips the
    # migrations: the files are not read again and their table is not asked.
    for _ in range(2):
        with django_assert_num_queries(4):
            status, body = probe(client, "/readyz")
        assert status == 200 and body["checks"]["migrations"]["ok"] is True


def test_readyz_reports_the_outbox_and_beat_and_fails_on_them_only_when_asked(
    client, settings, school_a
):
    from events import services
    from events.services import Party
    from tests.events.conftest import make_event
    from tests.families.conftest import make_family

    family = make_family("ZZ-SENTINEL Rina", school_a, phone="+12125550123", email="rina@ex.org")
    services.rsvp(family=family, event=make_event(school_a), party=Party(True))
    Message.objects.update(due_at=timezone.now() - timedelta(minutes=20))
    Heartbeat.objects.create(name="beat", at=timezone.now() - timedelta(seconds=30))
    Heartbeat.objects.create(name="dispatcher", at=timezone.now() - timedelta(hours=1))

    response = client.get("/readyz")
    text = response.content.decode()
    for personal in ("ZZ-SENTINEL", "Rina", "2125550123", "rina@", "family:"):
        assert personal not in text
    body = json.loads(text)
    # Families can still answer: a stalled outbox keeps the server in the load balancer.
    assert response.status_code == 200 and body["ready"] is True and body["healthy"] is False
    checks = body["checks"]
    assert checks["outbox"]["backlog"] == Message.objects.count() > 0
    assert 20 * 60 <= checks["outbox"]["oldest_due_seconds"] < 21 * 60
    assert checks["outbox"]["ok"] is False  # over HEALTH_OUTBOX_MAX_AGE_SECONDS (600)
    assert checks["beat"]["ok"] is True and 30 <= checks["beat"]["last_seconds_ago"] < 60
    assert checks["dispatcher"] == {
        "ok": False,
        "last_seconds_ago": pytest.approx(3600, abs=30),
        "stale_after_seconds": 180,
    }
    # A monitor asks with all=1 and is told something is wrong.
    assert client.get("/readyz?all=1").status_code == 503
    Message.objects.update(status="sent")
    Heartbeat.objects.filter(name="dispatcher").update(at=timezone.now())
    status, body = probe(client, "/readyz?all=1")
    assert status == 200 and body["healthy"] is True
    assert body["checks"]["outbox"]["backlog"] == 0


@pytest.mark.pg
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_beat_and_a_worker_leave_their_heartbeat(worker_env, tmp_path, client):  # noqa: F811
    env, _ = worker_env
    beat = start(["beat", "--schedule", str(tmp_path / "beat"), "--loglevel", "WARNING"], env)
    worker = start(["worker", "-c", "1", "-P", "solo", "--loglevel", "WARNING"], env)
    try:
        assert wait_until(lambda: Heartbeat.objects.count() == 2, 60)
    finally:
        stop(worker)
        stop(beat)
    status, body = probe(client, "/readyz?all=1")
    assert status == 200, body
    assert body["checks"]["beat"]["last_seconds_ago"] < 60
    assert body["checks"]["dispatcher"]["last_seconds_ago"] < 60


def test_make_run_answers_both_on_sqlite_with_the_file_broker(tmp_path):
    """`make run`'s settings: SQLite, no Redis, the file broker."""
    env = {
        "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
        "DEBUG": "1",
        "PORTAL_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    script = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "c = Client()\n"
        "print(json.dumps([[r.status_code, json.loads(r.content)] "
        "for r in (c.get('/healthz'), c.get('/readyz'))]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    (healthz, readyz) = json.loads(result.stdout.strip().splitlines()[-1])
    assert healthz == [200, {"status": "ok"}]
    assert readyz[0] == 200, readyz
    assert readyz[1]["checks"]["redis"] == {"ok": True, "configured": False, "ms": 0.0}
    assert readyz[1]["checks"]["migrations"]["pending"] == 0
