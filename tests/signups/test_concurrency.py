"""The no-double-booking promise on PostgreSQL (docs/reliability.md): 100 families book 30
slots and 3 Bengali interpreters at once, each thread on its own connection. Every slot
ends with at most one family, every interpreter with at most one meeting at a time, and
every family refused gets a message that says why.

It is run twice: with the database's constraints, and with them dropped, so that the row
locks alone are shown to keep the promise. The control run then switches the locks off
too (SIGNUPS_SKIP_LOCK_FOR_TESTS, read only by signups.services): the same race books a
slot or an interpreter twice, so this harness would notice a missing lock."""

import contextlib
import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import translation

from families.services import register_family
from messaging.models import Message
from signups import services
from signups.models import Booking, ConferenceDay, Slot
from tests.families.conftest import make_family
from tests.signups.conftest import make_day

pytestmark = [pytest.mark.pg, pytest.mark.django_db(transaction=True)]

GUARDS = ("booking_one_per_slot", "booking_interpreter_once_per_time")


@pytest.fixture
def without_constraints():
    """Drops the two constraints that back the locks; put back after the test."""
    constraints = [c for c in Booking._meta.constraints if c.name in GUARDS]
    with connection.schema_editor() as editor:
        for constraint in constraints:
            editor.remove_constraint(Booking, constraint)
    yield
    Booking.objects.all().delete()
    with connection.schema_editor() as editor:
        for constraint in constraints:
            editor.add_constraint(Booking, constraint)


def run_together(calls, workers=16):
    barrier = threading.Barrier(min(workers, len(calls)))
    outcomes = []

    def run(call):
        try:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=5)
            translation.activate("bn")
            outcomes.append(("booked", call()))
        except ValidationError as refusal:
            # Read in the family's language, as its page would show it.
            outcomes.append(("refused", list(refusal.messages)))
        except Exception as error:  # noqa: BLE001 (collected and asserted below)
            outcomes.append(("error", error))
        finally:
            translation.deactivate()
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(run, calls))
    return outcomes


def the_rush(school):
    """6 teachers x 5 times = 30 slots; 3 Bengali interpreters, so at each time at most 3 of
    the 6 meetings can have one. Two families in three ask for an interpreter."""
    day = make_day(school, hosts=6, slots_per_host=5, interpreters=[("bn",)] * 3)
    slots = list(Slot.objects.filter(day=day).values_list("pk", flat=True))
    assert len(slots) == 30
    families = [
        register_family(user=None, display_name=f"R{i:03d}", language="bn", channel="none")
        for i in range(100)
    ]
    pick = random.Random(16)
    calls = []
    for i, family in enumerate(families):
        wanted = services.Request(
            child_name=f"Child {i}", interpreter_language="bn" if i % 3 else ""
        )
        slot_id = pick.choice(slots)
        calls.append(
            lambda f=family, s=slot_id, w=wanted: services.book(family=f, slot_id=s, request=w)
        )
    return day, calls


def double_bookings(day):
    rows = list(
        Booking.objects.filter(slot__day=day).values_list("slot_id", "interpreter_id", "starts_at")
    )
    slots = [s for s, n in Counter(r[0] for r in rows).items() if n > 1]
    interpreters = [
        k for k, n in Counter((r[1], r[2]) for r in rows if r[1] is not None).items() if n > 1
    ]
    return rows, slots, interpreters


def clear_messages():
    with translation.override("bn"):
        return {str(services.TAKEN), str(services.NO_INTERPRETER), str(services.BUSY)}


