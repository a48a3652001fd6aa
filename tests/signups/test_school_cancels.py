"""Families are told when the school calls their meeting off (issue 16): staff cancel the
day, or delete a teacher, a time or the day in the admin. Each booked family gets one
conference_cancelled text in its language, however often staff save; its reminders are
not sent; a parent booked to interpret is told too. The family's own cancel tells no one."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from messaging.models import Message
from messaging.segments import segments
from messaging.tasks import send_message
from portal.languages import LANGUAGE_CODES
from signups import notices, services
from signups.models import Availability, Booking, ConferenceDay, Host, Interpreter, Slot
from tests.families.conftest import make_family
from tests.messaging.test_sms_fit import link_prefix
from tests.messaging.test_twilio import twilio as twilio  # noqa: F401 (the fixture)
from tests.signups.conftest import make_day

pytestmark = pytest.mark.django_db


def book(day, family, host_name="Teacher 0", language=""):
    slot = (
        Slot.objects.filter(day=day, host__name=host_name, bookings__isnull=True)
        .order_by("starts_at")
        .first()
    )
    return services.book(
        family=family, slot_id=slot.pk, request=services.Request(interpreter_language=language)
    )


@pytest.fixture
def booked(school_a):
    """Two families with Teacher 0 (Spanish and Arabic), one with Teacher 1."""
    day = make_day(school_a)
    es = make_family("ZZC Ana", school_a, phone="+12125550181", language="es")
    ar = make_family("ZZC Omar", school_a, phone="+12125550182", language="ar")
    en = make_family("ZZC Lee", school_a, phone="+12125550183")
    return day, {"es": book(day, es), "ar": book(day, ar), "en": book(day, en, "Teacher 1")}


def told(booking):
    return Message.objects.filter(
        kind="conference_cancelled", recipient=f"family:{booking.family_id}"
    )


def reminders(booking):
    return Message.objects.filter(
        kind="conference_reminder", recipient=f"family:{booking.family_id}", status="queued"
    )


def day_form(day, **changes):
    """The day's change form as the admin posts it, with its hosts and hours."""
    data = {
        "school": day.school_id,
        "status": day.status,
        "date": day.date.isoformat(),
        "starts": day.starts.strftime("%H:%M"),
        "ends": day.ends.strftime("%H:%M"),
        "slot_minutes": str(day.slot_minutes),
        "place": day.place,
        "by_phone": "on" if day.by_phone else "",
        "booking_deadline_0": timezone.localtime(day.booking_deadline).date().isoformat(),
        "booking_deadline_1": timezone.localtime(day.booking_deadline).strftime("%H:%M"),
        "breaks-TOTAL_FORMS": "0",
        "breaks-INITIAL_FORMS": "0",
    }
    hosts = list(day.hosts.order_by("pk"))
    data.update({"hosts-TOTAL_FORMS": str(len(hosts)), "hosts-INITIAL_FORMS": str(len(hosts))})
    for i, host in enumerate(hosts):
        data.update(
            {
                f"hosts-{i}-id": host.pk,
                f"hosts-{i}-day": day.pk,
                f"hosts-{i}-name": host.name,
                f"hosts-{i}-role": host.role,
                f"hosts-{i}-room": host.room,
            }
        )
    hours = list(Availability.objects.filter(day=day).order_by("pk"))
    data.update(
        {
            "availabilities-TOTAL_FORMS": str(len(hours)),
            "availabilities-INITIAL_FORMS": str(len(hours)),
        }
    )
    for i, row in enumerate(hours):
        data.update(
            {
                f"availabilities-{i}-id": row.pk,
                f"availabilities-{i}-day": day.pk,
                f"availabilities-{i}-interpreter": row.interpreter_id,
                f"availabilities-{i}-starts": row.starts.strftime("%H:%M"),
                f"availabilities-{i}-ends": row.ends.strftime("%H:%M"),
            }
        )
    data.update(changes)
    return data


