"""Parent-teacher conference days: hosts, their slots, the families' bookings, and the
interpreters booked with them (issue 16). Volunteering lives in signups/volunteering/.

A day's slots are made from its hours, its breaks and its slot length, the same times for
every host; so "an interpreter is free" is "no booking holds them at this start", which the
database keeps true with a unique constraint beside the row locks (signups/services.py).
"""

import zoneinfo
from datetime import datetime, timedelta

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.templatetags.tz import do_timezone
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.languages import LANGUAGES
from schools.models import LanguageListField
from schools.validators import validate_language_codes


class Interpreter(models.Model):
    """Someone the school can call on to interpret: staff, a contracted interpreter, or a
    parent who offered (used only once staff approve the offer)."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("School staff")
        CONTRACTED = "contracted", _("Contracted interpreter")
        PARENT = "parent", _("Parent volunteer")

    school = models.ForeignKey(
        "schools.School",
        on_delete=models.CASCADE,
        related_name="interpreters",
        verbose_name=_("school"),
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.STAFF)
    languages = LanguageListField(
        _("languages"), default=list, validators=[validate_language_codes]
    )
    # A parent's offer, from their page: who offered, and when they said they can help.
    family = models.ForeignKey(
        "families.Family",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="interpreter_offers",
        verbose_name=_("family"),
    )
    note = models.CharField(_("when they can help"), max_length=300, blank=True)
    approved = models.BooleanField(
        _("approved"),
        default=True,
        help_text=_("A parent's offer is used only once staff approve it."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("interpreter")
        verbose_name_plural = _("interpreters")
        ordering = ["name", "pk"]
        constraints = [
            # One offer per family and school: a second tap changes the first.
            models.UniqueConstraint(
                fields=["school", "family"],
                condition=Q(family__isnull=False),
                name="interpreter_one_offer_per_family",
            ),
        ]

    def __str__(self):
        return self.name


class ConferenceDayQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ConferenceDay.Status.PUBLISHED)

    def upcoming(self):
        return self.filter(date__gte=timezone.localdate() - timedelta(days=1))


class ConferenceDay(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (only staff see it)")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    school = models.ForeignKey(
        "schools.School",
        on_delete=models.CASCADE,
        related_name="conference_days",
        verbose_name=_("school"),
    )
    date = models.DateField(_("date"))
    starts = models.TimeField(_("first meeting starts"))
    ends = models.TimeField(_("last meeting ends"))
    slot_minutes = models.PositiveSmallIntegerField(
        _("minutes per meeting"), default=15, help_text=_("Between 5 and 120.")
    )
    place = models.CharField(
        _("place"),
        max_length=200,
        blank=True,
        help_text=_("For example: school library. Leave empty for meetings by phone only."),
    )
    by_phone = models.BooleanField(
        _("meetings by phone offered"),
        default=True,
        help_text=_("For parents who cannot come: the teacher calls them at the time booked."),
    )
    booking_deadline = models.DateTimeField(
        _("book, change or cancel until"),
        help_text=_("After this, families call the school."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ConferenceDayQuerySet.as_manager()

    class Meta:
        verbose_name = _("conference day")
        verbose_name_plural = _("conference days")
        ordering = ["date", "starts", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=models.F("starts")), name="day_ends_after"),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5, slot_minutes__lte=120), name="day_slot_minutes"
            ),
        ]

    def __str__(self):
        return f"{self.school} · {self.date.isoformat()}"

    def get_absolute_url(self):
        return reverse("signups:conferences", kwargs={"slug": self.school.slug})

    def clean(self):
        errors = {}
        if self.starts and self.ends and self.ends <= self.starts:
            errors["ends"] = _("The end must be after the start.")
        if self.slot_minutes is not None and not 5 <= self.slot_minutes <= 120:
            errors["slot_minutes"] = _("Between 5 and 120.")
        # The English place is the one every language falls back to (signups/translation.py).
        if not self.place_en and not self.by_phone:
            errors["place_en"] = _("Give a place, or offer meetings by phone.")
        complete = self.booking_deadline and self.date and self.starts and self.school_id
        if complete and self.booking_deadline > self.at(self.starts):
            errors["booking_deadline"] = _("The deadline must be before the first meeting.")
        if self._booked_times_would_move():
            # Booked meetings keep their times (the families were told them, their reminders
            # are due then): a new date or new slot times would leave them on the old ones.
            errors[NON_FIELD_ERRORS] = _(
                "Families have booked meetings on this day, so its date, first start and "
                "minutes per meeting cannot change. Cancel this day and make a new one."
            )
        if self._cancelled_with_meetings():
            # Its families were told the meeting is off (signups.notices.school_cancelled)
            # and to book another time: published again, their meetings would come back
            # without a word or a reminder, and a second cancel would tell no one.
            errors["status"] = _(
                "The families with meetings this day were told it is cancelled. Make a new day."
            )
        if errors:
            raise ValidationError(errors)

    def _booked_times_would_move(self) -> bool:
        if self.pk is None:
            return False
        before = ConferenceDay.objects.filter(pk=self.pk).values("date", "starts", "slot_minutes")
        before = before.first()
        if before is None:
            return False
        now = {"date": self.date, "starts": self.starts, "slot_minutes": self.slot_minutes}
        return now != before and Booking.objects.filter(slot__day_id=self.pk).exists()

    def _cancelled_with_meetings(self) -> bool:
        if self.pk is None or self.status == self.Status.CANCELLED:
            return False
        was = ConferenceDay.objects.filter(pk=self.pk).values_list("status", flat=True).first()
        booked = Booking.objects.filter(slot__day_id=self.pk)
        return was == self.Status.CANCELLED and booked.exists()

    @property
    def time_zone(self):
        return zoneinfo.ZoneInfo(self.school.time_zone)

    def at(self, time) -> datetime:
        """The day's date at this wall-clock time, in the school's zone."""
        return datetime.combine(self.date, time, tzinfo=self.time_zone)

    @property
    def first_meeting(self) -> datetime:
        return self.at(self.starts)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PUBLISHED and timezone.now() < self.booking_deadline

    def slot_times(self) -> list[tuple[datetime, datetime]]:
        """Every meeting's start and end: from the first start, one slot length after the
        other, leaving out any slot that touches a break."""
        breaks = [(self.at(b.starts), self.at(b.ends)) for b in self.breaks.all()]
        step = timedelta(minutes=self.slot_minutes)
        start, last = self.at(self.starts), self.at(self.ends)
        times = []
        while start + step <= last:
            end = start + step
            if not any(b_start < end and start < b_end for b_start, b_end in breaks):
                times.append((start, end))
            start = end
        return times

    @transaction.atomic
    def make_slots(self) -> int:
        """Slots for every host, for the times not made yet; a time no longer in the day (a
        break added, the end sooner) goes unless a family booked it (it was told that time).
        Returns how many were made."""
        times = self.slot_times()
        # Locked before they are counted: a family booking one of them holds its lock, and
        # its booking is then seen; one that comes after finds the time gone.
        gone = self.slots.exclude(starts_at__in=[start for start, _end in times])
        gone = list(gone.select_for_update().values_list("pk", flat=True))
        Slot.objects.filter(pk__in=gone, bookings__isnull=True).delete()
        made = 0
        for host in self.hosts.all():
            have = set(host.slots.values_list("starts_at", flat=True))
            new = [
                Slot(day=self, host=host, starts_at=start, ends_at=end)
                for start, end in times
                if start not in have
            ]
            Slot.objects.bulk_create(new)
            made += len(new)
        return made


class Break(models.Model):
    day = models.ForeignKey(
        ConferenceDay, on_delete=models.CASCADE, related_name="breaks", verbose_name=_("day")
    )
    starts = models.TimeField(_("break starts"))
    ends = models.TimeField(_("break ends"))

    class Meta:
        verbose_name = _("break")
        verbose_name_plural = _("breaks")
        ordering = ["starts"]

    def __str__(self):
        return f"{self.starts:%H:%M}–{self.ends:%H:%M}"

    def clean(self):
        if self.starts and self.ends and self.ends <= self.starts:
            raise ValidationError({"ends": _("The end must be after the start.")})


class Host(models.Model):
    """A teacher or counselor families meet; by name, with no login."""

    class Role(models.TextChoices):
        TEACHER = "teacher", _("Teacher")
        COUNSELOR = "counselor", _("Counselor")

    day = models.ForeignKey(
        ConferenceDay, on_delete=models.CASCADE, related_name="hosts", verbose_name=_("day")
    )
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.TEACHER)
    room = models.CharField(_("room"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("host (teacher or counselor)")
        verbose_name_plural = _("hosts (teachers or counselors)")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class Availability(models.Model):
    """The hours an interpreter can work on one conference day."""

    day = models.ForeignKey(
        ConferenceDay,
        on_delete=models.CASCADE,
        related_name="availabilities",
        verbose_name=_("day"),
    )
    interpreter = models.ForeignKey(
        Interpreter,
        on_delete=models.CASCADE,
        related_name="availabilities",
        verbose_name=_("interpreter"),
    )
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("interpreter's hours")
        verbose_name_plural = _("interpreters' hours")
        ordering = ["starts"]

    def __str__(self):
        return f"{self.interpreter} {self.starts:%H:%M}–{self.ends:%H:%M}"

    def clean(self):
        if self.starts and self.ends and self.ends <= self.starts:
            raise ValidationError({"ends": _("The end must be after the start.")})


class Slot(models.Model):
    day = models.ForeignKey(
        ConferenceDay, on_delete=models.CASCADE, related_name="slots", verbose_name=_("day")
    )
    host = models.ForeignKey(
        Host, on_delete=models.CASCADE, related_name="slots", verbose_name=_("host")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        verbose_name = _("meeting time")
        verbose_name_plural = _("meeting times")
        ordering = ["starts_at", "host_id"]
        constraints = [
            models.UniqueConstraint(fields=["host", "starts_at"], name="slot_one_per_host_time"),
        ]

    def __str__(self):
        return f"{self.host} {self.local_start:%H:%M}"

    @property
    def local_start(self):
        return do_timezone(self.starts_at, self.day.time_zone)

    @property
    def local_end(self):
        return do_timezone(self.ends_at, self.day.time_zone)


class Booking(models.Model):
    """A family's meeting with one host at one time; at most one per slot, one per family
    and host, and an interpreter in one meeting at a time (the constraints below, and the
    row locks in services.book)."""

    slot = models.ForeignKey(
        Slot, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("meeting time")
    )
    # Copied from the slot, so that the constraints can say "one per family and host" and
    # "an interpreter once per time" without a join.
    host = models.ForeignKey(
        Host, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("host")
    )
    starts_at = models.DateTimeField(_("starts"))
    family = models.ForeignKey(
        "families.Family",
        on_delete=models.CASCADE,
        related_name="conference_bookings",
        verbose_name=_("family"),
    )
    child_name = models.CharField(_("child's first name"), max_length=60, blank=True)
    child_class = models.CharField(_("class"), max_length=30, blank=True)
    by_phone = models.BooleanField(_("by phone"), default=False)
    phone = models.CharField(_("phone to call"), max_length=30, blank=True)
    interpreter_language = models.CharField(
        _("interpreter language"), max_length=10, choices=LANGUAGES, blank=True
    )
    interpreter = models.ForeignKey(
        Interpreter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("interpreter"),
    )
    created_at = models.DateTimeField(_("booked"), default=timezone.now)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["slot"], name="booking_one_per_slot"),
            models.UniqueConstraint(fields=["family", "host"], name="booking_one_per_host"),
            models.UniqueConstraint(
                fields=["interpreter", "starts_at"],
                condition=Q(interpreter__isnull=False),
                name="booking_interpreter_once_per_time",
            ),
        ]

    def __str__(self):
        return f"{self.family} · {self.host}"


from signups.volunteering.models import *  # noqa: E402, F403 (volunteering: signups/volunteering/)
