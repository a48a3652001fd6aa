"""Staff keep the day and the interpreters in the admin, scoped per school: they print the
day's schedule per teacher and per interpreter; another school's staff see, print and
change nothing of it (RELIABILITY C1)."""

import pytest

from signups import services
from signups.models import Booking, ConferenceDay, Interpreter, Slot
from tests.families.conftest import make_family
from tests.signups.conftest import make_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(school_a):
    day = make_day(school_a, interpreters=[("bn",)])
    family = make_family("ZZQ Nasrin", school_a)
    slot = Slot.objects.filter(day=day).order_by("starts_at").first()
    booking = services.book(
        family=family,
        slot_id=slot.pk,
        request=services.Request(child_name="Amina", interpreter_language="bn"),
    )
    return day, booking


def print_url(day, by):
    return f"/admin/signups/conferenceday/{day.pk}/print/?by={by}"


def test_staff_print_the_schedule_per_teacher_and_per_interpreter(client, staff_a, booked):
    day, booking = booked
    client.force_login(staff_a)
    per_teacher = client.get(print_url(day, "host")).content.decode()
    assert "Teacher 0" in per_teacher and "Teacher 1" in per_teacher
    assert "ZZQ Nasrin" in per_teacher and "Amina" in per_teacher
    assert "Interpreter 0" in per_teacher
    per_interpreter = client.get(print_url(day, "interpreter")).content.decode()
    assert '<h2><bdi dir="auto">Interpreter 0</bdi>' in per_interpreter
    assert "ZZQ Nasrin" in per_interpreter and "Room 100" in per_interpreter


def test_another_schools_staff_cannot_see_print_or_change_the_day(client, staff_b, booked):
    day, booking = booked
    client.force_login(staff_b)
    assert client.get(print_url(day, "host")).status_code == 404
    assert client.get(print_url(day, "interpreter")).status_code == 404
    assert client.get(f"/admin/signups/conferenceday/{day.pk}/change/").status_code == 404
    assert client.get(f"/admin/signups/booking/{booking.pk}/change/").status_code == 404
    listing = client.get("/admin/signups/booking/").content.decode()
    assert "ZZQ Nasrin" not in listing
    interpreters = client.get("/admin/signups/interpreter/").content.decode()
    assert "Interpreter 0" not in interpreters


def test_another_schools_staff_cannot_book_here_as_a_family(client, staff_b, school_a, booked):
    """Staff of school B with a family profile of their own: no membership of A, no booking."""
    day, _booking = booked
    from families.services import register_family

    register_family(user=staff_b, display_name="Staff B home", language="en", channel="none")
    client.force_login(staff_b)
    host = day.hosts.order_by("pk").last()
    slot = Slot.objects.filter(host=host).first()
    response = client.post(
        f"/en/schools/{school_a.slug}/conferences/", {"host": host.pk, "slot": slot.pk}
    )
    assert response.status_code == 302
    assert not slot.bookings.exists()


def test_district_staff_open_no_names(client, district_staff_a, booked):
    day, _booking = booked
    client.force_login(district_staff_a)
    assert client.get(print_url(day, "host")).status_code in (403, 404)
    assert client.get("/admin/signups/booking/").status_code == 403


