"""The district reports are computed ahead of their readers: at 1 M RSVPs a district's
figures take 0.3–1 s to build and suppress on a busy machine (bench/reports.py), and the
first reader would wait for them. Beat rebuilds, before the snapshot readers share ends,
each district's default view (all its schools, the last 90 days) and the other views its
readers looked at recently (another period, one school: reports.report.read_views). Only a
view nobody has read in REPORTS_WARM_RECENT_SECONDS is built by its first reader."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from reports.replica import build_report
from reports.report import Report, collector_paused, read_views
from reports.scope import Scope, default_period
from schools.models import District

log = logging.getLogger("reports.tasks")
WARMING_KEY = "reports-warming"


@shared_task(ignore_result=True)
def warm_snapshots() -> int:
    """Rebuild the snapshot of every district's default report and of the views its readers
    read recently; how many were built."""
    if not settings.REPORTS_CACHE_SECONDS:
        return 0  # no shared cache: every page is computed for its reader anyway
    try:
        # A run that outlasts beat's interval (many districts, a busy database) is not
        # joined by the next one building the same views at the same time.
        if not cache.add(WARMING_KEY, True, settings.REPORTS_CACHE_SECONDS):
            log.info("reports.warm_skipped: the last run is still building")
            return 0
    except Exception:  # noqa: BLE001 - no shared cache to keep snapshots in
        log.warning("reports.cache_unavailable")
        return 0
    try:
        built = _warm_all()
    finally:
        cache.delete(WARMING_KEY)
    log.info("reports.warmed views=%s", built)
    return built


def _warm_all() -> int:
    built = 0
    for district in District.objects.order_by("pk"):
        for scope, period in [(Scope(district), default_period()), *read_views(district)]:
            try:
                # On the reporting replica when there is one, as a reader's page would read;
                # the collector paused for the whole build, as for a page (report_page).
                with collector_paused():
                    build_report(Report(scope, period, refresh=True).build_all)
            except Exception:  # noqa: BLE001
                # One view's failure must not leave the others cold; its reader computes.
                log.exception(
                    "reports.warm_failed district=%s school=%s first=%s last=%s",
                    district.pk,
                    scope.school and scope.school.pk,
                    period.first,
                    period.last,
                )
                continue
            built += 1
    return built
