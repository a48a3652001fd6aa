"""A parent who volunteered to interpret erases their data while families have meetings
booked with them (RELIABILITY F4, D6): those families' meetings to come get another free
interpreter of the language when there is one; when there is none, their page and their
reminders no longer promise one (the school's print shows the language with no one)."""

import pytest
from django.test import Client

from families.services import erase_family
from signups import services
from signups.models import Availability, Booking, Interpreter
from tests.families.conftest import make_family
from tests.signups.conftest import make_day

pytestmark = pytest.mark.django_db


def helper_booked(school, others):
    day = make_day(school, interpreters=others)
    helper = make_family("ZZE Nasrin", school, phone="+12125550191", language="bn")
    offer = Interpreter.objects.create(
        school=school, name="Nasrin", languages=["bn"], family=helper, kind="parent"
    )
    Availability.objects.create(day=day, interpreter=offer, starts=day.starts, ends=day.ends)
    family = make_family("ZZE Rahim", school, phone="+12125550192", language="bn")
    slot = day.slots.order_by("starts_at").first()
    if others:
        # The school's own interpreter is busy at this time with another family: the
        # parent is the one booked.
        busy = make_family("ZZE Busy", school, phone="+12125550193", language="bn")
        other_host_slot = day.slots.exclude(host=slot.host).filter(starts_at=slot.starts_at).get()
        services.book(
            family=busy,
            slot_id=other_host_slot.pk,
            request=services.Request(interpreter_language="bn"),
        )
    booking = services.book(
        family=family, slot_id=slot.pk, request=services.Request(interpreter_language="bn")
    )
    assert booking.interpreter == offer
    return day, helper, family, booking


def my_page(family):
    client = Client()
    client.force_login(family.user)
    return client.get("/en/my/").content.decode()


def test_no_other_interpreter_free_the_page_no_longer_promises_one(school_a):
    day, helper, family, booking = helper_booked(school_a, others=[])
    assert "An interpreter in" in my_page(family)
    erase_family(helper)
    booking.refresh_from_db()
    assert booking.interpreter is None and booking.interpreter_language == "bn"
    assert "An interpreter in" not in my_page(family)


def test_another_free_interpreter_takes_the_meeting(school_a):
    day, helper, family, booking = helper_booked(school_a, others=[("bn",)])
    # The school's interpreter is free again at that time (the other family cancelled).
    other = Booking.objects.exclude(pk=booking.pk).get(slot__day=day)
    services.cancel(family=other.family, booking_id=other.pk)
    erase_family(helper)
    booking.refresh_from_db()
    assert booking.interpreter.name == "Interpreter 0"
    assert "An interpreter in" in my_page(family)


def test_a_parent_who_withdraws_their_offer_is_no_longer_promised(school_a):
    # Staff cannot change a booking's interpreter in the admin (bookings are read-only
    # there): withdrawing used to leave the parent promised to this family.
    day, helper, family, booking = helper_booked(school_a, others=[])
    assert services.withdraw_offer(family=helper, school=school_a)
    booking.refresh_from_db()
    assert booking.interpreter is None and booking.interpreter_language == "bn"
    assert "An interpreter in" not in my_page(family)
