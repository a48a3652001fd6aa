"""RSVPs, the waiting list, check-in and event changes.

Capacity counts people. Every write that can change who holds a place takes the event's
row lock first (SELECT … FOR NO KEY UPDATE on PostgreSQL), so concurrent answers are
served one at a time and a place is never given twice (RELIABILITY D1, D4): answers and
cancellations, promotion from the waiting list, check-in at the door and its undo, and
the staff's change of places. A request waits for that lock at most LOCK_TIMEOUT_MS, then
gets EventBusy, which the pages answer with "busy, please try again" (D3).
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import notices
from events.models import Event, Rsvp, WalkIn
from families import locks
from families.models import Family, FamilyPass, Membership

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


BUSY = _("This event is busy at this moment. Please try again in a few seconds.")
FULL_AT_THE_DOOR = _("The event is full: no place is free for this family. It was not checked in.")


class EventBusy(locks.Busy):
    """Another request held the event's lock longer than LOCK_TIMEOUT_MS."""


# Test-only switch for the control tests: without the lock the harness must see overbooking.
SKIP_LOCK = "EVENTS_SKIP_LOCK_FOR_TESTS"


def _race_window() -> None:
    locks.race_window(SKIP_LOCK, 0.2)


def _locked_event(event_id: int) -> Event:
    return locks.lock_row(Event.objects, event_id, switch=SKIP_LOCK, busy=EventBusy)


def lock_event(event: Event) -> Event:
    """Take the event's lock in the caller's transaction (staff edits in the admin)."""
    return _locked_event(event.pk)


def _people_going(event: Event, exclude_family_id=None) -> int:
    # Summed from the answer rows themselves while the caller holds the event's lock, so
    # the figure cannot be stale; no stored total to keep in step with every path.
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
        current.state_before_check_in = None  # the family's own answer now counts, not the door's
        if joins_queue:
            current.queued_at = timezone.now()
        current.save()
    promoted = _promote(event)
    promoted_ids = {r.pk for r in promoted}
    if current.pk in promoted_ids:
        current.status = Rsvp.Status.GOING
        promoted = [r for r in promoted if r.pk != current.pk]  # no "good news" for oneself
    current.event = event
    notices.answer_saved(current, previous_status)
    for promoted_rsvp in promoted:
        notices.promoted(promoted_rsvp)
    return current, promoted


def _promote(event: Event) -> list[Rsvp]:
    """Fill free places from the waiting list, in order; a party moves up only whole."""
    if event.status != Event.Status.PUBLISHED:
        # Nobody is seated at a cancelled (or unpublished) event: more places there, or a
        # check-in undone, must not send "a place opened for you".
        return []
    if event.capacity is None:
        # The places were taken off (no limit): everyone waiting is seated at once.
        waiting = list(Rsvp.objects.filter(event=event, status=Rsvp.Status.WAITLISTED))
        # No signal for them: the event's own save (set_capacity) retires the kept pages.
        Rsvp.objects.filter(pk__in=[r.pk for r in waiting]).update(status=Rsvp.Status.GOING)
        return waiting
    free = event.capacity - _people_going(event)
    _race_window()
    waiting = Rsvp.objects.filter(event=event, status=Rsvp.Status.WAITLISTED)
    return locks.seat_in_line(waiting.order_by("queued_at", "pk"), free, Rsvp.Status.GOING)


def cancel_rsvp(*, family: Family, event: Event) -> None:
    rsvp(family=family, event=event, party=Party(going=False, adults=0))


def give_up_places(family: Family) -> list[Rsvp]:
    """Erasure (RELIABILITY F4): the family's answers to events not yet started go, each
    under its event's lock, and the places it held go to the waiting list, who are told.
    Unlike a family's own "not coming", this holds after the date to answer too.
    Answers to events already started stay for the counts; the caller blanks their text."""
    promoted_all = []
    upcoming = Rsvp.objects.filter(family=family, event__starts_at__gt=timezone.now())
    # One transaction per event, in event order: an erasure never holds two event locks at
    # once, so it cannot deadlock with answers or with another erasure.
    for event_id in upcoming.values_list("event_id", flat=True).order_by("event_id"):
        with transaction.atomic():
            event = _locked_event(event_id)
            Rsvp.objects.filter(event=event, family=family).delete()
            if event.status != Event.Status.PUBLISHED:
                continue  # nobody is seated at a cancelled event
            promoted = _promote(event)
            for promoted_rsvp in promoted:
                notices.promoted(promoted_rsvp)
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
        # The newest answers give way first: a family that answered early keeps its place.
        going = list(
            Rsvp.objects.filter(event=event, status=Rsvp.Status.GOING).order_by("-queued_at", "-pk")
        )
        total = sum(r.people for r in going)
        _race_window()
        for newest in going:
            if total <= event.capacity:
                break
            newest.status = Rsvp.Status.WAITLISTED
            newest.save(update_fields=["status"])
            total -= newest.people
    promoted = _promote(event)
    for promoted_rsvp in promoted:
        notices.promoted(promoted_rsvp)
    return promoted


def check_in(rsvp_row: Rsvp, *, staff) -> Rsvp:
    """The door's "arrived" button on a family's answer: the same rules as a pass."""
    return check_in_family(event=rsvp_row.event, family=rsvp_row.family, staff=staff)


