"""What staff do with an announcement: send it (now or at a time), fill the missing
languages by machine translation, approve a machine translation, see its delivery.

Sending is idempotent twice over: the announcement's row is locked and marked sent in the
transaction that queues its messages (a second press, or the scheduled task running twice,
finds it sent and queues nothing), and each family's message has a key of its own
("announcement:<pk>:family:<pk>"), which the outbox never queues twice.
"""

import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from conversations.announcements.models import BODY_MAX, Announcement, Version
from messaging import outbox, translation
from messaging.models import Message
from portal.languages import LANGUAGE_CODES

log = logging.getLogger("portal.conversations")


class NotAllowed(Exception):
    """The person may not do this (an urgent announcement by plain staff)."""


class NotReady(Exception):
    """The announcement cannot go yet; the message says why, in the staff's language."""


def may_mark_urgent(user) -> bool:
    """School and district admins: superusers, and staff given the "mark urgent"
    permission (directly or through a group) in the admin."""
    return bool(
        user
        and user.is_active
        and user.is_staff
        and (user.is_superuser or user.has_perm("conversations.mark_urgent"))
    )


def family_ids(announcement: Announcement) -> list[int]:
    """The families the announcement goes to, as the audience is at the time it is sent."""
    from committees.models import Seat
    from events.models import Rsvp
    from families.models import Family, Membership

    audience = Announcement.Audience
    if announcement.audience == audience.EVENT:
        rows = Rsvp.objects.filter(event=announcement.event_id, status=Rsvp.Status.GOING)
        ids = rows.values_list("family_id", flat=True)
    elif announcement.audience == audience.COMMITTEE:
        ids = Seat.objects.filter(
            committee=announcement.committee_id, holder__isnull=False
        ).values_list("holder_id", flat=True)
    else:
        members = Membership.objects.filter(status=Membership.Status.CONFIRMED)
        if announcement.school_id:
            members = members.filter(school=announcement.school_id)
        else:
            members = members.filter(school__district=announcement.district_id)
        ids = members.values_list("family_id", flat=True)
    return list(
        Family.objects.active().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True)
    )


def check_ready(announcement: Announcement, by=None) -> None:
    from django.utils.translation import gettext as _

    if announcement.urgent and by is not None and not may_mark_urgent(by):
        raise NotAllowed(_("Only school and district admins may send an urgent announcement."))
    versions = list(announcement.versions.all())
    if not any(v.language == announcement.default_language for v in versions):
        raise NotReady(
            _(
                "Write the version in the default language first: families without their own version read it."  # noqa: E501
            )
        )
    waiting = [v.get_language_display() for v in versions if v.needs_review]
    if waiting:
        raise NotReady(
            _("Machine translations wait for review: %(languages)s. Approve or correct them first.")
            % {"languages": ", ".join(str(w) for w in waiting)}
        )


def send(announcement: Announcement, by=None) -> int:
    """Queue the announcement for every family of its audience; returns how many messages
    were queued (0 when it was already sent). due_at is the announcement's time, or now."""
    with transaction.atomic():
        locked = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if locked.status == Announcement.Status.SENT:
            return 0
        check_ready(locked, by)
        queued = enqueue_all(locked)
        locked.status = Announcement.Status.SENT
        locked.sent_at = timezone.now()
        locked.save(update_fields=["status", "sent_at"])
    announcement.status, announcement.sent_at = locked.status, locked.sent_at
    return queued


def schedule(announcement: Announcement, by=None) -> None:
    """Send at announcement.send_at: the task send_due_announcements sends it then."""
    with transaction.atomic():
        locked = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if locked.status == Announcement.Status.SENT:
            return
        check_ready(locked, by)
        locked.status = Announcement.Status.SCHEDULED
        locked.save(update_fields=["status"])
    announcement.status = locked.status


def unschedule(announcement: Announcement) -> None:
    Announcement.objects.filter(pk=announcement.pk, status=Announcement.Status.SCHEDULED).update(
        status=Announcement.Status.DRAFT
    )
    announcement.status = Announcement.Status.DRAFT


