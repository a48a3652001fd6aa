"""Family pages under load, anonymous and signed in, against bare Django views served by the
same gunicorn in the same run.

    .venv/bin/python bench/pages.py [--duration 20] [--connections 16,64] [--workers 2]
                                    [--no-lighthouse] [--reseed] [--only signed-in]

Production settings (DEBUG off, whitenoise, Redis cache) on PostgreSQL, in a database of its
own (portal_bench_pages) seeded at district scale (bench/support/seed.py: 200 schools,
10,000 families, 2,000 events). gunicorn runs sync workers: gthread with keep-alive measured
slower and unstable on this 2-core machine. wrk (Debian package) loads each page for
--duration seconds at each connection count; the script reads the workers' CPU time from
/proc before and after, so "CPU ms/req" is server time only (wrk runs on the same machine
and takes a share of the cores, which lowers requests/s but not CPU per request). Each
figure is also given as a ratio to a yardstick: public pages for anonymous visitors against
the minimal view (a 2-byte response; targets ≥ 0.5× its requests/s, ≤ 2× its CPU per
request), signed-in pages (a family's session cookie: event, school, guide, my page, pass)
against the bare view (one query, a 5 KB template; target ≤ 2× its CPU per request); p99
< 100 ms at 16 connections for every page. The last table sums both up, in the issue's
words, with the load average (1 min) read when each page's run ended.
Lighthouse (npm, in bench/node_modules; CHROME_PATH=/usr/bin/chromium, mobile emulation)
then scores the school, guide and event pages: the median of 3 runs per category.
"""

import argparse
import contextlib
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

# make bench BENCH_QUICK=1: sizes that end in minutes on a shared machine (README).
QUICK = os.environ.get("BENCH_QUICK") == "1"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.support import seed as seeding  # noqa: E402
from bench.support.server import bench_env, ensure_database, gunicorn, setup_django  # noqa: E402

DATABASE = "portal_bench_pages"
REDIS_DB = 3
PROXY_HEADER = ("X-Forwarded-Proto", "https")  # the TLS proxy in front of gunicorn
TARGETS = {"rps_ratio": 0.5, "cpu_ratio": 2.0, "p99_ms": 100.0}
LIGHTHOUSE = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


BENCH_EMAIL = "bench-family@example.org"


def pages(only: str = "") -> list[tuple[str, str, bool]]:
    """(name, path, signed in) of every page measured."""
    from events.models import Event
    from schools.models import School

    school = School.objects.select_related("district").get(slug="school-0")
    guide = school.guides.order_by("order").first()
    event = Event.objects.filter(school=school).order_by("starts_at").first()
    found = []
    if only != "signed-in":
        found.append(("minimal view", "/bench/minimal/", False))
        for language in ("en", "ar"):
            found += [
                (f"home ({language})", f"/{language}/", False),
                (f"school ({language})", f"/{language}/schools/{school.slug}/", False),
                (
                    f"guide ({language})",
                    f"/{language}/schools/{school.slug}/guides/{guide.slug}/",
                    False,
                ),
                (f"event ({language})", f"/{language}/events/{event.pk}/", False),
                (
                    f"event list ({language})",
                    f"/{language}/districts/{school.district.slug}/events/",
                    False,
                ),
            ]
    found.append(("bare view", "/bench/bare/", False))
    # The same view with the family's session: what being signed in costs by itself (the
    # session, the user, their staff roles), shown beside the pages, not a yardstick.
    found.append(("bare, signed in", "/bench/bare/", True))
    for language in ("en", "ar"):
        found += [
            (f"signed event ({language})", f"/{language}/events/{event.pk}/", True),
            (f"signed school ({language})", f"/{language}/schools/{school.slug}/", True),
            (
                f"signed guide ({language})",
                f"/{language}/schools/{school.slug}/guides/{guide.slug}/",
                True,
            ),
            (f"my page ({language})", f"/{language}/my/", True),
            (f"pass ({language})", f"/{language}/my/pass/", True),
        ]
    return found


