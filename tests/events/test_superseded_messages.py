"""Messages that do not pile up (RELIABILITY E8): what a later answer or message supersedes
is dropped by the send task before it is sent; "send a reminder now" queues at most one per
family and event per day and tells staff how many and when; a call never reads a web
address."""

import zoneinfo
from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.utils import timezone, translation

from events import notices, services
from events.models import Rsvp
from events.services import Party
from families.services import notify
from messaging import outbox, registry, sms
from messaging.models import Message
from portal.languages import LANGUAGE_CODES
from tests.conftest import deliver_now
from tests.events.conftest import make_event
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture(autouse=True)
def empty_outboxes():
    sms.outbox.clear()
    sms.calls.clear()


def texts_to(phone):
    return [m["text"] for m in sms.outbox if m["to"] == phone]


def test_a_family_that_changed_its_answer_to_no_gets_no_confirmation(school_a):
    event = make_event(school_a, title="Family night")
    family = make_family("Rina", school_a, phone="+12125550123")
    services.rsvp(family=family, event=event, party=Party(True))
    services.rsvp(family=family, event=event, party=Party(False))  # before 08:00, say
    deliver_now()
    assert texts_to("+12125550123") == []
    confirmation = Message.objects.get(kind="rsvp_going")
    assert confirmation.status == "cancelled" and "superseded" in confirmation.last_error


def test_going_no_going_sends_one_confirmation(school_a):
    event = make_event(school_a, title="Family night")
    family = make_family("Rina", school_a, phone="+12125550123")
    start = timezone.now()
    for i, going in enumerate((True, False, True)):
        with time_machine.travel(start + timedelta(seconds=2 * i)):
            services.rsvp(family=family, event=event, party=Party(going))
    assert Message.objects.filter(kind="rsvp_going").count() == 2
    with time_machine.travel(start + timedelta(seconds=10)):
        deliver_now()
    assert len(texts_to("+12125550123")) == 1


def test_waiting_list_then_a_place_opened_sends_only_the_place(school_a):
    event = make_event(school_a, capacity=1, title="Family night")
    first = make_family("Omar", school_a, phone="+12125550124")
    rina = make_family("Rina", school_a, phone="+12125550123")
    services.rsvp(family=first, event=event, party=Party(True))
    services.rsvp(family=rina, event=event, party=Party(True))
    assert Rsvp.objects.get(family=rina).status == "waitlisted"
    services.rsvp(family=first, event=event, party=Party(False))  # a place opens for Rina
    assert Rsvp.objects.get(family=rina).status == "going"
    deliver_now()
    (text,) = texts_to("+12125550123")
    assert text.startswith("Good news: a place opened")
    assert Message.objects.get(kind="rsvp_waitlisted").status == "cancelled"


def test_three_identical_reminders_waiting_for_the_morning_go_as_one(school_a):
    """As today's queue holds them: three presses of "remind now", each its own message."""
    event = make_event(school_a, title="Family night")
    family = make_family("Rina", school_a, phone="+12125550123")
    services.rsvp(family=family, event=event, party=Party(True))
    recipient = outbox.resolve(f"family:{family.pk}")
    for press in range(3):
        outbox.enqueue(
            recipient=recipient,
            kind="reminder",
            key=f"reminder:event:{event.pk}:family:{family.pk}:now:{press}",
            context={"event": event.pk},
        )
    deliver_now()
    reminders = [t for t in texts_to("+12125550123") if t.startswith("Reminder")]
    assert len(reminders) == 1


def at_night():
    """22:00 in New York tomorrow: inside the quiet hours."""
    tomorrow = timezone.localtime(timezone.now(), NEW_YORK).date() + timedelta(days=1)
    return datetime(tomorrow.year, tomorrow.month, tomorrow.day, 22, 0, tzinfo=NEW_YORK)


def press(client, event):
    response = client.post(
        f"/admin/events/event/{event.pk}/messages/", {"action": "remind_now"}, follow=True
    )
    return [str(m) for m in get_messages(response.wsgi_request)] or [response.content.decode()]


