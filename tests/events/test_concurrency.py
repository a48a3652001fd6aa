"""RELIABILITY D1-D4 on PostgreSQL: concurrent answers never overbook; double taps make
one answer; staff lowering the places during a rush never leaves too many confirmed; a
seat is never given twice. Each thread has its own database connection."""

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from events import services
from events.models import Rsvp
from events.services import Party
from families.models import Family
from families.services import register_family
from schools import services as seat_services
from schools.models import Committee, Seat, SeatApplication
from tests.events.conftest import make_event

pytestmark = [pytest.mark.pg, pytest.mark.django_db(transaction=True)]


def many_families(n, prefix="C"):
    return [
        register_family(user=None, display_name=f"{prefix}{i:03d}", language="es", channel="none")
        for i in range(n)
    ]


def run_together(calls, workers=8):
    barrier = threading.Barrier(min(workers, len(calls)))
    errors = []

    def run(call):
        try:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=5)
            return call()
        except Exception as error:  # noqa: BLE001 (collected and asserted below)
            errors.append(error)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(run, calls))
    return errors


def test_two_hundred_concurrent_answers_fill_fifty_places_exactly(school_a):
    event = make_event(school_a, capacity=50)
    families = many_families(200)
    errors = run_together(
        [lambda f=f: services.rsvp(family=f, event=event, party=Party(True)) for f in families],
        workers=16,
    )
    assert errors == []
    assert event.people_going() == 50
    rows = list(Rsvp.objects.filter(event=event).order_by("queued_at", "pk"))
    assert len(rows) == 200
    # Arrival order: the first 50 to get the lock are going, the rest wait in that order.
    assert [r.status for r in rows] == ["going"] * 50 + ["waitlisted"] * 150
    # Cancelling promotes the first in line.
    first_waiting = rows[50]
    services.cancel_rsvp(family=rows[0].family, event=event)
    first_waiting.refresh_from_db()
    assert first_waiting.status == "going" and event.people_going() == 50


def test_the_harness_sees_a_race_without_the_lock(school_a, settings):
    """Control: with the lock switched off (and a pause after counting), the same run
    overbooks, so the test above would notice a missing lock."""
    settings.EVENTS_SKIP_LOCK_FOR_TESTS = True
    event = make_event(school_a, capacity=5)
    families = many_families(16)
    run_together(
        [lambda f=f: services.rsvp(family=f, event=event, party=Party(True)) for f in families],
        workers=16,
    )
    assert event.people_going() > 5


def test_double_taps_make_one_answer_and_no_error(school_a):
    event = make_event(school_a, capacity=10)
    (family,) = many_families(1)
    errors = run_together(
        [lambda: services.rsvp(family=family, event=event, party=Party(True, adults=2))] * 2,
        workers=2,
    )
    assert errors == []
    assert Rsvp.objects.filter(event=event, family=family).count() == 1


def test_lowering_the_places_during_a_rush_never_overbooks(school_a):
    event = make_event(school_a, capacity=10)
    families = many_families(20)
    calls = [lambda f=f: services.rsvp(family=f, event=event, party=Party(True)) for f in families]
    calls.insert(10, lambda: services.set_capacity(event, 3))
    errors = run_together(calls, workers=12)
    assert errors == []
    assert event.people_going() == 3
    assert Rsvp.objects.filter(event=event, status="going").count() == 3


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
