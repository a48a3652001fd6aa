"""Booking a conference slot, with an interpreter when the family asks for one.

Nothing is ever booked twice (RELIABILITY D6):
every booking takes, in one transaction and always in this order, the family's own lock
(an advisory lock, families.locks.lock_family), the slot's row lock (SELECT … FOR UPDATE),
then the row locks of the interpreters it could use, lowest id first. One family booking
two teachers at once (two tabs, a double tap) queues on its own lock, and the second sees
the first's meeting at that time; two families racing for one slot queue on the slot; two
families at the same time with different hosts who both need Bengali queue on the Bengali
interpreters, and the second sees the first's booking once it has the lock. The same
order everywhere means no deadlock: only a booking takes the family's lock, and always
before any row lock (a cancellation takes the slot's alone; staff cancelling a day take its
slots' locks, lowest id first, and no other). The database's constraints
(signups.models.Booking) say the same again, so a path that forgot the lock fails loudly
instead of booking twice. A lock held longer than LOCK_TIMEOUT_MS answers "busy, try
again"; every refusal is a ValidationError with a message in the family's language.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext_lazy as _

from families import locks
from families.models import Family
from signups import notices
from signups.models import Availability, Booking, ConferenceDay, Host, Interpreter, Slot

TAKEN = _("Someone has just booked this time. Please choose another time.")
NO_INTERPRETER = _(
    "No interpreter for this language is free at this time. Please choose another time, "
    "or book without an interpreter."
)
CLOSED = _("Booking has closed for this day. Please call the school.")
BUSY = _("Many families are booking at this moment. Please try again in a few seconds.")
SAME_TIME = _("You already have a meeting at that time: %(meeting)s. Please choose another time.")
GONE = _("This time is no longer offered. Please choose another time.")


@dataclass
class Request:
    """What the family asks for with a slot."""

    child_name: str = ""
    child_class: str = ""
    by_phone: bool = False
    phone: str = ""
    interpreter_language: str = ""


# Test-only switch for the control runs (tests/signups/test_concurrency.py): without the
# locks the same race must book twice, or the test would be blind.
SKIP_LOCK = "SIGNUPS_SKIP_LOCK_FOR_TESTS"


def _skipped() -> bool:
    return locks.skipped(SKIP_LOCK)


def _race_window() -> None:
    locks.race_window(SKIP_LOCK, 0.05)


def time_range(slot: Slot) -> str:
    """ "15:00 – 15:15" in the reader's language."""
    start, end = slot.local_start, slot.local_end
    return f"{time_format(start, 'TIME_FORMAT')} – {time_format(end, 'TIME_FORMAT')}"


def _locked_slot(slot_id: int) -> Slot | None:
    rows = Slot.objects.select_related("day__school", "host")
    if not _skipped():
        rows = rows.select_for_update(of=("self",))
    return rows.filter(pk=slot_id).first()


def _overlapping(slot: Slot):
    """Bookings whose meeting overlaps this slot's, on any of the school's days: two days on
    one date may have different slot lengths, so "the same start" is not enough for a
    person who can be in one meeting at a time. A cancelled day's meetings hold no one (its
    families were told to book another time, maybe on the day made instead)."""
    return Booking.objects.filter(
        starts_at__lt=slot.ends_at, slot__ends_at__gt=slot.starts_at
    ).exclude(slot__day__status=ConferenceDay.Status.CANCELLED)


def free_interpreter_ids(day: ConferenceDay, slot: Slot, language: str) -> list[int]:
    """Approved interpreters of this language who work at the slot's time and are not booked
    then, lowest id first (without locks: what the page offers)."""
    local_start, local_end = slot.local_start.time(), slot.local_end.time()
    # Languages are a JSON list: filtered here rather than in SQL, which SQLite (the
    # development database) cannot do; a day has a handful of interpreters.
    working = Availability.objects.filter(
        day=day,
        starts__lte=local_start,
        ends__gte=local_end,
        interpreter__approved=True,
        interpreter__school_id=day.school_id,
    ).values_list("interpreter_id", "interpreter__languages")
    busy = set(
        _overlapping(slot)
        .filter(interpreter__isnull=False)
        .values_list("interpreter_id", flat=True)
    )
    return sorted(
        {pk for pk, languages in working if language in (languages or []) and pk not in busy}
    )


