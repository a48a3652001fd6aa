"""Signing up for a volunteer shift, the waiting list, and cancelling.

Places count people. Every write that can change who holds a place on a shift takes the
shift's row lock first (SELECT … FOR NO KEY UPDATE on PostgreSQL), so sign-ups arriving at
once are served one at a time and a place is never given twice (RELIABILITY D7): events'
own pattern, shared through families.locks. A request waits for the lock at most
LOCK_TIMEOUT_MS, then gets ShiftBusy, which the page answers "busy, please try again".
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from families import locks
from signups.volunteering import notices
from signups.volunteering.models import MAX_PARTY, Opportunity, Shift, VolunteerSignup

BUSY = _("This shift is busy at this moment. Please try again in a few seconds.")


class ShiftBusy(locks.Busy):
    """Another request held the shift's lock longer than LOCK_TIMEOUT_MS."""


# Test-only switch for the control test: without the lock the harness must see a place
# given twice.
SKIP_LOCK = "SIGNUPS_SKIP_LOCK_FOR_TESTS"


def _race_window() -> None:
    locks.race_window(SKIP_LOCK, 0.2)


def _locked_shift(shift_id: int) -> Shift:
    # of=("self",): the opportunity and school read with it are not locked.
    shifts = Shift.objects.select_related("opportunity__school")
    return locks.lock_row(shifts, shift_id, switch=SKIP_LOCK, busy=ShiftBusy, of=("self",))


def _people_going(shift: Shift, exclude_family_id=None) -> int:
    # Summed from the rows while the caller holds the shift's lock: never stale.
    rows = VolunteerSignup.objects.filter(shift=shift, status=VolunteerSignup.Status.GOING)
    if exclude_family_id is not None:
        rows = rows.exclude(family_id=exclude_family_id)
    return rows.aggregate(n=Sum("people"))["n"] or 0


def _check_open(shift: Shift) -> None:
    if shift.opportunity.status != Opportunity.Status.PUBLISHED:
        raise ValidationError(_("This opportunity is not open for sign-ups."), code="closed")
    if shift.starts_at <= timezone.now():
        raise ValidationError(_("This shift has already started."), code="started")


def sign_up(*, family, shift: Shift, people: int = 1, note: str = "") -> VolunteerSignup:
    """Sign up, or change the party of a sign-up. Returns the row (going or waiting)."""
    if not 1 <= people <= MAX_PARTY:
        raise ValidationError(
            _("Enter how many people will help, from 1 to %(max)s."),
            params={"max": MAX_PARTY},
            code="party_size",
        )
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _sign_up_locked(family=family, shift=shift, people=people, note=note)
        except IntegrityError:
            # A double tap inserted the same sign-up at the same moment: the retry finds it.
            if attempt:
                raise
    raise AssertionError("unreachable")


def _sign_up_locked(*, family, shift, people, note):
    shift = _locked_shift(shift.pk)
    _check_open(shift)
    current = VolunteerSignup.objects.filter(shift=shift, family=family).first()
    note = note.strip()
    if current is not None and current.status == VolunteerSignup.Status.GOING:
        taken = _people_going(shift, exclude_family_id=family.pk)
        _race_window()
        if taken + people > shift.places:
            raise ValidationError(
                _(
                    "Not enough places are left (places left: %(left)s). Your sign-up is "
                    "kept (people: %(people)s)."
                ),
                # The places free now, as the list shows them: those the family holds
                # are its own already.
                params={
                    "left": max(shift.places - taken - current.people, 0),
                    "people": current.people,
                },
                code="no_room_to_grow",
            )
        current.people, current.note = people, note
        current.save(update_fields=["people", "note"])
        promoted = _promote(shift)  # a smaller party frees places
    else:
        # Join the queue; _promote then seats waiting parties in order, this one included
        # if it fits, so an earlier family that fits is never passed over.
        if current is None:
            current = VolunteerSignup(shift=shift, family=family)
        elif current.status != VolunteerSignup.Status.WAITLISTED:
            current.queued_at = timezone.now()
        current.status = VolunteerSignup.Status.WAITLISTED
        current.people, current.note = people, note
        current.save()
        promoted = _promote(shift)
    if current.pk in {r.pk for r in promoted}:
        current.status = VolunteerSignup.Status.GOING
        promoted = [r for r in promoted if r.pk != current.pk]  # no "good news" for oneself
        notices.schedule_reminder(current, shift)
    current.shift = shift
    for row in promoted:
        notices.promoted(row, shift)
    return current


