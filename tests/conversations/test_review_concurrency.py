"""Double taps on PostgreSQL, with real threads and connections: the same request sent
several times at once acts once."""

from datetime import timedelta

import pytest
from django.db.models import F

from conversations import services
from conversations.models import CallbackRequest, Thread, ThreadMessage
from tests.events.test_concurrency import run_together

pytestmark = [pytest.mark.pg, pytest.mark.django_db(transaction=True)]


def test_an_interpreter_call_asked_four_times_at_once_is_one_call(parent, school_a):
    # "One open request per school": the check found no row to lock, so each tap made one.
    calls = [
        lambda i=i: services.request_callback(family=parent, school=school_a, note=f"n{i}")
        for i in range(4)
    ]
    assert run_together(calls, workers=4) == []
    (row,) = CallbackRequest.objects.filter(family=parent, status="open")
    assert sorted(row.note.split("\n")) == ["n0", "n1", "n2", "n3"]


def test_a_message_sent_four_times_at_once_is_one_message(parent, school_a):
    # A double tap on "Send" (no JavaScript to grey the button out) wrote it twice.
    calls = [
        lambda: services.write_from_family(
            family=parent, school=school_a, text="Pitit mwen malad", language="ht"
        )
    ] * 4
    assert run_together(calls, workers=4) == []
    (thread,) = Thread.objects.filter(family=parent)
    assert list(thread.messages.values_list("text", flat=True)) == ["Pitit mwen malad"]
    assert thread.unread_by_staff == 1
    # The same words again later are a new message.
    ThreadMessage.objects.update(created_at=F("created_at") - timedelta(minutes=5))
    services.write_from_family(
        family=parent, school=school_a, text="Pitit mwen malad", language="ht"
    )
    assert thread.messages.count() == 2


def test_an_answer_saved_twice_at_once_is_one_answer_and_one_text(parent, school_a, staff_a):
    from messaging.models import Message

    thread = services.thread_for(parent, school_a)
    calls = [
        lambda: services.answer(thread, text="The bus comes at 7:40.", by=staff_a, language="en")
    ] * 4
    assert run_together(calls, workers=4) == []
    assert thread.messages.count() == 1
    assert Message.objects.filter(kind="conversation_answer").count() == 1