def save_day(client, day, **changes):
    response = client.post(
        f"/admin/signups/conferenceday/{day.pk}/change/", day_form(day, **changes)
    )
    assert response.status_code == 302, response.content.decode()[:3000]


def sent_text(message):
    from messaging import sms

    sms.outbox.clear()
    send_message.run(message.pk)
    message.refresh_from_db()
    assert message.status == "sent", message.last_error
    return sms.outbox[-1]["text"]


def test_staff_cancelling_the_day_tell_each_family_once_in_its_language(
    client, staff_a, booked, school_a
):
    day, bookings = booked
    client.force_login(staff_a)
    save_day(client, day, status="cancelled")
    save_day(client, day, status="cancelled", place="Gym")  # saved again: nobody told twice
    day.refresh_from_db()
    assert day.status == ConferenceDay.Status.CANCELLED
    for booking in bookings.values():
        assert told(booking).count() == 1
        assert not reminders(booking).exists()
    es = sent_text(told(bookings["es"]).get())
    # Without the accents GSM lacks: that leaves room for the conferences page's address.
    assert es.startswith("La escuela cancelo su reunion con Teacher 0, 13 dic"[:43]), es
    assert f"/es/schools/{school_a.slug}/conferences/" in es
    ar = sent_text(told(bookings["ar"]).get())
    assert ar.startswith("ألغت المدرسة لقاءك مع Teacher 0"), ar


def test_deleting_a_teacher_in_the_admin_tells_only_that_teachers_families(client, staff_a, booked):
    day, bookings = booked
    client.force_login(staff_a)
    teacher_0 = day.hosts.get(name="Teacher 0")
    index = list(day.hosts.order_by("pk")).index(teacher_0)
    save_day(client, day, **{f"hosts-{index}-DELETE": "on"})
    assert not Host.objects.filter(pk=teacher_0.pk).exists()
    assert not Booking.objects.filter(pk=bookings["es"].pk).exists()
    assert told(bookings["es"]).count() == told(bookings["ar"]).count() == 1
    assert not told(bookings["en"]).exists() and reminders(bookings["en"]).exists()
    # The row is gone: the text is written from the message's own context.
    text = sent_text(told(bookings["es"]).get())
    assert "Teacher 0" in text and segments(text) <= 2


def test_deleting_a_time_or_the_day_tells_each_family_once(booked):
    day, bookings = booked
    bookings["es"].slot.delete()
    assert told(bookings["es"]).count() == 1 and not reminders(bookings["es"]).exists()
    assert not told(bookings["ar"]).exists()
    day.status = ConferenceDay.Status.CANCELLED
    day.save()
    services.school_cancelled(Booking.objects.filter(slot__day=day))
    day.delete()  # cancelled, then deleted: still one text each
    for booking in bookings.values():
        assert told(booking).count() == 1


