"""Retention (RELIABILITY F7): EVENT_RETENTION_DAYS after an event, what families wrote for
it and the record of its messages go. The answers stay, without their free text: they are
the reports' counts (reports.RsvpCount follows them by trigger); the messages' outcomes are
kept as counts (MessageCount, which triggers keep equal to the messages): deleting a
message takes it off its count, so the purge adds it back in the same transaction."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import BigIntegerField, F
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone

from events.models import Event, MessageCount, Rsvp, WalkIn
from messaging.models import Message

BATCH = 1000


@shared_task(ignore_result=True)
def purge_past_events() -> dict:
    """Runs daily from beat; a run that finds nothing old enough changes nothing."""
    cutoff = timezone.now() - timedelta(days=settings.EVENT_RETENTION_DAYS)
    past = Event.objects.filter(ends_at__lt=cutoff).values("pk")
    with transaction.atomic():
        needs = Rsvp.objects.filter(event__in=past).exclude(other_needs="").update(other_needs="")
        walk_ins = WalkIn.objects.filter(event__in=past).exclude(name="").update(name="")
    messages = Message.objects.annotate(
        event_id=Cast(KeyTextTransform("event", "context"), BigIntegerField())
    ).filter(event_id__in=past)
    deleted = 0
    while True:
        with transaction.atomic():
            # Locked, so a "try again" from the admin cannot change a status between the
            # count and the delete.
            batch = list(
                messages.select_for_update()
                .order_by("pk")
                .values_list("pk", "event_id", "kind", "channel", "status")[:BATCH]
            )
            if not batch:
                break
            _count(batch)
            Message.objects.filter(pk__in=[row[0] for row in batch]).delete()
            deleted += len(batch)
    return {"needs": needs, "walk_ins": walk_ins, "messages": deleted}


def _count(batch) -> None:
    counts: dict[tuple, int] = {}
    for _pk, event_id, kind, channel, status in batch:
        key = (event_id, kind, channel, status)
        counts[key] = counts.get(key, 0) + 1
    for (event_id, kind, channel, status), n in sorted(counts.items()):
        row, created = MessageCount.objects.get_or_create(
            event_id=event_id, kind=kind, channel=channel, status=status, defaults={"count": n}
        )
        if not created:
            MessageCount.objects.filter(pk=row.pk).update(count=F("count") + n)