@transaction.atomic
def check_in_family(*, event: Event, family: Family, staff) -> Rsvp:
    """At the door. A family with a place is marked arrived. A family without one (no
    answer, "not coming", or waiting) is seated only if a place is free, the same rule as
    an answer online: the volunteer sees "full" rather than a count past the room's size,
    and can still add the family as a walk-in, which counts who came without taking a
    place. What the answer was before is kept, so a mistaken scan can be undone."""
    event = _locked_event(event.pk)
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("This event was cancelled."), code="cancelled")
    row = Rsvp.objects.filter(event=event, family=family).first()
    if row is None or row.status != Rsvp.Status.GOING:
        people = row.people if row is not None and row.people else 1
        if event.capacity is not None:
            # Nobody waiting ahead can be passed over: after every locked write the waiting
            # list has been served, so no waiting party fits in the places still free.
            free = event.capacity - _people_going(event)
            _race_window()
            if people > free:
                raise ValidationError(FULL_AT_THE_DOOR, code="full")
        if row is None:
            row = Rsvp(event=event, family=family, adults=1, children=0)
            row.state_before_check_in = {"status": None}
        else:
            row.state_before_check_in = {
                "status": row.status,
                "adults": row.adults,
                "children": row.children,
                "queued_at": row.queued_at.isoformat(),
            }
            if not row.people:
                row.adults = 1
        row.status = Rsvp.Status.GOING
        row.arrived_at = timezone.now()
        row.checked_in_by = staff
        row.save()
    elif row.arrived_at is None:
        row.arrived_at = timezone.now()
        row.checked_in_by = staff
        row.save(update_fields=["arrived_at", "checked_in_by"])
    row.event = event
    return row


def _admitted_at_door(family: Family, event: Event) -> bool:
    confirmed = Membership.objects.filter(family=family, status=Membership.Status.CONFIRMED)
    if event.school_id:
        return confirmed.filter(school_id=event.school_id).exists()
    return confirmed.filter(school__district_id=event.district_id).exists()


def check_in_pass(*, event: Event, code: str, staff) -> Rsvp:
    """A pass typed or scanned at the door. Passes of the event's school's own families
    (any school of the district for a district event) are accepted, and of a family
    already holding a place at this event; any other pass is refused with the reason,
    without the family's name."""
    family_pass = FamilyPass.from_short_code(code) or FamilyPass.from_token(code)
    if family_pass is None or family_pass.family.erased_at is not None:
        raise ValidationError(
            _("Not valid. Check the code, or add the family as a walk-in."), code="unknown"
        )
    if not family_pass.is_valid:
        raise ValidationError(
            _("This pass is no longer valid. The family may have a newer pass."), code="revoked"
        )
    family = family_pass.family
    has_place = Rsvp.objects.filter(event=event, family=family, status=Rsvp.Status.GOING)
    if not _admitted_at_door(family, event) and not has_place.exists():
        asked = Membership.objects.filter(family=family).exclude(status=Membership.Status.CONFIRMED)
        asked = (
            asked.filter(school_id=event.school_id)
            if event.school_id
            else asked.filter(school__district_id=event.district_id)
        )
        if asked.exists():
            raise ValidationError(
                _("This family is not confirmed at this school yet."), code="not_confirmed"
            )
        raise ValidationError(
            _("This pass is for a family of another school."), code="other_school"
        )
    return check_in_family(event=event, family=family, staff=staff)


@transaction.atomic
def undo_check_in(rsvp_row: Rsvp) -> Rsvp | None:
    """A mistaken scan: the answer goes back to what it was before the check-in (no answer
    at all: the row goes). A place freed this way goes to the waiting list as usual."""
    event = _locked_event(rsvp_row.event_id)
    row = Rsvp.objects.filter(pk=rsvp_row.pk, event=event).first()
    if row is None or row.arrived_at is None:
        return row
    before = row.state_before_check_in
    if before is not None and before.get("status") is None:
        row.delete()
        row = None
    else:
        if before is not None:
            row.status = before["status"]
            row.adults = before["adults"]
            row.children = before["children"]
            row.queued_at = datetime.fromisoformat(before["queued_at"])
        row.arrived_at = None
        row.checked_in_by = None
        row.state_before_check_in = None
        row.save()
    if before is not None:
        for promoted_rsvp in _promote(event):
            notices.promoted(promoted_rsvp)
    return row


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
    event.sequence += 1  # a phone holding the event shows it cancelled
    event.save(update_fields=["status", "sequence"])
    return notices.event_cancelled(event)


def duplicate_event(event: Event) -> Event:
    """A copy as a draft (same texts, places and offers) for staff to adjust."""
    # A fresh copy from the database, not the caller's object: setting pk to None on it
    # would turn the caller's own event into the copy. Partners are read first, since the
    # copy's many-to-many starts empty.
    partners = list(event.partners.all())
    copy = Event.objects.get(pk=event.pk)
    copy.pk = None
    copy.id = None
    copy.status = Event.Status.DRAFT
    copy.created_at = timezone.now()
    copy.save()
    copy.partners.set(partners)
    return copy
