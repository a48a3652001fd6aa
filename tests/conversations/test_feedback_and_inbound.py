"""The family's earlier messages to schools become conversations (issue 15 part 4), new ones
from the school's "Write to the school" page join the conversation, and a family's free text
by SMS joins it too (part 5)."""

import importlib

import pytest
from django.apps import apps

from conversations.inbound import handle
from conversations.models import Thread, ThreadMessage
from families.models import Feedback
from messaging.registry import InboundText, inbound
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db


def test_the_migration_moves_named_messages_and_answers_into_conversations(
    school_a, staff_a, parent
):
    from django.utils import timezone

    asked = Feedback.objects.create(
        school=school_a, family=parent, kind="question", text="Ki lè?", language="ht"
    )
    Feedback.objects.filter(pk=asked.pk).update(
        answer="At 7:40.", answered_at=timezone.now(), answered_by=staff_a
    )
    Feedback.objects.create(
        school=school_a, family=parent, kind="story", text="Istwa mwen", language="ht"
    )
    anonymous = Feedback.objects.create(
        school=school_a, family=None, kind="feedback", text="No name", language="es"
    )
    migration = importlib.import_module("conversations.migrations.0003_feedback_into_threads")
    migration.forward(apps, None)
    thread = Thread.objects.get(family=parent, school=school_a)
    rows = list(thread.messages.values_list("from_family", "text", "kind", "author"))
    assert rows == [
        (True, "Ki lè?", "question", None),
        (False, "At 7:40.", "", staff_a.pk),
        (True, "Istwa mwen", "story", None),
    ]
    assert thread.unread_by_staff == 1  # the story was never answered
    assert list(Feedback.objects.all()) == [anonymous]  # no one can answer it


def test_a_named_message_from_the_school_page_joins_the_conversation(client, parent, school_a):
    client.force_login(parent.user)
    response = client.post(
        f"/ht/schools/{school_a.slug}/write/", {"kind": "question", "text": "Bonjou"}
    )
    assert response.status_code == 302
    message = ThreadMessage.objects.get()
    assert (message.thread.family, message.kind, message.language) == (parent, "question", "ht")
    assert not Feedback.objects.exists()
    # Sent without the name: a Feedback row, no conversation.
    client.post(
        f"/ht/schools/{school_a.slug}/write/",
        {"kind": "story", "text": "San non", "anonymous": "on"},
    )
    assert Feedback.objects.get().family is None
    assert ThreadMessage.objects.count() == 1


def test_a_free_text_from_one_familys_number_joins_its_conversation(parent, school_a):
    assert inbound[-1] is handle  # registered last: "reply 1/2" handlers come first
    assert handle(InboundText(phone="+12125550177", body="Mwen p ap ka vini", sid="SM1"))
    message = ThreadMessage.objects.get()
    assert (message.thread.school, message.text, message.language) == (
        school_a,
        "Mwen p ap ka vini",
        "ht",
    )
    assert message.thread.unread_by_staff == 1


def test_a_number_of_no_family_or_an_empty_text_is_left_to_the_next_handler(parent):
    assert not handle(InboundText(phone="+12125550999", body="Hello", sid="SM2"))
    assert not handle(InboundText(phone="+12125550177", body="   ", sid="SM3"))
    assert not ThreadMessage.objects.exists()


def test_a_family_with_no_school_is_left_to_the_next_handler(db):
    make_family("ZZ Alone", None, phone="+12125550188", language="es")
    assert not handle(InboundText(phone="+12125550188", body="Hola", sid="SM4"))


def test_a_text_with_a_nul_byte_joins_the_conversation_without_it(client, signed, parent):
    # PostgreSQL refuses NUL in text: the webhook answered 500 and the provider retried.
    from tests.conversations.conftest import reply

    reply(client, "+12125550177", "Bonjou\x00 mwen la")
    assert ThreadMessage.objects.get().text == "Bonjou mwen la"


def test_a_free_text_after_the_family_moved_schools_reaches_its_new_school(
    parent, school_a, school_b
):
    """The conversation it last wrote in is school A's; the family has since left A for B:
    the text goes to B, never to A's staff, who no longer see the family."""
    from families.models import Membership

    assert handle(InboundText(phone="+12125550177", body="Mèsi pou tout", sid="SM5"))
    Membership.objects.filter(family=parent, school=school_a).delete()
    Membership.objects.create(family=parent, school=school_b, status="confirmed")
    assert handle(InboundText(phone="+12125550177", body="Nou nan nouvo lekòl la", sid="SM6"))
    assert ThreadMessage.objects.get(text="Nou nan nouvo lekòl la").thread.school == school_b
    Membership.objects.filter(family=parent).delete()
    assert not handle(InboundText(phone="+12125550177", body="Alo?", sid="SM7"))
