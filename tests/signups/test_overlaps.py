"""An interpreter is one person: two conference days of a school on the same date (a
15-minute day and a 20-minute day, say) must not book them into two meetings that overlap,
even when the meetings do not start at the same minute. And a day staff cancel sends no
more reminders."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError

from messaging.models import Message
from signups import notices, services
from signups.models import Availability, ConferenceDay, Slot
from tests.families.conftest import make_family
from tests.signups.conftest import make_day

pytestmark = pytest.mark.django_db


def _two_overlapping_days(school):
    first = make_day(school, hosts=1, starts=time(15, 0), minutes=15)
    second = make_day(school, hosts=1, starts=time(15, 5), minutes=20, interpreters=())
    interpreter = first.availabilities.get().interpreter
    Availability.objects.create(
        day=second, interpreter=interpreter, starts=time(15, 0), ends=time(17, 0)
    )
    return first, second


def test_an_interpreter_is_not_booked_into_two_overlapping_meetings(school_a):
    first, second = _two_overlapping_days(school_a)
    one = make_family("ZZA", school_a)
    two = make_family("ZZB", school_a)
    at_three = Slot.objects.filter(day=first).order_by("starts_at").first()  # 15:00-15:15
    at_five_past = Slot.objects.filter(day=second).order_by("starts_at").first()  # 15:05-15:25
    services.book(
        family=one, slot_id=at_three.pk, request=services.Request(interpreter_language="bn")
    )
    # The page does not offer the overlapping time with a Bengali interpreter...
    offered = services.offered_slots(at_five_past.host, "bn", two)
    assert at_five_past.pk not in [s.pk for s in offered]
    # ...and a post of it anyway is refused.
    with pytest.raises(ValidationError) as refusal:
        services.book(
            family=two,
            slot_id=at_five_past.pk,
            request=services.Request(interpreter_language="bn"),
        )
    assert refusal.value.code == "no_interpreter"
    # A time after the first meeting ended is still offered.
    later = Slot.objects.filter(day=second).order_by("starts_at")[1]  # 15:25-15:45
    assert later.pk in [s.pk for s in services.offered_slots(later.host, "bn", two)]


def test_a_family_is_not_booked_into_two_overlapping_meetings(school_a):
    first, second = _two_overlapping_days(school_a)
    family = make_family("ZZC", school_a)
    at_three = Slot.objects.filter(day=first).order_by("starts_at").first()
    at_five_past = Slot.objects.filter(day=second).order_by("starts_at").first()
    services.book(family=family, slot_id=at_three.pk, request=services.Request())
    with pytest.raises(ValidationError) as refusal:
        services.book(family=family, slot_id=at_five_past.pk, request=services.Request())
    assert refusal.value.code == "same_time"


def test_a_cancelled_day_sends_no_reminder(school_a):
    day = make_day(school_a)
    family = make_family("ZZD", school_a, phone="+12125550194")
    slot = Slot.objects.filter(day=day).first()
    services.book(family=family, slot_id=slot.pk, request=services.Request())
    reminder = Message.objects.filter(kind="conference_reminder").first()
    assert notices.still_current(reminder)
    day.status = ConferenceDay.Status.CANCELLED
    day.save()
    assert not notices.still_current(reminder)


def test_a_booked_day_keeps_its_date_and_times(school_a):
    day = make_day(school_a)
    family = make_family("ZZE", school_a)
    slot = Slot.objects.filter(day=day).first()
    services.book(family=family, slot_id=slot.pk, request=services.Request())
    day.date = day.date + timedelta(days=1)
    with pytest.raises(ValidationError) as refusal:
        day.full_clean()
    assert "cannot change" in str(refusal.value)
    day.refresh_from_db()
    day.slot_minutes = 20
    with pytest.raises(ValidationError):
        day.full_clean()
    # A later end (more meetings) or another place is still fine.
    day.refresh_from_db()
    day.ends = time(17, 0)
    day.place = "Gym"
    day.full_clean()
