"""The conference pages, as a family uses them: the list, booking a time with an
interpreter, a refusal that keeps what was typed, change and cancel, the calendar file,
the offer to interpret; hostile input never makes a 500; query counts stay flat."""

import re
from datetime import time, timedelta

import pytest
from django.utils import timezone

from messaging.models import Message
from signups import services
from signups.models import Availability, Booking, Interpreter, Slot
from tests.families.conftest import make_family
from tests.signups.conftest import make_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def parent(school_a):
    return make_family("ZZQ Nasrin", school_a, phone="+12125550177", language="bn")


def page(school):
    return f"/en/schools/{school.slug}/conferences/"


def first_host(day):
    return day.hosts.order_by("pk").first()


def slots_of(host):
    return list(Slot.objects.filter(host=host).order_by("starts_at"))


def test_anyone_sees_the_days_and_a_family_is_asked_to_log_in(client, school_a, day_a):
    body = client.get(page(school_a)).content.decode()
    assert "Teacher 0" not in body  # hosts are listed to families who may book
    assert "Log in to book" in body and "বাংলা" in body


def test_a_family_books_a_time_with_an_interpreter_and_sees_it_on_its_page(
    client, school_a, day_a, parent
):
    client.force_login(parent.user)
    host = first_host(day_a)
    response = client.get(page(school_a), {"host": host.pk, "interpreter": "bn"})
    assert response.status_code == 200
    slot = slots_of(host)[1]
    response = client.post(
        page(school_a),
        {
            "host": host.pk,
            "interpreter_language": "bn",
            "slot": slot.pk,
            "child_name": "Amina",
            "child_class": "3B",
        },
    )
    assert response.status_code == 302
    booking = Booking.objects.get(family=parent)
    assert booking.slot == slot and booking.interpreter is not None
    assert booking.child_name == "Amina"
    home = client.get("/en/my/").content.decode()
    assert "Meeting with" in home and "Teacher 0" in home and "An interpreter in" in home
    # A confirmation now, reminders the day before and one hour before.
    kinds = sorted(Message.objects.values_list("kind", flat=True))
    assert kinds == ["conference_booked", "conference_reminder", "conference_reminder"]


def test_only_times_with_a_free_interpreter_are_offered(client, school_a, parent):
    day = make_day(school_a, hosts=2, interpreters=[("bn",)])
    other = make_family("ZZQ Other", school_a)
    a, b = day.hosts.order_by("pk")
    taken = slots_of(a)[0]
    services.book(
        family=other, slot_id=taken.pk, request=services.Request(interpreter_language="bn")
    )
    client.force_login(parent.user)
    body = client.get(page(school_a), {"host": b.pk, "interpreter": "bn"}).content.decode()
    same_time = slots_of(b)[0]
    assert f'value="{same_time.pk}"' not in body
    assert f'value="{slots_of(b)[1].pk}"' in body
    # Without an interpreter, that time is offered.
    body = client.get(page(school_a), {"host": b.pk, "interpreter": ""}).content.decode()
    assert f'value="{same_time.pk}"' in body


def test_a_time_taken_meanwhile_is_refused_clearly_and_keeps_what_was_typed(
    client, school_a, day_a, parent
):
    host = first_host(day_a)
    slot = slots_of(host)[0]
    client.force_login(parent.user)
    client.get(page(school_a), {"host": host.pk})
    services.book(
        family=make_family("ZZQ Fast", school_a), slot_id=slot.pk, request=services.Request()
    )
    response = client.post(
        page(school_a),
        {"host": host.pk, "slot": slot.pk, "child_name": "Amina", "child_class": "3B"},
    )
    body = response.content.decode()
    assert response.status_code in (400, 409)
    assert "Choose a time for the meeting." in body or "Someone has just booked" in body
    assert 'value="Amina"' in body and 'value="3B"' in body
    with_bn = client.post(
        "/bn" + page(school_a)[3:],
        {"host": host.pk, "slot": slot.pk, "child_name": "Amina"},
    ).content.decode()
    assert "There is a problem" not in with_bn  # the Bengali page, not English


def test_the_service_refuses_a_taken_slot_with_its_message(school_a, day_a, parent):
    slot = slots_of(first_host(day_a))[0]
    services.book(
        family=make_family("ZZQ Fast", school_a), slot_id=slot.pk, request=services.Request()
    )
    with pytest.raises(services.ValidationError) as refusal:
        services.book(family=parent, slot_id=slot.pk, request=services.Request())
    assert refusal.value.messages == [str(services.TAKEN)]


