"""End to end with a real Celery worker, Redis as the broker and a slow fake provider
(tests/translation_fakes.py): an answer and a long thread read in a new language are
translated by the task their request started on commit, never inside the request, and the
next load of the page shows the translations."""

import time

import pytest
from django.utils import translation

from conversations import services
from conversations.models import ThreadMessage
from tests.conversations.conftest import admin_thread, thread_page
from tests.messaging.conftest import start, stop, worker_env  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.pg, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def wait_for(check, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.3)
    return False


def test_the_worker_translates_what_the_pages_never_wait_for(
    client,
    parent,
    staff_a,
    libretranslate,
    settings,
    request,
):
    import redis

    redis.Redis.from_url(settings.REDIS_URL).flushdb()  # no task left by another test
    env, _ = request.getfixturevalue("worker_env")
    env = {
        **env,
        "TRANSLATION_BACKEND": "libretranslate",
        "LIBRETRANSLATE_URL": libretranslate.url,
        "LIBRETRANSLATE_API_KEY": "",
    }
    thread = services.thread_for(parent, parent.memberships.get().school)
    client.force_login(staff_a)
    for i in range(12):
        client.post(admin_thread(thread), {"answer": f"Answer {i}"})
    # Every request is over and the provider heard nothing: the tasks wait in Redis.
    assert not libretranslate.received
    assert ThreadMessage.objects.filter(translation_missing=["ht"]).count() == 12
    # A slow provider: each of its first answers waits a second.
    libretranslate.answers = [("hang", 1)] * 4
    worker = start(["worker", "-c", "1", "-P", "solo", "--loglevel", "WARNING"], env)
    try:
        assert wait_for(lambda: not ThreadMessage.objects.exclude(translation_missing=[]).exists())
        client.force_login(parent.user)
        page = client.get(thread_page(thread)).content.decode()
        assert all(f"[ht] Answer {i}" in page for i in range(12))
        # The family switches to French: the page shows the originals at once, each with
        # "Not translated yet", and starts the task; the next load has the translations.
        page = client.get(thread_page(thread, "fr")).content.decode()
        with translation.override("fr"):
            waiting = translation.gettext("Not translated yet.")
        assert all(f"Answer {i}" in page for i in range(12))
        assert page.count(waiting) + page.count("[fr] Answer") == 12
        assert wait_for(
            lambda: ThreadMessage.objects.filter(translations__has_key="fr").count() == 12
        )
        page = client.get(thread_page(thread, "fr")).content.decode()
        assert all(f"[fr] Answer {i}" in page for i in range(12)) and waiting not in page
    finally:
        stop(worker)
    assert sorted(libretranslate.texts()) == sorted([f"Answer {i}" for i in range(12)] * 2)