def _promote(shift: Shift) -> list[VolunteerSignup]:
    """Fill free places from the waiting list, in order; a party moves up only whole."""
    if shift.opportunity.status != Opportunity.Status.PUBLISHED:
        return []
    if shift.starts_at <= timezone.now():
        # Under way or over: a family told now that "a place opened" could not come.
        return []
    free = shift.places - _people_going(shift)
    _race_window()
    waiting = VolunteerSignup.objects.filter(
        shift=shift, status=VolunteerSignup.Status.WAITLISTED
    ).order_by("queued_at", "pk")
    return locks.seat_in_line(waiting, free, VolunteerSignup.Status.GOING)


@transaction.atomic
def cancel(*, family, shift: Shift) -> VolunteerSignup | None:
    """The family will not come: its reminder is called off and its places go to the
    waiting list, in order, each promoted family told by text."""
    shift = _locked_shift(shift.pk)
    current = VolunteerSignup.objects.filter(shift=shift, family=family).first()
    if current is None or current.status == VolunteerSignup.Status.CANCELLED:
        return current
    current.status = VolunteerSignup.Status.CANCELLED
    current.save(update_fields=["status"])
    notices.cancel_reminder(current)
    for row in _promote(shift):
        notices.promoted(row, shift)
    return current


@transaction.atomic
def set_places(shift: Shift, places: int) -> list[VolunteerSignup]:
    """Staff change a shift's places: the newest parties wait if too many are coming; free
    places go to the waiting list."""
    shift = _locked_shift(shift.pk)
    shift.places = places
    shift.save(update_fields=["places"])
    return rebalance(shift)


def rebalance(shift: Shift) -> list[VolunteerSignup]:
    """After the places changed (the caller holds the shift's lock)."""
    going = list(
        VolunteerSignup.objects.filter(shift=shift, status=VolunteerSignup.Status.GOING).order_by(
            "-queued_at", "-pk"
        )
    )
    total = sum(r.people for r in going)
    for newest in going:
        if total <= shift.places:
            break
        newest.status = VolunteerSignup.Status.WAITLISTED
        newest.save(update_fields=["status"])
        notices.cancel_reminder(newest)
        total -= newest.people
    promoted = _promote(shift)
    for row in promoted:
        notices.promoted(row, shift)
    return promoted


def remind_of_new_time(shift: Shift) -> None:
    """Staff moved the shift: the old reminders are superseded (their key names the old
    start), so those coming get one for the new time."""
    for row in VolunteerSignup.objects.filter(shift=shift, status=VolunteerSignup.Status.GOING):
        notices.cancel_reminder(row)
        notices.schedule_reminder(row, shift)


def lock_shift(shift: Shift) -> Shift:
    """Take the shift's lock in the caller's transaction (staff edits in the admin)."""
    return _locked_shift(shift.pk)


def give_up_places(family) -> None:
    """Erasure: the family's sign-ups to shifts not yet started go, each under its shift's
    lock, one transaction per shift (never two locks held: no deadlock), and their places
    go to the waiting list. Past sign-ups stay for the counts, without their note."""
    upcoming = VolunteerSignup.objects.filter(family=family, shift__starts_at__gt=timezone.now())
    for shift_id in upcoming.values_list("shift_id", flat=True).order_by("shift_id"):
        with transaction.atomic():
            shift = _locked_shift(shift_id)
            for row in VolunteerSignup.objects.filter(shift=shift, family=family):
                notices.cancel_reminder(row)
                row.delete()
            for row in _promote(shift):
                notices.promoted(row, shift)