def test_change_moves_the_booking_and_cancel_frees_the_time_and_its_reminders(
    client, school_a, day_a, parent
):
    host = first_host(day_a)
    first, second = slots_of(host)[:2]
    client.force_login(parent.user)
    client.post(page(school_a), {"host": host.pk, "slot": first.pk})
    client.post(page(school_a), {"host": host.pk, "slot": second.pk, "child_name": "Ana"})
    booking = Booking.objects.get(family=parent)
    assert booking.slot == second and Booking.objects.count() == 1
    queued = Message.objects.filter(status="queued", kind="conference_reminder")
    assert queued.count() == 2
    response = client.post(f"{page(school_a)}{booking.pk}/cancel/")
    assert response.status_code == 302
    assert not Booking.objects.exists()
    assert not Message.objects.filter(status="queued").exists()
    # The child's name went with the row.
    assert not Booking.objects.filter(child_name="Ana").exists()


def test_after_the_deadline_nothing_changes(client, school_a, parent):
    day = make_day(school_a, booking_deadline=timezone.now() - timedelta(minutes=1))
    host = first_host(day)
    client.force_login(parent.user)
    body = client.get(page(school_a)).content.decode()
    assert "Booking has closed for this day" in body
    response = client.post(page(school_a), {"host": host.pk, "slot": slots_of(host)[0].pk})
    assert response.status_code == 302 and not Booking.objects.exists()


def test_a_meeting_by_phone_needs_a_number(client, school_a, day_a, parent):
    host = first_host(day_a)
    client.force_login(parent.user)
    response = client.post(
        page(school_a),
        {"host": host.pk, "slot": slots_of(host)[0].pk, "by_phone": "on", "phone": ""},
    )
    assert response.status_code == 400
    assert "Type the number the teacher should call." in response.content.decode()
    response = client.post(
        page(school_a),
        {"host": host.pk, "slot": slots_of(host)[0].pk, "by_phone": "on", "phone": "212 555 0199"},
    )
    assert response.status_code == 302
    assert Booking.objects.get().phone == "+12125550199"


HOSTILE = [
    {"slot": "abc"},
    {"slot": ""},
    {"slot": "99999999999999999999999"},
    {"slot": "-1"},
    {"child_name": "A" * 10_000},
    {"child_class": "<script>alert(1)</script>" * 50},
    {"child_name": "Ami\x00na"},
    {"interpreter_language": "xx"},
    {"interpreter_language": "' OR 1=1 --"},
    {"phone": "+" + "9" * 500, "by_phone": "on"},
    {"host": "abc"},
    {"host": "9" * 40},
    # Digits to str.isdigit() that int() refuses (superscripts, circled), and digits of
    # another script that it takes.
    {"host": "\u00b2"},
    {"host": "\u2460"},
    {"host": "\u0661"},
]


@pytest.mark.parametrize("bad", HOSTILE)
def test_hostile_input_is_refused_with_a_message_never_a_500(client, school_a, day_a, parent, bad):
    host = first_host(day_a)
    data = {"host": host.pk, "slot": slots_of(host)[0].pk, **bad}
    client.force_login(parent.user)
    response = client.post(page(school_a), data)
    assert response.status_code in (200, 302, 400, 409)
    booking = Booking.objects.first()
    if booking is not None:
        # What was accepted is what the rules allow: a known language or none.
        assert booking.interpreter_language in ("", "bn") and len(booking.child_name) <= 60
        assert "<script>" not in client.get("/en/my/").content.decode()


def test_another_schools_slot_cannot_be_booked_from_this_page(client, school_a, school_b, parent):
    make_day(school_a)
    other_day = make_day(school_b)
    stranger = slots_of(first_host(other_day))[0]
    client.force_login(parent.user)
    host = first_host(other_day)
    response = client.post(page(school_a), {"host": host.pk, "slot": stranger.pk})
    assert response.status_code == 302 and not Booking.objects.exists()


def test_the_calendar_file_is_the_familys_own(client, school_a, day_a, parent):
    host = first_host(day_a)
    booking = services.book(
        family=parent,
        slot_id=slots_of(host)[0].pk,
        request=services.Request(interpreter_language="bn"),
    )
    client.force_login(parent.user)
    response = client.get(f"/en/my/meetings/{booking.pk}.ics")
    body = response.content.decode()
    assert response.status_code == 200 and "BEGIN:VEVENT" in body and "Teacher 0" in body
    assert "Interpreter:" in body
    other = make_family("ZZQ Other", school_a, phone="+12125550178")
    client.force_login(other.user)
    assert client.get(f"/en/my/meetings/{booking.pk}.ics").status_code == 404


