"""What a booking tells the family: a confirmation and two reminders (the day before, an
hour before), each within two SMS segments in every language; a cancelled or moved
booking's reminders are not sent."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from messaging.models import Message
from messaging.segments import is_gsm, segments
from portal.languages import LANGUAGE_CODES
from signups import notices, services
from signups.models import ConferenceDay, Host, Slot
from tests.conversations.test_replies_texts import forms_of
from tests.families.conftest import make_family
from tests.signups.conftest import make_day

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_every_text_fits_two_segments_even_with_a_long_name(school_a, language):
    day = make_day(school_a, interpreters=[("bn",)], place="Library, second floor, east wing")
    Host.objects.filter(day=day).update(name="Ms. Alexandra Konstantinopoulou-Williamson")
    family = make_family("ZZN", school_a, phone="+12125550191", language=language)
    slot = Slot.objects.filter(day=day).first()
    services.book(
        family=family, slot_id=slot.pk, request=services.Request(interpreter_language="bn")
    )
    messages = list(Message.objects.filter(kind__in=notices.KINDS))
    assert {m.kind for m in messages} == {"conference_booked", "conference_reminder"}
    with translation.override(language):
        line = translation.gettext("Reply 1 if you will come, 2 to cancel.")
    if language != "en":
        assert line != "Reply 1 if you will come, 2 to cancel.", f"{language} has no translation"
    for message in messages:
        with translation.override(language):
            text = notices.render(message, None).sms
        assert segments(text) <= 2, (language, text)
        assert "/my/" in text
        # How to answer, last (conversations/replies.py): a 67-characters-a-part script may
        # drop it for this long name and place, never a text in the GSM alphabet.
        if is_gsm(text):
            assert text.endswith(forms_of(line)), (language, text)


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_a_usual_booking_text_ends_with_the_reply_line_and_a_call_asks_the_same(school_a, language):
    day = make_day(school_a)
    family = make_family("ZZN", school_a, phone="+12125550191", language=language)
    slot = Slot.objects.filter(day=day).first()
    services.book(family=family, slot_id=slot.pk, request=services.Request())
    with translation.override(language):
        line = translation.gettext("Reply 1 if you will come, 2 to cancel.")
        press = translation.gettext("Press 1 if you will come, 2 to cancel.")
        for message in Message.objects.filter(kind__in=notices.KINDS):
            rendered = notices.render(message, None)
            assert segments(rendered.sms) <= 2, (language, rendered.sms)
            assert rendered.sms.endswith(forms_of(line)), (language, rendered.sms)
            assert rendered.voice_question == press


def test_no_reply_line_once_the_family_may_no_longer_cancel(school_a):
    day = make_day(school_a)
    family = make_family("ZZN", school_a, phone="+12125550191")
    services.book(
        family=family, slot_id=Slot.objects.filter(day=day).first().pk, request=services.Request()
    )
    ConferenceDay.objects.filter(pk=day.pk).update(
        booking_deadline=timezone.now() - timedelta(minutes=1)
    )
    reminder = Message.objects.filter(kind="conference_reminder").first()
    rendered = notices.render(reminder, None)
    assert "Reply 1" not in rendered.sms and rendered.voice_question == ""


def test_a_cancelled_booking_sends_no_reminder(school_a):
    day = make_day(school_a)
    family = make_family("ZZN", school_a, phone="+12125550192")
    slot = Slot.objects.filter(day=day).first()
    booking = services.book(family=family, slot_id=slot.pk, request=services.Request())
    reminder = Message.objects.filter(kind="conference_reminder").first()
    assert notices.still_current(reminder)
    services.cancel(family=family, booking_id=booking.pk)
    reminder.refresh_from_db()
    assert reminder.status == "cancelled"
    assert not notices.still_current(reminder)


def test_a_moved_booking_reminds_of_the_new_time_only(school_a):
    day = make_day(school_a, hosts=1)
    family = make_family("ZZN", school_a, phone="+12125550193")
    first, second = Slot.objects.filter(day=day).order_by("starts_at")[:2]
    services.book(family=family, slot_id=first.pk, request=services.Request())
    services.book(family=family, slot_id=second.pk, request=services.Request())
    queued = Message.objects.filter(kind="conference_reminder", status="queued")
    assert queued.count() == 2
    assert all(f":{second.starts_at.timestamp():.0f}:" in m.idempotency_key for m in queued)
