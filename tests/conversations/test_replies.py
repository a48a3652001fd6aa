"""Answers by reply (issue 15, part 4): a "1" or "2" (or the language's yes or no) to an
event's text, or a key pressed at the end of a call, answers the event through the same
service as the site, and the family is told by text. The provider is a local server that
speaks Twilio's API (tests/messaging/test_twilio.py); our code is not replaced."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from twilio.request_validator import RequestValidator

from conversations.replies import NO_WORDS, YES_WORDS, answer_of
from conversations.replies_models import UnknownNumberReply
from events import services
from events.models import Rsvp
from events.services import Party
from families.models import Family
from messaging.models import Message
from messaging.tasks import send_message
from tests.conversations.conftest import reply, texted_about
from tests.events.conftest import make_event
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db
PHONE = "+12125550123"


def status_of(family, event):
    row = Rsvp.objects.filter(family=family, event=event).first()
    return row and row.status


def send_all(kind=None):
    """The send task, for every queued message (as the worker would run it)."""
    queued = Message.objects.filter(status="queued", due_at__lte=timezone.now())
    if kind:
        queued = queued.filter(kind=kind)
    for pk in queued.values_list("pk", flat=True):
        send_message.run(pk)


def texts_to_provider(twilio):
    return [form["Body"] for path, form in twilio.received if path.endswith("/Messages.json")]


@pytest.mark.parametrize(
    "body, going",
    [
        ("1", True),
        ("2", False),
        (" 1. ", True),
        ("١", True),  # Arabic-Indic
        ("٢", False),
        ("۱", True),  # Extended Arabic-Indic (Urdu)
        ("২", False),  # Bengali
        ("１", True),  # full width (Chinese keyboards)
        ("Sí!", True),
        ("si", True),
        ("No", False),
        ("oui", True),
        ("Non", False),
        ("wi", True),
        ("po", True),
        ("jo", False),
        ("нет", False),
        ("да", True),
        ("так", True),
        ("ні", False),
        ("نعم", True),
        ("لا؟", False),
        ("হ্যাঁ", True),
        ("না", False),
        ("是", True),
        ("不去", False),
        ("oo po", True),
        ("hindi", False),
        ("네", True),
        ("아니요", False),
        ("ہاں", True),
        ("نہیں", False),
        ("ha", True),
        ("yo‘q", False),
        ("YES", True),
    ],
)
def test_yes_and_no_in_each_language_and_script(body, going):
    assert answer_of(body) is going


@pytest.mark.parametrize(
    "body",
    ["", " ", "12", "1 2", "21", "3", "0", "x" * 10_000, "1\x00", "\x00", "👍", "1️⃣", "yes no"],
)
def test_anything_else_is_not_an_answer(body):
    assert answer_of(body) is None


def test_no_word_means_yes_in_one_language_and_no_in_another():
    assert not (YES_WORDS & NO_WORDS)


def confirmed_family(school, twilio, language="en", **party):
    """A family that answered "going" on the site and got the confirmation by text."""
    family = make_family("Rina", school, phone=PHONE, language=language)
    event = make_event(school, capacity=10)
    services.rsvp(family=family, event=event, party=Party(True, **party))
    send_all("rsvp_going")
    assert Message.objects.get(kind="rsvp_going").status == "sent"
    twilio.received.clear()
    return family, event


def test_a_2_to_a_confirmation_says_not_going_and_a_1_going_again_each_confirmed_by_text(
    client, school_a, twilio, settings
):
    # The reply path, at any hour the suite runs: "not coming" is a family notice, which
    # waits out the quiet hours (RELIABILITY E7, tested on its own).
    settings.QUIET_HOURS = None
    family, event = confirmed_family(school_a, twilio, adults=2, children=1)
    reply(client, PHONE, "2")
    assert status_of(family, event) == "not_going"
    send_all()
    (text,) = texts_to_provider(twilio)
    assert 'will not come to "Family night"' in text and "Reply 1" in text
    twilio.received.clear()
    reply(client, PHONE, "1")
    row = Rsvp.objects.get(family=family, event=event)
    # The party of the earlier answer, not one adult.
    assert (row.status, row.adults, row.children) == ("going", 2, 1)
    send_all()
    (text,) = texts_to_provider(twilio)
    assert text.startswith('You are on the list for "Family night"')


def test_the_familys_language_words_answer_and_the_confirmation_is_in_its_language(
    client, school_a, twilio
):
    family, event = confirmed_family(school_a, twilio, language="es")
    reply(client, PHONE, "No")
    send_all()
    assert status_of(family, event) == "not_going"
    (text,) = texts_to_provider(twilio)
    assert "Family night" in text and "Reply" not in text  # Spanish, not English


def test_a_reply_delivered_twice_answers_once(client, school_a, twilio):
    family, event = confirmed_family(school_a, twilio)
    sid = "SM" + "7" * 32
    reply(client, PHONE, "2", sid=sid)
    reply(client, PHONE, "2", sid=sid)
    assert status_of(family, event) == "not_going"
    assert Message.objects.filter(kind="notice").count() == 1


def test_a_reply_answers_the_event_of_the_last_text_within_14_days(client, school_a, twilio):
    family = make_family("Rina", school_a, phone=PHONE)
    older, newer = make_event(school_a, title="Older"), make_event(school_a, title="Newer")
    texted_about(family, newer, when=timezone.now() - timedelta(days=2))
    texted_about(family, older, when=timezone.now() - timedelta(days=1))
    reply(client, PHONE, "1")
    assert status_of(family, older) == "going" and status_of(family, newer) is None


def test_no_answer_without_an_event_text_in_the_last_14_days(client, school_a, twilio):
    family = make_family("Rina", school_a, phone=PHONE)
    event = make_event(school_a)
    texted_about(family, event, when=timezone.now() - timedelta(days=15))
    reply(client, PHONE, "1")
    assert status_of(family, event) is None
    assert not Message.objects.filter(status="queued").exists()


def test_a_full_event_puts_a_reply_on_the_waiting_list(client, school_a, twilio):
    event = make_event(school_a, capacity=1)
    services.rsvp(family=make_family("Ana", school_a), event=event, party=Party(True))
    family = make_family("Rina", school_a, phone=PHONE)
    texted_about(family, event)
    reply(client, PHONE, "1")
    assert status_of(family, event) == "waitlisted"
    assert Message.objects.filter(kind="rsvp_waitlisted", recipient=f"family:{family.pk}").exists()


def test_a_reply_after_the_date_to_answer_is_refused_with_the_reason(client, school_a, twilio):
    family = make_family("Rina", school_a, phone=PHONE)
    event = make_event(school_a, rsvp_deadline=timezone.now() - timedelta(hours=1))
    texted_about(family, event)
    reply(client, PHONE, "1")
    assert status_of(family, event) is None
    send_all()
    (text,) = texts_to_provider(twilio)
    assert "The date to answer has passed" in text


def test_a_1_after_the_cancelled_text_does_not_answer_anything(client, school_a, twilio):
    family, event = confirmed_family(school_a, twilio)
    services.cancel_event(event)
    send_all("event_cancelled")
    twilio.received.clear()
    reply(client, PHONE, "1")
    send_all()
    assert status_of(family, event) == "going"  # as it was; nobody is seated at it
    (text,) = texts_to_provider(twilio)
    assert "cancelled" in text


@pytest.mark.parametrize(
    "body", ["", "x" * 10_240, "1\x002", "\x00", "👍🏽", "1 2", "12", "٣", "<Response>"]
)
def test_hostile_bodies_never_fail_and_never_answer(client, school_a, twilio, body):
    family, event = confirmed_family(school_a, twilio)
    reply(client, PHONE, body)
    assert status_of(family, event) == "going"
    assert not Message.objects.filter(status="queued").exclude(kind="reminder").exists()


def test_an_unknown_number_gets_one_reply_a_day_and_no_account(
    client, school_a, twilio, django_capture_on_commit_callbacks
):
    stranger = "+12125550199"
    families = Family.objects.count()
    # Sent once the webhook's transaction commits (here: when the test runs the callbacks).
    with django_capture_on_commit_callbacks(execute=True):
        reply(client, stranger, "1")
        reply(client, stranger, "hello?")
    (text,) = texts_to_provider(twilio)
    assert "We do not know your number" in text and "/en/" in text and "/es/" in text
    assert twilio.received[-1][1]["To"] == stranger
    with (
        time_machine.travel(timezone.now() + timedelta(days=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        reply(client, stranger, "1")
    assert len(texts_to_provider(twilio)) == 2
    assert Family.objects.count() == families
    # Only a keyed hash of the number is kept.
    assert stranger not in str(list(UnknownNumberReply.objects.values()))


def gather(client, phone, digits, call="CA" + "1" * 32):
    data = {"CallSid": call, "To": phone, "From": "+15550001111", "Digits": digits}
    url = "http://testserver/messaging/voice/gather"
    signature = RequestValidator("secret").compute_signature(url, data)
    return client.post("/messaging/voice/gather", data, HTTP_X_TWILIO_SIGNATURE=signature)


def test_pressing_2_then_1_at_the_end_of_a_call_answers_once_per_key(client, school_a, twilio):
    family = make_family("Rina", school_a, phone=PHONE)
    family.channel = "voice"
    family.save()
    event = make_event(school_a)
    texted_about(family, event, channel="voice")
    for _ in range(2):
        response = gather(client, PHONE, "2")
        assert response.status_code == 200 and b"<Hangup/>" in response.content
    assert status_of(family, event) == "not_going"
    assert Message.objects.filter(kind="notice").count() == 1
    gather(client, PHONE, "1")
    assert status_of(family, event) == "going"
    gather(client, PHONE, "9")
    assert status_of(family, event) == "going"


def test_the_gather_webhook_refuses_a_wrong_signature(client, school_a, twilio):
    family = make_family("Rina", school_a, phone=PHONE)
    event = make_event(school_a)
    texted_about(family, event, channel="voice")
    data = {"CallSid": "CA" + "2" * 32, "To": PHONE, "Digits": "1"}
    response = client.post("/messaging/voice/gather", data, HTTP_X_TWILIO_SIGNATURE="forged")
    assert response.status_code == 403 and status_of(family, event) is None


def test_a_stranger_gets_nothing_created_by_a_gather(client, twilio):
    assert gather(client, "+12125550199", "1", call="CA" + uuid.uuid4().hex).status_code == 200
    assert not Rsvp.objects.exists()


@pytest.mark.parametrize("earlier_texts", [1, 40])
def test_a_reply_costs_the_same_queries_however_many_texts_came_before(
    client, school_a, twilio, django_assert_max_num_queries, earlier_texts
):
    family = make_family("Rina", school_a, phone=PHONE)
    events = [make_event(school_a, title=f"E{i}") for i in range(earlier_texts)]
    for i, event in enumerate(events):
        texted_about(family, event, when=timezone.now() - timedelta(minutes=earlier_texts - i))
    with django_assert_max_num_queries(40):
        reply(client, PHONE, "1")
    assert status_of(family, events[-1]) == "going"
