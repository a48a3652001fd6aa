"""No place on a volunteer shift is ever given twice, whatever arrives at once: the
shift's row lock (signups.volunteering.services) on PostgreSQL, each thread with its own
connection. A control run without the lock shows the harness would see a place given
twice."""

import threading

import pytest
from django.db import connection

from families.services import register_family
from signups.volunteering import services
from signups.volunteering.models import VolunteerSignup
from tests.events.test_concurrency import run_together
from tests.signups.conftest import make_opportunity

pytestmark = [pytest.mark.pg, pytest.mark.django_db(transaction=True)]


def many_families(n, prefix="V"):
    return [
        register_family(user=None, display_name=f"{prefix}{i:03d}", language="bn", channel="none")
        for i in range(n)
    ]


def test_forty_families_for_ten_places_at_once_make_ten_coming_and_thirty_waiting(school_a):
    shift = make_opportunity(school_a, places=10).shifts.get()
    families = many_families(40)
    errors = run_together(
        [lambda f=f: services.sign_up(family=f, shift=shift) for f in families], workers=16
    )
    assert errors == []
    assert shift.people_going() == 10
    rows = list(VolunteerSignup.objects.filter(shift=shift).order_by("queued_at", "pk"))
    assert len(rows) == 40
    # Arrival order: the first ten to get the lock come, the rest wait in that order.
    assert [r.status for r in rows] == ["going"] * 10 + ["waitlisted"] * 30
    assert [r.place_in_line() for r in rows[10:13]] == [1, 2, 3]


def test_parties_and_cancellations_at_once_never_overfill_a_shift(school_a):
    """Parties of 1 to 3 sign up while some of the first ones cancel: at every end the
    people coming fit the places, and nobody who fits waits behind a free place."""
    shift = make_opportunity(school_a, places=10).shifts.get()
    early = many_families(5, prefix="E")
    for family in early:
        services.sign_up(family=family, shift=shift, people=2)
    late = many_families(30, prefix="L")
    calls = [
        lambda f=f, i=i: services.sign_up(family=f, shift=shift, people=1 + i % 3)
        for i, f in enumerate(late)
    ]
    calls += [lambda f=f: services.cancel(family=f, shift=shift) for f in early[:3]]
    errors = run_together(calls, workers=16)
    assert errors == []
    going = shift.people_going()
    assert going <= 10
    waiting = VolunteerSignup.objects.filter(shift=shift, status="waitlisted")
    assert all(row.people > 10 - going for row in waiting)


def test_the_harness_sees_a_place_given_twice_without_the_lock(school_a, settings):
    """Control: the lock switched off (and a pause after counting): the same run overfills
    the shift, so the tests above would notice a missing lock."""
    settings.SIGNUPS_SKIP_LOCK_FOR_TESTS = True
    shift = make_opportunity(school_a, places=5).shifts.get()
    families = many_families(16)
    run_together(
        [lambda f=f: services.sign_up(family=f, shift=shift) for f in families], workers=16
    )
    assert shift.people_going() > 5


def test_double_taps_make_one_sign_up_and_no_error(school_a):
    shift = make_opportunity(school_a, places=10).shifts.get()
    (family,) = many_families(1)
    errors = run_together(
        [lambda: services.sign_up(family=family, shift=shift, people=2)] * 2, workers=2
    )
    assert errors == []
    assert VolunteerSignup.objects.filter(shift=shift, family=family).count() == 1
    assert shift.people_going() == 2


def test_a_lock_held_too_long_answers_busy_and_keeps_what_was_typed(school_a, settings):
    """A shift locked elsewhere longer than LOCK_TIMEOUT_MS: the page answers "busy" (503)
    with the form as it was typed, and nothing is saved; once free, the same post works."""
    from django.test import Client

    from tests.families.conftest import make_family

    settings.LOCK_TIMEOUT_MS = 300
    shift = make_opportunity(school_a).shifts.get()
    family = make_family("Rina", school_a, phone="+12125550123")
    client = Client()
    client.force_login(family.user)
    url = f"/en/schools/{school_a.slug}/volunteer/{shift.pk}/"
    held, release = threading.Event(), threading.Event()

    def hold():
        from django.db import transaction

        from signups.volunteering.models import Shift

        with transaction.atomic():
            Shift.objects.select_for_update().get(pk=shift.pk)
            held.set()
            release.wait(timeout=10)
        connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(timeout=5)
        response = client.post(url, {"people": "2", "note": "Typed before the wait"})
        assert response.status_code == 503
        page = response.content.decode()
        assert "This shift is busy at this moment" in page
        assert "Typed before the wait" in page
        assert not VolunteerSignup.objects.filter(family=family).exists()
    finally:
        release.set()
        holder.join()
    assert client.post(url, {"people": "2", "note": "again"}).status_code == 302
    assert VolunteerSignup.objects.get(family=family).people == 2
