"""The families figures of any period are read from one count per scope of the families by
the day they registered (reports.report.FamilyDays, kept for every period): a family counts
from its day in the portal's time zone, and by school the counts of now serve only a period
after which nobody registered."""

import zoneinfo
from datetime import datetime, time, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from families.models import Family, Membership
from reports.report import Report
from reports.scope import Period, Scope
from tests.reports.conftest import make_families

pytestmark = pytest.mark.django_db


def registered_at(family, day, hour, minute):
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    at = timezone.make_aware(datetime.combine(day, time(hour, minute)), zone)
    Family.objects.filter(pk=family.pk).update(created_at=at)


NAMES = ("now", "before", "new", "before_new")


def truth(scope, period):
    """Counted from the families themselves, as the figures are defined."""
    families = Family.objects.filter(
        erased_at__isnull=True,
        memberships__status=Membership.Status.CONFIRMED,
        memberships__school__district=scope.district,
    ).distinct()
    previous = period.previous()
    found = {}
    for family in families:
        counts = found.setdefault(family.language, dict.fromkeys(NAMES, 0))
        counts["now"] += family.created_at < period.end
        counts["before"] += family.created_at < period.start
        counts["new"] += period.start <= family.created_at < period.end
        counts["before_new"] += previous.start <= family.created_at < previous.end
    return found


def test_a_family_counts_from_the_day_it_registered_in_the_portals_time_zone(school_a, district_a):
    from schools.models import School

    other = School.objects.create(district=district_a, name="Other school", slug="other-school")
    today = timezone.localdate()
    edge = today - timedelta(days=20)
    late, early, old, twice = make_families(school_a, "es", 4)
    registered_at(late, edge, 23, 59)  # the last minute of the day
    registered_at(early, edge + timedelta(days=1), 0, 1)  # the first minute of the next
    registered_at(old, today - timedelta(days=200), 12, 0)
    Membership.objects.create(family=twice, school=other, status=Membership.Status.CONFIRMED)
    erased = make_families(school_a, "es", 1, created_days_ago=50)[0]
    Family.objects.filter(pk=erased.pk).update(erased_at=timezone.now())
    scope = Scope(district_a)
    for period, read_for_the_period in (
        (Period(edge - timedelta(days=9), edge), True),  # "early" registered after it
        (Period(edge + timedelta(days=1), edge + timedelta(days=10)), False),
        (Period(edge, today), False),
        (Period(today - timedelta(days=364), today), False),
    ):
        counts = Report(scope, period).family_days.by_language(period)
        assert counts["es"] == truth(scope, period)["es"], period
        assert counts["ar"] == dict.fromkeys(NAMES, 0)
        # A family at two schools of the district is one family; each school counts it.
        by_school = Report(scope, period).family_days.by_school_at_end(period)
        if read_for_the_period:
            assert by_school is None
        else:
            assert by_school[school_a.pk]["es"] == 4 and by_school[other.pk]["es"] == 1
