"""More than one machine, on loopback: deploy/nginx.conf in front of two gunicorn servers, two
Celery workers and one beat, on one PostgreSQL and one Redis. 100 families (Locust) answer
events and read pages for 60 s; meanwhile one web server and one worker are killed (SIGKILL,
their whole process group) and restarted, and a second beat is started by mistake.

    .venv/bin/python bench/cluster.py [--users 100] [--seconds 60]

Printed: requests and failures; every 5xx nginx logged, with its time and upstream (expected:
only requests that were open on the killed server); answers acknowledged (302) against the
answers in the database (each family's last acknowledged answer to an event must be the one
stored, unless a later answer of its own got no reply); places taken against capacity; every
message (confirmations and the reminders, due during the run) sent once: text lines the SMS
file backend wrote = messages marked sent, none left queued or in flight.
Not part of `make test`: `make bench` installs Locust. Database portal_bench_cluster,
Redis db 5, ports 18901-18904.
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

# make bench BENCH_QUICK=1: sizes that end in minutes on a shared machine (README).
QUICK = os.environ.get("BENCH_QUICK") == "1"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.support.server import BIN, bench_env, ensure_database, setup_django  # noqa: E402

DATABASE = "portal_bench_cluster"
REDIS_DB = 5
WEB_PORTS = (18901, 18902)
HTTP_PORT, HTTPS_PORT = 18903, 18904
WORK = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
T0 = time.monotonic()


def say(text):
    print(f"[{time.monotonic() - T0:6.1f} s] {text}", flush=True)


def clock(seconds: float) -> str:
    return time.strftime("%H:%M:%S", time.gmtime(seconds)) + f".{int(seconds % 1 * 10)}"


def start(name, command, env):
    """A process in its own group, so a kill takes its children (gunicorn's, the pool's)."""
    log = (WORK / f"{name}.log").open("a")
    return subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=log, start_new_session=True
    )


def web(n, env):
    return start(
        f"web{n}",
        [str(BIN / "gunicorn"), "portal.wsgi:application", "--bind", f"127.0.0.1:{WEB_PORTS[n]}"]
        + ["--workers", "2", "--access-logfile", str(WORK / f"web{n}.access.log")],
        env,
    )


def worker(n, env):
    return start(
        f"worker{n}",
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "-n", f"w{n}@%h", "-c", "2"]
        + ["--loglevel", "INFO"],
        env,
    )


def beat(n, env):
    return start(
        f"beat{n}",
        [sys.executable, "-m", "celery", "-A", "portal", "beat"]
        + ["--schedule", str(WORK / f"beat{n}"), "--loglevel", "INFO"],
        env,
    )


def kill(process):
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def stop(process):
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        kill(process)


def nginx_config():
    """deploy/nginx.conf with this machine's paths, ports and the two web servers."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=127.0.0.1", "-keyout", str(WORK / "key.pem")]
        + ["-out", str(WORK / "cert.pem")],
        check=True,
        capture_output=True,
    )
    servers = "".join(
        f"server 127.0.0.1:{port} max_fails=2 fail_timeout=10s;\n" for port in WEB_PORTS
    )
    for pattern, here in (
        (r"user www-data;", "user root;"),
        (r"pid [^;]+;", f"pid {WORK}/nginx.pid;"),
        (r"error_log [^;]+;", f"error_log {WORK}/nginx.error.log;"),
        (
            # Its own log format: the time to the millisecond and the web server that answered.
            r"access_log /var/log/nginx/access.log[^;]*;",
            'log_format cluster_bench escape=json \'{"time":"$time_iso8601","msec":$msec,'
            '"method":"$request_method","path":"$uri","status":$status,'
            '"upstream":"$upstream_addr","upstream_status":"$upstream_status"}\'; '
            f"access_log {WORK}/nginx.access.log cluster_bench; "
            f"client_body_temp_path {WORK}/body; proxy_temp_path {WORK}/proxy;",
        ),
        (r"upstream portal \{[^}]*\}", "upstream portal {\n" + servers + "}"),
        (r"listen 80;", f"listen 127.0.0.1:{HTTP_PORT};"),
        (r"listen \[::\]:\d+[^;]*;", ""),
        (r"listen 443 ssl http2;", f"listen 127.0.0.1:{HTTPS_PORT} ssl http2;"),
        (r"/etc/letsencrypt/live/portal.example.org/fullchain.pem", str(WORK / "cert.pem")),
        (r"/etc/letsencrypt/live/portal.example.org/privkey.pem", str(WORK / "key.pem")),
        (r"/srv/portal/var/media/", f"{WORK}/media/"),
        (r"/srv/portal/var/static/", f"{ROOT}/var/bench/{DATABASE}/static/"),
    ):
        text, found = re.subn(pattern, here, text)
        assert found, f"deploy/nginx.conf no longer has {pattern!r}"
    (WORK / "media").mkdir()
    config = WORK / "nginx.conf"
    config.write_text(text)
    return config


