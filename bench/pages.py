"""Family pages in-process: time per request, SQL queries and gzipped size, at two data sizes.

    .venv/bin/python bench/pages.py [--requests 200] [--sizes 3,300]

Runs on the test settings (PostgreSQL on 127.0.0.1 when it answers, else SQLite) in a
throw-away test database. In-process timing leaves out the network and the web server;
it shows how the view, the queries and the template cost grow (or do not) with the data.
"""

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_databases,
    setup_test_environment,
    teardown_databases,
)
from modeltranslation.utils import build_localized_fieldname  # noqa: E402

from portal.languages import LANGUAGE_CODES  # noqa: E402
from schools.models import District, Guide, GuideSection, School, Status  # noqa: E402

DEMO = {
    code: json.loads((ROOT / f"schools/demo/{code}.json").read_text()) for code in LANGUAGE_CODES
}


def seed(guides: int) -> tuple[School, Guide]:
    GuideSection.objects.all().delete()
    Guide.objects.all().delete()
    School.objects.all().delete()
    District.objects.all().delete()
    district = District.objects.create(slug="bench", name_en="Bench District")
    school = School.objects.create(
        district=district, slug="bench-school", name_en="Bench School", languages=LANGUAGE_CODES
    )
    sections = []
    for index in range(guides):
        guide = Guide.objects.create(
            school=school,
            slug=f"guide-{index}",
            status=Status.PUBLISHED,
            order=index,
            **{build_localized_fieldname("title", c): d["guide"]["title"] for c, d in DEMO.items()},
        )
        for order, _section in enumerate(DEMO["en"]["guide"]["sections"]):
            fields = {}
            for code, data in DEMO.items():
                part = data["guide"]["sections"][order]
                fields[build_localized_fieldname("title", code)] = part["title"]
                fields[build_localized_fieldname("body", code)] = part["body"]
            sections.append(GuideSection(guide=guide, order=order, **fields))
    GuideSection.objects.bulk_create(sections)
    return school, guide


def measure(client: Client, path: str, requests: int) -> dict:
    client.get(path)  # warm caches (templates, translations)
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
    assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    timings.sort()
    return {
        "median_ms": statistics.median(timings),
        "p95_ms": timings[int(len(timings) * 0.95) - 1],
        "queries": len(queries),
        "gzip_kb": len(gzip.compress(response.content)) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--sizes", default="3,300")
    args = parser.parse_args()
    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        client = Client()
        print(f"database: {connection.vendor}; {args.requests} requests per page; in-process")
        header = ("guides", "page", "median ms", "p95 ms", "queries", "gzip KB")
        print("{:>6} {:<28} {:>9} {:>7} {:>7} {:>7}".format(*header))
        for size in [int(s) for s in args.sizes.split(",")]:
            school, guide = seed(size)
            for language in ("en", "ar"):
                for name, path in (
                    ("home", f"/{language}/"),
                    ("school", f"/{language}/schools/{school.slug}/"),
                    ("guide", f"/{language}/schools/{school.slug}/guides/{guide.slug}/"),
                ):
                    row = measure(client, path, args.requests)
                    label = f"{name} ({language})"
                    print(
                        f"{size:>6} {label:<28} {row['median_ms']:>9.2f} {row['p95_ms']:>7.2f} "
                        f"{row['queries']:>7} {row['gzip_kb']:>7.1f}"
                    )
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