def _reserve_interpreter(day: ConferenceDay, slot: Slot, language: str) -> Interpreter:
    candidates = free_interpreter_ids(day, slot, language)
    if not candidates:
        raise ValidationError(NO_INTERPRETER, code="no_interpreter")
    if _skipped():
        _race_window()
        return Interpreter.objects.get(pk=candidates[0])
    # Locked lowest id first (the one order every booking uses), then asked again: a
    # booking that held one of them may have taken it at this time.
    locked = list(Interpreter.objects.select_for_update().filter(pk__in=candidates).order_by("pk"))
    busy = set(
        _overlapping(slot)
        .filter(interpreter_id__in=[i.pk for i in locked])
        .values_list("interpreter_id", flat=True)
    )
    for interpreter in locked:
        if interpreter.pk not in busy:
            return interpreter
    raise ValidationError(NO_INTERPRETER, code="no_interpreter")


def book(*, family: Family, slot_id: int, request: Request) -> Booking:
    """Book this slot for the family, or move its booking with the same host here.
    Raises ValidationError (a message for the family) when it cannot."""
    for attempt in range(2):
        try:
            with transaction.atomic(), locks.busy_as(ValidationError(BUSY, code="busy")):
                return _book_locked(family, slot_id, request)
        except IntegrityError as error:
            # Only reached when a path went around the locks (or a double tap inserted the
            # same booking twice at once): the constraint refused the second; asked again,
            # the rules above give the family its answer.
            if attempt:
                raise ValidationError(TAKEN, code="taken") from error
    raise AssertionError("unreachable")


def _book_locked(family: Family, slot_id: int, request: Request) -> Booking:
    # The family's lock first, then the slot's, then the interpreters' (module docstring).
    locks.lock_family(family.pk, switch=SKIP_LOCK)
    slot = _locked_slot(slot_id)
    if slot is None:
        raise ValidationError(GONE, code="gone")
    day = slot.day
    # Read again now the slot is ours: staff cancelling the day hold its slots' locks, and
    # the slot's query read the day as it was before it waited for them (day_cancelled).
    day.status = ConferenceDay.objects.filter(pk=day.pk).values_list("status", flat=True).get()
    if not day.is_open:
        raise ValidationError(CLOSED, code="closed")
    holder = Booking.objects.filter(slot=slot).first()
    if holder is not None and holder.family_id != family.pk:
        raise ValidationError(TAKEN, code="taken")
    previous = (
        holder
        or Booking.objects.filter(family=family, host_id=slot.host_id)
        .select_related("slot__day__school", "slot__host")
        .first()
    )
    # Read under the family's lock: another tab's booking at this time is committed (and
    # seen here) or not begun.
    clash = (
        _overlapping(slot)
        .filter(family=family)
        .exclude(host_id=slot.host_id)
        .select_related("slot__day__school", "host")
        .first()
    )
    if clash is not None:
        # The teacher's name isolated (FSI … PDI), as <bdi> on the pages: a Latin name
        # inside an Arabic or Urdu sentence keeps its own order.
        meeting = f"\u2068{clash.host.name}\u2069, {time_range(clash.slot)}"
        raise ValidationError(SAME_TIME, code="same_time", params={"meeting": meeting})
    _race_window()
    interpreter = None
    language = request.interpreter_language
    if language:
        kept = previous.interpreter if previous and previous.slot_id == slot.pk else None
        if kept is not None and language in kept.languages:
            interpreter = kept  # a change of the child's name keeps the interpreter
        else:
            interpreter = _reserve_interpreter(day, slot, language)
    fields = {
        "slot": slot,
        "host_id": slot.host_id,
        "starts_at": slot.starts_at,
        "child_name": request.child_name.strip(),
        "child_class": request.child_class.strip(),
        "by_phone": request.by_phone,
        "phone": request.phone if request.by_phone else "",
        "interpreter_language": language,
        "interpreter": interpreter,
    }
    if previous is None:
        booking = Booking.objects.create(family=family, **fields)
    else:
        notices.cancel_reminders(previous)
        for name, value in fields.items():
            setattr(previous, name, value)
        previous.save()
        booking = previous
    booking.slot = slot
    notices.booked(booking)
    return booking


