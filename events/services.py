"""RSVPs, the waiting list, check-in and event changes.

Capacity counts people. Every write that can change who holds a place takes the event's
row lock first (SELECT … FOR NO KEY UPDATE on PostgreSQL), so concurrent answers are
served one at a time and a place is never given twice (RELIABILITY D1, D4).
"""

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import messages
from events.models import Event, Rsvp, WalkIn
from families.models import Family, FamilyPass

log = logging.getLogger("portal.events")


@dataclass
class Party:
    going: bool
    adults: int = 1
    children: int = 0
    needs_interpreter: bool = False
    interpreter_language: str = ""
    needs_childcare: bool = False
    other_needs: str = ""

    @property
    def people(self) -> int:
        return self.adults + self.children


def _locked_event(event_id: int) -> Event:
    # Test-only switch for the control test: without the lock the harness must see overbooking.
    if getattr(settings, "EVENTS_SKIP_LOCK_FOR_TESTS", False):
        return Event.objects.get(pk=event_id)
    return Event.objects.select_for_update(no_key=True).get(pk=event_id)


def _people_going(event: Event, exclude_family_id=None) -> int:
    rows = Rsvp.objects.filter(event=event, status=Rsvp.Status.GOING)
    if exclude_family_id is not None:
        rows = rows.exclude(family_id=exclude_family_id)
    return rows.aggregate(n=Sum(F("adults") + F("children")))["n"] or 0


def _check_open(event: Event) -> None:
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("This event was cancelled."), code="cancelled")
    if event.status != Event.Status.PUBLISHED:
        raise ValidationError(_("This event is not open for answers."), code="draft")
    now = timezone.now()
    if event.starts_at <= now:
        raise ValidationError(_("This event has already started."), code="started")
    if event.rsvp_deadline and event.rsvp_deadline <= now:
        raise ValidationError(
            _("The date to answer has passed. Please call the school."), code="deadline"
        )


def rsvp(*, family: Family, event: Event, party: Party) -> Rsvp:
    """Answer or change an answer. Returns the Rsvp (going, waitlisted or not going)."""
    if party.going and party.people < 1:
        raise ValidationError(_("Count at least one person."), code="empty_party")
    for attempt in range(2):
        try:
            with transaction.atomic():
                result, promoted = _rsvp_locked(family=family, event=event, party=party)
            break
        except IntegrityError:
            # A double tap inserted the same answer at the same moment: the retry finds it.
            if attempt:
                raise
    return result


def _rsvp_locked(*, family, event, party):
    event = _locked_event(event.pk)
    _check_open(event)
    current = Rsvp.objects.filter(event=event, family=family).first()
    fields = {
        "adults": party.adults,
        "children": party.children,
        "needs_interpreter": party.needs_interpreter,
        "interpreter_language": party.interpreter_language if party.needs_interpreter else "",
        "needs_childcare": party.needs_childcare,
        "other_needs": party.other_needs.strip(),
    }
    if not party.going:
        status = Rsvp.Status.NOT_GOING
    elif event.capacity is None:
        status = Rsvp.Status.GOING
    elif current and current.status == Rsvp.Status.GOING:
        taken = _people_going(event, exclude_family_id=family.pk)
        if taken + party.people > event.capacity:
            raise ValidationError(
                _(
                    "Not enough places are left (places left: %(left)s). Your earlier "
                    "answer is kept (people: %(people)s)."
                ),
                params={"left": max(event.capacity - taken, 0), "people": current.people},
                code="no_room_to_grow",
            )
        status = Rsvp.Status.GOING
    else:
        # Join the queue; _promote then seats waiting parties in order, this one included
        # if it fits, so an earlier family that fits is never passed over.
        status = Rsvp.Status.WAITLISTED
    previous_status = current.status if current else None
    if current is None:
        current = Rsvp.objects.create(event=event, family=family, status=status, **fields)
    else:
        joins_queue = status == Rsvp.Status.WAITLISTED and current.status != Rsvp.Status.WAITLISTED
        for name, value in fields.items():
            setattr(current, name, value)
        current.status = status
        if joins_queue:
            current.queued_at = timezone.now()
        current.save()
    promoted = _promote(event)
    promoted_ids = {r.pk for r in promoted}
    if current.pk in promoted_ids:
        current.status = Rsvp.Status.GOING
        promoted = [r for r in promoted if r.pk != current.pk]  # no "good news" for oneself
    current.event = event
    messages.answer_saved(current, previous_status)
    for promoted_rsvp in promoted:
        messages.promoted(promoted_rsvp)
    return current, promoted


def _promote(event: Event) -> list[Rsvp]:
    """Fill free places from the waiting list, in order; a party moves up only whole."""
    if event.capacity is None:
        waiting = list(Rsvp.objects.filter(event=event, status=Rsvp.Status.WAITLISTED))
        Rsvp.objects.filter(pk__in=[r.pk for r in waiting]).update(status=Rsvp.Status.GOING)
        return waiting
    free = event.capacity - _people_going(event)
    if getattr(settings, "EVENTS_SKIP_LOCK_FOR_TESTS", False):
        time.sleep(0.2)  # widen the race between counting and seating for the control test
    promoted = []
    for waiting in Rsvp.objects.filter(event=event, status=Rsvp.Status.WAITLISTED).order_by(
        "queued_at", "pk"
    ):
        if free <= 0:
            break
        if waiting.people <= free:
            waiting.status = Rsvp.Status.GOING
            waiting.save(update_fields=["status"])
            free -= waiting.people
            promoted.append(waiting)
    return promoted


