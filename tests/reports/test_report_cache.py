"""Suppressed figures are kept for every page and CSV of one period and scope
(REPORTS_CACHE_SECONDS, reports.report.shared): the second page reads the snapshot."""

import gc

import pytest
from django.core.cache import cache

from reports.report import Report
from reports.scope import Scope, default_period
from tests.reports.conftest import make_families, rsvp

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


def overview_csv(client, query=""):
    response = client.get(f"/en/reports/?csv=figures{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_pages_of_one_period_and_scope_read_one_snapshot(
    client, settings, district_staff_a, world, django_assert_max_num_queries
):
    settings.REPORTS_CACHE_SECONDS = 300
    cache.clear()
    client.force_login(district_staff_a)
    first = overview_csv(client)
    # An answer arrives between two downloads: the figures stay those of the snapshot, so
    # two pages cannot be set side by side to find one family.
    late = make_families(world["night"].school, "es", 1, prefix="late-")[0]
    rsvp(world["night"], late, arrived=True)
    assert overview_csv(client) == first
    # The school's own report is a scope of its own, computed afresh.
    school = overview_csv(client, f"&school={world['night'].school.slug}")
    assert school != first
    cache.clear()
    assert overview_csv(client) != first  # the new answer counts once the snapshot ends


def test_without_the_cache_every_page_is_computed_afresh(client, settings, district_staff_a, world):
    settings.REPORTS_CACHE_SECONDS = 0
    client.force_login(district_staff_a)
    first = overview_csv(client)
    late = make_families(world["night"].school, "es", 1, prefix="late-")[0]
    rsvp(world["night"], late, arrived=True)
    assert overview_csv(client) != first


def test_the_cycle_collector_runs_again_after_figures_are_built(
    client, settings, district_staff_a, world
):
    """Figures are built with Python's cycle collector paused (reports.report.
    collector_paused, bench/reports.py); a page must start it again, or every later
    request of the worker would keep its garbage cycles for good."""
    settings.REPORTS_CACHE_SECONDS = 0
    client.force_login(district_staff_a)
    assert gc.isenabled()
    assert client.get("/en/reports/").status_code == 200
    assert gc.isenabled()
    assert client.get("/en/reports/?csv=no-such-table").status_code == 404  # raised in the view
    assert gc.isenabled()
    # A build that fails half-way starts it again too.
    report = Report(Scope(world["night"].school.district), default_period())
    report.weeks = None  # no weeks to sort the RSVPs into: the build raises
    with pytest.raises(TypeError):
        report.rsvps  # noqa: B018
    assert gc.isenabled()


def test_each_reader_sees_the_event_and_school_names_in_their_own_language(
    client, settings, district_staff_a, world
):
    """The snapshot of the figures is shared by every reader of a period and scope; the
    names on the events page are not: an English reader first must not leave a Spanish
    reader English names (or the reverse)."""
    from events.models import Event
    from schools.models import School

    settings.REPORTS_CACHE_SECONDS = 300
    cache.clear()
    night = world["night"]
    Event.objects.filter(pk=night.pk).update(title_en="Math night", title_es="Noche de matemáticas")
    School.objects.filter(pk=night.school_id).update(name_es="Escuela A (es)")
    client.force_login(district_staff_a)
    for _ in range(2):  # the first reads in English, then in Spanish; then again
        english = client.get("/en/reports/events/").content.decode()
        assert "Math night" in english and "Noche de matemáticas" not in english
        assert "Escuela A (es)" not in english
        spanish = client.get("/es/reports/events/").content.decode()
        assert "Noche de matemáticas" in spanish and "Math night" not in spanish
        assert "Escuela A (es)" in spanish
        spanish_csv = client.get("/es/reports/events/?csv=events")
        assert spanish_csv["Content-Type"].startswith("text/csv")
        assert "Noche de matemáticas" in spanish_csv.content.decode()


