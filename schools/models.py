import math
import secrets
import zoneinfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.utils import build_localized_fieldname

from messaging.phones import tel_uri
from portal.languages import LANGUAGE_CODES, LANGUAGES
from schools.audio import prepared_for, recording_kind
from schools.readability import reading_grade
from schools.validators import NOT_AUDIO, validate_audio_file, validate_language_codes


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(zone)s."), params={"zone": value})


def new_join_code() -> str:
    # Same look-alike-free alphabet as family passes: typed by parents from paper.
    alphabet = "ACDEFGHJKMNPQRTUVWXY34679"
    raw = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


class LanguageListField(models.JSONField):
    """A list of the portal's language codes, edited as checkboxes."""

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=LANGUAGES,
            widget=forms.CheckboxSelectMultiple,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            error_messages={"required": _("Choose at least one language the school publishes in.")},
        )


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft (only staff see it)")
    PUBLISHED = "published", _("Published")


class TranslatedContent:
    """Helpers for content fields translated with modeltranslation."""

    translated_fields: tuple[str, ...] = ()

    def has_translation(self, language: str, field: str | None = None) -> bool:
        fields = (field,) if field else self.translated_fields
        return all(getattr(self, build_localized_fieldname(f, language), "") for f in fields)

    def missing_languages(self, languages=None) -> list[str]:
        return [code for code in (languages or LANGUAGE_CODES) if not self.has_translation(code)]


class District(TranslatedContent, models.Model):
    translated_fields = ("name",)

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name for web addresses"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("schools:district", kwargs={"slug": self.slug})


class SchoolQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def search(self, text: str):
        # Parents may type the school's name in any script the school uses.
        text = text.strip()[:100]
        if not text:
            return self
        match = Q()
        for code in LANGUAGE_CODES:
            match |= Q(**{f"{build_localized_fieldname('name', code)}__icontains": text})
            match |= Q(**{f"district__{build_localized_fieldname('name', code)}__icontains": text})
        return self.filter(match)


class School(TranslatedContent, models.Model):
    translated_fields = ("name", "welcome")

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="schools", verbose_name=_("district")
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("short name for web addresses"),
        max_length=80,
        unique=True,
        help_text=_("Letters, numbers and hyphens only, e.g. lincoln-elementary."),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(
        _("phone"),
        max_length=30,
        blank=True,
        help_text=_("Families call this number to ask for an interpreter."),
    )
    languages = LanguageListField(
        _("languages the school publishes in"),
        default=list,
        validators=[validate_language_codes],
        help_text=_("Guides and events are checked for a translation in each of these."),
    )
    welcome = models.TextField(_("welcome text"), max_length=5000, blank=True)
    safe_zone = models.TextField(
        _("safe zone statement"),
        max_length=3000,
        blank=True,
        help_text=_(
            "Shown on every school page. Leave empty to show the portal's standard statement."
        ),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=60, default="America/New_York", validators=[validate_time_zone]
    )
    is_active = models.BooleanField(_("shown to families"), default=True)
    join_code = models.CharField(
        _("join code"),
        max_length=9,
        unique=True,
        default=new_join_code,
        help_text=_("Give it to families on paper: with it they join the school at once."),
    )

    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("schools:school", kwargs={"slug": self.slug})

    @property
    def phone_link(self) -> str:
        return tel_uri(self.phone) if self.phone else ""


class GuideQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)


