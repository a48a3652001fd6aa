from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from signups.models import Availability, Break, ConferenceDay, Host, Interpreter
from signups.volunteering.models import Opportunity, Shift


def make_day(
    school,
    *,
    hosts=2,
    starts=time(15, 0),
    minutes=15,
    slots_per_host=4,
    breaks=(),
    interpreters=(("bn",),),
    on=None,
    status=ConferenceDay.Status.PUBLISHED,
    place="School library",
    **extra,
):
    """A published conference day next week: hosts "Teacher 0…", slots_per_host meetings
    of `minutes` each from `starts`, and an approved interpreter per language tuple, free
    all day."""
    on = on or (timezone.localdate() + timedelta(days=7))
    end_minutes = starts.hour * 60 + starts.minute + minutes * slots_per_host
    end_minutes += sum(
        (b[1].hour * 60 + b[1].minute) - (b[0].hour * 60 + b[0].minute) for b in breaks
    )
    ends = time(end_minutes // 60, end_minutes % 60)
    day = ConferenceDay.objects.create(
        school=school,
        date=on,
        starts=starts,
        ends=ends,
        slot_minutes=minutes,
        place=place,
        booking_deadline=extra.pop("booking_deadline", timezone.now() + timedelta(days=3)),
        status=status,
        **extra,
    )
    for b_start, b_end in breaks:
        Break.objects.create(day=day, starts=b_start, ends=b_end)
    for i in range(hosts):
        Host.objects.create(day=day, name=f"Teacher {i}", room=f"Room {100 + i}")
    for i, languages in enumerate(interpreters):
        interpreter = Interpreter.objects.create(
            school=school, name=f"Interpreter {i}", languages=list(languages)
        )
        Availability.objects.create(day=day, interpreter=interpreter, starts=starts, ends=ends)
    day.make_slots()
    return day


@pytest.fixture
def day_a(school_a):
    return make_day(school_a)


__all__ = ["make_day", "date"]


def make_opportunity(school, title="Cook for the welcome night", shifts=1, places=10, **extra):
    status = extra.pop("status", Opportunity.Status.PUBLISHED)
    opportunity = Opportunity.objects.create(
        school=school,
        title=title,
        title_en=title,
        place=extra.pop("place", "School kitchen"),
        status=status,
        **extra,
    )
    start = timezone.now() + timedelta(days=7)
    for index in range(shifts):
        begins = start + timedelta(hours=3 * index)
        Shift.objects.create(
            opportunity=opportunity,
            starts_at=begins,
            ends_at=begins + timedelta(hours=2),
            places=places,
        )
    return opportunity


@pytest.fixture
def opportunity_a(school_a):
    return make_opportunity(school_a, languages=["bn", "es"])


@pytest.fixture
def shift_a(opportunity_a):
    return opportunity_a.shifts.get()
