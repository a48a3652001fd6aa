import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Sum
from django.db.models.expressions import RawSQL
from django.templatetags.tz import do_timezone
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.languages import LANGUAGES
from schools.models import LanguageListField, OrganisedBySchoolOrDistrict, TranslatedContent

# The people holding a place at the event of the row (EventQuerySet.with_places).
HOLDING_SQL = (
    'SELECT COALESCE(SUM("adults" + "children"), 0) FROM "events_rsvp" '
    'WHERE "event_id" = "events_event"."id" AND "status" = %s'
)


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Event.Status.PUBLISHED)

    def upcoming(self):
        return self.filter(ends_at__gte=timezone.now())

    def with_places(self):
        """Each event with the people holding a place, counted in the same query: a page of
        cards costs no extra query for its "places left" (Event.places_left).

        Written in SQL: the same count as a Subquery of a grouped queryset cost about 2 ms
        of CPU to build on every event page and school page (bench/signed_cpu.py), more
        than the rest of the event's query. It names the event's own table, so it is for a
        queryset of events read as it is (not inside another query's subquery)."""
        # Our own constant SQL; the one value (the status) is a parameter.
        holding = RawSQL(HOLDING_SQL, (Rsvp.Status.GOING,), output_field=models.IntegerField())  # noqa: S611
        return self.annotate(people_holding=holding)

    def for_school(self, school):
        """A school's own events and its district's events for all schools."""
        return self.filter(
            Q(school=school) | Q(school__isnull=True, district_id=school.district_id)
        )


