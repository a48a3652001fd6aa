"""Scheduled announcements go out when their time comes (beat, every minute). Running twice
at once, or again, sends nothing twice: services.send locks the announcement and marks it
sent in the transaction that queues its messages."""

from celery import shared_task

from conversations.announcements import services


@shared_task(ignore_result=True)
def send_due_announcements() -> int:
    return services.send_due()
