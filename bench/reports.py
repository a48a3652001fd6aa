"""District reports on a large district, quiet and while another benchmark runs.

    .venv/bin/python bench/reports.py [--runs 7] [--cached-runs 15] [--clients 4] [--regenerate]

Builds (once) a database portal_bench_reports (BENCH_REPORTS_DB names another) on PostgreSQL
127.0.0.1 with one district of 200 schools, 100,000 families, 20,000 events over two years,
1,000,000 RSVPs, a quarter of a million reminders, committees, guides and partners, all with
INSERT … SELECT generate_series (about 40 s). Then logs in as the district's staff member and
times every report page and CSV in-process (no network, no web server): the median and p95
of --runs after one warm-up, with the 1-minute load average beside each page.

Two ways a page is served, each measured quiet and loaded, with REPORTS_CACHE_SECONDS=300
on Redis (db 5) as in production and beat's build done first:
- computed: before each timed request the snapshots of periods are deleted, so every
  request reads the counts of its period and suppresses them afresh: what the first reader
  of a view nobody read lately waits for. The counts kept for every period of a scope
  (the families by the day they registered: reports.report.every_period) stay, as beat
  keeps them built;
- snapshot: the pages that follow the first one of a period and scope read its suppressed
  figures, and so does the first reader of a district's default view (all schools, 90
  days) or of a view read lately, which beat builds ahead (reports.tasks.warm_snapshots;
  its time on the worker is the table's "warmed" row).

"Loaded" means pgbench (PostgreSQL's own benchmark) runs at the same time against the same
database with --clients connections, as fast as it can: each transaction checks a random
family in at the door or undoes it (an UPDATE of events_rsvp; the triggers of
reports/migrations/0002 change the event's counts in the same transaction) and reads that
event's RSVPs, as the door pages of many schools on an open evening. Goal (issue 14): every
page's median < 250 ms loaded. Reminders by channel are timed apart: they read the per-event
message counts (events.MessageCount, kept by triggers on the outbox), not the outbox's rows.

The last lines are a markdown table (what `make bench` shows): one row per page and way of
serving, median and p95 quiet and loaded, the 1-minute load average when each was timed, and
what else ran at the same time: pgbench for "loaded", and any other test or benchmark found
running on the machine (other helpers' pytest runs, bench/*.py), or what --alongside names.
"""

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# make bench BENCH_QUICK=1: sizes that end in minutes on a shared machine (README).
QUICK = os.environ.get("BENCH_QUICK") == "1"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = os.environ.get("BENCH_REPORTS_DB", "portal_bench_reports")
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
# The test settings serve static files without collectstatic; Redis db 5 is outside the
# test runs' (6-15) and the other benches' (2-4).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
os.environ["REDIS_URL"] = "redis://127.0.0.1:6379/5"
GOAL_MS = 250
BEFORE = "383 ms median quiet, 698 ms with another benchmark running"  # issue 14's "today"

import psycopg  # noqa: E402

SCHOOLS, FAMILIES, EVENTS, RSVPS_PER_EVENT = 200, 100_000, 20_000, 50
LANGS = [
    "en",
    "es",
    "zh-hans",
    "bn",
    "ar",
    "ru",
    "ht",
    "fr",
    "ko",
    "ur",
    "uz",
    "sq",
    "uk",
    "tl",
    "zh-hant",
]


def ensure_database(regenerate: bool) -> bool:
    """Create the database when missing; True when it must be filled."""
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        exists = c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if exists and regenerate:
            c.execute(f'DROP DATABASE "{DB_NAME}" WITH (FORCE)')
            exists = None
        if not exists:
            c.execute(f'CREATE DATABASE "{DB_NAME}"')
            return True
    return False


