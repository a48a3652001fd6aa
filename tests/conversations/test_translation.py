"""Machine translation in conversations (issue 15), against local fake providers
(tests/translation_fakes.py): no request waits on the provider (a task started on commit
translates, the page shows the original with "Not translated yet" meanwhile), each text is
translated once per language and kept, only the text leaves the portal, a provider's error
never holds a message back and is retried, and with TRANSLATION_BACKEND=none readers get
the original and the interpreter button."""

import pytest
from django.utils import translation

from conversations import services
from conversations.models import Thread, ThreadMessage
from conversations.tasks import translate_messages
from messaging import registry, sms
from messaging.models import Message
from messaging.outbox import resolve
from tests.conftest import deliver_now
from tests.conversations.conftest import admin_thread, thread_page

pytestmark = pytest.mark.django_db


def rendered_text(notice):
    recipient = resolve(notice.recipient)
    with translation.override(recipient.language):
        return registry.renderers[notice.kind](notice, recipient)


def run_started_tasks(callbacks):
    """What the worker does with the tasks the request started on commit: the callbacks
    publish translate_messages with message ids; here the task's own code runs on the ids
    the request owed (its argument), without a broker. The end to end with a real worker is
    tests/conversations/test_translation_worker.py."""
    assert callbacks, "the request started no translation task"
    owed = ThreadMessage.objects.exclude(translation_missing=[]).values_list("pk", flat=True)
    return translate_messages.run(list(owed))


def test_a_familys_message_is_translated_once_for_the_staff_after_the_post(
    client, parent, staff_a, libretranslate, django_capture_on_commit_callbacks
):
    client.force_login(parent.user)
    with django_capture_on_commit_callbacks() as started:
        response = client.post("/ht/my/messages/", {"text": "Bonjou, ki lè otobis la pase?"})
    assert response.status_code == 302
    assert not libretranslate.received  # the family's POST did not wait on the provider
    message = ThreadMessage.objects.get()
    assert (message.translations, message.translation_missing) == ({}, ["en"])
    # Staff opening it before the task ran: the original, "Not translated yet", no call.
    client.force_login(staff_a)
    page = client.get(admin_thread(message.thread)).content.decode()
    assert "Bonjou, ki lè otobis la pase?" in page and "Not translated yet." in page
    assert not libretranslate.received
    assert run_started_tasks(started) == 1
    message.refresh_from_db()
    assert message.translations == {"en": "[en] Bonjou, ki lè otobis la pase?"}
    for _ in range(2):
        page = client.get(admin_thread(message.thread)).content.decode()
        assert "[en] Bonjou, ki lè otobis la pase?" in page  # the translation
        assert "Bonjou, ki lè otobis la pase?</p>" in page  # and the original
        assert "Translated by machine." in page and "Not translated yet." not in page
    assert libretranslate.texts() == ["Bonjou, ki lè otobis la pase?"]  # once


def test_only_the_text_reaches_the_provider(client, parent, staff_a, deepl_api):
    thread = services.thread_for(parent, parent.memberships.get().school)
    services.write_from_family(
        family=parent, school=thread.school, text="Mwen gen yon kesyon", language="ht"
    )
    services.answer(thread, text="Of course, ask us.", by=staff_a, language="en")
    assert not deepl_api.received
    assert services.retry_translations() == 2
    sent = deepl_api.sent()
    for private in (parent.display_name, parent.phone, parent.email, staff_a.email, "School A"):
        assert not private or private not in sent
    assert sorted(deepl_api.texts()) == ["Mwen gen yon kesyon", "Of course, ask us."]


