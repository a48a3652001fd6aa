"""Junk in the provider's fields (issue 15, loose ends): a signed webhook can still carry a
NUL byte, other control characters or a huge value in a key press, a number, a text or an
id. PostgreSQL refuses NUL in text (the webhook answered 500 and the provider kept
retrying): each field is cleaned or refused before it reaches the database, and the
provider always gets valid TwiML."""

import uuid

import pytest
from twilio.request_validator import RequestValidator

from conversations.models import ThreadMessage
from events.models import Rsvp
from messaging.models import InboundSms, SmsOptOut
from tests.conversations.conftest import texted_about
from tests.events.conftest import make_event
from tests.families.conftest import make_family
from tests.messaging.test_twilio import signed_post

pytestmark = pytest.mark.django_db
PHONE = "+12125550123"
TWIML_HANGUP = b"<Response><Hangup/></Response>"


def gather(client, data):
    url = "http://testserver/messaging/voice/gather"
    signature = RequestValidator("secret").compute_signature(url, data)
    return client.post("/messaging/voice/gather", data, HTTP_X_TWILIO_SIGNATURE=signature)


@pytest.fixture
def called_family(school_a, twilio):
    family = make_family("Rina", school_a, phone=PHONE)
    family.channel = "voice"
    family.save()
    event = make_event(school_a)
    texted_about(family, event, channel="voice")
    return family, event


def press(**fields):
    return {"CallSid": "CA" + uuid.uuid4().hex, "To": PHONE, "Digits": "1", **fields}


@pytest.mark.parametrize(
    "junk",
    [
        {"Digits": "1\x00"},
        {"Digits": "\x001"},
        {"Digits": "1\x1b[2J"},
        {"Digits": "1" * 100_000},
        {"Digits": "12345678901"},
        {"CallSid": "CA\x00" + "1" * 30},
        {"CallSid": "CA" + "1" * 5000},
        {"To": PHONE + "\x00"},
        {"To": "+1212\x07" + "5550123"},
        {"From": "\x00\x00"},
    ],
    ids=[
        "digits-nul-after",
        "digits-nul-before",
        "digits-escape",
        "digits-huge",
        "digits-too-many",
        "callsid-nul",
        "callsid-huge",
        "to-nul",
        "to-bell",
        "from-nul",
    ],
)
def test_junk_in_a_key_press_is_answered_and_nothing_junk_is_recorded(client, called_family, junk):
    family, event = called_family
    response = gather(client, press(**junk))
    assert response.status_code == 200 and response.content == TWIML_HANGUP
    stored = list(InboundSms.objects.values_list("sid", flat=True))
    assert not any("\x00" in sid or "\x1b" in sid for sid in stored)
    if "From" in junk:
        # From is not read (our call went to the family's number, To): the key counts.
        assert Rsvp.objects.get(family=family, event=event).status == "going"
    else:
        assert not Rsvp.objects.exists() and not stored


def test_a_clean_key_press_still_answers(client, called_family):
    family, event = called_family
    assert gather(client, press(Digits="2")).content == TWIML_HANGUP
    assert Rsvp.objects.get(family=family, event=event).status == "not_going"


@pytest.fixture
def signed(settings, twilio):
    settings.TWILIO_AUTH_TOKEN = "secret"


def text(client, **fields):
    data = {"MessageSid": "SM" + uuid.uuid4().hex, "From": "+12125550177", "Body": "Hi", **fields}
    response = signed_post(client, data)
    assert response.status_code == 200 and response.content == b"<Response/>"
    return response


def test_control_characters_leave_a_text_and_the_rest_reaches_the_school(client, parent, signed):
    text(client, Body="Bonjou\x00\x07 mwen\x1b la\nmèsi")
    assert ThreadMessage.objects.get().text == "Bonjou mwen la\nmèsi"


def test_a_huge_text_is_cut_to_what_a_text_can_be(client, parent, signed):
    text(client, Body="a" * 200_000)
    assert len(ThreadMessage.objects.get().text) == 1600


@pytest.mark.parametrize(
    "junk",
    [
        {"From": "+1212555\x000177"},
        {"From": "+12125550177\x00"},
        {"From": "+" + "1" * 5000},
        {"From": "STOP"},
    ],
    ids=["from-nul-inside", "from-nul-after", "from-huge", "from-a-word"],
)
def test_a_number_with_junk_is_not_a_number_and_nothing_is_recorded(client, parent, signed, junk):
    text(client, Body="STOP", **junk)
    assert not SmsOptOut.objects.exists()
    assert not ThreadMessage.objects.exists()
    assert not InboundSms.objects.exists()


@pytest.mark.parametrize(
    "sid", ["SM\x00" + "1" * 32, "SM" + "1" * 5000, "SM 1\x07"], ids=["nul", "huge", "bell"]
)
def test_a_message_id_with_junk_still_delivers_the_text_once_stored(client, parent, signed, sid):
    text(client, MessageSid=sid, Body="Pitit mwen malad")
    assert ThreadMessage.objects.get().text == "Pitit mwen malad"
    assert not InboundSms.objects.exists()  # no junk id kept
