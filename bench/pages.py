"""Family pages under load, against a minimal Django view served by the same gunicorn.

    .venv/bin/python bench/pages.py [--duration 20] [--connections 16,64] [--workers 3]
                                    [--no-lighthouse] [--reseed]

Production settings (DEBUG off, whitenoise, Redis cache) on PostgreSQL, in a database of its
own (portal_bench_pages) seeded at district scale (bench/support/seed.py: 200 schools,
10,000 families, 2,000 events). gunicorn runs sync workers: gthread with keep-alive measured
slower and unstable on this 2-core machine. wrk (Debian package) loads each page for
--duration seconds at each connection count; the script reads the workers' CPU time from
/proc before and after, so "CPU ms/req" is server time only (wrk runs on the same machine
and takes a share of the cores, which lowers requests/s but not CPU per request). Each
figure is also given as a ratio to the minimal view ("min" columns): the targets are
≥ 0.5× its requests/s, ≤ 2× its CPU per request, and p99 < 100 ms at 16 connections.
Lighthouse (npm, in bench/node_modules; CHROME_PATH=/usr/bin/chromium, mobile emulation)
then scores the school, guide and event pages: the median of 3 runs per category.
"""

import argparse
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


def pages() -> list[tuple[str, str]]:
    from events.models import Event
    from schools.models import School

    school = School.objects.select_related("district").get(slug="school-0")
    guide = school.guides.order_by("order").first()
    event = Event.objects.filter(school=school).order_by("starts_at").first()
    found = [("minimal view", "/bench/minimal/")]
    for language in ("en", "ar"):
        found += [
            (f"home ({language})", f"/{language}/"),
            (f"school ({language})", f"/{language}/schools/{school.slug}/"),
            (f"guide ({language})", f"/{language}/schools/{school.slug}/guides/{guide.slug}/"),
            (f"event ({language})", f"/{language}/events/{event.pk}/"),
            (f"event list ({language})", f"/{language}/districts/{school.district.slug}/events/"),
        ]
    return found


def in_process(path: str) -> tuple[int, int]:
    """(gzipped bytes, SQL queries) of one request rendered afresh (the page cache off),
    through Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client(SERVER_NAME="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    with override_settings(PAGE_CACHE_SECONDS=0):
        client.get(path)  # warm Django's own caches (templates, translations, URLs)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(gzip.compress(response.content)), len(queries)


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, connections: int, seconds: int) -> dict:
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


def warm(base: str, path: str) -> None:
    request = urllib.request.Request(base + path, headers=dict([PROXY_HEADER]))  # noqa: S310
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
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", default="16,64")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8102)
    parser.add_argument("--lighthouse-runs", type=int, default=3)
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument("--reseed", action="store_true")
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
    targets = pages()
    static = {path: in_process(path) for _, path in targets}
    connections = [int(c) for c in args.connections.split(",")]
    rows = {}
    with gunicorn(env, args.port, args.workers) as server:
        for _, path in targets:
            warm(server.url, path)
        print(
            f"gunicorn: {args.workers} sync workers (gthread with keep-alive measured slower and "
            f"unstable here); wrk 2 threads, {args.duration} s per page and connection count; "
            f"{os.cpu_count()} cores shared by wrk and gunicorn",
            flush=True,
        )
        for count in connections:
            for name, path in targets:
                before = server.cpu_seconds()
                row = wrk(server.url + path, count, args.duration)
                row["cpu_ms"] = (server.cpu_seconds() - before) * 1000 / max(row["requests"], 1)
                rows[(count, name)] = row
                print(f"  {count:>3} conns  {name:<18} {row['rps']:>7.0f} req/s", flush=True)
        gaps = report_load(targets, static, connections, rows)
        scores = {}
        if not args.no_lighthouse:
            if not LIGHTHOUSE.exists():
                sys.exit("Lighthouse is missing: npm ci --prefix bench (make bench does it)")
            for name, path in targets:
                if name in ("school (en)", "guide (en)", "event (en)"):
                    scores[name] = lighthouse(server.url + path, args.lighthouse_runs)
    gaps += report_lighthouse(scores)
    print("targets: ≥0.5× minimal req/s, ≤2× minimal CPU/req, p99 < 100 ms at 16 conns, ")
    print("         Lighthouse 100 in every category")
    print("gaps: " + ("none" if not gaps else "\n  " + "\n  ".join(gaps)))


def report_load(targets, static, connections, rows) -> list[str]:
    gaps = []
    for count in connections:
        base = rows[(count, "minimal view")]
        print(f"\n{count} connections")
        print(
            f"{'page':<18} {'req/s':>7} {'(min)':>6} {'p50 ms':>7} {'p99 ms':>7} "
            f"{'CPU ms/req':>10} {'(min)':>6} {'gzip B':>7} {'(min)':>6} {'SQL*':>4} {'non-2xx':>7}"
        )
        for name, path in targets:
            row = rows[(count, name)]
            size, queries = static[path]
            rps_ratio = row["rps"] / base["rps"]
            cpu_ratio = row["cpu_ms"] / base["cpu_ms"]
            print(
                f"{name:<18} {row['rps']:>7.0f} {rps_ratio:>6.2f} {row['p50']:>7.1f} "
                f"{row['p99']:>7.1f} {row['cpu_ms']:>10.2f} {cpu_ratio:>6.2f} {size:>7} "
                f"{size / static['/bench/minimal/'][0]:>6.0f} {queries:>4} {row['bad']:>7}"
            )
            if row["socket_errors"]:
                print(f"{'':<18} socket errors: {row['socket_errors']}")
            if name == "minimal view":
                continue
            if rps_ratio < TARGETS["rps_ratio"]:
                gaps.append(f"{name} at {count}: {rps_ratio:.2f}× the minimal view's req/s")
            if cpu_ratio > TARGETS["cpu_ratio"]:
                gaps.append(f"{name} at {count}: {cpu_ratio:.2f}× the minimal view's CPU/req")
            if count == 16 and row["p99"] >= TARGETS["p99_ms"]:
                gaps.append(f"{name}: p99 {row['p99']:.0f} ms at 16 connections")
    print("* SQL queries when the page is rendered afresh; a page from the cache makes none.")
    return gaps


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