def test_the_answer_reaches_the_family_translated_and_says_so(
    client, parent, staff_a, libretranslate, django_capture_on_commit_callbacks
):
    thread = services.thread_for(parent, parent.memberships.get().school)
    client.force_login(staff_a)
    with django_capture_on_commit_callbacks() as started:
        response = client.post(admin_thread(thread), {"answer": "The bus leaves at 7:40."})
    assert response.status_code == 302
    assert not libretranslate.received  # the staff member's POST did not wait on it
    run_started_tasks(started)
    answer = ThreadMessage.objects.get(from_family=False)
    assert answer.translations == {"ht": "[ht] The bus leaves at 7:40."}
    deliver_now()
    (sms_sent,) = sms.outbox
    assert "[ht] The bus leaves at 7:40." in sms_sent["text"]
    assert "Se yon machin ki tradui l." in sms_sent["text"]  # "Translated by machine"
    client.force_login(parent.user)
    page = client.get(thread_page(thread)).content.decode()
    assert "[ht] The bus leaves at 7:40." in page
    assert "Se yon machin ki tradui l." in page
    assert "Mwen pa konprann — rele m ak yon entèprèt" in page  # the interpreter button
    assert len(libretranslate.texts()) == 1  # the notice and the page used the kept one


def test_a_notice_sent_before_the_task_ran_is_translated_by_the_worker(
    client, parent, staff_a, libretranslate
):
    thread = services.thread_for(parent, parent.memberships.get().school)
    services.answer(thread, text="Bring a coat tomorrow.", by=staff_a, language="en")
    assert not libretranslate.received
    deliver_now()  # the send task, in the worker: it may wait on the provider
    (sms_sent,) = sms.outbox
    assert "[ht] Bring a coat tomorrow." in sms_sent["text"]
    answer = ThreadMessage.objects.get(from_family=False)
    assert (answer.translations, answer.translation_missing) == (
        {"ht": "[ht] Bring a coat tomorrow."},
        [],
    )
    # The task, running late, finds nothing owed: no second call.
    assert translate_messages.run([answer.pk]) == 0
    assert len(libretranslate.texts()) == 1


def test_a_provider_error_never_holds_the_answer_back_and_is_retried(
    client, parent, staff_a, libretranslate, django_capture_on_commit_callbacks
):
    libretranslate.fail(503)
    thread = services.thread_for(parent, parent.memberships.get().school)
    client.force_login(staff_a)
    with django_capture_on_commit_callbacks() as started:
        response = client.post(admin_thread(thread), {"answer": "School is closed on Monday."})
    assert response.status_code == 302
    assert run_started_tasks(started) == 0  # the provider failed
    answer = ThreadMessage.objects.get(from_family=False)
    assert (answer.translations, answer.translation_missing) == ({}, ["ht"])
    # The notice goes anyway: the original, with "Not translated yet" in Creole.
    deliver_now()
    (sms_sent,) = sms.outbox
    assert "School is closed on Monday." in sms_sent["text"] and "Poko tradui." in sms_sent["text"]
    assert Message.objects.get(kind="conversation_answer").status == "sent"
    client.force_login(parent.user)
    tries = len(libretranslate.received)
    page = client.get(thread_page(thread)).content.decode()
    assert "School is closed on Monday." in page
    assert "Poko tradui." in page
    assert len(libretranslate.received) == tries  # a page never asks the provider
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
    client, parent, google_translate, django_capture_on_commit_callbacks
):
    google_translate.fail(500)
    client.force_login(parent.user)
    with django_capture_on_commit_callbacks() as started:
        response = client.post("/ht/my/messages/", {"text": "Pitit mwen malad"})
    assert response.status_code == 302
    run_started_tasks(started)
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
    sms_text = rendered_text(Message.objects.get(kind="conversation_answer")).sms
    assert "Hello, how can we help?" in sms_text
    for fake in no_translation:
        assert not fake.received


