"""Announcements: what a school (or a district, for all its schools) tells its families at
once, with one version per language.

A version is a row of its own rather than a translated column: each language's text has
its own state (written by a person, or machine translated and waiting for a person to
approve it), and staff see and approve versions one by one. No family's data is kept here:
who received an announcement is in the outbox's messages (messaging.Message, kinds
"announcement" and "announcement_urgent", context {"announcement": <pk>}).
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.languages import LANGUAGES
from schools.models import OrganisedBySchoolOrDistrict

# The beat sends a due scheduled announcement within a minute; one still unsent this long
# after its time is stuck (Announcement.is_locked).
DUE_GRACE = timedelta(minutes=5)
# A text is two SMS segments at most: the body is kept short enough to go whole in most
# languages, and a longer one ends with a link to the family's page.
BODY_MAX = 1000


class AnnouncementQuerySet(models.QuerySet):
    def sent(self):
        return self.filter(status=Announcement.Status.SENT)

    def for_family(self, family):
        """The announcements whose audience holds this family, as it is now: its confirmed
        schools' (and their districts') announcements to all families, those for the events
        it is going to, those for the committees it sits on."""
        from committees.models import Seat
        from events.models import Rsvp
        from families.models import Membership

        schools = Membership.objects.filter(
            family=family, status=Membership.Status.CONFIRMED
        ).values("school_id")
        districts = Membership.objects.filter(
            family=family, status=Membership.Status.CONFIRMED
        ).values("school__district_id")
        going = Rsvp.objects.filter(family=family, status=Rsvp.Status.GOING).values("event_id")
        seats = Seat.objects.filter(holder=family).values("committee_id")
        audience = Announcement.Audience
        return self.filter(
            Q(audience=audience.ALL, school__in=schools)
            | Q(audience=audience.ALL, school__isnull=True, district__in=districts)
            | Q(audience=audience.EVENT, event__in=going)
            | Q(audience=audience.COMMITTEE, committee__in=seats)
        )


class Announcement(OrganisedBySchoolOrDistrict, models.Model):
    organiser_missing = _("Choose a school, or a district for an announcement to all its schools.")

    class Audience(models.TextChoices):
        ALL = "all", _("All families")
        EVENT = "event", _("Families going to an event")
        COMMITTEE = "committee", _("Members of a committee")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENT = "sent", _("Sent")

    school = models.ForeignKey(
        "schools.School",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="announcements",
        verbose_name=_("school"),
        help_text=_("Leave empty for a district announcement to all its schools."),
    )
    district = models.ForeignKey(
        "schools.District",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="announcements",
        verbose_name=_("district"),
        help_text=_("Filled in from the school; choose it only for a district announcement."),
    )
    audience = models.CharField(_("to whom"), max_length=10, choices=Audience, default=Audience.ALL)
    event = models.ForeignKey(
        "events.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="announcements",
        verbose_name=_("event"),
    )
    committee = models.ForeignKey(
        "committees.Committee",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="announcements",
        verbose_name=_("committee"),
    )
    default_language = models.CharField(
        _("language for families without their own version"),
        max_length=10,
        choices=LANGUAGES,
        default="en",
        help_text=_("Families whose language has no version read this one, and are told so."),
    )
    urgent = models.BooleanField(
        _("urgent"),
        default=False,
        help_text=_(
            "Only for news that cannot wait (school closed today): sent at night too, and "
            "past the daily limit. School and district admins only."
        ),
    )
    send_at = models.DateTimeField(
        _("send at"),
        null=True,
        blank=True,
        help_text=_("Leave empty to send when you press Send. Texts still wait out the night."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT, editable=False
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-created_at", "-pk"]
        permissions = [("mark_urgent", _("Can mark an announcement urgent (school admins)"))]

    def __str__(self):
        version = self.version_in(self.default_language)
        return version.title if version else str(_("Announcement %(number)s") % {"number": self.pk})

    def get_absolute_url(self):
        return reverse("conversations:announcements") + f"#announcement-{self.pk}"

    def clean(self):
        self.clean_organiser()
        errors = {}
        if self.audience == self.Audience.EVENT:
            if not self.event_id:
                errors["event"] = _("Choose the event whose families should receive it.")
            elif not self._same_organiser(self.event):
                errors["event"] = _("Choose an event of the same school or district.")
        if self.audience == self.Audience.COMMITTEE:
            if not self.committee_id:
                errors["committee"] = _("Choose the committee whose members should receive it.")
            elif not self._same_organiser(self.committee):
                errors["committee"] = _("Choose a committee of the same school or district.")
        if errors:
            raise ValidationError(errors)

    def _same_organiser(self, other) -> bool:
        if self.school_id:
            return other.school_id == self.school_id or (
                other.school_id is None and other.district_id == self.school.district_id
            )
        return other.district_id == self.district_id

    def is_locked(self, now=None) -> bool:
        """Sent (its sending starts and ends in one transaction, under the row's lock), or
        scheduled and due: what families received, or are about to, is what the record
        shows, so its text and versions are no longer edited (the admin shows them
        read-only and refuses a forged POST). A scheduled one still unsent DUE_GRACE after
        its time was refused by the beat (a version waits for review, services.send_due)
        and waits for staff: it is theirs to fix again."""
        if self.status == self.Status.SENT:
            return True
        if self.status != self.Status.SCHEDULED or self.send_at is None:
            return False
        now = now or timezone.now()
        return now - DUE_GRACE <= self.send_at <= now

    @property
    def kind(self) -> str:
        return "announcement_urgent" if self.urgent else "announcement"

    def version_in(self, language: str):
        """The version in this language, else the default language's (from versions already
        read, when prefetched)."""
        versions = {v.language: v for v in self.versions.all()}
        return versions.get(language) or versions.get(self.default_language)


class Version(models.Model):
    """The announcement in one language."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="versions"
    )
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGES)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(
        _("text"),
        max_length=BODY_MAX,
        help_text=_("Plain words. A text message holds about 300 letters (130 in Arabic)."),
    )
    machine_translated = models.BooleanField(_("machine translated"), default=False)
    needs_review = models.BooleanField(
        _("machine translated — needs review"),
        default=False,
        help_text=_("Untick once a person who reads this language has checked the text."),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["announcement", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "language"], name="one_announcement_version_per_language"
            )
        ]

    def __str__(self):
        return f"{self.get_language_display()}: {self.title}"
