"""CPU per request of the signed-in family pages, in process, against the bare view.

    .venv/bin/python bench/signed_cpu.py [--requests 50] [--database portal_bench_pages] [--fresh]
                                         [--profile "my page (en)"] [--lines 40]
                                         [--pages "my page"]

No server and no network: Django's test client sends each page --requests times with a
family's session (the caches warm, as under load) and the process's own CPU time
(time.process_time) is read around them, so the figure is what a worker spends on the page,
without wrk or gunicorn. Each page is measured back to back with the bare view (one query, a
5 KB template; bench/support/urls.py) in the same run, and the ratio is printed beside the
milliseconds with the load average. Uses bench/pages.py's database (seeded when missing)
and family. --profile NAME prints cProfile's top functions for one page (--match REGEX:
only those functions).
"""

import argparse
import cProfile
import os
import pstats
import re
import statistics
import sys
import time
from pathlib import Path

# make bench BENCH_QUICK=1: sizes that end in minutes on a shared machine (README).
QUICK = os.environ.get("BENCH_QUICK") == "1"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import pages as page_bench  # noqa: E402
from bench.support import seed as seeding  # noqa: E402
from bench.support.server import bench_env, ensure_database, setup_django  # noqa: E402


def cpu_ms(client, path: str, requests: int) -> float:
    """Median over 5 rounds of the CPU milliseconds per request."""
    rounds = []
    for _ in range(5):
        start = time.process_time()
        for _ in range(requests // 5 or 1):
            response = client.get(path)
        rounds.append((time.process_time() - start) * 1000 / (requests // 5 or 1))
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=20 if QUICK else 50)
    parser.add_argument("--database", default=page_bench.DATABASE)
    parser.add_argument("--profile", default="")
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument("--match", default="", help="with --profile: only functions matching")
    parser.add_argument("--pages", default="", help="only the pages whose name matches (regex)")
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="no kept pages (PAGE_CACHE_SECONDS=0): what the first read after a change costs",
    )
    args = parser.parse_args()
    ensure_database(args.database)
    setup_django(bench_env(args.database, page_bench.REDIS_DB))
    if not seeding.seeded():
        print(f"seeding {args.database}…", flush=True)
        seeding.seed()
    from django.conf import settings
    from django.test import Client

    if args.fresh:
        settings.PAGE_CACHE_SECONDS = 0

    name, key = page_bench.signed_in_family()
    cookie = f"{name}={key}; {settings.LANGUAGE_COOKIE_NAME}=en"
    signed = Client(SERVER_NAME="127.0.0.1", HTTP_X_FORWARDED_PROTO="https", HTTP_COOKIE=cookie)
    anonymous = Client(SERVER_NAME="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    targets = [(n, p) for n, p, s in page_bench.pages("signed-in") if s or n == "bare view"]
    if args.pages:
        targets = [(n, p) for n, p in targets if n == "bare view" or re.search(args.pages, n)]
    for n, path in targets:
        client = signed if n != "bare view" else anonymous
        for _ in range(3):
            client.get(path)  # Django's own caches, ours, the session's
    if args.profile:
        path = dict(targets)[args.profile]
        # CPU time, not the wall clock: on a shared machine the wall clock mostly counts
        # the time other processes had the core.
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(args.requests):
            signed.get(path)
        profiler.disable()
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        if args.match:
            stats.print_stats(args.match, args.lines)
            return
        stats.print_stats(args.lines)
        stats.sort_stats("tottime").print_stats(args.lines)
        return
    print(f"{args.requests} requests per page, in process; load {os.getloadavg()[0]:.2f}")
    print(f"{'page':<22} {'CPU ms/req':>10} {'bare':>6} {'ratio':>6}")
    ratios = []
    for n, path in targets:
        if n == "bare view":
            continue
        bare = cpu_ms(anonymous, "/bench/bare/", args.requests)
        page = cpu_ms(signed, path, args.requests)
        if n != "bare, signed in":
            ratios.append(page / bare)
        print(f"{n:<22} {page:>10.2f} {bare:>6.2f} {page / bare:>5.1f}×", flush=True)
    print(f"pages/bare: {min(ratios):.1f}–{max(ratios):.1f}×; load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