@pytest.mark.parametrize("constraints", ["with constraints", "locks alone"])
def test_a_hundred_families_never_book_a_slot_or_an_interpreter_twice(
    school_a, request, constraints
):
    if constraints == "locks alone":
        request.getfixturevalue("without_constraints")
    day, calls = the_rush(school_a)
    outcomes = run_together(calls)
    errors = [o for kind, o in outcomes if kind == "error"]
    assert errors == []
    rows, slots_twice, interpreters_twice = double_bookings(day)
    assert slots_twice == [] and interpreters_twice == []
    booked = [o for kind, o in outcomes if kind == "booked"]
    refused = [o for kind, o in outcomes if kind == "refused"]
    assert len(booked) == len(rows) and len(booked) + len(refused) == 100
    # Every refusal says why, in the family's language (Bengali here), not an error page.
    said = {m for messages in refused for m in messages}
    assert said and said <= clear_messages()
    # Every booking that asked for an interpreter holds one; at most 3 at a time.
    asked = [b for b in booked if b.interpreter_language]
    assert asked and all(b.interpreter_id for b in asked)
    per_time = Counter(r[2] for r in rows if r[1] is not None)
    assert max(per_time.values()) <= 3
    # The race was real: many more families than slots, and most slots were taken.
    assert len(refused) >= 70 - 30 and len(rows) >= 20


def test_the_harness_sees_double_booking_without_the_locks(school_a, settings, without_constraints):
    """Control: the same rush with the locks switched off (and no constraints) books some
    slot or some interpreter twice."""
    settings.SIGNUPS_SKIP_LOCK_FOR_TESTS = True
    day, calls = the_rush(school_a)
    run_together(calls)
    _rows, slots_twice, interpreters_twice = double_bookings(day)
    assert slots_twice or interpreters_twice


# One family, two teachers, the same time, at the same moment (two tabs, a double tap) ---


def two_tabs(school, kind):
    """Eight families, each sending two requests at once for two teachers at one time:
    "book" books Teacher 0 and Teacher 1 at that time; "move" moves the family's meeting
    with Teacher 0 (booked earlier, at the time before) to that time while booking
    Teacher 1 there. Each family has times of its own (2i and 2i + 1), so only one
    family's own requests can clash."""
    day = make_day(school, hosts=2, slots_per_host=16, interpreters=())
    first, second = (
        list(Slot.objects.filter(host=h).order_by("starts_at")) for h in day.hosts.all()
    )
    calls = []
    for i in range(8):
        family = register_family(user=None, display_name=f"T{i:03d}", language="bn", channel="none")
        at = 2 * i + 1
        if kind == "move":
            services.book(family=family, slot_id=first[at - 1].pk, request=services.Request())
        for slot in (first[at], second[at]):
            calls.append(
                lambda f=family, s=slot.pk: services.book(
                    family=f, slot_id=s, request=services.Request(child_name="Amina")
                )
            )
    return day, calls


def families_in_two_meetings_at_once(day):
    seen, twice = {}, set()
    for family_id, start in Booking.objects.filter(slot__day=day).values_list(
        "family_id", "starts_at"
    ):
        if (family_id, start) in seen:
            twice.add(family_id)
        seen[(family_id, start)] = True
    return twice


@pytest.mark.parametrize("kind", ["book", "move"])
def test_one_family_booking_two_teachers_at_once_gets_one_meeting_and_a_clear_refusal(
    school_a, kind
):
    day, calls = two_tabs(school_a, kind)
    outcomes = run_together(calls)
    assert [o for k, o in outcomes if k == "error"] == []
    assert families_in_two_meetings_at_once(day) == set()
    booked = [o for k, o in outcomes if k == "booked"]
    refused = [o for k, o in outcomes if k == "refused"]
    assert len(booked) == 8 and len(refused) == 8  # one of each family's two, each time
    # Each refusal names the meeting the family already has, in Bengali.
    with translation.override("bn"):
        start = str(services.SAME_TIME).split("%(meeting)s")[0]
    for (message,) in refused:
        assert message.startswith(start) and "Teacher" in message


@pytest.mark.parametrize("kind", ["book", "move"])
def test_the_harness_sees_a_family_in_two_meetings_at_once_without_the_lock(
    school_a, settings, kind
):
    """Control: the same two tabs with the locks switched off put some family into two
    meetings at the same time (no constraint of the database covers this one)."""
    settings.SIGNUPS_SKIP_LOCK_FOR_TESTS = True
    day, calls = two_tabs(school_a, kind)
    run_together(calls)
    assert families_in_two_meetings_at_once(day)