def test_staff_make_a_day_and_its_times_come_from_the_hours_and_breaks(client, staff_a, school_a):
    interpreter = Interpreter.objects.create(school=school_a, name="Rahim", languages=["bn"])
    client.force_login(staff_a)
    data = {
        "school": school_a.pk,
        "status": "published",
        "date": "2031-03-04",
        "starts": "15:00",
        "ends": "17:00",
        "slot_minutes": "20",
        "place_en": "Library",
        "by_phone": "on",
        "booking_deadline_0": "2031-03-01",
        "booking_deadline_1": "12:00",
        "hosts-TOTAL_FORMS": "1",
        "hosts-INITIAL_FORMS": "0",
        "hosts-0-name": "Ms. Rivera",
        "hosts-0-role": "teacher",
        "hosts-0-room": "104",
        "breaks-TOTAL_FORMS": "1",
        "breaks-INITIAL_FORMS": "0",
        "breaks-0-starts": "16:00",
        "breaks-0-ends": "16:20",
        "availabilities-TOTAL_FORMS": "1",
        "availabilities-INITIAL_FORMS": "0",
        "availabilities-0-interpreter": interpreter.pk,
        "availabilities-0-starts": "15:00",
        "availabilities-0-ends": "17:00",
    }
    response = client.post("/admin/signups/conferenceday/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    day = ConferenceDay.objects.get()
    starts = [s.local_start.strftime("%H:%M") for s in day.slots.order_by("starts_at")]
    assert starts == ["15:00", "15:20", "15:40", "16:20", "16:40"]


@pytest.mark.parametrize(
    "bad",
    [
        {"slot_minutes": "0"},
        {"slot_minutes": "abc"},
        {"ends": "14:00"},
        {"place_en": "", "by_phone": ""},
        {"booking_deadline_0": "2031-03-05"},
        {"date": "not a date"},
        {"place_en": "x" * 5000},
        {"place_ar": "x" * 5000},
        {"place_en": "Library\x00"},
        {"slot_minutes": "9" * 30},
        {"starts": "25:00"},
    ],
)
def test_the_day_form_refuses_bad_input_with_a_message(client, staff_a, school_a, bad):
    client.force_login(staff_a)
    data = {
        "school": school_a.pk,
        "status": "published",
        "date": "2031-03-04",
        "starts": "15:00",
        "ends": "17:00",
        "slot_minutes": "20",
        "place_en": "Library",
        "by_phone": "on",
        "booking_deadline_0": "2031-03-01",
        "booking_deadline_1": "12:00",
        "hosts-TOTAL_FORMS": "0",
        "hosts-INITIAL_FORMS": "0",
        "breaks-TOTAL_FORMS": "0",
        "breaks-INITIAL_FORMS": "0",
        "availabilities-TOTAL_FORMS": "0",
        "availabilities-INITIAL_FORMS": "0",
        **bad,
    }
    response = client.post("/admin/signups/conferenceday/add/", data)
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert not ConferenceDay.objects.exists()


def test_staff_approve_a_parents_offer(client, staff_a, school_a):
    family = make_family("ZZQ Helper", school_a)
    offer = services.offer_to_interpret(family=family, school=school_a, languages=["ur"], note="")
    client.force_login(staff_a)
    response = client.post(
        "/admin/signups/interpreter/",
        {"action": "approve", "_selected_action": [offer.pk]},
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.approved


def test_a_break_added_later_takes_its_times_off_but_keeps_a_booked_one(client, staff_a, booked):
    """Staff add a break (or end the day sooner) after the times were made: the times it
    covers are no longer offered; one a family already booked stays (it was told it)."""
    from tests.signups.test_school_cancels import day_form

    day, booking = booked
    host = booking.host
    client.force_login(staff_a)
    times = [s.local_start.strftime("%H:%M") for s in services.offered_slots(host, "")]
    assert times == ["15:15", "15:30", "15:45"]  # 15:00 is booked
    form = day_form(
        day,
        place_en=day.place,
        **{
            "breaks-TOTAL_FORMS": "1",
            "breaks-0-starts": "15:00",
            "breaks-0-ends": "15:30",
            "ends": "15:45",
        },
    )
    response = client.post(f"/admin/signups/conferenceday/{day.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    # 15:00 is the booking's own (kept, offered to its family only); 15:15 is in the break,
    # 15:45 after the new end.
    assert [s.local_start.strftime("%H:%M") for s in services.offered_slots(host, "")] == ["15:30"]
    assert Booking.objects.filter(pk=booking.pk).exists()