def test_pressing_remind_now_five_times_queues_one_and_tells_when(
    client, settings, staff_a, school_a
):
    settings.QUIET_HOURS = (21, 8)
    with time_machine.travel(at_night() - timedelta(days=1), tick=False):
        event = make_event(school_a, title="Family night", starts_at=at_night() + timedelta(days=3))
        families = [
            make_family(name, school_a, phone=f"+1212555012{i}")
            for i, name in enumerate(["Rina", "Omar"])
        ]
        for family in families:
            services.rsvp(family=family, event=event, party=Party(True))
    with time_machine.travel(at_night(), tick=False):
        client.force_login(staff_a)
        said = [press(client, event) for _ in range(5)]
    now_reminders = Message.objects.filter(kind="reminder", idempotency_key__contains=":now:")
    assert now_reminders.count() == 2  # one per family, not five
    morning = at_night().replace(hour=8) + timedelta(days=1)
    assert {m.due_at for m in now_reminders} == {morning}
    # Honest: how many, and when they go.
    assert said[0] == ["2 reminders will go at 8:00 AM, after the quiet hours."], said[0]
    assert said[1] == ["No new reminder: every family going has already had one today."]
    # The next day is another day.
    with time_machine.travel(at_night() + timedelta(days=1), tick=False):
        client.force_login(staff_a)
        assert press(client, event) == ["2 reminders will go at 8:00 AM, after the quiet hours."]


def test_remind_now_in_the_day_says_they_are_going_out_now_in_the_staffs_language(
    client, staff_a, school_a
):
    event = make_event(school_a, title="Family night")
    services.rsvp(
        family=make_family("Rina", school_a, phone="+12125550123"), event=event, party=Party(True)
    )
    client.force_login(staff_a)
    client.cookies["django_language"] = "es"
    with translation.override("es"):
        expected = translation.ngettext(
            "%(count)s reminder is going out now.", "%(count)s reminders are going out now.", 1
        ) % {"count": 1}
    assert expected != "1 reminder is going out now."
    assert press(client, event) == [expected]


def test_no_web_address_is_read_in_a_call(school_a):
    event = make_event(school_a, title="Family night", online_link="https://meet.example.org/x")
    family = make_family("Rina", school_a, phone="+12125550123")
    services.rsvp(family=family, event=event, party=Party(True))
    recipient = outbox.resolve(f"family:{family.pk}")
    for language in LANGUAGE_CODES:
        for kind in notices.KINDS:
            message = Message(kind=kind, language=language, context={"event": event.pk})
            with translation.override(language):
                voice = registry.renderers[kind](message, recipient).voice
            assert "http" not in voice and "www." not in voice and "/e/" not in voice, voice
    # A notice written with a link (renderers with no script of their own read the text):
    # the call leaves the address out, the text keeps it.
    notify(family, lambda: "Your school answered. Read it at https://portal.example.org/en/my/")
    notice = Message.objects.get(kind="notice")
    rendered = registry.renderers["notice"](notice, recipient)
    assert "https://portal.example.org/en/my/" in rendered.sms
    assert rendered.voice == "Your school answered. Read it at"


def test_two_reminders_claimed_at_once_do_not_drop_each_other(school_a):
    """A "remind now" held for 08:00 and the scheduled reminder, claimed by two workers at
    the same moment: one of them goes (not none)."""
    event = make_event(school_a, title="Family night")
    family = make_family("Rina", school_a, phone="+12125550123")
    services.rsvp(family=family, event=event, party=Party(True))
    recipient = outbox.resolve(f"family:{family.pk}")
    pair = [
        outbox.enqueue(
            recipient=recipient,
            kind="reminder",
            key=f"reminder:event:{event.pk}:family:{family.pk}:{suffix}",
            context={"event": event.pk},
        )
        for suffix in ("now:1", "180m")
    ]
    Message.objects.filter(pk__in=[m.pk for m in pair]).update(status=Message.Status.SENDING)
    current = [notices.still_current(Message.objects.get(pk=m.pk)) for m in pair]
    assert current.count(True) == 1, current
