"""Benchmark: due reminders in 15 languages sent end to end by real Celery processes.

    .venv/bin/python bench/reminders.py [--messages 100000] [--concurrency 2]

Needs PostgreSQL and Redis on 127.0.0.1. Uses its own database (portal_bench_reminders) and
Redis db 4. Families are spread over the 15 languages and over SMS and calls (file
backends) and email (rendered, then Django's dummy backend). Celery beat runs the dispatcher every
second; one worker with two pool processes sends, each send task a batch of
MESSAGING_SEND_BATCH messages. Prints messages per second end to end, the peak memory of
the worker's processes, SQL statements per dispatcher batch at three batch sizes (constant:
it does not grow with the batch), SQL statements per message sent (amortised over send
batches of every channel), the load average before and after, and the issue's table row.
Per-channel rate limits are off here: the pipeline is measured, not a provider's pace.
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

# make bench BENCH_QUICK=1: sizes that end in minutes on a shared machine (README).
QUICK = os.environ.get("BENCH_QUICK") == "1"
ROOT = Path(__file__).resolve().parents[1]
DATABASE = "portal_bench_reminders"
WORK = Path(tempfile.mkdtemp(prefix="bench-reminders-"))
ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.base",
    "DEBUG": "0",
    "SECRET_KEY": "bench-" + "k" * 60,
    "ALLOWED_HOSTS": "127.0.0.1",
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
    "REDIS_URL": "redis://127.0.0.1:6379/4",  # outside the test runs' dbs (6-15)
    "SMS_BACKEND": "messaging.sms.FileBackend",
    "SMS_FILE_PATH": str(WORK / "sms.jsonl"),
    "VOICE_BACKEND": "messaging.sms.FileVoiceBackend",
    "VOICE_FILE_PATH": str(WORK / "calls.jsonl"),
    # Emails are rendered (text and HTML) and handed to Django's dummy backend.
    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    "MESSAGING_DISPATCH_EVERY_SECONDS": "1",
    "MESSAGING_SMS_RATE": "",
    "MESSAGING_VOICE_RATE": "",
    "MESSAGING_EMAIL_RATE": "",
    # A run at night would otherwise hold every reminder until 08:00.
    "MESSAGING_QUIET_HOURS": "off",
}
os.environ.update(ENV)
sys.path.insert(0, str(ROOT))


def create_database():
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {DATABASE}")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True
    )


def seed(count: int):
    from django.utils import timezone

    from accounts.models import User
    from events.models import Event, Rsvp
    from families.models import Family, Membership
    from messaging.models import Message
    from portal.languages import LANGUAGE_CODES
    from schools.models import District, School

    district = District.objects.create(name="Bench district", slug="bench")
    school = School.objects.create(
        district=district,
        name="Bench school",
        slug="bench-school",
        languages=list(LANGUAGE_CODES),
        time_zone="America/New_York",
    )
    events = []
    for i in range(20):
        event = Event(
            school=school,
            district=district,
            title=f"Family evening number {i} about the new school year",
            place="Library, 2nd floor",
            starts_at=timezone.now() + timedelta(days=2),
            ends_at=timezone.now() + timedelta(days=2, hours=2),
            status="published",
        )
        for code in LANGUAGE_CODES[1:]:  # English is the title itself
            setattr(event, f"title_{code.replace('-', '_')}", f"[{code}] Family evening {i}")
        events.append(event)
    Event.objects.bulk_create(events)
    channels = ["sms"] * 7 + ["email"] * 2 + ["voice"]
    users = User.objects.bulk_create(
        (
            User(
                # Numbers of New York (212-200-0000 …) that the portal may text: a
                # number it refuses fails before the provider and would flatter the figure.
                phone=f"+1212{2000000 + i:07d}",
                phone_verified=True,
                email=f"family{i}@example.org",
                name=f"Family {i}",
            )
            for i in range(count)
        ),
        batch_size=5000,
    )
    families = Family.objects.bulk_create(
        (
            Family(
                user=user,
                display_name=f"Family {i}",
                language=LANGUAGE_CODES[i % len(LANGUAGE_CODES)],
                channel=channels[i % len(channels)],
            )
            for i, user in enumerate(users)
        ),
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        (Membership(family=family, school=school) for family in families), batch_size=5000
    )
    # Reminders go to families going: the send task drops one whose answer is not "going".
    Rsvp.objects.bulk_create(
        (
            Rsvp(event=events[i % len(events)], family=family, status=Rsvp.Status.GOING)
            for i, family in enumerate(families)
        ),
        batch_size=5000,
    )
    due = timezone.now() - timedelta(minutes=1)
    Message.objects.bulk_create(
        (
            Message(
                recipient=f"family:{family.pk}",
                channel=family.channel,
                language=family.language,
                kind="reminder",
                context={"event": events[i % len(events)].pk},
                due_at=due,
                idempotency_key=f"bench:{family.pk}",
            )
            for i, family in enumerate(families)
        ),
        batch_size=5000,
    )


def queries_per_batch():
    """SQL statements of one dispatcher batch at three sizes, and of sending one message."""
    import redis
    from django.conf import settings
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from messaging.models import Message
    from messaging.tasks import deliver_batch, dispatch_batch

    figures = {}
    for size in (100, 1000, 5000):
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            dispatch_batch(size, timezone.now(), timezone.now() - timedelta(hours=1))
        figures[size] = len(queries)
    # Send five batches in this process (every channel, as they come) to count the
    # statements per message, the claim and the outcomes included.
    batch = settings.MESSAGING_SEND_BATCH
    sample = list(Message.objects.order_by("pk").values_list("pk", flat=True)[: 5 * batch])
    with CaptureQueriesContext(connection) as queries:
        for start in range(0, len(sample), batch):
            deliver_batch(sample[start : start + batch])
    per_message = len(queries) / len(sample)
    # Put everything back as it was: due, not dispatched, nothing in Redis.
    Message.objects.filter(pk__in=sample).update(
        status="queued", sent_at=None, attempts=0, provider_id="", claimed_at=None
    )
    Message.objects.update(dispatched_at=None)
    redis.Redis.from_url(ENV["REDIS_URL"]).flushdb()
    Path(ENV["SMS_FILE_PATH"]).unlink(missing_ok=True)
    Path(ENV["VOICE_FILE_PATH"]).unlink(missing_ok=True)
    return figures, per_message


def celery(*args):
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=(WORK / f"{args[0]}.log").open("w"),
        start_new_session=True,
    )


def peak_memory_kib(pid: int) -> dict[int, int]:
    """VmHWM (peak resident set) of a process and its children."""
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    peaks = {}
    for each in pids:
        for line in Path(f"/proc/{each}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks[each] = int(line.split()[1])
    return peaks


def cpu_seconds(pid: int) -> dict[int, float]:
    """User + system CPU seconds of a process and each of its children, from /proc: what the
    worker spent, whatever else the machine was doing (the load moves the wall clock, not
    this)."""
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    tick = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for each in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
            seconds[each] = (int(fields[11]) + int(fields[12])) / tick
    return seconds


def run(count: int, concurrency: int):
    from django.db.models import Count

    from messaging.models import Message

    worker = celery(
        "worker",
        "-c",
        str(concurrency),
        "-P",
        "prefork",
        "--loglevel",
        os.environ.get("BENCH_LOGLEVEL", "WARNING"),
    )
    time.sleep(6)  # let the worker connect before the clock starts
    started = time.monotonic()
    beat = celery("beat", "--schedule", str(WORK / "beat"), "--loglevel", "WARNING")
    peaks: dict[int, int] = {}
    # The pool's processes as they were before the clock started (imports, connecting):
    # subtracted, so the figure is the sending's alone.
    cpu_start = cpu_seconds(worker.pid)
    cpu: dict[int, float] = {}
    try:
        while Message.objects.filter(status__in=["queued", "sending"]).exists():
            time.sleep(1)
            for pid, kib in peak_memory_kib(worker.pid).items():
                peaks[pid] = max(kib, peaks.get(pid, 0))
            for pid, spent in cpu_seconds(worker.pid).items():
                cpu[pid] = max(spent, cpu.get(pid, 0))
            if time.monotonic() - started > 3600:
                print("stopped after an hour")  # noqa: T201
                break
        elapsed = time.monotonic() - started
        for pid, kib in peak_memory_kib(worker.pid).items():
            peaks[pid] = max(kib, peaks.get(pid, 0))
        for pid, spent in cpu_seconds(worker.pid).items():
            cpu[pid] = max(spent, cpu.get(pid, 0))
    finally:
        for process in (beat, worker):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)
    statuses = dict(Message.objects.values_list("status").annotate(n=Count("pk")))
    worker_cpu = sum(cpu.values()) - sum(cpu_start.get(pid, 0) for pid in cpu)
    return elapsed, peaks, statuses, worker_cpu


def _load(figures) -> str:
    return " ".join(f"{x:.2f}" for x in figures)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5_000 if QUICK else 100_000)
    parser.add_argument("--concurrency", type=int, default=2)
    options = parser.parse_args()

    create_database()
    import django

    django.setup()
    seed_started = time.monotonic()
    seed(options.messages)
    print(f"seeded {options.messages:,} due messages in {time.monotonic() - seed_started:.0f} s")  # noqa: T201
    per_batch, per_message = queries_per_batch()
    load_before = os.getloadavg()
    elapsed, peaks, statuses, worker_cpu = run(options.messages, options.concurrency)
    cpu_ms = worker_cpu * 1000 / options.messages
    # What the worker's processes could send with a core each, from their CPU per message:
    # the figure a shared machine's load does not move.
    capacity = options.concurrency * 1000 / cpu_ms if cpu_ms else 0
    load_after = os.getloadavg()
    from django.conf import settings

    sms_lines = Path(ENV["SMS_FILE_PATH"]).read_text(encoding="utf-8").splitlines()
    phones = [line.split('"to": "')[1].split('"')[0] for line in sms_lines]
    out = [
        f"messages: {options.messages:,} due, 15 languages, channels sms 70% / email 20% / "
        f"voice 10%",
        f"worker: 1 node, prefork, {options.concurrency} pool processes; beat every 1 s; "
        "rate limits off",
        f"end to end: {elapsed:.1f} s, {options.messages / elapsed:.0f} messages/s",
        f"worker CPU (pool and parent, /proc): {cpu_ms:.2f} ms per message, so "
        f"{capacity:.0f} messages/s with a core for each of its {options.concurrency} "
        "processes (the database's and Redis's CPU not counted)",
        f"final status: {statuses}",
        f"texts in the provider log: {len(sms_lines):,}, numbers texted twice: "
        f"{len(phones) - len(set(phones))}",
        "peak memory (VmHWM) of the worker's processes: "
        + ", ".join(f"{kib / 1024:.0f} MiB" for kib in sorted(peaks.values(), reverse=True)),
        "SQL queries per dispatcher batch: "
        + ", ".join(f"{n} at batch size {size}" for size, n in per_batch.items()),
        f"SQL statements per message sent: {per_message:.2f} "
        f"(send batches of {settings.MESSAGING_SEND_BATCH})",
        f"load average (1, 5, 15 min) before: {_load(load_before)}; after: {_load(load_after)}",
        "",
        "| | measured | goal |",
        "| --- | --- | --- |",
        f"| reminders through a real worker (`bench/reminders.py`) | "
        f"{options.messages / elapsed:.0f} messages/s end to end; worker CPU "
        f"{cpu_ms:.2f} ms per message, {capacity:.0f} messages/s on {options.concurrency} "
        f"free cores ({per_message:.2f} SQL statements per "
        f"message, one Celery task per {settings.MESSAGING_SEND_BATCH}): "
        f"{options.messages:,} in {elapsed / 60:.1f} minutes; load average "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after | "
        "≥ 400 messages/s handed to the provider backends: 100,000 in ≤ 4 minutes |",
    ]
    print("\n".join(out))  # noqa: T201


if __name__ == "__main__":
    main()