def test_staff_deleting_the_day_in_the_admin_tell_the_families(client, superuser, booked):
    day, bookings = booked
    client.force_login(superuser)
    response = client.post(f"/admin/signups/conferenceday/{day.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not ConferenceDay.objects.filter(pk=day.pk).exists()
    for booking in bookings.values():
        assert told(booking).count() == 1


def test_the_familys_own_cancel_and_erasure_and_past_meetings_tell_no_one(school_a, booked):
    day, bookings = booked
    services.cancel(family=bookings["es"].family, booking_id=bookings["es"].pk)
    bookings["ar"].family.delete()
    Booking.objects.filter(pk=bookings["en"].pk).update(
        starts_at=timezone.now() - timedelta(hours=1)
    )
    day.delete()
    assert not Message.objects.filter(kind="conference_cancelled").exists()


def test_a_parent_who_was_to_interpret_is_told_too(school_a):
    day = make_day(school_a, interpreters=[])
    helper = make_family("ZZC Nasrin", school_a, phone="+12125550184", language="bn")
    interpreter = Interpreter.objects.create(
        school=school_a, name="Nasrin", languages=["bn"], family=helper, kind="parent"
    )
    Availability.objects.create(day=day, interpreter=interpreter, starts=day.starts, ends=day.ends)
    family = make_family("ZZC Rahim", school_a, phone="+12125550185", language="bn")
    booking = book(day, family, language="bn")
    assert booking.interpreter == interpreter
    day.hosts.get(name="Teacher 0").delete()
    assert told(booking).count() == 1
    (to_helper,) = Message.objects.filter(
        kind="conference_cancelled", recipient=f"family:{helper.pk}"
    )
    assert to_helper.context["interpreting"] is True
    text = sent_text(to_helper)
    assert text.startswith("স্কুল Teacher 0-এর সঙ্গে সাক্ষাৎ বাতিল করেছে"), text
    assert "/bn/my/" in text  # their page (or, with room, the offer page on it)


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_the_cancelled_text_fits_two_segments_with_a_long_name(school_a, language):
    day = make_day(school_a, interpreters=[("bn",)])
    Host.objects.filter(day=day).update(name="Ms. Alexandra Konstantinopoulou-Williamson")
    family = make_family("ZZN", school_a, phone="+12125550191", language=language)
    booking = book(day, family, "Ms. Alexandra Konstantinopoulou-Williamson", language="bn")
    services.school_cancelled(Booking.objects.filter(pk=booking.pk))
    message = told(booking).get()
    with translation.override(language):
        text = notices.render(message, None).sms
    assert segments(text) <= 2, (language, text)
    # Never cut before the link: the teacher's name gives way first.
    assert f"/{link_prefix(language)}/schools/" in text or "/my/" in text, (language, text)
    assert "Ms. Alex" in text, (language, text)


def test_a_cancelled_day_with_meetings_is_not_published_again(client, staff_a, booked):
    """The families were told the meeting is off and to book another time: published again,
    their meetings would be back on their page with no reminder, and a second cancel would
    tell no one (the text's key names the booking). Staff make a new day instead."""
    day, bookings = booked
    client.force_login(staff_a)
    save_day(client, day, status="cancelled")
    day.refresh_from_db()
    response = client.post(
        f"/admin/signups/conferenceday/{day.pk}/change/", day_form(day, status="published")
    )
    assert response.status_code == 200
    assert "Make a new day" in response.content.decode()
    day.refresh_from_db()
    assert day.status == ConferenceDay.Status.CANCELLED
    assert not services.upcoming_bookings(bookings["es"].family).exists()
    # A day cancelled before anyone booked may be published again.
    empty = make_day(day.school, on=day.date + timedelta(days=1))
    save_day(client, empty, status="cancelled")
    empty.refresh_from_db()
    save_day(client, empty, status="published")
    empty.refresh_from_db()
    assert empty.status == ConferenceDay.Status.PUBLISHED


def test_after_a_cancelled_day_its_families_book_the_same_time_on_the_new_day(
    client, staff_a, school_a
):
    """Told "book another time", the family books on the day staff made instead, at the same
    hour and with the same interpreter: its cancelled meeting holds neither the family nor
    the interpreter at that time."""
    day = make_day(school_a, interpreters=[("bn",)])
    family = make_family("ZZC Rahim", school_a, phone="+12125550186", language="bn")
    before = book(day, family, language="bn")
    client.force_login(staff_a)
    save_day(client, day, status="cancelled")
    new_day = make_day(school_a, on=day.date, interpreters=[], place="Gym")
    Availability.objects.create(
        day=new_day, interpreter=before.interpreter, starts=new_day.starts, ends=new_day.ends
    )
    slot = new_day.slots.get(host__name="Teacher 0", starts_at=before.starts_at)
    assert slot in services.offered_slots(slot.host, "bn", family)
    after = services.book(
        family=family, slot_id=slot.pk, request=services.Request(interpreter_language="bn")
    )
    assert after.slot == slot and after.interpreter == before.interpreter
