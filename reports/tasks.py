"""The district reports' default view is computed ahead of its readers: at 1 M RSVPs a
district's figures take 0.4–1 s to build and suppress on a busy machine (bench/reports.py),
and the first district reader of the day would wait for them. Beat rebuilds each
district's snapshot (all its schools, the last 90 days) before the one readers share ends;
another period or one school's report is still built by its first reader."""

import logging

from celery import shared_task
from django.conf import settings

from reports.replica import build_report
from reports.report import Report
from reports.scope import Scope, default_period
from schools.models import District

log = logging.getLogger("reports.tasks")


@shared_task(ignore_result=True)
def warm_snapshots() -> int:
    """Rebuild every district's default report snapshot; how many were built."""
    if not settings.REPORTS_CACHE_SECONDS:
        return 0  # no shared cache: every page is computed for its reader anyway
    built = 0
    period = default_period()
    for district in District.objects.order_by("pk"):
        try:
            # On the reporting replica when there is one, as a reader's page would read.
            build_report(Report(Scope(district), period, refresh=True).build_all)
        except Exception:  # noqa: BLE001
            # One district's failure must not leave the others cold; the reader computes.
            log.exception("reports.warm_failed district=%s", district.pk)
            continue
        built += 1
    log.info("reports.warmed districts=%s", built)
    return built