# Families' languages: Spanish and Chinese large, Uzbek and Albanian small, as in a big city.
LANGUAGE_OF = (
    "(ARRAY['es','es','es','es','es','zh-hans','zh-hans','zh-hans','en','en','bn','bn','ar',"
    "'ar','ru','ht','ht','fr','ko','ur','uk','tl','zh-hant','sq','uz'])[1 + (i * 7919) % 25]"
)

# Built from the constants above only, no outside input.
GENERATE = f"""
INSERT INTO schools_district (id, name, name_en, slug) VALUES (1, 'Bench District',
    'Bench District', 'bench');
INSERT INTO schools_school (id, name, name_en, slug, address, phone, languages, welcome,
    safe_zone, time_zone, is_active, district_id, join_code)
SELECT i, 'School ' || i, 'School ' || i, 'school-' || i, '', '',
    '["en","es","zh-hans","ar","bn"]'::jsonb, '', '', 'America/New_York', true, 1,
    'J' || lpad(i::text, 8, '0')
FROM generate_series(1, {SCHOOLS}) i;
INSERT INTO families_family (id, display_name, language, channel, wants_interpreter,
    interpreter_language, created_at, last_active_at, retention_warnings)
SELECT i, 'Family ' || i, {LANGUAGE_OF}, (ARRAY['sms','sms','voice','email'])[1 + i % 4],
    false, '', now() - ((i % 900) || ' days')::interval, now(), 0
FROM generate_series(1, {FAMILIES}) i;
-- Family i belongs to school 1 + i % 200; one in twenty also to the next school.
INSERT INTO families_membership (status, via, created_at, family_id, school_id)
SELECT 'confirmed', 'request', now(), i, 1 + i % {SCHOOLS} FROM generate_series(1, {FAMILIES}) i;
INSERT INTO families_membership (status, via, created_at, family_id, school_id)
SELECT 'confirmed', 'request', now(), i, 1 + (i + 1) % {SCHOOLS}
FROM generate_series(1, {FAMILIES}) i WHERE i % 20 = 0;
-- Events: school 1 + e % 200, spread over the last two years and the next month; one in
-- fifty is district-wide.
INSERT INTO events_event (id, kind, title, title_en, title_es, description, description_en,
    place, place_en, address, starts_at, ends_at, interpreter_languages, childcare, food,
    accessible, online_link, status, created_at, district_id, school_id, reminder_offsets,
    short_title, sequence)
SELECT e, 'meeting', 'Event ' || e, 'Event ' || e, CASE WHEN e % 3 > 0 THEN 'Evento ' || e END,
    '', '', 'Library', 'Library', '',
    now() - ((e * 37) % 760 - 30 || ' days')::interval,
    now() - ((e * 37) % 760 - 30 || ' days')::interval + interval '2 hours',
    (ARRAY['["es","zh-hans"]','["es"]','[]','["ar","bn","es"]'])[1 + e % 4]::jsonb,
    e % 2 = 0, false, true, '', CASE WHEN e % 40 = 0 THEN 'cancelled' ELSE 'published' END,
    now(), 1, CASE WHEN e % 50 = 0 THEN NULL ELSE 1 + e % {SCHOOLS} END, '[]'::jsonb, '', 0
FROM generate_series(1, {EVENTS}) e;
-- RSVPs: 50 families of the event's school (distinct: 13 is prime to 500).
INSERT INTO events_rsvp (status, adults, children, needs_interpreter, interpreter_language,
    needs_childcare, other_needs, queued_at, event_id, family_id, arrived_at)
SELECT 'going', 1, j % 3, (e + j) % 7 = 0, '', (e * j) % 13 = 0, '', now(), e,
    e % {SCHOOLS} + {SCHOOLS} * (1 + (e * 7 + j * 13) % 499),
    CASE WHEN (e + j * 3) % 10 < 7 THEN now() END
FROM generate_series(1, {EVENTS}) e, generate_series(0, {RSVPS_PER_EVENT - 1}) j;
-- One reminder per RSVP for events of the last 240 days, a few failed or in doubt.
INSERT INTO messaging_message (recipient, channel, language, kind, context, due_at, status,
    attempts, last_error, provider_id, idempotency_key, created_at)
SELECT 'family:' || r.family_id, (ARRAY['sms','sms','voice','email'])[1 + r.id % 4], 'es',
    'reminder', jsonb_build_object('event', r.event_id), now(),
    (ARRAY['sent','sent','sent','sent','sent','sent','sent','sent','failed','unknown'])
        [1 + r.id % 10], 1, '', '', 'bench:' || r.id, now()
FROM events_rsvp r JOIN events_event ev ON ev.id = r.event_id
WHERE ev.starts_at > now() - interval '240 days' AND ev.starts_at < now();
INSERT INTO schools_committee (id, kind, name, name_en, description, description_en, meets,
    status, district_id, school_id)
SELECT i, 'welcoming', 'Committee ' || i, 'Committee ' || i, '', '', '', 'published', 1, i
FROM generate_series(1, {SCHOOLS}) i;
INSERT INTO schools_seat (label, term_start, term_end, show_name, committee_id, holder_id)
SELECT 'Seat ' || s, current_date - 200, current_date + 165, false, c,
    CASE WHEN s < 6 THEN c + {SCHOOLS} * (s * 31) END
FROM generate_series(1, {SCHOOLS}) c, generate_series(0, 7) s;
INSERT INTO schools_seatapplication (statement, language, wants_partner_help, show_name,
    status, created_at, committee_id, family_id)
SELECT '', 'es', false, false, 'applied', now() - ((a * 5) || ' days')::interval, c,
    c + {SCHOOLS} * (a * 17 + 3)
FROM generate_series(1, {SCHOOLS}) c, generate_series(0, 19) a;
INSERT INTO schools_guide (id, title, title_en, title_es, summary, slug, status, "order",
    updated_at, school_id)
SELECT g, 'Guide ' || g, 'Guide ' || g, 'Guía ' || g, '', 'guide-' || g, 'published', 0, now(),
    1 + g % {SCHOOLS}
FROM generate_series(1, {SCHOOLS * 2}) g;
INSERT INTO schools_guidesection (title, title_en, title_es, title_ar, body, body_en, body_es,
    body_ar, status, "order", guide_id)
SELECT 'Part', 'Part', 'Parte', CASE WHEN s % 2 = 0 THEN 'جزء' END, 'Text', 'Text', 'Texto',
    CASE WHEN s % 2 = 0 THEN 'نص' END, 'published', s, g
FROM generate_series(1, {SCHOOLS * 2}) g, generate_series(0, 4) s;
INSERT INTO schools_partner (id, name, phone) SELECT p, 'Partner ' || p, ''
FROM generate_series(1, 50) p;
INSERT INTO schools_partner_schools (partner_id, school_id)
SELECT 1 + s % 50, s FROM generate_series(1, {SCHOOLS}) s;
INSERT INTO events_event_partners (event_id, partner_id)
SELECT e, 1 + e % 50 FROM generate_series(1, {EVENTS}, 7) e;
INSERT INTO events_walkin (name, language, people, arrived_at, event_id)
SELECT 'Walk-in', 'es', 1 + w % 3, now(), e
FROM generate_series(1, {EVENTS}, 3) e, generate_series(1, 2) w;
"""  # noqa: S608

