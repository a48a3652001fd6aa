"""Answers by reply on PostgreSQL, with real threads and connections (RELIABILITY D8, E10):
50 families replying "1" at once to 20 places leave exactly 20 people going and the rest
waiting, in the order the lock served them; a reply the provider delivers twice at the
same moment answers once."""

import uuid

import pytest
from django.test import Client
from django.utils import timezone

from events.models import Rsvp
from messaging.models import Message
from tests.conversations.conftest import reply, texted_about
from tests.events.conftest import make_event
from tests.events.test_concurrency import run_together
from tests.families.conftest import make_family

pytestmark = [pytest.mark.pg, pytest.mark.django_db(transaction=True)]


def families_texted_about(school, event, n):
    families = []
    for i in range(n):
        family = make_family(f"R{i:03d}", school, phone=f"+1212555{i:04d}", language="es")
        texted_about(family, event)
        families.append(family)
    return families


def test_fifty_concurrent_1_replies_fill_twenty_places_exactly(school_a, signed):
    event = make_event(school_a, capacity=20)
    families = families_texted_about(school_a, event, 50)
    errors = run_together([lambda f=f: reply(Client(), f.phone, "1") for f in families], workers=16)
    assert errors == []
    rows = list(Rsvp.objects.filter(event=event).order_by("queued_at", "pk"))
    assert len(rows) == 50
    assert event.people_going() == 20
    assert [r.status for r in rows] == ["going"] * 20 + ["waitlisted"] * 30
    # Each family is told which: 20 "on the list", 30 "waiting list".
    assert Message.objects.filter(kind="rsvp_going").count() == 20
    assert Message.objects.filter(kind="rsvp_waitlisted").count() == 30


def test_without_the_lock_the_same_replies_overbook(school_a, signed, settings):
    """Control: with the event's lock switched off, the same rush through the webhook
    overbooks, so the test above would see a missing lock."""
    settings.EVENTS_SKIP_LOCK_FOR_TESTS = True
    event = make_event(school_a, capacity=5)
    families = families_texted_about(school_a, event, 16)
    run_together([lambda f=f: reply(Client(), f.phone, "1") for f in families], workers=16)
    assert event.people_going() > 5


def test_a_reply_delivered_four_times_at_once_answers_once(school_a, signed):
    event = make_event(school_a, capacity=20)
    (family,) = families_texted_about(school_a, event, 1)
    sid = "SM" + uuid.uuid4().hex
    errors = run_together([lambda: reply(Client(), family.phone, "2", sid=sid)] * 4, workers=4)
    assert errors == []
    assert Rsvp.objects.get(event=event, family=family).status == "not_going"
    # One "you will not come" text, not four.
    assert Message.objects.filter(kind="notice").count() == 1


def test_a_2_to_a_conference_text_delivered_four_times_at_once_cancels_once(school_a, signed):
    """The same for a conference booking (conversations/conference_replies.py): one cancel,
    one "Cancelled" text, not a "Cancelled" and three "already cancelled"."""
    from signups import services as conferences
    from signups.models import Booking, Slot
    from tests.signups.conftest import make_day

    day = make_day(school_a)
    family = make_family("R001", school_a, phone="+12125550001", language="es")
    slot = Slot.objects.filter(day=day).order_by("starts_at").first()
    booking = conferences.book(family=family, slot_id=slot.pk, request=conferences.Request())
    Message.objects.filter(kind="conference_booked").update(
        status=Message.Status.SENT, sent_at=timezone.now()
    )
    sid = "SM" + uuid.uuid4().hex
    errors = run_together([lambda: reply(Client(), family.phone, "2", sid=sid)] * 4, workers=4)
    assert errors == []
    assert not Booking.objects.filter(pk=booking.pk).exists()
    assert Message.objects.filter(kind="notice").count() == 1
