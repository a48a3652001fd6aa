import uuid

import pytest
from django.utils import timezone

from messaging.models import Message
from tests.messaging.test_twilio import FakeTwilio, signed_post  # noqa: F401 (shared)
from tests.messaging.test_twilio import twilio as twilio  # noqa: F401 (the fixture)


def texted_about(family, event, kind="reminder", channel="sms", when=None):
    """What the outbox leaves once an event's text reached the family: a sent row."""
    return Message.objects.create(
        recipient=f"family:{family.pk}",
        channel=channel,
        language=family.language,
        kind=kind,
        context={"event": event.pk},
        status=Message.Status.SENT,
        sent_at=when or timezone.now(),
        idempotency_key=f"test:{uuid.uuid4().hex}",
    )


def reply(client, phone, body, sid=None):
    data = {"MessageSid": sid or "SM" + uuid.uuid4().hex, "From": phone, "Body": body}
    response = signed_post(client, data)
    assert response.status_code == 200, response.content[:500]
    return response


@pytest.fixture
def signed(settings):
    settings.TWILIO_AUTH_TOKEN = "secret"