def cancel(*, family: Family, booking_id: int) -> bool:
    """The family cancels a booking before the deadline: the slot and the interpreter are
    free again, the reminders are not sent, the child's name goes with the row. False when
    it was already cancelled (a double tap, a second "2"); ValidationError when it may no
    longer be cancelled, or the slot stayed locked past LOCK_TIMEOUT_MS."""
    with transaction.atomic(), locks.busy_as(ValidationError(BUSY, code="busy")):
        booking = (
            Booking.objects.select_related("slot__day__school")
            .filter(pk=booking_id, family=family)
            .first()
        )
        if booking is None:
            return False  # already cancelled (a double tap)
        if not booking.slot.day.is_open:
            raise ValidationError(CLOSED, code="closed")
        locks.limit_wait()
        if not _skipped():
            Slot.objects.select_for_update().filter(pk=booking.slot_id).first()
        notices.cancel_reminders(booking)
        # Counted under the slot's lock: of two cancels at once, one deletes the row.
        return Booking.objects.filter(pk=booking.pk).delete()[0] > 0


def school_cancelled(bookings) -> int:
    """The school called these meetings off (their day cancelled; their teacher, their time
    or their day deleted): each family with a meeting still to come is told once, with a
    link to book another, and its reminders are not sent. Returns how many were told."""
    told = 0
    upcoming = bookings.filter(starts_at__gt=timezone.now()).select_related(
        "slot__day__school", "host", "interpreter"
    )
    for booking in upcoming:
        notices.school_cancelled(booking)
        told += 1
    return told


def day_cancelled(day: ConferenceDay) -> int:
    """Staff cancelled this day (ConferenceDayAdmin.save_model, in the admin's transaction,
    its status saved): its families are told, and its interpreters are free at those times
    again (one meeting per interpreter and start is a constraint) for the day made instead.
    Its slots are locked first, lowest id first: a booking being written holds its slot's
    lock, so it is committed, and told, before the families are read; one that comes after
    waits for this transaction and then sees the day cancelled (_book_locked)."""
    if not _skipped():
        list(Slot.objects.select_for_update().filter(day=day).order_by("pk").values_list("pk"))
    told = school_cancelled(Booking.objects.filter(slot__day=day))
    Booking.objects.filter(slot__day=day).update(interpreter=None)
    return told


def booking_deleted(sender, instance: Booking, origin=None, **kwargs) -> None:
    """pre_delete of a Booking (SignupsConfig.ready): a booking deleted with its slot, its
    teacher or its day (in the admin, or anywhere) is a meeting the school called off. The
    family's own cancel, and its erasure, delete the booking or the family: not told."""
    model = getattr(origin, "model", type(origin))
    if model in (Slot, Host, ConferenceDay):
        school_cancelled(Booking.objects.filter(pk=instance.pk))


def cancel_all(family: Family) -> int:
    """Erasure: the family's meetings still to come go (their times are free again, their
    messages not sent); those already held stay for the reports' counts, without the
    child's name, the class or the phone number. Returns how many were cancelled."""
    upcoming = Booking.objects.filter(family=family, starts_at__gt=timezone.now())
    for booking in upcoming:
        notices.cancel_reminders(booking)
    Booking.objects.filter(family=family).update(child_name="", child_class="", phone="")
    return upcoming.delete()[0]


def replace_interpreter(interpreters) -> None:
    """These interpreters will not come (a parent erased their data): each meeting still to
    come they were booked for gets another free interpreter of its language, or none. The
    slot's lock, then the interpreters' (as a booking, which takes its family's lock first
    and this never takes): no deadlock."""
    upcoming = Booking.objects.filter(interpreter__in=interpreters, starts_at__gt=timezone.now())
    for booking_id in upcoming.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            booking = Booking.objects.filter(pk=booking_id).first()
            slot = _locked_slot(booking.slot_id) if booking else None
            booking = Booking.objects.filter(pk=booking_id).first()
            if slot is None or booking is None:
                continue  # cancelled meanwhile
            # Not offered again: the interpreters going are left out of the free ones.
            Interpreter.objects.filter(pk=booking.interpreter_id).update(approved=False)
            try:
                replacement = _reserve_interpreter(slot.day, slot, booking.interpreter_language)
            except ValidationError:
                replacement = None
            booking.interpreter = replacement
            booking.save(update_fields=["interpreter"])