@pytest.mark.parametrize("size", [3, 40])
def test_a_long_thread_read_in_a_new_language_waits_on_no_provider(
    client,
    parent,
    staff_a,
    libretranslate,
    size,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    # The family reads its page in French; the answers were translated into its Creole only.
    # Before: each message never read in French was translated during the GET, one
    # provider timeout each on a slow provider.
    thread = services.thread_for(parent, parent.memberships.get().school)
    for i in range(size):
        services.answer(thread, text=f"Answer {i}", by=staff_a, language="en")
    services.retry_translations()
    libretranslate.answers = [("hang", 3)] * size  # a slow provider from now on
    tries = len(libretranslate.received)
    client.force_login(parent.user)
    with django_capture_on_commit_callbacks() as started, django_assert_max_num_queries(13):
        response = client.get(thread_page(thread, "fr"))
    assert response.status_code == 200
    assert len(libretranslate.received) == tries  # no provider call during the GET
    page = response.content.decode()
    assert all(f"Answer {i}" in page for i in range(size))  # the originals, all shown
    assert page.count("Pas encore traduit.") == size  # "Not translated yet", each
    libretranslate.answers = []  # the task's provider answers at once (the test's time)
    assert run_started_tasks(started) == size
    page = client.get(thread_page(thread, "fr")).content.decode()
    assert all(f"[fr] Answer {i}" in page for i in range(size))
    assert "Pas encore traduit." not in page
    assert len(libretranslate.received) == tries + size  # once each, the page asked nothing


def test_a_staff_member_reading_in_spanish_gets_the_translation_without_the_get_asking(
    client, parent, staff_a, libretranslate, django_capture_on_commit_callbacks
):
    school = parent.memberships.get().school
    services.write_from_family(family=parent, school=school, text="Bonjou", language="ht")
    services.retry_translations()  # into English, the staff's default
    client.force_login(staff_a)
    client.cookies["django_language"] = "es"
    tries = len(libretranslate.received)
    thread = Thread.objects.get()
    with django_capture_on_commit_callbacks() as started:
        page = client.get(admin_thread(thread)).content.decode()
    assert len(libretranslate.received) == tries
    with translation.override("es"):
        waiting = translation.gettext("Not translated yet. It is shown as it was written.")
    assert waiting in page and "Bonjou" in page
    assert ThreadMessage.objects.get().translation_missing == ["es"]
    assert run_started_tasks(started) == 1
    page = client.get(admin_thread(thread)).content.decode()
    assert "[es] Bonjou" in page and waiting not in page


def test_a_failing_provider_is_asked_once_per_task_not_once_per_message(
    client, parent, staff_a, libretranslate, django_capture_on_commit_callbacks
):
    thread = services.thread_for(parent, parent.memberships.get().school)
    for i in range(5):
        services.answer(thread, text=f"Answer {i}", by=staff_a, language="en")
    services.retry_translations()
    libretranslate.fail(503)
    tries = len(libretranslate.received)
    client.force_login(parent.user)
    with django_capture_on_commit_callbacks() as started:
        client.get(thread_page(thread, "fr"))
    assert run_started_tasks(started) == 0
    assert len(libretranslate.received) == tries + 1  # then it left the rest owed
    page = client.get(thread_page(thread, "fr")).content.decode()
    assert page.count("Pas encore traduit.") == 5
    assert len(libretranslate.received) == tries + 1
    libretranslate.fail(None)
    assert services.retry_translations() == 5


def test_with_the_broker_down_the_message_is_kept_and_the_retry_translates_it(
    client, parent, libretranslate, django_capture_on_commit_callbacks, caplog
):
    # RELIABILITY E2: the task cannot be started; the family's POST still succeeds and the
    # language stays owed for the beat task (which runs once Redis is back).
    app = translate_messages.app
    broker = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    try:
        client.force_login(parent.user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/ht/my/messages/", {"text": "Pitit mwen malad"})
    finally:
        app.conf.broker_url = broker
    assert response.status_code == 302
    assert "translation task not started" in caplog.text
    message = ThreadMessage.objects.get()
    assert (message.text, message.translation_missing) == ("Pitit mwen malad", ["en"])
    assert not libretranslate.received
    assert services.retry_translations() == 1