def cancel_rsvp(*, family: Family, event: Event) -> None:
    rsvp(family=family, event=event, party=Party(going=False, adults=0))


def give_up_places(family: Family) -> list[Rsvp]:
    """Erasure (RELIABILITY F4): the family's answers to events not yet started go, each
    under its event's lock, and the places it held go to the waiting list, who are told.
    Unlike a family's own "not coming", this holds after the date to answer too.
    Answers to events already started stay for the counts; the caller blanks their text."""
    promoted_all = []
    upcoming = Rsvp.objects.filter(family=family, event__starts_at__gt=timezone.now())
    for event_id in upcoming.values_list("event_id", flat=True).order_by("event_id"):
        with transaction.atomic():
            event = _locked_event(event_id)
            Rsvp.objects.filter(event=event, family=family).delete()
            if event.status != Event.Status.PUBLISHED:
                continue  # nobody is seated at a cancelled event
            promoted = _promote(event)
            for promoted_rsvp in promoted:
                messages.promoted(promoted_rsvp)
            promoted_all += promoted
    return promoted_all


@transaction.atomic
def set_capacity(event: Event, capacity: int | None) -> list[Rsvp]:
    """Staff change the number of places (RELIABILITY D4)."""
    event = _locked_event(event.pk)
    event.capacity = capacity
    event.save(update_fields=["capacity"])
    return rebalance(event)


def rebalance(event: Event) -> list[Rsvp]:
    """After the places changed (the caller holds the event lock): the newest confirmed
    parties wait if there are too many people; free places go to the waiting list."""
    if event.capacity is not None:
        going = list(
            Rsvp.objects.filter(event=event, status=Rsvp.Status.GOING).order_by("-queued_at", "-pk")
        )
        total = sum(r.people for r in going)
        for newest in going:
            if total <= event.capacity:
                break
            newest.status = Rsvp.Status.WAITLISTED
            newest.save(update_fields=["status"])
            total -= newest.people
    promoted = _promote(event)
    for promoted_rsvp in promoted:
        messages.promoted(promoted_rsvp)
    return promoted


def check_in(rsvp_row: Rsvp, *, staff) -> Rsvp:
    Rsvp.objects.filter(pk=rsvp_row.pk, arrived_at__isnull=True).update(
        arrived_at=timezone.now(), checked_in_by=staff
    )
    rsvp_row.refresh_from_db()
    return rsvp_row


@transaction.atomic
def check_in_family(*, event: Event, family: Family, staff) -> Rsvp:
    """At the door: a family with a pass but no answer is counted as it arrives."""
    row = Rsvp.objects.filter(event=event, family=family).first()
    if row is None:
        row = Rsvp.objects.create(
            event=event, family=family, status=Rsvp.Status.GOING, adults=1, children=0
        )
    elif row.status != Rsvp.Status.GOING:
        row.status = Rsvp.Status.GOING
        row.save(update_fields=["status"])
    return check_in(row, staff=staff)


def check_in_pass(*, event: Event, code: str, staff) -> Rsvp | None:
    family_pass = FamilyPass.from_short_code(code) or FamilyPass.from_token(code)
    if family_pass is None or not family_pass.is_valid:
        return None
    return check_in_family(event=event, family=family_pass.family, staff=staff)


def add_walk_in(*, event: Event, name: str, language: str, people: int, staff) -> WalkIn:
    return WalkIn.objects.create(
        event=event, name=name.strip(), language=language, people=people, checked_in_by=staff
    )


def door_count(event: Event) -> dict:
    arrived = (
        Rsvp.objects.filter(event=event, arrived_at__isnull=False).aggregate(
            n=Sum(F("adults") + F("children"))
        )["n"]
        or 0
    )
    walk_ins = WalkIn.objects.filter(event=event).aggregate(n=Sum("people"))["n"] or 0
    return {"arrived": arrived + walk_ins, "expected": _people_going(event)}


@transaction.atomic
def cancel_event(event: Event) -> int:
    """Cancel; every family going or waiting is told, and pending reminders stop."""
    event = _locked_event(event.pk)
    event.status = Event.Status.CANCELLED
    event.save(update_fields=["status"])
    return messages.event_cancelled(event)


def duplicate_event(event: Event) -> Event:
    """A copy as a draft (same texts, places and offers) for staff to adjust."""
    partners = list(event.partners.all())
    copy = Event.objects.get(pk=event.pk)
    copy.pk = None
    copy.id = None
    copy.status = Event.Status.DRAFT
    copy.created_at = timezone.now()
    copy.save()
    copy.partners.set(partners)
    return copy
