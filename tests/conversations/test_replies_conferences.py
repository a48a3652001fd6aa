"""Answers by reply to a conference text (issue 16): "1" to a booking's confirmation or
reminder says "see you", "2" cancels it through signups.services.cancel (the slot's lock and
the day's deadline), and the family is told by text in its language. A reply answers the
last event or conference message that reached the family, so a "2" never cancels the wrong
thing; a reply delivered twice acts once (RELIABILITY D8, E10)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events import services as event_services
from events.models import Rsvp
from events.services import Party
from messaging.models import Message
from messaging.tasks import send_message
from signups import services
from signups.models import Booking, ConferenceDay, Slot
from tests.conversations.conftest import reply, texted_about
from tests.conversations.test_replies import gather, send_all, texts_to_provider
from tests.events.conftest import make_event
from tests.families.conftest import make_family
from tests.signups.conftest import make_day

pytestmark = pytest.mark.django_db
PHONE = "+12125550123"


def booked_and_reminded(school, twilio, language="en", channel="sms", when=None):
    """A family that booked Teacher 0's first time with a Bengali interpreter, and got the
    day-before reminder (sent by the worker, as in production)."""
    day = make_day(school, interpreters=[("bn",)])
    family = make_family("Rina", school, phone=PHONE, language=language)
    if channel != "sms":
        family.channel = channel
        family.save()
    slot = Slot.objects.filter(day=day, host__name="Teacher 0").order_by("starts_at").first()
    booking = services.book(
        family=family, slot_id=slot.pk, request=services.Request(interpreter_language="bn")
    )
    Message.objects.filter(kind="conference_booked").update(status="cancelled")
    reminder = Message.objects.filter(kind="conference_reminder").order_by("due_at").first()
    Message.objects.filter(pk=reminder.pk).update(due_at=timezone.now())
    send_message.run(reminder.pk)
    reminder.refresh_from_db()
    assert reminder.status == "sent"
    if when is not None:
        Message.objects.filter(pk=reminder.pk).update(sent_at=when)
    twilio.received.clear()
    return family, booking


def test_a_2_to_a_conference_reminder_cancels_frees_the_time_and_interpreter_and_says_so(
    client, school_a, twilio
):
    family, booking = booked_and_reminded(school_a, twilio, language="es")
    slot, interpreter, host = booking.slot, booking.interpreter, booking.host
    reply(client, PHONE, "2")
    assert not Booking.objects.filter(pk=booking.pk).exists()
    # The time and the interpreter are offered to the next family that needs Bengali.
    assert slot in services.offered_slots(host, "bn")
    assert services.free_interpreter_ids(slot.day, slot, "bn") == [interpreter.pk]
    # The hour-before reminder is not sent.
    assert not Message.objects.filter(kind="conference_reminder", status="queued").exists()
    send_all()
    (text,) = texts_to_provider(twilio)
    assert text.startswith(("Cancelada: su reunión con Teacher 0", "Cancelada: su reunion con")), (
        text
    )
    assert f"/es/schools/{school_a.slug}/conferences/" in text


def test_the_same_2_delivered_twice_cancels_once_and_tells_once(client, school_a, twilio):
    family, booking = booked_and_reminded(school_a, twilio)
    sid = "SM" + "8" * 32
    reply(client, PHONE, "2", sid=sid)
    reply(client, PHONE, "2", sid=sid)
    assert not Booking.objects.filter(pk=booking.pk).exists()
    send_all()
    (text,) = texts_to_provider(twilio)
    assert text.startswith("Cancelled: your meeting with Teacher 0")


def test_a_2_after_the_deadline_changes_nothing_and_says_to_call_the_school(
    client, school_a, twilio
):
    school_a.phone = "+1 212 555 0100"
    school_a.save()
    family, booking = booked_and_reminded(school_a, twilio)
    ConferenceDay.objects.filter(pk=booking.slot.day_id).update(
        booking_deadline=timezone.now() - timedelta(minutes=1)
    )
    reply(client, PHONE, "2")
    assert Booking.objects.filter(pk=booking.pk).exists()
    send_all("notice")
    (text,) = texts_to_provider(twilio)
    assert text == (
        "It is too late to cancel this meeting by text. Please call the school: +1 212 555 0100"
    )


def test_a_1_says_see_you_and_keeps_the_booking(client, school_a, twilio):
    family, booking = booked_and_reminded(school_a, twilio, language="fr")
    reply(client, PHONE, "oui")
    assert Booking.objects.filter(pk=booking.pk).exists()
    assert Message.objects.filter(kind="conference_reminder", status="queued").exists()
    send_all("notice")
    (text,) = texts_to_provider(twilio)
    assert text.startswith("Merci. Rendez-vous le ") and "Teacher 0" in text, text


def test_a_2_answers_the_last_message_an_event_text_after_the_conference_one(
    client, school_a, twilio
):
    hour_ago = timezone.now() - timedelta(hours=1)
    family, booking = booked_and_reminded(school_a, twilio, when=hour_ago - timedelta(hours=1))
    event = make_event(school_a)
    event_services.rsvp(family=family, event=event, party=Party(True))
    texted_about(family, event, when=hour_ago)
    reply(client, PHONE, "2")
    assert Rsvp.objects.get(family=family, event=event).status == "not_going"
    assert Booking.objects.filter(pk=booking.pk).exists()


def test_a_2_answers_the_last_message_a_conference_text_after_the_event_one(
    client, school_a, twilio
):
    family, booking = booked_and_reminded(school_a, twilio)
    event = make_event(school_a)
    event_services.rsvp(family=family, event=event, party=Party(True))
    texted_about(family, event, when=timezone.now() - timedelta(hours=2))
    reply(client, PHONE, "2")
    assert Rsvp.objects.get(family=family, event=event).status == "going"
    assert not Booking.objects.filter(pk=booking.pk).exists()


def test_a_reply_after_the_school_cancelled_the_day_is_told_the_meeting_is_gone(
    client, school_a, twilio, settings
):
    settings.MESSAGING_DAILY_LIMIT = 100  # five texts today: the test is not about the limit
    family, booking = booked_and_reminded(school_a, twilio)
    day = booking.slot.day
    day.status = ConferenceDay.Status.CANCELLED
    day.save()
    services.school_cancelled(Booking.objects.filter(slot__day=day))
    send_all("conference_cancelled")
    twilio.received.clear()
    for body in ("1", "2"):
        reply(client, PHONE, body)
    send_all("notice")
    texts = texts_to_provider(twilio)
    assert len(texts) == 2 and all(t.startswith("This meeting is cancelled.") for t in texts)
    assert Booking.objects.filter(pk=booking.pk).exists()  # kept for the reports


def test_a_call_asks_press_1_or_2_and_pressing_2_twice_cancels_once(client, school_a, twilio):
    day = make_day(school_a)
    family = make_family("Rina", school_a, phone=PHONE, language="es")
    family.channel = "voice"
    family.save()
    slot = Slot.objects.filter(day=day).order_by("starts_at").first()
    booking = services.book(family=family, slot_id=slot.pk, request=services.Request())
    call = Message.objects.get(kind="conference_booked", channel="voice")
    send_message.run(call.pk)
    path, form = twilio.received[-1]
    assert path.endswith("/Calls.json")
    twiml = form["Twiml"]
    assert '<Gather numDigits="1"' in twiml and "/messaging/voice/gather" in twiml
    assert "Marque 1 si viene, 2 para cancelar." in twiml.split("<Gather")[1]
    for _ in range(2):
        response = gather(client, PHONE, "2")
        assert response.status_code == 200
    assert not Booking.objects.filter(pk=booking.pk).exists()
    assert Message.objects.filter(kind="notice").count() == 1