class Event(OrganisedBySchoolOrDistrict, TranslatedContent, models.Model):
    translated_fields = ("title", "description")
    organiser_missing = _("Choose a school, or a district for an event open to all its schools.")

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        WORKSHOP = "workshop", _("Workshop")
        CONFERENCE = "conference", _("Parent-teacher conference")
        COMMITTEE = "committee", _("Committee meeting")
        CELEBRATION = "celebration", _("Celebration")
        SUMMIT = "summit", _("Summit")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (only staff see it)")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    school = models.ForeignKey(
        "schools.School",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("school"),
        help_text=_("Leave empty for a district event open to all its schools."),
    )
    district = models.ForeignKey(
        "schools.District",
        on_delete=models.CASCADE,
        blank=True,
        related_name="events",
        verbose_name=_("district"),
        help_text=_("Filled in from the school; choose it only for a district event."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.MEETING)
    title = models.CharField(_("title"), max_length=120)
    short_title = models.CharField(
        _("short title"),
        max_length=60,
        blank=True,
        help_text=_(
            "Used in text messages when the title is too long. Leave empty to shorten the title."
        ),
    )
    description = models.TextField(_("what it is about"), max_length=5000, blank=True)
    place = models.CharField(
        _("place"), max_length=200, help_text=_("For example: school library, room 104.")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(
        _("places (people)"),
        null=True,
        blank=True,
        help_text=_("Adults and children count. Empty: no limit."),
    )
    rsvp_deadline = models.DateTimeField(_("answer by"), null=True, blank=True)
    interpreter_languages = LanguageListField(
        _("interpreters offered in"), default=list, blank=True
    )
    childcare = models.BooleanField(_("childcare"), default=False)
    food = models.BooleanField(_("food"), default=False)
    accessible = models.BooleanField(_("accessible entrance"), default=False)
    online_link = models.URLField(_("online link"), blank=True)
    partners = models.ManyToManyField(
        "schools.Partner", blank=True, related_name="events", verbose_name=_("co-hosting partners")
    )
    committee = models.ForeignKey(
        "committees.Committee",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("committee"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    reminder_offsets = models.JSONField(
        _("reminders (minutes before)"),
        default=list,
        blank=True,
        help_text=_("Empty: 2 days and 3 hours before. For example: 1440, 120."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The calendar's SEQUENCE (RFC 5545): one more each time the time, the place or the
    # status changes, so a phone that holds the event replaces it instead of keeping the old.
    sequence = models.PositiveIntegerField(default=0, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"
            ),
        ]
        indexes = [
            # School and district pages: upcoming published events, soonest first.
            models.Index(
                fields=["school", "starts_at"],
                name="event_school_starts",
                condition=Q(status="published"),
            ),
            models.Index(
                fields=["district", "starts_at"],
                name="event_district_starts",
                condition=Q(status="published"),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"pk": self.pk})

    def clean(self):
        self.clean_organiser()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")})
        if self.rsvp_deadline and self.starts_at and self.rsvp_deadline > self.starts_at:
            raise ValidationError(
                {"rsvp_deadline": _("The date to answer must be before the event.")}
            )

    @property
    def time_zone(self):
        name = self.school.time_zone if self.school_id else settings.TIME_ZONE
        return zoneinfo.ZoneInfo(name)

    # In the event's own time zone, and marked so that templates keep it there: the date and
    # time filters would otherwise turn it back into the server's zone (TIME_ZONE), and a
    # school in Los Angeles would show its 6:30 pm meeting at "9:30 pm".
    @property
    def local_start(self):
        return do_timezone(self.starts_at, self.time_zone)

    @property
    def local_end(self):
        return do_timezone(self.ends_at, self.time_zone)

    @property
    def is_open_for_rsvp(self) -> bool:
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.starts_at > now
            and (self.rsvp_deadline is None or self.rsvp_deadline > now)
        )

    @property
    def places_left(self) -> int | None:
        """Places still free, None when there is no limit. Read from with_places() when the
        queryset has it; otherwise one query."""
        if self.capacity is None:
            return None
        taken = getattr(self, "people_holding", None)
        if taken is None:
            taken = self.people_going()
        return max(self.capacity - taken, 0)

    def people_going(self) -> int:
        return (
            self.rsvps.filter(status=Rsvp.Status.GOING).aggregate(
                n=Sum(F("adults") + F("children"))
            )["n"]
            or 0
        )


class Rsvp(models.Model):
    class Status(models.TextChoices):
        GOING = "going", _("Going")
        WAITLISTED = "waitlisted", _("On the waiting list")
        NOT_GOING = "not_going", _("Not going")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="rsvps", verbose_name=_("event")
    )
    family = models.ForeignKey(
        "families.Family", on_delete=models.CASCADE, related_name="rsvps", verbose_name=_("family")
    )
    status = models.CharField(_("answer"), max_length=10, choices=Status)
    adults = models.PositiveSmallIntegerField(_("adults"), default=1)
    children = models.PositiveSmallIntegerField(_("children"), default=0)
    needs_interpreter = models.BooleanField(_("needs an interpreter"), default=False)
    interpreter_language = models.CharField(
        _("interpreter language"), max_length=10, choices=LANGUAGES, blank=True
    )
    needs_childcare = models.BooleanField(_("needs childcare"), default=False)
    other_needs = models.CharField(_("other needs"), max_length=500, blank=True)
    # The waiting list is served in this order; it is set when a family (re)joins it.
    queued_at = models.DateTimeField(_("answered"), default=timezone.now)
    arrived_at = models.DateTimeField(_("arrived"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set when the door gave the family a place it did not hold (no answer, "not coming" or
    # waiting): the answer as it was, so a mistaken scan can be undone exactly.
    state_before_check_in = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("answer (RSVP)")
        verbose_name_plural = _("answers (RSVPs)")
        ordering = ["queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "family"], name="one_rsvp_per_family_per_event"
            ),
            models.CheckConstraint(
                condition=Q(adults__lte=20, children__lte=20), name="rsvp_party_size"
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "queued_at"], name="rsvp_event_status_queue"),
        ]

    def __str__(self):
        return f"{self.family} · {self.event}"

    @property
    def people(self) -> int:
        return self.adults + self.children

    def place_in_line(self) -> int | None:
        """1 for the party served next from the waiting list; None when not waiting."""
        if self.status != self.Status.WAITLISTED:
            return None
        ahead = Rsvp.objects.filter(event_id=self.event_id, status=self.Status.WAITLISTED).filter(
            Q(queued_at__lt=self.queued_at) | Q(queued_at=self.queued_at, pk__lt=self.pk)
        )
        return ahead.count() + 1


class WalkIn(models.Model):
    """Someone who came without answering first: a name and a language, nothing more."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="walk_ins", verbose_name=_("event")
    )
    name = models.CharField(_("name"), max_length=100)
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGES)
    people = models.PositiveSmallIntegerField(_("people"), default=1)
    arrived_at = models.DateTimeField(_("arrived"), default=timezone.now)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("walk-in")
        verbose_name_plural = _("walk-ins")

    def __str__(self):
        return self.name


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A private calendar address for a family's events; a new token revokes the old one."""

    family = models.OneToOneField(
        "families.Family", on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=40, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.family}"


class MessageCount(models.Model):
    """How many messages of an event are in each status, by kind and channel: what the
    reports and the staff page read instead of the outbox's rows. Kept exact by database
    triggers on messaging_message (events/migrations/0011), in the same transaction as every
    change to a message, whatever made it; the retention task deletes a past event's
    messages and adds their counts back (events.tasks), so its figures stay. Counts only, no
    family."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=5)
    status = models.CharField(max_length=10)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "kind", "channel", "status"], name="messagecount_unique"
            ),
        ]

    def __str__(self):
        return f"{self.event_id} {self.kind} {self.channel} {self.status}: {self.count}"
