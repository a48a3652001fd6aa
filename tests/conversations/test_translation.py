"""Machine translation in conversations (issue 15 part 2), against local fake providers
(tests/translation_fakes.py): each text is translated once per language and kept, only the
text leaves the portal, a provider's error never holds a message back and is retried, and
with TRANSLATION_BACKEND=none readers get the original and the interpreter button."""

import pytest
from django.utils import translation

from conversations import services
from conversations.models import Thread, ThreadMessage
from messaging import registry
from messaging.models import Message
from messaging.outbox import resolve
from tests.conversations.conftest import admin_thread, thread_page

pytestmark = pytest.mark.django_db


def rendered_text(notice):
    recipient = resolve(notice.recipient)
    with translation.override(recipient.language):
        return registry.renderers[notice.kind](notice, recipient)


def test_a_familys_message_is_translated_once_for_the_staff(
    client, parent, staff_a, libretranslate
):
    client.force_login(parent.user)
    client.post("/ht/my/messages/", {"text": "Bonjou, ki lè otobis la pase?"})
    message = ThreadMessage.objects.get()
    assert message.translations == {"en": "[en] Bonjou, ki lè otobis la pase?"}
    client.force_login(staff_a)
    for _ in range(2):
        page = client.get(admin_thread(message.thread)).content.decode()
        assert "[en] Bonjou, ki lè otobis la pase?" in page  # the translation
        assert "Bonjou, ki lè otobis la pase?</p>" in page  # and the original
        assert "Translated by machine." in page
    assert libretranslate.texts() == ["Bonjou, ki lè otobis la pase?"]  # once


def test_only_the_text_reaches_the_provider(client, parent, staff_a, deepl_api):
    thread = services.thread_for(parent, parent.memberships.get().school)
    services.write_from_family(
        family=parent, school=thread.school, text="Mwen gen yon kesyon", language="ht"
    )
    services.answer(thread, text="Of course, ask us.", by=staff_a, language="en")
    sent = deepl_api.sent()
    for private in (parent.display_name, parent.phone, parent.email, staff_a.email, "School A"):
        assert not private or private not in sent
    assert sorted(deepl_api.texts()) == ["Mwen gen yon kesyon", "Of course, ask us."]


def test_the_answer_reaches_the_family_translated_and_says_so(
    client, parent, staff_a, libretranslate
):
    thread = services.thread_for(parent, parent.memberships.get().school)
    client.force_login(staff_a)
    client.post(admin_thread(thread), {"answer": "The bus leaves at 7:40."})
    answer = ThreadMessage.objects.get(from_family=False)
    assert answer.translations == {"ht": "[ht] The bus leaves at 7:40."}
    sms = rendered_text(Message.objects.get(kind="conversation_answer")).sms
    assert "[ht] The bus leaves at 7:40." in sms
    assert "Se yon machin ki tradui l." in sms  # "Translated by machine", in Creole
    client.force_login(parent.user)
    page = client.get(thread_page(thread)).content.decode()
    assert "[ht] The bus leaves at 7:40." in page
    assert "Se yon machin ki tradui l." in page
    assert "Mwen pa konprann — rele m ak yon entèprèt" in page  # the interpreter button
    assert len(libretranslate.texts()) == 1  # the page used the kept translation


def test_a_provider_error_never_holds_the_answer_back_and_is_retried(
    client, parent, staff_a, libretranslate
):
    libretranslate.fail(503)
    thread = services.thread_for(parent, parent.memberships.get().school)
    client.force_login(staff_a)
    response = client.post(admin_thread(thread), {"answer": "School is closed on Monday."})
    assert response.status_code == 302
    answer = ThreadMessage.objects.get(from_family=False)
    assert (answer.translations, answer.translation_missing) == ({}, ["ht"])
    # The notice goes anyway: the original, with "Not translated yet" in Creole.
    sms = rendered_text(Message.objects.get(kind="conversation_answer")).sms
    assert "School is closed on Monday." in sms and "Poko tradui." in sms
    client.force_login(parent.user)
    page = client.get(thread_page(thread)).content.decode()
    assert "School is closed on Monday." in page
    assert "Poko tradui." in page
    tries = len(libretranslate.received)
    client.get(thread_page(thread))
    assert len(libretranslate.received) == tries  # a page does not wait on a failing provider
    # The provider is back: the beat task fills the translation in, once.
    libretranslate.fail(None)
    assert services.retry_translations() == 1
    answer.refresh_from_db()
    assert (answer.translations, answer.translation_missing) == (
        {"ht": "[ht] School is closed on Monday."},
        [],
    )
    assert services.retry_translations() == 0
    page = client.get(thread_page(thread)).content.decode()
    assert "[ht] School is closed on Monday." in page


def test_a_familys_message_is_kept_and_counted_when_the_provider_fails(
    client, parent, google_translate
):
    google_translate.fail(500)
    client.force_login(parent.user)
    response = client.post("/ht/my/messages/", {"text": "Pitit mwen malad"})
    assert response.status_code == 302
    thread = Thread.objects.get(family=parent)
    assert thread.unread_by_staff == 1
    assert thread.messages.get().translation_missing == ["en"]


def test_without_machine_translation_readers_get_the_original_and_the_interpreter_button(
    client, parent, staff_a, no_translation
):
    thread = services.thread_for(parent, parent.memberships.get().school)
    services.write_from_family(family=parent, school=thread.school, text="Bonjou", language="ht")
    services.answer(thread, text="Hello, how can we help?", by=staff_a, language="en")
    assert not ThreadMessage.objects.exclude(translations={}).exists()
    assert not ThreadMessage.objects.exclude(translation_missing=[]).exists()
    client.force_login(staff_a)
    page = client.get(admin_thread(thread)).content.decode()
    assert "Bonjou" in page and "Machine translation is off." in page
    client.force_login(parent.user)
    page = client.get(thread_page(thread)).content.decode()
    assert "Hello, how can we help?" in page
    assert "Se yon machin ki tradui l." not in page
    assert "Mwen pa konprann — rele m ak yon entèprèt" in page
    sms = rendered_text(Message.objects.get(kind="conversation_answer")).sms
    assert "Hello, how can we help?" in sms
    for fake in no_translation:
        assert not fake.received


def test_a_failing_provider_is_asked_once_per_page_not_once_per_message(
    client, parent, staff_a, libretranslate
):
    # Read in another language than the answers were translated into (the family's page in
    # French): each untranslated message asked the provider, each waiting its timeout.
    thread = services.thread_for(parent, parent.memberships.get().school)
    for i in range(5):
        services.answer(thread, text=f"Answer {i}", by=staff_a, language="en")
    libretranslate.fail(503)
    tries = len(libretranslate.received)
    client.force_login(parent.user)
    response = client.get(thread_page(thread, "fr"))
    assert response.status_code == 200
    page = response.content.decode()
    assert all(f"Answer {i}" in page for i in range(5))  # the originals, all shown
    assert len(libretranslate.received) == tries + 1
    assert page.count("Pas encore traduit.") == 5  # "Not translated yet", each
    # The next look asks nothing; the retry task owes all five.
    client.get(thread_page(thread, "fr"))
    assert len(libretranslate.received) == tries + 1
    libretranslate.fail(None)
    assert services.retry_translations() == 5