def seed(families):
    """bench/load.py's school and families; the events start in 4 minutes, with reminders
    3 and 2 minutes before, so reminders fall due during and just after the run."""
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from bench.load import seed as load_seed
    from events.models import Event
    from families.models import Family
    from messaging.models import Message

    Message.objects.all().delete()
    events, sessions = load_seed(families)
    starts = timezone.now() + timedelta(minutes=4)
    Event.objects.filter(pk__in=events).update(
        starts_at=starts, ends_at=starts + timedelta(hours=1), reminder_offsets=[3, 2]
    )
    family_of = {}
    for key in sessions:
        user = Session.objects.get(session_key=key).get_decoded()[SESSION_KEY]
        family_of[key] = Family.objects.get(user_id=user).pk
    return events, sessions, family_of


def compare_answers(answers_file, family_of):
    """Each family's last acknowledged answer to each event against the database."""
    from events.models import Rsvp

    last, unreplied_after = {}, set()
    lines = [json.loads(line) for line in answers_file.read_text().splitlines()]
    for answer in sorted(lines, key=lambda a: a["time"]):
        event = int(re.search(r"/events/(\d+)/", answer["url"]).group(1))
        pair = (family_of[answer["session"]], event)
        if answer["status"] == 302:
            last[pair] = answer["going"]
            unreplied_after.discard(pair)
        elif answer["status"] == 0 or answer["status"] >= 500:
            unreplied_after.add(pair)  # it may or may not have been saved
    stored = {
        (r.family_id, r.event_id): r.status
        for r in Rsvp.objects.filter(event_id__in={e for _f, e in last})
    }
    matching, differing, unknown = 0, [], 0
    for pair, going in last.items():
        status = stored.get(pair)
        ok = (status in (Rsvp.Status.GOING, Rsvp.Status.WAITLISTED)) == going and status
        if ok:
            matching += 1
        elif pair in unreplied_after:
            unknown += 1
        else:
            differing.append((pair, going, status))
    acknowledged = sum(1 for a in lines if a["status"] == 302)
    return acknowledged, len(last), matching, unknown, differing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=20 if QUICK else 60)
    args = parser.parse_args()
    locust_bin = BIN / "locust" if (BIN / "locust").exists() else shutil.which("locust")
    if not locust_bin:
        sys.exit("locust is missing: .venv/bin/pip install 'locust>=2.30,<3' (make bench does it)")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    env = {
        **bench_env(DATABASE, REDIS_DB),
        "SMS_FILE_PATH": str(WORK / "sms.jsonl"),
        "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{HTTPS_PORT}",
        "LOG_LEVEL": "INFO",
        # Families answer again and again here; the daily limit would hold their confirmations.
        "MESSAGING_DAILY_LIMIT": "100000",
        "MESSAGING_DISPATCH_EVERY_SECONDS": "1",
        # A message whose worker was killed mid-send turns "unknown" (never re-sent blindly)
        # once its lease is over; short here, so the run ends with every message settled.
        "MESSAGING_LEASE_SECONDS": "20",
        # A task lost with a killed worker is handed out again after this long (else 300 s).
        "MESSAGING_REDISPATCH_SECONDS": "30",
    }
    ensure_database(DATABASE)
    setup_django(env)
    from django.conf import settings
    from django.db.models import Count

    from bench.load import overbooked
    from messaging.models import Message

    events, sessions, family_of = seed(args.users)
    say(f"seeded {len(events)} events and {len(sessions)} families; work folder {WORK}")
    config = nginx_config()
    subprocess.run(
        [nginx, "-p", str(WORK), "-c", str(config), "-t"], check=True, capture_output=True
    )
    webs, workers, beats, proxy, locust = [], [], [], None, None
    try:
        proxy = start("nginx", [nginx, "-p", str(WORK), "-c", str(config), "-g", "daemon off;"], {})
        webs += [web(0, env), web(1, env)]
        workers += [worker(0, env), worker(1, env)]
        beats.append(beat(0, env))
        time.sleep(6)
        sessions_file, answers_file = WORK / "sessions.json", WORK / "answers.jsonl"
        cookie = settings.SESSION_COOKIE_NAME
        sessions_file.write_text(
            json.dumps({"events": events, "sessions": sessions, "cookie": cookie})
        )
        answers_file.touch()
        locust = subprocess.Popen(  # noqa: S603
            [str(locust_bin), "-f", str(ROOT / "bench/support/cluster_locust.py"), "--headless"]
            + ["-u", str(args.users), "-r", "20", "-t", f"{args.seconds}s"]
            + ["--host", f"https://127.0.0.1:{HTTPS_PORT}", "--csv", str(WORK / "locust")]
            # At the end each family finishes what it was doing: an answer cut off in flight
            # would be saved without its reply ever being seen.
            + ["--stop-timeout", "30", "--only-summary", "ClusterFamily"],
            cwd=ROOT,
            env={
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "BENCH_SESSIONS": str(sessions_file),
                "BENCH_ANSWERS": str(answers_file),
                "BENCH_WAIT": "0.5,2",
            },
            stdout=(WORK / "locust.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        started = time.monotonic()
        say(f"locust: {args.users} families for {args.seconds} s, nginx (https), 2 gunicorns")
        plan = [
            (15, "kill web server 1 (SIGKILL, master and workers)", lambda: kill(webs[0])),
            (20, "kill worker 1 (SIGKILL, node and pool)", lambda: kill(workers[0])),
            (30, "restart web server 1", lambda: webs.__setitem__(0, web(0, env))),
            (35, "restart worker 1", lambda: workers.__setitem__(0, worker(0, env))),
            (40, "start a second beat by mistake", lambda: beats.append(beat(1, env))),
        ]
        kill_times = []
        for at, what, action in plan:
            time.sleep(max(0, started + at - time.monotonic()))
            action()
            kill_times.append((time.time(), what))
            say(what)
        locust.wait(timeout=args.seconds + 60)
        say("locust finished; waiting for the reminders due and every message to settle")
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            left = Message.objects.filter(status__in=["queued", "sending"]).count()
            if not left:
                break
            time.sleep(2)
        say(f"outbox settled ({left} still queued or sending)")
    finally:
        for process in [*beats, *workers, *webs, proxy]:
            if process:
                stop(process)
        if locust and locust.poll() is None:
            locust.kill()

    # Requests.
    import csv

    with open(WORK / "locust_stats.csv") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    print(f"\n{'':<14} {'requests':>8} {'failures':>8} {'p50 ms':>7} {'p95 ms':>7}")
    for name, row in rows.items():
        print(
            f"{name:<14} {row['Request Count']:>8} {row['Failure Count']:>8} {row['50%']:>7} "
            f"{row['95%']:>7}"
        )
    print("\nkills (wall clock):")
    for when, what in kill_times:
        print(f"  {clock(when)} UTC  {what}")
    log = [json.loads(line) for line in (WORK / "nginx.access.log").read_text().splitlines()]
    errors = [entry for entry in log if entry["status"] >= 500]
    print(f"\nnginx: {len(log)} responses, {len(errors)} 5xx")
    for entry in errors:
        print(
            f"  {clock(entry['msec'])} UTC {entry['status']} {entry['method']} {entry['path']}"
            f" upstream {entry['upstream']} ({entry['upstream_status']})"
        )

    acknowledged, pairs, matching, unknown, differing = compare_answers(answers_file, family_of)
    print(
        f"\nanswers acknowledged (302): {acknowledged}, for {pairs} family-event pairs; "
        f"database = last acknowledged answer: {matching}; "
        f"last answer got no reply (either is right): {unknown}; different: {len(differing)}"
    )
    for pair, going, status in differing[:10]:
        print(f"  family {pair[0]} event {pair[1]}: acknowledged going={going}, stored {status}")
    print("\nplaces:")
    problems = overbooked()

    by = Counter()
    for kind, status, n in Message.objects.values_list("kind", "status").annotate(n=Count("pk")):
        by[(kind, status)] += n
    print("\nmessages by kind and status:")
    for (kind, status), n in sorted(by.items()):
        print(f"  {kind:<14} {status:<10} {n}")
    sms_lines = (
        (WORK / "sms.jsonl").read_text().splitlines() if (WORK / "sms.jsonl").exists() else []
    )
    sent = sum(n for (kind, status), n in by.items() if status == "sent")
    reminders_due = Message.objects.filter(kind="reminder").exclude(status="cancelled")
    reminders_sent = reminders_due.filter(status="sent").count()
    print(f"texts written by the SMS backend: {len(sms_lines)}; messages marked sent: {sent}")
    print(
        f"reminders (not cancelled): {reminders_due.count()}, sent: {reminders_sent}, "
        f"other: {dict(Counter(reminders_due.exclude(status='sent').values_list('status')))}"
    )
    verdict = list(problems)
    # A text in doubt (a killed worker's batch, shown "unknown" to staff) may or may not have
    # reached the provider; more texts than sent + in doubt would be a text sent twice. (The
    # same words to the same number twice can be right: a family answering again is
    # confirmed again.)
    unknown = sum(n for (kind, status), n in by.items() if status == "unknown")
    print(f"messages in doubt (unknown): {unknown}")
    if not sent <= len(sms_lines) <= sent + unknown:
        verdict.append(f"{len(sms_lines)} texts for {sent} messages sent and {unknown} in doubt")
    if differing:
        verdict.append(f"{len(differing)} answers stored differ from those acknowledged")
    if by.get(("reminder", "queued")) or by.get(("reminder", "sending")):
        verdict.append("reminders left unsent")
    print("\ncluster: " + ("pass" if not verdict else "FAIL: " + "; ".join(verdict)))
    print(f"(logs in {WORK})")
    return 1 if verdict else 0


if __name__ == "__main__":
    sys.exit(main())
