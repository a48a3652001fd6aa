"""G2 load test: 50 families for 60 s answering events through gunicorn (2 sync workers), then
the D1 invariant (no event has more people going than places).

    .venv/bin/python bench/load.py [--users 50] [--spawn-rate 10] [--seconds 60]

Production settings on PostgreSQL in a database of its own (portal_bench_load), fresh data
each run: one school, 4 events of 12 to 30 places, 300 families logged in (sessions made
directly in the database). Locust (installed by `make bench`) runs headless; 5xx are counted
from gunicorn's access log, so a failure Locust might miss is still seen. Pass: 0 5xx,
p95 < 500 ms on the RSVP page, no event overbooked. Exit status 1 otherwise.
"""

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

# make bench BENCH_QUICK=1: sizes that end in minutes on a shared machine (README).
QUICK = os.environ.get("BENCH_QUICK") == "1"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.support.server import BIN, bench_env, ensure_database, gunicorn, setup_django  # noqa: E402

DATABASE = "portal_bench_load"
REDIS_DB = 2
OUT = ROOT / "var" / "bench" / "load"
CAPACITIES = [12, 20, 25, 30]


def seed(families: int) -> tuple[list[int], list[str]]:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.module_loading import import_string

    from accounts.models import User
    from events.models import Event, Rsvp
    from families.models import Family
    from families.services import register_family
    from schools.models import District, School

    Rsvp.objects.all().delete()
    Event.objects.all().delete()
    Family.objects.all().delete()
    Session.objects.all().delete()
    User.objects.all().delete()
    School.objects.all().delete()
    District.objects.all().delete()
    district = District.objects.create(slug="load", name="Load District", name_en="Load District")
    school = School.objects.create(
        district=district,
        slug="load-school",
        name="Load School",
        name_en="Load School",
        languages=["en", "es", "ar"],
    )
    start = timezone.now() + timedelta(days=5)
    events = [
        Event.objects.create(
            school=school,
            district=district,
            title=f"Family night {n}",
            title_en=f"Family night {n}",
            place="Gym",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            capacity=capacity,
            interpreter_languages=["es", "ar", "ht"],
            status=Event.Status.PUBLISHED,
        )
        for n, capacity in enumerate(CAPACITIES)
    ]
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    sessions = []
    for n in range(families):
        user = User.objects.create_user(phone=f"+1212555{n:04d}", name=f"Family {n}")
        user.phone_verified = True
        user.save(update_fields=["phone_verified"])
        register_family(user=user, display_name=f"Family {n}", language="en", channel="sms")
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
    return [e.pk for e in events], sessions


def overbooked() -> list[str]:
    """D1: people going never exceed an event's places."""
    from django.db.models import F, Q, Sum

    from events.models import Event, Rsvp

    problems, lines = [], []
    going = Q(rsvps__status=Rsvp.Status.GOING)
    waiting = Q(rsvps__status=Rsvp.Status.WAITLISTED)
    for event in Event.objects.annotate(
        going=Sum(F("rsvps__adults") + F("rsvps__children"), filter=going),
        waiting=Sum(F("rsvps__adults") + F("rsvps__children"), filter=waiting),
    ).order_by("pk"):
        lines.append(
            f"  event {event.pk}: {event.going or 0} going / {event.capacity} places, "
            f"{event.waiting or 0} waiting"
        )
        if (event.going or 0) > event.capacity:
            problems.append(f"event {event.pk}: {event.going} going > {event.capacity} places")
    print("\n".join(lines))
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=20 if QUICK else 60)
    parser.add_argument("--families", type=int, default=300)
    parser.add_argument("--port", type=int, default=8103)
    args = parser.parse_args()
    if not (BIN / "locust").exists():
        sys.exit("locust is missing: .venv/bin/pip install 'locust>=2.30,<3' (make bench does it)")
    env = bench_env(DATABASE, REDIS_DB)
    ensure_database(DATABASE)
    setup_django(env)
    from django.conf import settings

    started = time.monotonic()
    events, sessions = seed(args.families)
    print(
        f"seeded {len(events)} events, {len(sessions)} families "
        f"in {time.monotonic() - started:.0f} s"
    )
    OUT.mkdir(parents=True, exist_ok=True)
    sessions_file = OUT / "sessions.json"
    sessions_file.write_text(
        json.dumps({"events": events, "sessions": sessions, "cookie": settings.SESSION_COOKIE_NAME})
    )
    access_log = OUT / "access.log"
    access_log.unlink(missing_ok=True)
    with gunicorn(env, args.port, workers=2, access_log=access_log) as server:
        command = [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench/support/locustfile.py"),
            "--headless",
            "-u",
            str(args.users),
            "-r",
            str(args.spawn_rate),
            "-t",
            f"{args.seconds}s",
            "--host",
            server.url,
            "--csv",
            str(OUT / "locust"),
            "--only-summary",
        ]
        print(
            f"$ locust --headless -u {args.users} -r {args.spawn_rate} -t {args.seconds}s "
            "(2 gunicorn sync workers)",
            flush=True,
        )
        result = subprocess.run(
            command,
            env={**os.environ, "BENCH_SESSIONS": str(sessions_file)},
            capture_output=True,
            text=True,
        )
    statuses = re.findall(r'" (\d{3}) ', access_log.read_text())
    server_errors = sum(1 for s in statuses if s.startswith("5"))
    with open(OUT / "locust_stats.csv") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    print(f"{'':<14} {'requests':>8} {'failures':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for name in ("event page", "RSVP (POST)", "Aggregated"):
        row = rows[name]
        print(
            f"{name:<14} {row['Request Count']:>8} {row['Failure Count']:>8} {row['50%']:>7} "
            f"{row['95%']:>7} {row['99%']:>7}"
        )
    if result.returncode not in (0, 1):
        print(result.stderr[-3000:])
    failures = OUT / "locust_failures.csv"
    if failures.exists():
        for row in csv.DictReader(failures.open()):
            print(f"  failure: {row['Name']}: {row['Error']} ×{row['Occurrences']}")
    print(f"responses seen by gunicorn: {len(statuses)}, 5xx: {server_errors}")
    problems = overbooked()
    p95 = float(rows["RSVP (POST)"]["95%"])
    verdict = []
    if server_errors:
        verdict.append(f"{server_errors} server errors")
    if p95 >= 500:
        verdict.append(f"RSVP p95 {p95:.0f} ms ≥ 500 ms")
    if int(rows["RSVP (POST)"]["Request Count"]) == 0:
        verdict.append("no RSVP was sent")
    verdict += problems
    print("G2 + D1: " + ("pass" if not verdict else "FAIL: " + "; ".join(verdict)))
    return 1 if verdict else 0


if __name__ == "__main__":
    sys.exit(main())
