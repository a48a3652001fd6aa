"""Translating conversations' messages, never in a request: translate_messages is started
when a message is written (or a page is read in a language it was never read in), with the
messages' ids only. Upkeep, from beat: translations still owed (the provider failed, or the
task was never started) are tried again; messages older than CONVERSATION_RETENTION_DAYS
go (RELIABILITY F7), with the conversations left empty and the interpreter calls made that
long ago; texts held from a shared phone go after HeldReply.KEEP_DAYS, whether or not
the phone chose (RELIABILITY E14)."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from conversations import services
from conversations.models import CallbackRequest, HeldReply, Thread, ThreadMessage


@shared_task(ignore_result=True)
def translate_messages(message_ids: list[int]) -> int:
    """Translate these messages into the languages they are owed; a message read or
    translated meanwhile is owed nothing more and costs no call."""
    rows = ThreadMessage.objects.filter(pk__in=message_ids).exclude(translation_missing=[])
    return services.translate_owed(rows.order_by("created_at", "pk"))


@shared_task(ignore_result=True)
def retry_translations() -> int:
    return services.retry_translations()


@shared_task(ignore_result=True)
def purge_old_messages() -> dict:
    """Runs daily; a run that finds nothing old enough changes nothing."""
    cutoff = timezone.now() - timedelta(days=settings.CONVERSATION_RETENTION_DAYS)
    messages, _ = ThreadMessage.objects.filter(created_at__lt=cutoff).delete()
    empty, _ = (
        Thread.objects.filter(last_message_at__lt=cutoff)
        .exclude(Exists(ThreadMessage.objects.filter(thread=OuterRef("pk"))))
        .delete()
    )
    calls, _ = CallbackRequest.objects.filter(created_at__lt=cutoff).delete()
    held_cutoff = timezone.now() - timedelta(days=HeldReply.KEEP_DAYS)
    held = (
        HeldReply.objects.filter(held_at__lt=held_cutoff).delete()[1].get(HeldReply._meta.label, 0)
    )
    return {"messages": messages, "threads": empty, "calls": calls, "held": held}