def offer_to_interpret(*, family: Family, school, languages: list[str], note: str) -> Interpreter:
    """A parent's offer, from their page: kept unapproved until staff approve it. A second
    offer changes the first (and needs approving again if the languages changed)."""
    with transaction.atomic():
        offer = Interpreter.objects.select_for_update().filter(school=school, family=family).first()
        if offer is None:
            return Interpreter.objects.create(
                school=school,
                family=family,
                name=family.display_name,
                kind=Interpreter.Kind.PARENT,
                languages=languages,
                note=note.strip(),
                approved=False,
            )
        if set(offer.languages) != set(languages):
            offer.approved = False
        offer.languages, offer.note = languages, note.strip()
        offer.save()
        return offer


def withdraw_offer(*, family: Family, school) -> bool:
    """A parent takes back their offer. Past meetings keep them (the reports count them);
    meetings still to come get another free interpreter of their language, or none, so no
    page or reminder promises a parent who said they will not come."""
    offer = Interpreter.objects.filter(school=school, family=family).first()
    if offer is None:
        return False
    if offer.bookings.exists():
        offer.approved = False
        offer.save(update_fields=["approved"])
        replace_interpreter([offer])
    else:
        offer.delete()
    return True


def upcoming_bookings(family: Family, now=None):
    return (
        Booking.objects.filter(family=family, slot__ends_at__gte=now or timezone.now())
        .exclude(slot__day__status=ConferenceDay.Status.CANCELLED)
        .select_related("slot__day__school", "host", "interpreter")
        .order_by("starts_at")
    )


# What the booking page offers (reads only, a fixed number of queries whatever the size) --


def interpreter_hours(day: ConferenceDay) -> list[tuple[int, list[str], object, object]]:
    """(interpreter id, languages, from, until) of the approved interpreters working this
    day: one query."""
    return list(
        Availability.objects.filter(
            day=day, interpreter__approved=True, interpreter__school_id=day.school_id
        ).values_list("interpreter_id", "interpreter__languages", "starts", "ends")
    )


def languages_offered(hours) -> list[str]:
    from portal.languages import LANGUAGE_CODES

    spoken = {code for _pk, languages, _s, _e in hours for code in (languages or [])}
    return [code for code in LANGUAGE_CODES if code in spoken]


def offered_slots(host, language: str, family=None) -> list[Slot]:
    """The host's times a family may choose: not yet started, not booked by another family,
    and, when it asks for an interpreter, with one of that language free. The family's own
    booking with this host is offered too (it is the one it may keep). Four queries."""
    day = host.day
    slots = list(Slot.objects.filter(host=host, starts_at__gt=timezone.now()).order_by("starts_at"))
    taken = dict(Booking.objects.filter(host=host).values_list("slot_id", "family_id"))
    family_id = family.pk if family else None
    slots = [s for s in slots if taken.get(s.pk, family_id) == family_id]
    if not language:
        return slots
    hours = [h for h in interpreter_hours(day) if language in (h[1] or [])]
    if not slots:
        return slots
    # The interpreters' meetings during these times, on any of the school's days (another
    # day on the same date may have other slot lengths): busy when they overlap.
    busy: dict[int, list[tuple]] = {}
    for pk, start, end in (
        Booking.objects.filter(
            interpreter__isnull=False,
            starts_at__lt=slots[-1].ends_at,
            slot__ends_at__gt=slots[0].starts_at,
        )
        .exclude(family_id=family_id, host=host)
        .values_list("interpreter_id", "starts_at", "slot__ends_at")
    ):
        busy.setdefault(pk, []).append((start, end))
    offered = []
    for slot in slots:
        slot.day = day
        start, end = slot.local_start.time(), slot.local_end.time()
        if any(
            s <= start
            and end <= e
            and not any(b < slot.ends_at and slot.starts_at < f for b, f in busy.get(pk, ()))
            for pk, _l, s, e in hours
        ):
            offered.append(slot)
    return offered
