"""Retention of conversations (RELIABILITY F7) and the beat tasks that keep them."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from conversations import services, tasks
from conversations.models import CallbackRequest, Thread, ThreadMessage

pytestmark = pytest.mark.django_db


def test_the_upkeep_tasks_run_from_beat():
    tasks_run = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "conversations.tasks.retry_translations",
        "conversations.tasks.purge_old_messages",
    } <= tasks_run


def test_messages_and_calls_go_after_the_retention_period(parent, other_parent, staff_a):
    school = parent.memberships.get().school
    old = services.write_from_family(family=parent, school=school, text="old", language="ht")
    services.request_callback(family=parent, school=school, thread=old.thread)
    long_ago = timezone.now() - timedelta(days=settings.CONVERSATION_RETENTION_DAYS + 1)
    ThreadMessage.objects.filter(pk=old.pk).update(created_at=long_ago)
    Thread.objects.filter(pk=old.thread_id).update(last_message_at=long_ago)
    CallbackRequest.objects.update(created_at=long_ago)
    kept = services.write_from_family(
        family=other_parent,
        school=other_parent.memberships.get().school,
        text="recent",
        language="ar",
    )
    assert tasks.purge_old_messages() == {"messages": 1, "threads": 1, "calls": 1, "held": 0}
    assert list(ThreadMessage.objects.values_list("text", flat=True)) == ["recent"]
    assert list(Thread.objects.all()) == [kept.thread]
    assert tasks.purge_old_messages() == {"messages": 0, "threads": 0, "calls": 0, "held": 0}