RESEQUENCE = [
    "schools_district",
    "schools_school",
    "families_family",
    "events_event",
    "schools_committee",
    "schools_guide",
    "schools_partner",
]


def generate():
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(GENERATE)
        for table in RESEQUENCE:
            # Table names from the list above, not outside input.
            sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: E501, S608
            cursor.execute(sql)
        cursor.execute("ANALYZE")
    print(f"generated in {time.perf_counter() - started:.0f} s")


PGBENCH_SCRIPT = """
\\set id random(1, {rsvps})
UPDATE events_rsvp SET arrived_at = CASE WHEN arrived_at IS NULL THEN now() END WHERE id = :id;
SELECT count(*), sum(adults + children) FROM events_rsvp
    WHERE event_id = (SELECT event_id FROM events_rsvp WHERE id = :id) AND status = 'going';
"""


class Load:
    """pgbench against the bench database while the pages are timed."""

    def __init__(self, clients: int, rsvps: int):
        self.clients = clients
        self.script = tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False)  # noqa: SIM115
        self.script.write(PGBENCH_SCRIPT.format(rsvps=rsvps))
        self.script.close()
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(  # noqa: S603
            [
                "pgbench",
                "-n",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-c",
                str(self.clients),
                "-j",
                "1",
                "-T",
                "3600",
                "-P",
                "5",
                "-f",
                self.script.name,
                DB_NAME,
            ],  # fmt: skip
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        time.sleep(3)  # let it reach its pace before the first page
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        out, _ = self.process.communicate(timeout=30)
        os.unlink(self.script.name)
        # Its progress lines ("progress: 5.0 s, 812.3 tps, lat 4.9 ms stddev …"), every 5 s.
        tps = [float(line.split(",")[1].split()[0]) for line in out.splitlines() if " tps," in line]
        self.summary = (
            f"{statistics.median(tps):.0f} transactions/s (median of {len(tps)} 5-s spans)"
            if tps
            else out.strip()[-300:]
        )


def others_running() -> str:
    """Other test and benchmark processes on the machine now (not this one, not pgbench's
    own): the machine is shared, and a figure is read beside what ran with it."""
    found: dict[str, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in (os.getpid(), os.getppid()):
            continue
        try:
            words = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        if any(w.endswith("pytest") or w == "pytest" for w in words):
            name = "pytest"
        elif bench := next(
            (w for w in words if w.startswith("bench/") and w.endswith(".py")), None
        ):
            name = bench
        else:
            continue
        found[name] = found.get(name, 0) + 1
    return ", ".join(f"{name} ×{n}" for name, n in sorted(found.items())) or "nothing else"


def forget_snapshots():
    """What a view's first reader finds: no snapshot of its period and scope, but the
    district's counts kept for every period (reports.report.every_period), which beat
    builds with its default view; one school's are not kept unless it was read lately."""
    from portal.cache import delete_keys

    def doomed(key):
        return key.startswith("reports:") and (":every:" not in key or ":school:" in key)

    delete_keys(doomed)


def time_pages(client, pages, runs, first_reader=False):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = []
    for name, url in pages:
        response = client.get(url, secure=True)  # warm-up (fills the snapshot when kept)
        assert response.status_code == 200, (url, response.status_code)
        times, cpu = [], []
        for _run in range(runs):
            if first_reader:
                forget_snapshots()
            with CaptureQueriesContext(connection) as queries:
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.get(url, secure=True)
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
        rows.append(
            {
                "name": name,
                "median": statistics.median(times),
                "p95": statistics.quantiles(times, n=20, method="inclusive")[18],
                "cpu": statistics.median(cpu),
                "queries": len(queries),
                "kb": len(response.content) / 1024,
                "load": os.getloadavg()[0],
                "others": others_running(),
            }
        )
    return rows


def time_reminders(runs):
    from reports import queries as q
    from reports.scope import Scope, default_period
    from schools.models import District

    scope = Scope(district=District.objects.get(pk=1))
    period = default_period()
    times = []
    for _run in range(runs + 1):
        started = time.perf_counter()
        q.reminders_by_channel(scope, period)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times[1:]), os.getloadavg()[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--runs", type=int, default=3 if QUICK else 7, help="computed pages: runs per page"
    )
    parser.add_argument(
        "--cached-runs", type=int, default=5 if QUICK else 15, help="snapshot: runs per page"
    )
    parser.add_argument("--clients", type=int, default=4, help="pgbench connections")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument(
        "--alongside",
        default=os.environ.get("BENCH_ALONGSIDE", ""),
        help="another benchmark you started beside this one, named in the table",
    )
    args = parser.parse_args()
    if shutil.which("pgbench") is None:
        sys.exit("pgbench not found: it comes with PostgreSQL (apt-get install postgresql).")
    fresh = ensure_database(args.regenerate)

    import django
    import django.utils.timezone

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command

    from accounts.models import User
    from events.models import Event, Rsvp
    from families.models import Family
    from schools.staff import StaffRole
    from tests.conftest import Client  # its force_login includes the second factor (B10)

    call_command("migrate", verbosity=0)
    if fresh or not Rsvp.objects.exists():
        generate()
    rsvps = Rsvp.objects.count()
    print(
        f"data: {Family.objects.count():,} families, {Event.objects.count():,} events, "
        f"{rsvps:,} RSVPs"
    )
    user = User.objects.filter(email="bench-district@example.org").first()
    if user is None:
        user = User.objects.create_user(
            email="bench-district@example.org", password="x" * 20, is_staff=True
        )
        StaffRole.objects.create(user=user, kind="district_staff", district_id=1)
    client = Client()
    client.force_login(user)
    event_id = (
        Event.objects.filter(status="published", school__isnull=False)
        .order_by("-starts_at")
        .filter(starts_at__lt=django.utils.timezone.now())
        .values_list("pk", flat=True)
        .first()
    )
    today = django.utils.timezone.localdate()
    year_ago = today.replace(year=today.year - 1)
    pages = [
        ("overview", "/en/reports/"),
        ("overview csv", "/en/reports/?csv=figures"),
        ("overview, one school", "/en/reports/?school=school-7"),
        ("languages", "/en/reports/languages/"),
        ("languages csv", "/en/reports/languages/?csv=families_by_school_and_language"),
        ("schools", "/en/reports/schools/?sort=3&dir=desc"),
        ("schools csv", "/en/reports/schools/?csv=schools"),
        ("events", "/en/reports/events/"),
        ("events csv", "/en/reports/events/?csv=events"),
        ("event", f"/en/reports/events/{event_id}/"),
        ("committees", "/en/reports/committees/"),
        ("coverage", "/en/reports/coverage/"),
        ("coverage, one school", "/en/reports/coverage/?school=school-7"),
        ("overview, one year", f"/en/reports/?start={year_ago}&end={today}"),
    ]
    from reports.tasks import warm_snapshots

    results = {}
    settings.REPORTS_CACHE_SECONDS = 300
    for mode, runs in (("computed", args.runs), ("snapshot", args.cached_runs)):
        first_reader = mode == "computed"
        for loaded in (False, True):
            cache.clear()
            warm_snapshots()  # as beat has done before any reader comes
            label = f"{mode}, {'loaded' if loaded else 'quiet'}"
            print(f"== {label}", flush=True)
            if loaded:
                with Load(args.clients, rsvps) as load:
                    rows = time_pages(client, pages, runs, first_reader)
                    reminders = time_reminders(3) if first_reader else None
                print(f"   pgbench -c {args.clients}: {load.summary}")
            else:
                rows = time_pages(client, pages, runs, first_reader)
                reminders = time_reminders(3) if first_reader else None
            results[label] = (rows, reminders)
    # Beat builds the district's default view ahead of its readers (reports.tasks): what
    # that costs the worker, once quiet and once beside pgbench. The list of views read
    # lately is emptied first: each of those costs what its first reader's page does.
    warmed = {}
    for loaded in (False, True):
        cache.clear()
        with Load(args.clients, rsvps) if loaded else contextlib.nullcontext():
            started = time.perf_counter()
            warm_snapshots()
            warmed[loaded] = (time.perf_counter() - started, os.getloadavg()[0])
    cache.clear()

    print()
    print(f"Median and p95 in ms per page; goal: median < {GOAL_MS} ms loaded; 'load' is the")
    print(f"1-minute load average when the page was timed; loaded = pgbench -c {args.clients}.")
    print("cpu: this process's CPU ms per request, quiet (Python only, not PostgreSQL's; what")
    print("the machine's other work does not change).")
    for mode in ("computed", "snapshot"):
        quiet, _ = results[f"{mode}, quiet"]
        loaded, _ = results[f"{mode}, loaded"]
        print()
        print(
            f"{mode:22} {'quiet':>6} {'p95':>6} {'load':>5}  {'loaded':>6} {'p95':>6} {'load':>5}"
            f"  {'×quiet':>6} {'×goal':>6} {'cpu':>5} {'queries':>7} {'KB':>5}"
        )
        for q_row, l_row in zip(quiet, loaded, strict=True):
            print(
                f"{q_row['name']:22} {q_row['median']:6.0f} {q_row['p95']:6.0f} "
                f"{q_row['load']:5.2f}  {l_row['median']:6.0f} {l_row['p95']:6.0f} "
                f"{l_row['load']:5.2f}  {l_row['median'] / q_row['median']:6.2f} "
                f"{l_row['median'] / GOAL_MS:6.2f} {q_row['cpu']:5.0f} {l_row['queries']:7d} "
                f"{l_row['kb']:5.0f}"
            )
    quiet_ms, quiet_load = results["computed, quiet"][1]
    loaded_ms, loaded_load = results["computed, loaded"][1]
    print()
    print(
        f"reminders by channel alone (one query over the per-event counts, part of the "
        f"overview's "
        f"computed figures): {quiet_ms:.0f} ms quiet (load {quiet_load:.2f}), "
        f"{loaded_ms:.0f} ms loaded (load {loaded_load:.2f})"
    )

    def summary(mode, state):
        rows = results[f"{mode}, {state}"][0]
        medians = [r["median"] for r in rows]
        return statistics.median(medians), max(medians), statistics.mean(r["load"] for r in rows)

    # The table: one row per page and way of serving (the Makefile's bench target
    # shows the lines that start with "|").
    alongside = f"pgbench -c {args.clients}" + (f" + {args.alongside}" if args.alongside else "")
    print()
    print(
        "| page | served | median ms without pgbench | p95 | load | median ms with pgbench | p95 "
        "| load | running at the same time (with pgbench) | < 250 ms with pgbench |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |")
    for mode in ("computed", "snapshot"):
        quiet, _ = results[f"{mode}, quiet"]
        loaded, _ = results[f"{mode}, loaded"]
        for q_row, l_row in zip(quiet, loaded, strict=True):
            print(
                f"| {q_row['name']} | {mode} | {q_row['median']:.0f} | {q_row['p95']:.0f} "
                f"| {q_row['load']:.2f} | {l_row['median']:.0f} | {l_row['p95']:.0f} "
                f"| {l_row['load']:.2f} | {alongside}; also {l_row['others']} "
                f"| {'yes' if l_row['median'] < GOAL_MS else '**no**'} |"
            )
    for mode in ("computed", "snapshot"):
        (qm, qx, ql), (lm, lx, ll) = summary(mode, "quiet"), summary(mode, "loaded")
        print(
            f"| all pages: median of medians (slowest) | {mode} | {qm:.0f} ({qx:.0f}) | "
            f"| {ql:.2f} | {lm:.0f} ({lx:.0f}) | | {ll:.2f} | {alongside} "
            f"| {'yes' if lx < GOAL_MS else '**no**'} |"
        )
    (wq, wql), (wl, wll) = warmed[False], warmed[True]
    print(
        f"| beat builds the default view ahead (worker time, no reader waits) | warmed "
        f"| {wq * 1000:.0f} | | {wql:.2f} | {wl * 1000:.0f} | | {wll:.2f} | {alongside} | |"
    )
    print(f"| before (issue 14) | computed | {BEFORE} | | | | | | | |")


if __name__ == "__main__":
    main()
