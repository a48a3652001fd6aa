"""Shared by the conversation tests: replies through the signed webhook; announcements with
their versions, and many families at once."""

import uuid

import pytest
from django.utils import timezone

from accounts.models import User
from conversations.announcements.models import Announcement, Version
from conversations.models import Thread
from families.models import Family, Membership
from messaging.models import Message
from tests.families.conftest import make_family
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


TEXTS = {
    "en": ("School closed today", "Snow: the school is closed today. Stay safe."),
    "es": ("Escuela cerrada hoy", "Nieve: la escuela está cerrada hoy. Cuídense."),
    "ar": ("المدرسة مغلقة اليوم", "ثلج: المدرسة مغلقة اليوم. ابقوا بأمان."),
}


def make_announcement(school=None, languages=("en", "es", "ar"), district=None, **extra):
    announcement = Announcement.objects.create(
        school=school, district=district or school.district, **extra
    )
    for code in languages:
        title, body = TEXTS[code]
        Version.objects.create(announcement=announcement, language=code, title=title, body=body)
    return announcement


def many_families(school, languages, start=0):
    """len(languages) families of the school, one per language given, each with its own
    phone, made in three statements."""
    users = User.objects.bulk_create(
        User(phone=f"+1212{6000000 + start + i:07d}", phone_verified=True)
        for i in range(len(languages))
    )
    families = Family.objects.bulk_create(
        Family(user=u, display_name=f"ZZQ Parent {start + i}", language=lang, channel="sms")
        for i, (u, lang) in enumerate(zip(users, languages, strict=True))
    )
    Membership.objects.bulk_create(
        Membership(family=f, school=school, status=Membership.Status.CONFIRMED) for f in families
    )
    return families


@pytest.fixture
def parent(school_a):
    """A Haitian Creole parent of school A, reached by text."""
    return make_family("ZZP Manise", school_a, phone="+12125550177", language="ht")


@pytest.fixture
def other_parent(school_b):
    return make_family("ZZO Omar", school_b, phone="+12125550178", language="ar")


def thread_page(thread, language="ht"):
    return f"/{language}/my/messages/{thread.pk}/"


def admin_thread(thread):
    return f"/admin/conversations/thread/{thread.pk}/change/"


__all__ = ["Thread", "admin_thread", "make_family", "thread_page"]
