"""Translating one message twice at the same moment, on PostgreSQL with real threads and
connections: the staff's answer starts its translation task and its notice on commit, and
with more than one worker process both reach the provider while it is slow. The provider
is asked once; the notice still carries the translation."""

import pytest

from conversations import services
from conversations.tasks import translate_messages
from messaging.models import Message
from tests.conversations.test_translation import rendered_text
from tests.events.test_concurrency import run_together

pytestmark = [pytest.mark.pg, pytest.mark.django_db(transaction=True)]


def test_the_task_and_the_notice_at_once_ask_the_provider_once(parent, staff_a, libretranslate):
    thread = services.thread_for(parent, parent.memberships.get().school)
    answer = services.answer(thread, text="Bring a coat tomorrow.", by=staff_a, language="en")
    notice = Message.objects.get(kind="conversation_answer")
    libretranslate.answers = [("hang", 1), ("hang", 1)]  # a slow provider
    rendered = []
    errors = run_together(
        [
            lambda: translate_messages.run([answer.pk]),
            lambda: rendered.append(rendered_text(notice)),
            lambda: translate_messages.run([answer.pk]),  # the task delivered twice
        ],
        workers=3,
    )
    assert errors == []
    assert libretranslate.texts() == ["Bring a coat tomorrow."]
    assert "[ht] Bring a coat tomorrow." in rendered[0].sms
    answer.refresh_from_db()
    assert (answer.translations, answer.translation_missing) == (
        {"ht": "[ht] Bring a coat tomorrow."},
        [],
    )