def test_beat_builds_the_districts_snapshot_before_its_first_reader(
    client, settings, district_staff_a, world, django_assert_max_num_queries
):
    """The first district reader of the day waits no computing: beat has built the default
    view's figures (reports.tasks.warm_snapshots), and rebuilds them with the answers that
    came since, as the snapshot they replace would have ended."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.cache import delete_keys
    from reports.tasks import warm_snapshots

    settings.REPORTS_CACHE_SECONDS = 300
    cache.clear()
    client.force_login(district_staff_a)
    with CaptureQueriesContext(connection) as computing:
        computed = overview_csv(client)
    with CaptureQueriesContext(connection) as from_snapshot:
        assert overview_csv(client) == computed
    assert len(from_snapshot) < len(computing)  # what the reader is spared
    delete_keys(lambda key: key.startswith("reports:"))  # the snapshot ends
    assert warm_snapshots() >= 1
    with django_assert_max_num_queries(len(from_snapshot)):
        assert overview_csv(client) == computed
    for page in ("languages", "schools", "events", "committees"):
        assert client.get(f"/en/reports/{page}/").status_code == 200
    late = make_families(world["night"].school, "es", 1, prefix="late-")[0]
    rsvp(world["night"], late, arrived=True)
    assert overview_csv(client) == computed  # the snapshot holds until it is replaced
    warm_snapshots()
    assert overview_csv(client) != computed


def test_without_a_shared_cache_beat_builds_nothing(settings, world):
    from reports.tasks import warm_snapshots

    settings.REPORTS_CACHE_SECONDS = 0
    assert warm_snapshots() == 0


def test_beat_keeps_built_the_views_readers_looked_at(
    client, settings, district_staff_a, world, django_assert_max_num_queries
):
    """A district reader who looks at another period, or at one school, finds it built the
    next time too: beat rebuilds the views read in the last REPORTS_WARM_RECENT_SECONDS
    (reports.report.read_views) with the default one, with the answers that came since."""
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from portal.cache import delete_keys
    from reports.tasks import warm_snapshots

    settings.REPORTS_CACHE_SECONDS = 300
    cache.clear()
    client.force_login(district_staff_a)
    today = timezone.localdate()
    year = f"&start={today - timedelta(days=364)}&end={today}"
    school = f"&school={world['night'].school.slug}"
    with CaptureQueriesContext(connection) as computing:
        computed = overview_csv(client, year)
    # Counted now: the next request outside a capture empties the connection's query log.
    computing = len(computing)
    overview_csv(client, school)
    with CaptureQueriesContext(connection) as from_snapshot:
        assert overview_csv(client, year) == computed
    from_snapshot = len(from_snapshot)
    assert from_snapshot < computing
    delete_keys(lambda key: key.startswith("reports:"))  # the snapshots end
    assert warm_snapshots() == 3  # the default view, the year, the school
    with django_assert_max_num_queries(from_snapshot):
        assert overview_csv(client, year) == computed
    late = make_families(world["night"].school, "es", 1, prefix="late-")[0]
    rsvp(world["night"], late, arrived=True)
    warm_snapshots()
    assert overview_csv(client, year) != computed  # rebuilt with the new answer
    # Views nobody read for REPORTS_WARM_RECENT_SECONDS are left to their next reader.
    settings.REPORTS_WARM_RECENT_SECONDS = 0
    assert warm_snapshots() == 1


def test_beat_keeps_only_the_most_recently_read_views(client, settings, district_staff_a, world):
    from reports.report import read_views

    settings.REPORTS_CACHE_SECONDS = 300
    settings.REPORTS_WARM_MOST = 1
    cache.clear()
    client.force_login(district_staff_a)
    overview_csv(client, "&start=2026-01-01&end=2026-03-31")
    overview_csv(client, f"&school={world['night'].school.slug}")
    overview_csv(client)  # the default view is built by beat anyway: not in the list
    views = read_views(world["night"].school.district)
    assert [(scope.school, period) for scope, period in views] == [
        (world["night"].school, default_period())
    ]


def test_a_second_beat_run_leaves_the_views_to_the_one_still_building(settings, world):
    from reports.tasks import WARMING_KEY, warm_snapshots

    settings.REPORTS_CACHE_SECONDS = 300
    cache.clear()
    cache.add(WARMING_KEY, True, 300)  # a run still building, on another worker
    assert warm_snapshots() == 0
    cache.delete(WARMING_KEY)  # it ended
    assert warm_snapshots() >= 1
    assert warm_snapshots() >= 1  # and each run lets the next one go
