"""Volunteering: a school asks families for help (chaperone a trip, interpret at the welcome
night, cook), in shifts of so many places; families sign up whole parties, and a full shift
keeps a waiting list served in order (signups.volunteering.services holds the lock)."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.templatetags.tz import do_timezone
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schools.models import LanguageListField, TranslatedContent

__all__ = ["Opportunity", "Shift", "VolunteerSignup"]

MAX_PARTY = 10


class OpportunityQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Opportunity.Status.PUBLISHED)


class Opportunity(TranslatedContent, models.Model):
    """What the school asks help for, in the words families read (translated like events)."""

    translated_fields = ("title", "description")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (only staff see it)")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    school = models.ForeignKey(
        "schools.School",
        on_delete=models.CASCADE,
        related_name="volunteer_opportunities",
        verbose_name=_("school"),
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("what it is about"), max_length=3000, blank=True)
    place = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("For example: school kitchen.")
    )
    skills = models.CharField(
        _("skills wanted"),
        max_length=200,
        blank=True,
        help_text=_("For example: cooking, driving. Leave empty if anyone can help."),
    )
    languages = LanguageListField(_("languages wanted"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer opportunity")
        verbose_name_plural = _("volunteer opportunities")
        ordering = ["pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("signups:volunteer", kwargs={"slug": self.school.slug}) + f"#opp-{self.pk}"

    @property
    def time_zone(self):
        return zoneinfo.ZoneInfo(self.school.time_zone)


class ShiftQuerySet(models.QuerySet):
    def with_places(self):
        """Each shift with the people holding a place, counted in the same query."""
        holding = (
            VolunteerSignup.objects.filter(
                shift=OuterRef("pk"), status=VolunteerSignup.Status.GOING
            )
            .values("shift")
            .annotate(n=Sum("people"))
            .values("n")
        )
        return self.annotate(people_holding=Coalesce(Subquery(holding), 0))

    def upcoming(self):
        return self.filter(starts_at__gt=timezone.now())


class Shift(models.Model):
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("opportunity")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    places = models.PositiveSmallIntegerField(
        _("places (people)"), help_text=_("How many people the school needs for this shift.")
    )

    objects = ShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.opportunity} · {self.starts_at:%Y-%m-%d %H:%M}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")})

    # In the school's own time zone, marked so that templates keep it there.
    @property
    def local_start(self):
        return do_timezone(self.starts_at, self.opportunity.time_zone)

    @property
    def local_end(self):
        return do_timezone(self.ends_at, self.opportunity.time_zone)

    @property
    def is_open(self) -> bool:
        return (
            self.opportunity.status == Opportunity.Status.PUBLISHED
            and self.starts_at > timezone.now()
        )

    @property
    def places_left(self) -> int:
        taken = getattr(self, "people_holding", None)
        if taken is None:
            taken = self.people_going()
        return max(self.places - taken, 0)

    def people_going(self) -> int:
        return (
            self.signups.filter(status=VolunteerSignup.Status.GOING).aggregate(n=Sum("people"))["n"]
            or 0
        )


class VolunteerSignup(models.Model):
    class Status(models.TextChoices):
        GOING = "going", _("Coming to help")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    shift = models.ForeignKey(
        Shift, on_delete=models.CASCADE, related_name="signups", verbose_name=_("shift")
    )
    family = models.ForeignKey(
        "families.Family",
        on_delete=models.CASCADE,
        related_name="volunteer_signups",
        verbose_name=_("family"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status)
    people = models.PositiveSmallIntegerField(_("people"), default=1)
    note = models.CharField(_("note for the school"), max_length=300, blank=True)
    # The waiting list is served in this order; set when the family (re)joins it.
    queued_at = models.DateTimeField(_("signed up"), default=timezone.now)

    class Meta:
        verbose_name = _("volunteer sign-up")
        verbose_name_plural = _("volunteer sign-ups")
        ordering = ["queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["shift", "family"], name="one_signup_per_family_shift"),
            models.CheckConstraint(
                condition=Q(people__gte=1, people__lte=MAX_PARTY), name="signup_party_size"
            ),
        ]
        indexes = [
            models.Index(fields=["shift", "status", "queued_at"], name="signup_shift_status_queue"),
        ]

    def __str__(self):
        return f"{self.family} · {self.shift}"

    def place_in_line(self) -> int | None:
        """1 for the party served next from the waiting list; None when not waiting."""
        if self.status != self.Status.WAITLISTED:
            return None
        ahead = VolunteerSignup.objects.filter(
            shift_id=self.shift_id, status=self.Status.WAITLISTED
        ).filter(Q(queued_at__lt=self.queued_at) | Q(queued_at=self.queued_at, pk__lt=self.pk))
        return ahead.count() + 1
