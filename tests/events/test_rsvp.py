"""RSVPs: answer, change, cancel; the waiting list serves whole parties in order; the
rules at the deadline and for cancelled or draft events."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from events import services
from events.models import Event, Rsvp
from events.services import Party
from messaging import sms
from messaging.models import Message
from tests.conftest import deliver_now
from tests.events.conftest import make_event
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db


def families(school, n, prefix="F"):
    return [make_family(f"{prefix}{i}", school, phone=f"+1212555{4000 + i:04d}") for i in range(n)]


def test_capacity_counts_people_and_parties_wait_whole(school_a):
    event = make_event(school_a, capacity=5)
    a, b, c = families(school_a, 3)
    assert (
        services.rsvp(family=a, event=event, party=Party(True, adults=2, children=1)).status
        == "going"
    )
    # 3 taken; a party of 3 does not fit in the 2 left: it waits whole.
    assert (
        services.rsvp(family=b, event=event, party=Party(True, adults=1, children=2)).status
        == "waitlisted"
    )
    # A party of 2 fits: it is seated (the first waiting family that fits).
    assert services.rsvp(family=c, event=event, party=Party(True, adults=2)).status == "going"
    assert event.people_going() == 5


def test_cancelling_promotes_the_first_waiting_party_that_fits_and_tells_it(school_a):
    event = make_event(school_a, capacity=4)
    a, b, c, d = families(school_a, 4)
    services.rsvp(family=a, event=event, party=Party(True, adults=4))
    services.rsvp(family=b, event=event, party=Party(True, adults=3))  # waits first
    services.rsvp(family=c, event=event, party=Party(True, adults=1))  # waits second
    services.rsvp(family=d, event=event, party=Party(True, adults=2))  # waits third
    services.rsvp(family=a, event=event, party=Party(True, adults=2))  # frees 2 places
    status = dict(Rsvp.objects.filter(event=event).values_list("family__display_name", "status"))
    # b (3 people) does not fit in 2; c (1) fits and is promoted; then 1 place: d (2) waits.
    assert status == {"F0": "going", "F1": "waitlisted", "F2": "going", "F3": "waitlisted"}
    assert list(Message.objects.filter(kind="promoted").values_list("recipient", flat=True)) == [
        f"family:{c.pk}"
    ]
    sms.outbox.clear()
    deliver_now()
    promoted_texts = [m["text"] for m in sms.outbox if m["to"] == c.phone]
    assert any(text.startswith("Good news") for text in promoted_texts)
    services.cancel_rsvp(family=a, event=event)  # 2 + 2 free = 3 free
    status = dict(Rsvp.objects.filter(event=event).values_list("family__display_name", "status"))
    assert status["F1"] == "going" and status["F3"] == "waitlisted"


def test_a_going_family_cannot_grow_past_the_places_and_keeps_its_answer(school_a):
    event = make_event(school_a, capacity=3)
    a, b = families(school_a, 2)
    services.rsvp(family=a, event=event, party=Party(True, adults=2))
    services.rsvp(family=b, event=event, party=Party(True, adults=1))
    with pytest.raises(ValidationError) as error:
        services.rsvp(family=a, event=event, party=Party(True, adults=3))
    # 3 places, 1 taken by b: a can have 2, which it already has.
    assert "places left: 2" in error.value.messages[0]
    assert Rsvp.objects.get(family=a).people == 2


def test_answering_twice_keeps_one_row(school_a):
    event = make_event(school_a)
    (a,) = families(school_a, 1)
    services.rsvp(family=a, event=event, party=Party(True))
    services.rsvp(family=a, event=event, party=Party(True, adults=2))
    assert Rsvp.objects.filter(event=event, family=a).count() == 1


@pytest.mark.parametrize(
    "change,message",
    [
        ({"status": Event.Status.CANCELLED}, "This event was cancelled."),
        ({"status": Event.Status.DRAFT}, "This event is not open for answers."),
        ({"rsvp_deadline": timezone.now() - timedelta(minutes=1)}, "The date to answer has passed"),
    ],
)
def test_answers_are_refused_when_closed(school_a, change, message):
    event = make_event(school_a)
    Event.objects.filter(pk=event.pk).update(**change)
    event.refresh_from_db()
    (a,) = families(school_a, 1)
    with pytest.raises(ValidationError) as error:
        services.rsvp(family=a, event=event, party=Party(True))
    assert message in error.value.messages[0]


def test_lowering_the_places_moves_the_newest_to_the_waiting_list(school_a):
    event = make_event(school_a, capacity=10)
    fams = families(school_a, 5)
    for family in fams:
        services.rsvp(family=family, event=event, party=Party(True, adults=2))
    services.set_capacity(event, 5)
    going = list(
        Rsvp.objects.filter(event=event, status="going")
        .order_by("queued_at")
        .values_list("family__display_name", flat=True)
    )
    assert going == ["F0", "F1"] and event.people_going() == 4
    services.set_capacity(event, 8)
    assert event.people_going() == 8


def test_the_family_page_flow(client, school_a, event_a):
    family = make_family("Rina", school_a, phone="+12125550123", language="ht")
    family.wants_interpreter = True
    family.save()
    client.force_login(family.user)
    page = client.get(f"/ht/events/{event_a.pk}/?step=2").content.decode()
    assert 'value="ht" selected' in page  # interpreter language pre-filled from the profile
    response = client.post(
        f"/ht/events/{event_a.pk}/",
        {
            "going": "yes",
            "adults": 2,
            "children": 1,
            "needs_interpreter": "on",
            "interpreter_language": "ht",
        },
    )
    assert response.status_code == 302
    rsvp = Rsvp.objects.get()
    assert (rsvp.status, rsvp.adults, rsvp.children, rsvp.interpreter_language) == (
        "going",
        2,
        1,
        "ht",
    )
    client.post(f"/ht/events/{event_a.pk}/", {"going": "yes", "adults": 1, "children": 1})
    assert Rsvp.objects.get().people == 2
    client.post(f"/ht/events/{event_a.pk}/", {"going": "no", "adults": 0, "children": 0})
    assert Rsvp.objects.get().status == "not_going"


def test_closed_event_page_says_why_and_refuses(client, school_a):
    event = make_event(school_a, rsvp_deadline=timezone.now() + timedelta(hours=1))
    Event.objects.filter(pk=event.pk).update(rsvp_deadline=timezone.now() - timedelta(hours=1))
    family = make_family("Rina", school_a, phone="+12125550123")
    client.force_login(family.user)
    assert "Answers are closed" in client.get(f"/en/events/{event.pk}/").content.decode()
    page = client.post(
        f"/en/events/{event.pk}/", {"going": "yes", "adults": 1, "children": 0}
    ).content.decode()
    assert "Answers are closed" in page
    assert not Rsvp.objects.exists()


def test_drafts_are_hidden_from_families_and_previewed_by_staff(client, school_a, staff_a, staff_b):
    event = make_event(school_a, status=Event.Status.DRAFT)
    assert client.get(f"/en/events/{event.pk}/").status_code == 404
    client.force_login(staff_b)
    assert client.get(f"/en/events/{event.pk}/").status_code == 404
    client.force_login(staff_a)
    assert "Preview" in client.get(f"/en/events/{event.pk}/").content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"going": "yes", "adults": 0, "children": 0},
        {"going": "yes", "adults": -1},
        {"going": "yes", "adults": 99999},
        {"going": "maybe"},
        {"going": "yes", "adults": "two"},
        {"going": "yes", "adults": 1, "other_needs": "x" * 600},
        {"going": "yes", "adults": 1, "needs_interpreter": "on", "interpreter_language": ""},
        {"going": "yes", "adults": 1, "interpreter_language": "<script>"},
        {"going": "yes", "adults": 1, "other_needs": "<script>alert(1)</script> مرحبا 🙂"},
    ],
)
def test_rsvp_form_survives_odd_input_and_keeps_it(client, school_a, event_a, data):
    family = make_family("Rina", school_a, phone="+12125550123")
    client.force_login(family.user)
    response = client.post(f"/es/events/{event_a.pk}/", data)
    assert response.status_code in (200, 302)
    assert b"<script>alert" not in response.content


def test_anonymous_visitors_are_asked_to_log_in(client, event_a):
    page = client.get(f"/en/events/{event_a.pk}/").content.decode()
    assert "Log in to answer" in page
    response = client.post(f"/en/events/{event_a.pk}/", {"going": "yes", "adults": 1})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Rsvp.objects.exists()


def test_cancelling_an_event_tells_the_families(school_a):
    event = make_event(school_a)
    a, b = families(school_a, 2)
    services.rsvp(family=a, event=event, party=Party(True))
    services.rsvp(family=b, event=event, party=Party(False, adults=0))
    assert services.cancel_event(event) == 1
    deliver_now()
    # The confirmation was cancelled with the event before it went; only the news goes.
    assert [m["to"] for m in sms.outbox] == [a.phone]
    assert sms.outbox[0]["text"].startswith("Cancelled:")