def test_a_familys_bookings_moves_and_cancellations_at_once_never_deadlock(school_a):
    """The lock order (the family's, the slot's, the interpreters' by id; a cancellation
    the slot's alone): each family, with meetings at two times, at once cancels the
    first, moves the second into the first's time and books a third teacher at the
    second's, all asking for the same two interpreters. Whatever the order, nothing fails
    with a deadlock or an error page, and no family ends in two meetings at once."""
    day = make_day(school_a, hosts=3, slots_per_host=8, interpreters=[("bn",)] * 2)
    hosts = [list(Slot.objects.filter(host=h).order_by("starts_at")) for h in day.hosts.all()]
    wanted = services.Request(interpreter_language="bn")
    calls = []
    for i in range(4):
        family = register_family(user=None, display_name=f"K{i:03d}", language="bn", channel="none")
        first, second = 2 * i, 2 * i + 1
        kept = services.book(family=family, slot_id=hosts[0][first].pk, request=wanted)
        services.book(family=family, slot_id=hosts[1][second].pk, request=services.Request())
        calls += [
            lambda f=family, b=kept.pk: services.cancel(family=f, booking_id=b),
            lambda f=family, s=hosts[1][first].pk: services.book(
                family=f, slot_id=s, request=wanted
            ),
            lambda f=family, s=hosts[2][second].pk: services.book(
                family=f, slot_id=s, request=wanted
            ),
        ]
    outcomes = run_together(calls)
    assert [o for k, o in outcomes if k == "error"] == []
    assert families_in_two_meetings_at_once(day) == set()


def in_thread(work):
    def run():
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def cancel_the_day(day, then=lambda: None):
    """What the admin does when staff set the day to cancelled, in one transaction."""
    with transaction.atomic():
        row = ConferenceDay.objects.get(pk=day.pk)
        row.status = ConferenceDay.Status.CANCELLED
        row.save()
        services.day_cancelled(row)
        then()


def test_a_day_cancelled_while_a_family_books_it_tells_that_family(school_a):
    """The family's booking is being written when staff cancel the day: once it is in,
    the family is told, like the families who booked before."""
    day = make_day(school_a)
    family = make_family("ZZK Ana", school_a, phone="+12125550171", language="es")
    slot = Slot.objects.filter(day=day).order_by("starts_at").first()
    booking_written = threading.Event()

    def book():
        with transaction.atomic():
            services.book(family=family, slot_id=slot.pk, request=services.Request())
            booking_written.set()
            time.sleep(0.5)  # staff cancel the day meanwhile

    booking = in_thread(book)
    booking_written.wait(5)
    cancelling = in_thread(lambda: cancel_the_day(day))
    booking.join()
    cancelling.join()
    assert Booking.objects.filter(family=family).exists()
    told = Message.objects.filter(kind="conference_cancelled", recipient=f"family:{family.pk}")
    assert told.count() == 1


def test_a_family_booking_while_staff_cancel_the_day_is_refused(school_a):
    day = make_day(school_a)
    family = make_family("ZZK Omar", school_a, phone="+12125550172", language="ar")
    slot = Slot.objects.filter(day=day).order_by("starts_at").first()
    cancelled = threading.Event()
    outcomes = []

    def book():
        cancelled.wait(5)
        translation.activate("ar")
        try:
            services.book(family=family, slot_id=slot.pk, request=services.Request())
            outcomes.append("booked")
        except ValidationError as refusal:
            outcomes.append(refusal.code)

    cancelling = in_thread(
        lambda: cancel_the_day(day, then=lambda: (cancelled.set(), time.sleep(0.5)))
    )
    booking = in_thread(book)
    cancelling.join()
    booking.join()
    assert outcomes == ["closed"]
    assert not Booking.objects.filter(family=family).exists()
