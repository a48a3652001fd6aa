"""The Twilio backends against a local HTTP server that speaks Twilio's REST API (the
provider is replaced, our code is not)."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
import time_machine
from django.utils import timezone

from events import services
from events.services import Party
from messaging.models import Message
from messaging.tasks import send_message
from tests.events.conftest import make_event
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db
SID = "AC" + "0" * 32


class FakeTwilio(BaseHTTPRequestHandler):
    answers: list = []
    received: list = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        type(self).received.append((self.path, {k: v[0] for k, v in body.items()}))
        status, payload = type(self).answers.pop(0) if type(self).answers else (201, {"sid": "SM1"})
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def twilio(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTwilio)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeTwilio.answers, FakeTwilio.received = [], []
    settings.SMS_BACKEND = "messaging.twilio_backends.TwilioSmsBackend"
    settings.VOICE_BACKEND = "messaging.twilio_backends.TwilioVoiceBackend"
    settings.TWILIO_ACCOUNT_SID = SID
    settings.TWILIO_AUTH_TOKEN = "secret"
    settings.TWILIO_FROM_NUMBER = "+15550001111"
    settings.TWILIO_API_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    yield FakeTwilio
    server.shutdown()


def a_message(school, **family):
    person = make_family("Rina", school, phone="+12125550123", **family)
    event = make_event(school)
    services.rsvp(family=person, event=event, party=Party(True))
    return Message.objects.get(kind="rsvp_going"), person


def test_a_500_then_a_201_sends_once_after_a_retry(school_a, twilio):
    twilio.answers = [(500, {"code": 20500, "message": "Internal error"}), (201, {"sid": "SMabc"})]
    message, _ = a_message(school_a)
    send_message.run(message.pk)
    message.refresh_from_db()
    assert message.status == "queued" and message.attempts == 1
    Message.objects.filter(pk=message.pk).update(due_at=message.created_at)
    send_message.run(message.pk)
    message.refresh_from_db()
    assert (message.status, message.provider_id, message.attempts) == ("sent", "SMabc", 2)
    assert len(twilio.received) == 2
    path, form = twilio.received[-1]
    assert path == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert form["To"] == "+12125550123" and form["From"] == "+15550001111"
    assert "Family night" in form["Body"]


def test_a_number_the_provider_rejects_fails_with_the_reason_and_does_not_block_others(
    school_a, twilio
):
    twilio.answers = [
        (400, {"code": 21211, "message": "The 'To' number is not a valid phone number."})
    ]
    message, _ = a_message(school_a)
    other = make_family("Omar", school_a, phone="+12125550124")
    services.rsvp(family=other, event=message_event(message), party=Party(True))
    second = Message.objects.get(kind="rsvp_going", recipient=f"family:{other.pk}")
    send_message.run(message.pk)
    send_message.run(second.pk)
    message.refresh_from_db()
    second.refresh_from_db()
    assert message.status == "failed" and message.last_error.startswith("21211")
    assert second.status == "sent"


def message_event(message):
    from events.models import Event

    return Event.objects.get(pk=message.context["event"])


def test_calls_read_the_text_in_a_supported_language_and_fall_back_to_sms_otherwise(
    school_a, twilio
):
    message, family = a_message(school_a, language="es")
    family.channel = "voice"
    family.save()
    Message.objects.all().delete()
    services.rsvp(family=family, event=make_event(school_a, title="Noche"), party=Party(True))
    call = Message.objects.get(kind="rsvp_going")
    assert call.channel == "voice"
    send_message.run(call.pk)
    path, form = twilio.received[-1]
    assert path.endswith("/Calls.json") and 'language="es-US"' in form["Twiml"]
    # Uzbek has no voice: the call fails for good and a text message takes over.
    family.language = "uz"
    family.save()
    Message.objects.all().delete()
    services.rsvp(family=family, event=make_event(school_a, title="Majlis"), party=Party(True))
    call = Message.objects.get(kind="rsvp_going")
    send_message.run(call.pk)
    call.refresh_from_db()
    assert call.status == "failed" and "no text-to-speech voice" in call.last_error
    text = Message.objects.get(kind="rsvp_going", channel="sms")
    send_message.run(text.pk)
    assert twilio.received[-1][0].endswith("/Messages.json")


def signed_post(client, data, token="secret", url="http://testserver/messaging/sms/inbound"):
    from twilio.request_validator import RequestValidator

    signature = RequestValidator(token).compute_signature(url, data)
    return client.post("/messaging/sms/inbound", data, HTTP_X_TWILIO_SIGNATURE=signature)


@pytest.mark.parametrize("word", ["STOP", "arret", "Para", "СТОП", "停止"])
def test_a_stop_reply_turns_texts_off_for_that_number(client, school_a, twilio, word):
    message, family = a_message(school_a, email="rina@example.org")
    assert signed_post(client, {"From": "+12125550123", "Body": word}).status_code == 200
    send_message.run(message.pk)
    message.refresh_from_db()
    # Texts are off; a phone call is the next way the family accepts.
    assert message.status == "cancelled" and "sent by voice" in message.last_error
    assert Message.objects.filter(kind="rsvp_going", channel="voice").exists()
    assert not twilio.received  # nothing went to the provider as a text
    services.rsvp(family=family, event=make_event(school_a, title="Other"), party=Party(True))
    assert not Message.objects.filter(kind="rsvp_going", channel="sms", status="queued").exists()
    signed_post(client, {"From": "+12125550123", "Body": "START"})
    from messaging.optout import is_opted_out

    assert not is_opted_out("+12125550123")


def test_the_webhook_refuses_a_wrong_signature(client, twilio):
    response = signed_post(client, {"From": "+12125550123", "Body": "STOP"}, token="not-the-secret")
    assert response.status_code == 403
    from messaging.models import SmsOptOut

    assert not SmsOptOut.objects.exists()
    assert client.get("/messaging/sms/inbound").status_code == 405


def test_a_reply_the_provider_delivers_twice_is_acted_on_once(client, twilio):
    from messaging.optout import is_opted_out

    stop = {"MessageSid": "SM" + "1" * 32, "From": "+12125550123", "Body": "STOP"}
    start = {"MessageSid": "SM" + "2" * 32, "From": "+12125550123", "Body": "START"}
    # The family stops texts, then turns them back on; the provider then retries the STOP
    # (it did not see our first answer in time). The family must keep getting texts.
    for data in (stop, start, stop):
        response = signed_post(client, data)
        assert response.status_code == 200 and response.content == b"<Response/>"
    assert not is_opted_out("+12125550123")
    # And the other way round: a START delivered again after a new STOP does not undo it.
    again = {"MessageSid": "SM" + "3" * 32, "From": "+12125550123", "Body": "STOP"}
    for data in (again, start):
        signed_post(client, data)
    assert is_opted_out("+12125550123")


def test_seen_replies_are_forgotten_after_a_week(client, twilio):
    from messaging.models import InboundSms

    first = {"MessageSid": "SM" + "4" * 32, "From": "+12125550123", "Body": "Hello"}
    signed_post(client, first)
    assert list(InboundSms.objects.values_list("sid", flat=True)) == [first["MessageSid"]]
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        signed_post(client, {**first, "MessageSid": "SM" + "5" * 32})
    assert list(InboundSms.objects.values_list("sid", flat=True)) == ["SM" + "5" * 32]