def send_due(now=None) -> int:
    """The scheduled announcements whose time has come (conversations.announcements.tasks)."""
    now = now or timezone.now()
    total = 0
    due = Announcement.objects.filter(status=Announcement.Status.SCHEDULED, send_at__lte=now)
    for announcement in due:
        try:
            total += send(announcement)
        except (NotReady, NotAllowed) as refused:
            # A version edited back to "needs review" after scheduling: it stays scheduled
            # and waits for staff; the log says why (ids only).
            log.warning(
                "announcements.scheduled_not_ready id=%s reason=%s",
                announcement.pk,
                type(refused).__name__,
            )
            continue
    return total


def enqueue_all(announcement: Announcement) -> int:
    """One message per family, in a few reads for the families (outbox.resolve_many) and
    one idempotent insert per family."""
    kind = announcement.kind
    keys = [f"family:{pk}" for pk in family_ids(announcement)]
    queued = 0
    for start in range(0, len(keys), 500):
        recipients = outbox.resolve_many(keys[start : start + 500])
        for key in keys[start : start + 500]:
            recipient = recipients.get(key)
            if recipient is None:
                continue
            message = outbox.enqueue(
                recipient=recipient,
                kind=kind,
                key=f"announcement:{announcement.pk}:{key}",
                context={"announcement": announcement.pk},
            )
            queued += message is not None
    return queued


# Languages ------------------------------------------------------------------------------


def wanted_languages(announcement: Announcement) -> list[str]:
    """The languages the announcement should have: the school's (or the district's
    schools') publishing languages and those of the families it goes to."""
    from families.models import Family
    from schools.models import School

    if announcement.school_id:
        schools = [announcement.school]
    else:
        schools = School.objects.filter(district=announcement.district_id)
    wanted = {code for school in schools for code in (school.languages or [])}
    wanted |= set(
        Family.objects.filter(pk__in=family_ids(announcement))
        .values_list("language", flat=True)
        .distinct()
    )
    wanted.add(announcement.default_language)
    return [code for code in LANGUAGE_CODES if code in wanted]


@dataclass
class FillResult:
    filled: list[str]
    failed: list[str]
    unavailable: bool = False


def fill_missing(announcement: Announcement) -> FillResult:
    """Machine-translate the default language's version into each wanted language that has
    none; each new version needs review. A provider error leaves that language missing
    (nothing written for it) and the others filled; nothing already written is touched."""
    source = announcement.versions.filter(language=announcement.default_language).first()
    if source is None:
        return FillResult([], [])
    have = set(announcement.versions.values_list("language", flat=True))
    result = FillResult([], [])
    for language in wanted_languages(announcement):
        if language in have:
            continue
        try:
            title = translation.translate(source.title, source=source.language, target=language)
            body = translation.translate(source.body, source=source.language, target=language)
        except translation.TranslationError:
            result.failed.append(language)
            continue
        if title is None or body is None:
            return FillResult([], [], unavailable=True)
        Version.objects.get_or_create(
            announcement=announcement,
            language=language,
            defaults={
                "title": title[:120],
                "body": body[:BODY_MAX],
                "machine_translated": True,
                "needs_review": True,
            },
        )
        result.filled.append(language)
    return result


def approve(version: Version, by) -> None:
    version.needs_review = False
    version.reviewed_by = by
    version.reviewed_at = timezone.now()
    version.save(update_fields=["needs_review", "reviewed_by", "reviewed_at"])


# Delivery -------------------------------------------------------------------------------

WAITING = [Message.Status.QUEUED, Message.Status.SENDING]
FAILED = [Message.Status.FAILED, Message.Status.UNKNOWN]


def delivery(announcement: Announcement) -> list[dict]:
    """Per language and channel: sent, failed, waiting (one query). Cancelled messages
    (a family that can no longer be reached, a text handed to another channel) are not
    counted: the hand-over is counted on its new channel."""
    rows = (
        Message.objects.filter(
            kind__in=("announcement", "announcement_urgent"),
            context__announcement=announcement.pk,
        )
        .values("language", "channel")
        .annotate(
            sent=Count("pk", filter=Q(status=Message.Status.SENT)),
            failed=Count("pk", filter=Q(status__in=FAILED)),
            waiting=Count("pk", filter=Q(status__in=WAITING)),
        )
        .order_by("language", "channel")
    )
    return [r for r in rows if r["sent"] or r["failed"] or r["waiting"]]