def test_the_calendar_file_of_a_day_the_school_cancelled_says_so(client, school_a, day_a, parent):
    booking = services.book(
        family=parent, slot_id=slots_of(first_host(day_a))[0].pk, request=services.Request()
    )
    type(day_a).objects.filter(pk=day_a.pk).update(status="cancelled")
    client.force_login(parent.user)
    body = client.get(f"/es/my/meetings/{booking.pk}.ics").content.decode()
    assert "STATUS:CANCELLED" in body and "Cancelada: reunión con Teacher 0" in body


def test_a_parents_offer_is_used_only_once_approved(client, school_a, parent):
    client.force_login(parent.user)
    response = client.post("/en/my/interpret/", {"school": school_a.pk, "languages": ["bn", "ar"]})
    assert response.status_code == 302
    offer = Interpreter.objects.get(family=parent)
    assert offer.kind == "parent" and not offer.approved
    day = make_day(school_a, interpreters=[])
    Availability.objects.create(day=day, interpreter=offer, starts=time(15, 0), ends=time(16, 0))
    host = first_host(day)
    assert services.offered_slots(host, "ar") == []
    offer.approved = True
    offer.save()
    assert len(services.offered_slots(host, "ar")) == 4


@pytest.mark.parametrize(
    "bad",
    [
        {"school": "abc", "languages": ["bn"]},
        {"school": 0, "languages": ["zz"]},
        {"languages": []},
        {"school": "", "note": "x" * 5000},
    ],
)
def test_the_offer_form_refuses_hostile_input(client, school_a, parent, bad):
    client.force_login(parent.user)
    response = client.post("/en/my/interpret/", bad)
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    assert not Interpreter.objects.exists()


@pytest.mark.parametrize("hosts,per_host", [(1, 10), (10, 100)])
def test_query_counts_are_flat_at_10_and_1000_slots(
    client, school_a, parent, django_assert_max_num_queries, hosts, per_host
):
    day = make_day(
        school_a,
        hosts=hosts,
        minutes=5,
        slots_per_host=per_host,
        starts=time(8, 0),
        interpreters=[("bn",), ("ar",), ("bn", "ur")],
    )
    assert Slot.objects.filter(day=day).count() == hosts * per_host
    host = first_host(day)
    # Half the times booked by other families (a quarter of them with an interpreter),
    # written at once: the page's reads are measured, not the setup.
    half = list(Slot.objects.filter(day=day).order_by("pk")[: hosts * per_host // 2])
    others = [make_family(f"ZZQ F{i}", school_a) for i in range(len(half))]
    bengali = Interpreter.objects.filter(languages__contains=["bn"]).order_by("pk").first()
    Booking.objects.bulk_create(
        Booking(
            slot=slot,
            host_id=slot.host_id,
            starts_at=slot.starts_at,
            family=other,
            interpreter_language="bn" if i % 4 == 0 else "",
            interpreter=bengali if i % 4 == 0 and slot.host_id == host.pk else None,
        )
        for i, (slot, other) in enumerate(zip(half, others, strict=True))
    )
    last = Slot.objects.filter(day=day).order_by("pk").last()
    services.book(family=parent, slot_id=last.pk, request=services.Request())
    client.force_login(parent.user)
    client.get(page(school_a))  # the session and the language, read once
    with django_assert_max_num_queries(16):
        response = client.get(page(school_a), {"host": host.pk, "interpreter": "bn"})
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(page(school_a)).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get("/en/my/").status_code == 200


def test_a_second_teacher_at_the_same_time_is_refused_in_the_familys_language_keeping_the_form(
    client, school_a, day_a
):
    """The page's side of the family's own lock (tests/signups/test_concurrency.py): the
    refusal names the meeting the family already has, in its language, and what it chose
    and typed is still on the form."""
    family = make_family("ZZQ Huda", school_a, phone="+12125550178", language="ar")
    teacher_0, teacher_1 = day_a.hosts.order_by("pk")
    services.book(family=family, slot_id=slots_of(teacher_0)[0].pk, request=services.Request())
    client.force_login(family.user)
    clash = slots_of(teacher_1)[0]
    response = client.post(
        f"/ar/schools/{school_a.slug}/conferences/",
        {"host": teacher_1.pk, "slot": clash.pk, "child_name": "Amina", "child_class": "3B"},
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert "لديك لقاء آخر في هذا الموعد" in body and "Teacher 0" in body
    assert 'value="Amina"' in body and 'value="3B"' in body
    assert re.search(rf'value="{clash.pk}"[^>]* checked', body)  # the time chosen, still chosen
    assert Booking.objects.filter(family=family).count() == 1
