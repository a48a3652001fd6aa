"""The conferences report: meetings held by the family's language and meetings with an
interpreter by the interpreter's language, no count under REPORTS_MIN_COUNT shown
(RELIABILITY C3)."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from signups.models import Booking, Slot
from tests.families.conftest import make_family
from tests.signups.conftest import make_day

pytestmark = pytest.mark.django_db


def held(school, family_languages, interpreted):
    """A day that took place yesterday, with one meeting per family language given; the
    first `interpreted` of them with the (Bengali) interpreter."""
    day = make_day(
        school,
        hosts=len(family_languages),
        slots_per_host=1,
        starts=time(15, 0),
        on=timezone.localdate() - timedelta(days=1),
        booking_deadline=timezone.now() - timedelta(days=2),
    )
    interpreter = day.availabilities.get().interpreter
    slots = list(Slot.objects.filter(day=day).order_by("host_id"))
    for i, (slot, language) in enumerate(zip(slots, family_languages, strict=True)):
        family = make_family(f"ZZR {i}", school, language=language)
        Booking.objects.create(
            slot=slot,
            host_id=slot.host_id,
            starts_at=slot.starts_at,
            family=family,
            interpreter_language="bn" if i < interpreted else "",
            interpreter=interpreter if i < interpreted and i == 0 else None,
        )
    return day


def csv_rows(client):
    response = client.get("/en/reports/conferences/?csv=conferences")
    assert response.status_code == 200
    lines = response.content.decode().lstrip("\ufeff").splitlines()
    return {line.split(",")[0]: line.split(",")[1:] for line in lines}


def test_counts_of_ten_or_more_are_shown_and_smaller_ones_hidden(
    client, district_staff_a, school_a
):
    held(school_a, ["bn"] * 12 + ["ar"] * 10, interpreted=1)
    client.force_login(district_staff_a)
    rows = csv_rows(client)
    assert rows["Bangla"][0] == "12" and rows["Arabic"][0] == "10"
    assert rows["Total"][0] == "22"
    # One meeting with an interpreter: hidden, and its total with it.
    assert rows["Bangla"][1] == "<10" and rows["Total"][1] == "<10"
    page = client.get("/en/reports/conferences/")
    assert page.status_code == 200 and "Parent-teacher conferences held" in page.content.decode()


def test_a_small_count_is_hidden_even_alone(client, district_staff_a, school_a):
    held(school_a, ["es"] * 3, interpreted=0)
    client.force_login(district_staff_a)
    rows = csv_rows(client)
    assert rows["Spanish"][0] == "<10" and rows["Total"][0] == "<10"


def test_another_districts_staff_do_not_see_these_meetings(client, district_b, school_a):
    from tests.conftest import make_staff

    held(school_a, ["bn"] * 12, interpreted=0)
    other = make_staff("district.b@example.org", district=district_b)
    client.force_login(other)
    response = client.get("/en/reports/conferences/?csv=conferences")
    assert "12" not in response.content.decode()