def signed_in_family() -> tuple[str, str]:
    """A login for the first family of school-0 (a member, with a pass and two answers), and
    a session for it: (cookie name, session key). Made again on each run, so the session is
    in the engine the settings name."""
    from django.conf import settings
    from django.test import Client

    from accounts.models import User
    from families.models import Family

    user = User.objects.filter(email=BENCH_EMAIL).first()
    if user is None:
        user = User.objects.create_user(email=BENCH_EMAIL)
    if not Family.objects.filter(user=user).exists():
        family = (
            Family.objects.filter(user=None, memberships__school__slug="school-0")
            .order_by("pk")
            .first()
        )
        family.user = user
        family.save(update_fields=["user"])
    client = Client()
    client.force_login(user)
    return settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value


def in_process(path: str, cookie: str = "") -> tuple[int, int]:
    """(gzipped bytes, SQL queries) of one request, through Django's test client: rendered
    afresh for an anonymous visitor (the page cache off), as served for a signed-in one
    (its caches warm, as under load)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client(SERVER_NAME="127.0.0.1", HTTP_X_FORWARDED_PROTO="https", HTTP_COOKIE=cookie)
    fresh = override_settings(PAGE_CACHE_SECONDS=0) if not cookie else contextlib.nullcontext()
    with fresh:
        client.get(path)  # warm Django's own caches (templates, translations, URLs)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(gzip.compress(response.content)), len(queries)


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, connections: int, seconds: int, cookie: str = "") -> dict:
    headers = ["--header", f"Cookie: {cookie}"] if cookie else []
    command = [
        "wrk",
        "--threads",
        "2",
        "--connections",
        str(connections),
        "--duration",
        f"{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        "--header",
        f"{PROXY_HEADER[0]}: {PROXY_HEADER[1]}",
        *headers,
        url,
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    latency = {
        int(p): float(v) * UNITS[u]
        for p, v, u in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
    }
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.+)", out)
    return {
        "requests": requests,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency[50],
        "p99": latency[99],
        "bad": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def warm(base: str, path: str, cookie: str = "") -> None:
    headers = dict([PROXY_HEADER]) | ({"Cookie": cookie} if cookie else {})
    request = urllib.request.Request(base + path, headers=headers)  # noqa: S310
    for _ in range(5):
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (our server)
            response.read()


def _lighthouse_once(url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            "--output-path=stdout",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox",
            f"--extra-headers={json.dumps(dict([PROXY_HEADER]))}",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
        timeout=180,
    )


def lighthouse(url: str, runs: int) -> dict[str, int]:
    scores = {c: [] for c in CATEGORIES}
    for _ in range(runs):
        for _attempt in range(3):  # a trace sometimes fails on a busy machine (NO_NAVSTART)
            result = _lighthouse_once(url)
            if result.returncode == 0:
                break
        if result.returncode:
            raise RuntimeError(result.stderr[-2000:])
        report = json.loads(result.stdout)
        for category in CATEGORIES:
            scores[category].append(round(report["categories"][category]["score"] * 100))
        failed = [
            f"{audit['id']} ({audit['score']})"
            for audit in report["audits"].values()
            if audit.get("score") is not None
            and audit["score"] < 1
            and audit.get("scoreDisplayMode") in ("binary", "numeric")
        ]
    return {c: int(statistics.median(v)) for c, v in scores.items()} | {"failed": failed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=5 if QUICK else 20)
    parser.add_argument("--connections", default="16" if QUICK else "16,64")
    # Two sync workers, one per core: the set-up the figures were measured with.
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8102)
    parser.add_argument("--lighthouse-runs", type=int, default=3)
    parser.add_argument("--no-lighthouse", action="store_true", default=QUICK)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--only", choices=["signed-in"], default="")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk (make bench installs it when run as root)")

    env = bench_env(DATABASE, REDIS_DB)
    ensure_database(DATABASE)
    setup_django(env)
    from events.models import Event
    from families.models import Family
    from schools.models import School

    if args.reseed or not seeding.seeded():
        print(f"seeding {DATABASE}…", flush=True)
        print(f"seeded in {seeding.seed():.0f} s", flush=True)
    print(
        f"data: {School.objects.count()} schools, {Family.objects.count()} families, "
        f"{Event.objects.count()} events (PostgreSQL, database {DATABASE})"
    )
    from django.conf import settings

    name, key = signed_in_family()
    # The language cookie the site sets on the first page read, as a phone would send it.
    signed_cookie = f"{name}={key}; {settings.LANGUAGE_COOKIE_NAME}=en"
    targets = pages(args.only)
    static = {
        (path_, signed): in_process(path_, signed_cookie if signed else "")
        for _, path_, signed in targets
    }
    print(f"sessions: {settings.SESSION_ENGINE}")
    connections = [int(c) for c in args.connections.split(",")]
    rows = {}
    with gunicorn(env, args.port, args.workers) as server:
        for _, path_, signed in targets:
            warm(server.url, path_, signed_cookie if signed else "")
        print(
            f"gunicorn: {args.workers} sync workers (gthread with keep-alive measured slower and "
            f"unstable here); wrk 2 threads, {args.duration} s per page and connection count; "
            f"{os.cpu_count()} cores shared by wrk and gunicorn",
            flush=True,
        )
        for count in connections:
            for name, path_, signed in targets:
                before = server.cpu_seconds()
                row = wrk(server.url + path_, count, args.duration, signed_cookie if signed else "")
                row["cpu_ms"] = (server.cpu_seconds() - before) * 1000 / max(row["requests"], 1)
                row["load"] = os.getloadavg()[0]
                rows[(count, name)] = row
                print(
                    f"  {count:>3} conns  {name:<20} {row['rps']:>7.0f} req/s  "
                    f"load {row['load']:.2f}",
                    flush=True,
                )
        gaps = report_load(targets, static, connections, rows)
        gaps += report_summary(targets, connections, rows)
        scores = {}
        if not args.no_lighthouse and not args.only:
            if not LIGHTHOUSE.exists():
                sys.exit("Lighthouse is missing: npm ci --prefix bench (make bench does it)")
            for name, path_, _signed in targets:
                if name in ("school (en)", "guide (en)", "event (en)"):
                    scores[name] = lighthouse(server.url + path_, args.lighthouse_runs)
    gaps += report_lighthouse(scores)
    print("targets: anonymous ≥0.5× minimal req/s and ≤2× minimal CPU/req; signed in ≤2× the")
    print("         bare view's CPU/req; p99 < 100 ms at 16 conns; Lighthouse 100 everywhere")
    print("gaps: " + ("none" if not gaps else "\n  " + "\n  ".join(gaps)))


def _yardstick(name: str, signed: bool) -> str | None:
    if name in ("minimal view", "bare view"):
        return None
    if name == "bare, signed in":
        return "bare view"
    return "bare view" if signed else "minimal view"


def report_load(targets, static, connections, rows) -> list[str]:
    gaps = []
    for count in connections:
        print(f"\n{count} connections (×: ratio to the yardstick, the minimal view for anonymous")
        print("pages, the bare view for signed-in ones)")
        print(
            f"{'page':<20} {'req/s':>7} {'(×)':>5} {'p50 ms':>7} {'p99 ms':>7} "
            f"{'CPU ms/req':>10} {'(×)':>5} {'gzip B':>7} {'SQL*':>4} {'non-2xx':>7} {'load':>5}"
        )
        for name, path_, signed in targets:
            row = rows[(count, name)]
            size, queries = static[(path_, signed)]
            yardstick = _yardstick(name, signed)
            base = rows[(count, yardstick or name)]
            rps_ratio = row["rps"] / base["rps"]
            cpu_ratio = row["cpu_ms"] / base["cpu_ms"]
            print(
                f"{name:<20} {row['rps']:>7.0f} {rps_ratio:>5.2f} {row['p50']:>7.1f} "
                f"{row['p99']:>7.1f} {row['cpu_ms']:>10.2f} {cpu_ratio:>5.2f} {size:>7} "
                f"{queries:>4} {row['bad']:>7} {row['load']:>5.2f}"
            )
            if row["socket_errors"]:
                print(f"{'':<20} socket errors: {row['socket_errors']}")
            if row["bad"]:
                gaps.append(f"{name} at {count}: {row['bad']} responses not 2xx/3xx")
            if yardstick is None or name == "bare, signed in":
                continue
            if not signed and rps_ratio < TARGETS["rps_ratio"]:
                gaps.append(f"{name} at {count}: {rps_ratio:.2f}× the minimal view's req/s")
            if cpu_ratio > TARGETS["cpu_ratio"]:
                gaps.append(f"{name} at {count}: {cpu_ratio:.2f}× the {yardstick}'s CPU/req")
            if count == 16 and row["p99"] >= TARGETS["p99_ms"]:
                gaps.append(f"{name}: p99 {row['p99']:.0f} ms at 16 connections")
    print("* SQL queries of one request: anonymous pages rendered afresh (from the cache they")
    print("  make none), signed-in pages as served with their caches warm.")
    return gaps


def _span(values, form) -> str:
    low, high = min(values), max(values)
    return (
        form.format(low)
        if form.format(low) == form.format(high)
        else (f"{form.format(low)}–{form.format(high)}")
    )


def report_summary(targets, connections, rows) -> list[str]:
    """The issue's table: each group as the range over its pages, at 16 connections."""
    count = 16 if 16 in connections else connections[0]
    groups = {
        "public pages, anonymous (page cache)": [
            n for n, _, signed in targets if not signed and _yardstick(n, signed)
        ],
        "signed-in family pages: event, school, guide, my page, pass": [
            n for n, _, signed in targets if signed and n != "bare, signed in"
        ],
    }
    print(f"\nSummary at {count} connections, one run (load: 1-minute load average per page)")
    for label, yardstick in (
        ("minimal view", "minimal view"),
        ("bare view", "bare view"),
        ("bare view, signed in", "bare, signed in"),
    ):
        if (count, yardstick) in rows:
            row = rows[(count, yardstick)]
            print(
                f"  {label}: {row['cpu_ms']:.2f} ms CPU/request, {row['rps']:.0f} req/s, "
                f"p99 {row['p99']:.0f} ms, load {row['load']:.2f}"
            )
    print("| | measured | × yardstick CPU | load | goal |\n| --- | --- | --- | --- | --- |")
    for label, names in groups.items():
        if not names:
            continue
        found = [rows[(count, n)] for n in names]
        signed = label.startswith("signed")
        base = rows[(count, "bare view" if signed else "minimal view")]
        measured = (
            f"{_span([r['cpu_ms'] for r in found], '{:.2f}')} ms CPU/request, "
            f"{_span([r['rps'] for r in found], '{:,.0f}')} req/s, "
            f"p99 {_span([r['p99'] for r in found], '{:.0f}')} ms"
        )
        ratio = _span([r["cpu_ms"] / base["cpu_ms"] for r in found], "{:.2f}×")
        ratio += " bare view" if signed else " minimal view"
        load = _span([r["load"] for r in found], "{:.2f}")
        goal = "≤ 2× the bare view's CPU, p99 < 100 ms" if signed else "keep"
        print(f"| {label} | {measured} | {ratio} | {load} | {goal} |")
    return []


def report_lighthouse(scores) -> list[str]:
    gaps = []
    if scores:
        print("\nLighthouse (mobile, median of runs): " + " / ".join(CATEGORIES))
        for name, result in scores.items():
            values = " / ".join(str(result[c]) for c in CATEGORIES)
            print(f"{name:<18} {values}")
            if result["failed"]:
                print(f"{'':<18} audits below 1 (last run): {', '.join(result['failed'])}")
            gaps += [f"{name}: Lighthouse {c} {result[c]}" for c in CATEGORIES if result[c] < 100]
    return gaps


if __name__ == "__main__":
    started = time.monotonic()
    main()
    print(f"(bench/pages.py took {time.monotonic() - started:.0f} s)")
