"""Volunteers by language in the reports (the languages page and its CSV): a count under
REPORTS_MIN_COUNT is "<10", and no hidden count can be worked out from the totals; the
school scope counts its own shifts only."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.utils import timezone

from families.services import register_family
from signups.volunteering import services
from signups.volunteering.models import Shift
from tests.conftest import make_staff
from tests.signups.conftest import make_opportunity

pytestmark = pytest.mark.django_db


def volunteers(school, language, n, shift):
    for i in range(n):
        family = register_family(
            user=None, display_name=f"V{language}{i}", language=language, channel="none"
        )
        services.sign_up(family=family, shift=shift, people=2)


def held_two_days_ago(*shifts):
    # Reports count shifts already held; families signed up while they were ahead.
    for shift in shifts:
        Shift.objects.filter(pk=shift.pk).update(
            starts_at=timezone.now() - timedelta(days=2),
            ends_at=timezone.now() - timedelta(days=2) + timedelta(hours=2),
        )


def period():
    return f"start={date.today() - timedelta(days=10)}&end={date.today()}"


def rows(client, query):
    response = client.get(f"/en/reports/languages/?{query}&csv=volunteers_by_language")
    assert response.status_code == 200
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:])))
    return {row[0]: row[1:] for row in table[1:]}


def test_small_counts_are_hidden_and_cannot_be_worked_out(client, school_a, district_a):
    shift = make_opportunity(school_a, places=100).shifts.get()
    volunteers(school_a, "bn", 12, shift)
    volunteers(school_a, "es", 3, shift)
    held_two_days_ago(shift)
    client.force_login(make_staff("district@example.org", district=district_a))
    table = rows(client, f"district={district_a.slug}&{period()}")
    assert table["Spanish"] == ["<10", "<10"]
    # 12 + 3 = 15: with the total shown, Bengali's 12 would give Spanish's 3 away.
    assert table["Bangla"] == ["<10", "<10"] or table["Total"] == ["<10", "<10"]
    assert "3" not in sum(table.values(), [])
    page = client.get(f"/en/reports/languages/?district={district_a.slug}&{period()}")
    assert "Volunteers by language" in page.content.decode()


def test_big_enough_counts_are_shown_and_other_schools_are_not_counted(
    client, school_a, school_b, staff_a
):
    own = make_opportunity(school_a, places=100).shifts.get()
    other = make_opportunity(school_b, places=100).shifts.get()
    volunteers(school_a, "bn", 12, own)
    volunteers(school_b, "bn", 15, other)
    held_two_days_ago(own, other)
    client.force_login(staff_a)
    table = rows(client, f"school={school_a.slug}&{period()}")
    assert table["Bangla"] == ["12", "24"]
    assert table["Total"] == ["12", "24"]