class Guide(TranslatedContent, models.Model):
    """A plain-language "How our school works" guide, made of sections."""

    translated_fields = ("title",)

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="guides", verbose_name=_("school")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=1000, blank=True)
    slug = models.SlugField(
        _("short name for web addresses"),
        max_length=80,
        help_text=_("Letters, numbers and hyphens only, e.g. how-our-school-works."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = GuideQuerySet.as_manager()

    class Meta:
        verbose_name = _("guide")
        verbose_name_plural = _("guides")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["school", "slug"], name="guide_slug_unique_per_school"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("schools:guide", kwargs={"school": self.school.slug, "slug": self.slug})


class GuideSectionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)


class GuideSection(TranslatedContent, models.Model):
    """One part of a guide: the school day, who to call, report cards, …"""

    translated_fields = ("title", "body")

    guide = models.ForeignKey(
        Guide, on_delete=models.CASCADE, related_name="sections", verbose_name=_("guide")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"),
        max_length=20000,
        help_text=_("Short sentences and everyday words. Leave an empty line between paragraphs."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PUBLISHED)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = GuideSectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("guide section")
        verbose_name_plural = _("guide sections")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title

    def reading_grades(self) -> dict[str, float]:
        """Estimated school grade needed to read each language version a library can rate."""
        grades = {}
        for code in LANGUAGE_CODES:
            text = getattr(self, build_localized_fieldname("body", code), "")
            grade = reading_grade(text, code) if text else None
            if grade is not None:
                grades[code] = grade
        return grades

    def too_hard_languages(self) -> list[str]:
        limit = settings.READING_GRADE_WARNING
        return [code for code, grade in self.reading_grades().items() if grade > limit]


class RecordingFile(FieldFile):
    """A recording is named by what it is: the kind found in its content (schools.audio) gives
    the extension, whatever the uploaded name said (player.js, page.html), so no upload is ever
    served as a script or a page. Every way of storing one goes through here.

    What is stored is the Opus made of it (schools.audio.to_opus), light enough for prepaid
    data; the original is only the upload's temporary file and goes with the request. When
    the Opus cannot be made in time, the checked original is stored and
    schools.tasks.prepare_recordings replaces it later."""

    def save(self, name, content, save=True):
        kind = recording_kind(content)
        if kind is None:
            raise ValidationError(NOT_AUDIO, code="not_audio")
        prepared = prepared_for(content)  # the form's check made it already: not made twice
        audio = self.instance
        if prepared is None:
            audio.prepared, audio.seconds, audio.file_size = False, None, content.size
            super().save(f"recording.{kind}", content, save)
        else:
            audio.prepared, audio.seconds = True, prepared.seconds
            audio.file_size = len(prepared.data)
            super().save("recording.opus", ContentFile(prepared.data), save)


class RecordingField(models.FileField):
    attr_class = RecordingFile


def audio_upload_path(instance, filename):
    # `filename` is "recording.<kind>" (RecordingFile.save); the name itself is random.
    extension = filename.rsplit(".", 1)[-1]
    language = instance.language if instance.language in LANGUAGE_CODES else "audio"
    return f"guide-audio/{instance.section_id}/{language}-{secrets.token_urlsafe(12)}.{extension}"


class GuideSectionAudio(models.Model):
    """A recording of a section in one language, for parents who prefer to listen."""

    section = models.ForeignKey(
        GuideSection, on_delete=models.CASCADE, related_name="audio", verbose_name=_("section")
    )
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGES)
    file = RecordingField(
        _("sound file"),
        upload_to=audio_upload_path,
        validators=[validate_audio_file],
        help_text=_("MP3, M4A, OGG, WAV or WEBM, at most 20 MB."),
    )
    # Set when the file is stored (RecordingFile.save), so the page says how long and how
    # heavy it is without opening the file.
    # (Never shown to staff: no label to translate.)
    prepared = models.BooleanField(default=False, editable=False)  # stored as Opus
    seconds = models.FloatField(null=True, editable=False)
    file_size = models.PositiveIntegerField(null=True, editable=False)

    class Meta:
        verbose_name = _("recording")
        verbose_name_plural = _("recordings")
        constraints = [
            models.UniqueConstraint(
                fields=["section", "language"], name="one_recording_per_section_language"
            ),
        ]

    def __str__(self):
        return f"{self.section} ({self.language})"

    def length_label(self) -> str:
        """ "4 min", "45 s": how long it plays, in the page's language ("" when not known)."""
        if not self.seconds:
            return ""
        if self.seconds < 59.5:
            seconds = max(1, math.floor(self.seconds + 0.5))
            return ngettext("%(seconds)s s", "%(seconds)s s", seconds) % {"seconds": seconds}
        minutes = math.floor(self.seconds / 60 + 0.5)  # 90 s is "2 min", as people say it
        return ngettext("%(minutes)s min", "%(minutes)s min", minutes) % {
            "minutes": number_format(minutes, force_grouping=True)
        }

    def size_label(self) -> str:
        """ "2 MB", "1.4 MB", "300 KB": what it costs to download, in the page's language."""
        if not self.file_size:
            return ""
        megabytes = self.file_size / (1024 * 1024)
        if megabytes < 1:
            kilobytes = max(1, math.floor(self.file_size / 1024 + 0.5))
            return _("%(size)s KB") % {"size": number_format(kilobytes)}
        places = 1 if megabytes < 10 else 0
        return _("%(size)s MB") % {"size": number_format(round(megabytes, places), places)}


class Partner(models.Model):
    """A community-based organisation that registers families and co-hosts events."""

    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    schools = models.ManyToManyField(
        School, related_name="partners", verbose_name=_("schools it works with")
    )

    class Meta:
        verbose_name = _("community partner")
        verbose_name_plural = _("community partners")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OrganisedBySchoolOrDistrict:
    """Events and committees belong to a school, or to a district for all its schools."""

    organiser_missing = ""  # each model says it in its own words

    def clean_organiser(self):
        if self.school_id:
            self.district_id = self.school.district_id
        elif not self.district_id:
            raise ValidationError(self.organiser_missing, code="no_organiser")


# Staff roles live in their own module; imported here so that Django finds the model. At
# the end: that module imports the models above.
from schools.staff import StaffRole  # noqa: E402, F401
