"""Advisory committees parents can join, their seats, and the applications for them.

The tables keep the names they had when these models lived in `schools` (db_table below):
the move into this app changed no data.
"""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.languages import LANGUAGES
from schools.models import District, OrganisedBySchoolOrDistrict, School, Status, TranslatedContent


class Committee(OrganisedBySchoolOrDistrict, TranslatedContent, models.Model):
    """An advisory committee parents can join: a school's, or the district's."""

    translated_fields = ("name", "description")
    organiser_missing = _("Choose a school, or a district for a district committee.")

    class Kind(models.TextChoices):
        WELCOMING = "welcoming", _("Parent welcoming committee")
        MULTICULTURAL = "multicultural", _("Multicultural advisory committee")
        LEADERSHIP = "leadership", _("School leadership team")
        DISTRICT = "district", _("District or citywide advisory committee")

    school = models.ForeignKey(
        School,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="committees",
        verbose_name=_("school"),
        help_text=_("Leave empty for a district committee."),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.CASCADE,
        blank=True,
        related_name="committees",
        verbose_name=_("district"),
        help_text=_("Filled in from the school; choose it only for a district committee."),
    )
    kind = models.CharField(_("kind"), max_length=15, choices=Kind)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(
        _("what members do"),
        max_length=5000,
        help_text=_("In plain words: what members do, and why it matters."),
    )
    meets = models.CharField(
        _("when it meets"),
        max_length=300,
        blank=True,
        help_text=_("For example: first Tuesday of the month, 6 pm."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)

    class Meta:
        db_table = "schools_committee"
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("committees:committee", kwargs={"pk": self.pk})

    def clean(self):
        self.clean_organiser()


class Seat(models.Model):
    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="seats", verbose_name=_("committee")
    )
    label = models.CharField(_("seat"), max_length=100, help_text=_("For example: parent seat 1."))
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"))
    holder = models.ForeignKey(
        "families.Family",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="seats",
        verbose_name=_("member"),
    )
    show_name = models.BooleanField(_("member agreed to show their name"), default=False)

    class Meta:
        db_table = "schools_seat"
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        ordering = ["committee", "label"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__gt=F("term_start")), name="seat_term_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.committee} · {self.label}"

    @property
    def is_open(self) -> bool:
        return self.holder_id is None


class SeatApplication(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        SELECTED = "selected", _("Selected")
        NOT_SELECTED = "not_selected", _("Not selected this time")

    committee = models.ForeignKey(
        Committee,
        on_delete=models.CASCADE,
        related_name="applications",
        verbose_name=_("committee"),
    )
    family = models.ForeignKey(
        "families.Family",
        on_delete=models.CASCADE,
        related_name="seat_applications",
        verbose_name=_("family"),
    )
    statement = models.TextField(
        _("why you would like to join"),
        max_length=3000,
        help_text=_("In any language. A few sentences are enough."),
    )
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGES)
    wants_partner_help = models.BooleanField(
        _("I would like help from a community organisation"), default=False
    )
    show_name = models.BooleanField(
        _("If I am chosen, my name may be shown on the committee page"), default=False
    )
    status = models.CharField(_("status"), max_length=15, choices=Status, default=Status.APPLIED)
    seat = models.ForeignKey(
        Seat,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("seat"),
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        db_table = "schools_seatapplication"
        verbose_name = _("seat application")
        verbose_name_plural = _("seat applications")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "family"], name="one_application_per_committee"
            ),
        ]

    def __str__(self):
        return f"{self.family} · {self.committee}"
