"""On PostgreSQL: a seat is never given twice, however many staff choose at
once. Each thread has its own database connection."""

import pytest
from django.core.exceptions import ValidationError

from committees import services as seat_services
from committees.models import Committee, Seat, SeatApplication
from families.models import Family
from tests.events.test_concurrency import many_families, run_together

pytestmark = [pytest.mark.pg, pytest.mark.django_db(transaction=True)]


def test_a_seat_is_never_given_twice(school_a):
    committee = Committee.objects.create(
        school=school_a,
        district=school_a.district,
        kind="welcoming",
        name_en="C",
        description_en="d",
    )
    seat = Seat.objects.create(
        committee=committee, label="1", term_start="2026-09-01", term_end="2027-06-30"
    )
    applications = [
        SeatApplication.objects.create(committee=committee, family=f, statement="x", language="es")
        for f in many_families(12, prefix="S")
    ]
    errors = run_together(
        [lambda a=a: seat_services.select_member(a, seat) for a in applications], workers=12
    )
    assert len(errors) == 11 and all(isinstance(e, ValidationError) for e in errors)
    seat.refresh_from_db()
    assert SeatApplication.objects.filter(status="selected").count() == 1
    assert Family.objects.filter(seats=seat).count() == 1
