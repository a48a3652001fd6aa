import math
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from messaging.phones import to_e164
from portal.languages import LANGUAGES

# Short codes are typed by a person at the door: no 0/O, 1/I/L, or other look-alikes.
SHORT_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"


def new_short_code() -> str:
    raw = "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def new_public_id() -> str:
    return secrets.token_urlsafe(16)  # 128 bits: not guessable, short enough for a QR code


class Channel(models.TextChoices):
    SMS = "sms", _("Text message (SMS)")
    VOICE = "voice", _("Phone call")
    EMAIL = "email", _("Email")
    NONE = "none", _("No phone: I will print my pass")


class FamilyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(erased_at__isnull=True)

    def at_schools(self, schools):
        return self.filter(memberships__school__in=schools).distinct()

    def reached_at(self, phone: str):
        """The active families whose messages go to this number: the one whose login has it
        and those registered to share it (Family.shared_phone), oldest first, so the
        letters a shared phone is asked to choose by stay the same (RELIABILITY E14). The
        one way every part of the portal finds families by a number they texted from."""
        number = normalised_phone(phone)
        if not number:
            return self.none()
        return self.active().filter(Q(user__phone=number) | Q(shared_phone=number)).order_by("pk")


def normalised_phone(text: str) -> str:
    """A number as we store it (E.164), however the provider or a person wrote it; a number
    phonenumbers cannot read is kept as given, stripped, so it still matches itself."""
    text = (text or "").strip()
    return (to_e164(text) or text) if text else ""


# The attribute a signed-in request's user carries when its active family was read in the
# same statement as its session (portal.signed_in): that Family, or None when it has none.
READ_WITH_SESSION = "_active_family_read_with_session"
NOT_READ = object()


def read_with_session(user):
    """The user's active family as read with the request's session, checked to be this
    user's and not erased: a Family, None when the login has none, or NOT_READ when it was
    not read that way (a session read from the database): then the caller asks."""
    family = getattr(user, READ_WITH_SESSION, NOT_READ)
    if family is None or family is NOT_READ:
        return family
    if family.user_id != user.pk or family.erased_at is not None:
        return NOT_READ
    return family


class Family(models.Model):
    """A family as the portal knows it: a name to show, a language, a way to reach them.

    No legal name, address, birthplace, immigration status or ID number, ever.
    """

    # Phone and email live on the login, where allauth confirms them. A family registered
    # at the desk with neither has no login at all (and no way to be texted). SET_NULL: an
    # erasure deletes the login and keeps the blanked row, so the counts of past events that
    # point to it stay right.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="family",
        verbose_name=_("login"),
    )
    display_name = models.CharField(
        _("name to show"),
        max_length=100,
        help_text=_("Any name you like, for example “Maria, mother of Ana”."),
    )
    language = models.CharField(_("preferred language"), max_length=10, choices=LANGUAGES)
    channel = models.CharField(
        _("how to reach you"), max_length=10, choices=Channel, default=Channel.SMS
    )
    wants_interpreter = models.BooleanField(
        _("I would like an interpreter at meetings"), default=False
    )
    interpreter_language = models.CharField(
        _("interpreter language"), max_length=10, choices=LANGUAGES, blank=True
    )
    # A number another family's login already has (a grandmother's phone for two
    # daughters' families): staff confirmed at the desk that both families get their
    # messages on it. E.164, not unique, and no login: a code to log in goes only to the
    # login that owns the number (RELIABILITY E14). Used when the family has no phone on a
    # login of its own.
    shared_phone = models.CharField(
        _("mobile phone shared with another family"),
        max_length=20,
        null=True,
        blank=True,
        db_index=True,
        editable=False,
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered with the help of"),
    )
    registered_by_partner = models.ForeignKey(
        "schools.Partner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="families",
        verbose_name=_("community partner that helped"),
    )
    # Set when staff or a partner registered the family (the form will not go without the
    # family's agreement); a family that signs up itself gives it by signing up.
    consent_at = models.DateTimeField(_("family agreed to be registered"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    last_active_at = models.DateTimeField(_("last active"), default=timezone.now)
    # Warnings sent before an inactive family is anonymised (families.tasks): two, then the
    # erasure. A login puts it back to 0 with last_active_at.
    retention_warnings = models.PositiveSmallIntegerField(default=0, editable=False)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    objects = FamilyQuerySet.as_manager()

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")
        ordering = ["display_name"]
        indexes = [
            # The retention task looks for families inactive for a long time.
            models.Index(
                fields=["last_active_at"],
                name="family_last_active",
                condition=Q(erased_at__isnull=True),
            ),
        ]

    def __str__(self):
        # A real str, never a lazy one: Python refuses anything else from __str__, and an
        # erased family still appears in the lists staff open.
        return self.display_name or gettext("(erased)")

    def get_absolute_url(self):
        return reverse("families:profile")

    @property
    def phone(self) -> str:
        """Where its texts and calls go: its login's number, or the number it shares."""
        own = (self.user.phone or "") if self.user_id else ""
        return own or self.shared_phone or ""

    @property
    def email(self) -> str:
        return (self.user.email or "") if self.user_id else ""

    def current_pass(self):
        return self.passes.filter(revoked_at__isnull=True).order_by("-issued_at").first()


class Membership(models.Model):
    """A family belongs to a school once the school's staff confirm it (or it used a join code)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for the school")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Not confirmed")

    class Via(models.TextChoices):
        REQUEST = "request", _("Asked online")
        JOIN_CODE = "join_code", _("Join code")
        STAFF = "staff", _("School staff")
        PARTNER = "partner", _("Community partner")

    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("family")
    )
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("school"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.REQUESTED)
    via = models.CharField(_("how"), max_length=10, choices=Via, default=Via.REQUEST)
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("school membership")
        verbose_name_plural = _("school memberships")
        constraints = [
            models.UniqueConstraint(fields=["family", "school"], name="one_membership_per_school"),
        ]

    def __str__(self):
        return f"{self.family} · {self.school}"

    # A school's usual answer time is stated only from enough answers: a figure from two or
    # three would be a promise the school never made.
    ANSWERS_FOR_A_FIGURE = 5

    @classmethod
    def usual_answer_days(cls, school_ids) -> dict:
        """{school id: days} within which each school answered three in four requests to join
        asked online in the last year (a request still waiting counts with its wait so far,
        so a school that leaves requests unanswered gets a longer figure, not a shorter one).
        A school with fewer answers than ANSWERS_FOR_A_FIGURE is left out. One query."""
        now = timezone.now()
        rows = cls.objects.filter(
            school_id__in=list(school_ids),
            via=cls.Via.REQUEST,
            created_at__gte=now - timedelta(days=365),
        ).values_list("school_id", "created_at", "decided_at")
        waits, answered = {}, {}
        for school_id, created_at, decided_at in rows:
            waits.setdefault(school_id, []).append((decided_at or now) - created_at)
            answered[school_id] = answered.get(school_id, 0) + (decided_at is not None)
        days = {}
        for school_id, school_waits in waits.items():
            if answered[school_id] < cls.ANSWERS_FOR_A_FIGURE:
                continue
            school_waits.sort()
            three_in_four = school_waits[math.ceil(len(school_waits) * 0.75) - 1]
            days[school_id] = max(1, math.ceil(three_in_four / timedelta(days=1)))
        return days


class FamilyPass(models.Model):
    """The parent ID card. Its QR code carries a signed random id: no personal data."""

    # A salt of its own: a pass token cannot stand in for any other value the portal signs
    # with the same SECRET_KEY, nor the other way round.
    SALT = "families.pass"

    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, related_name="passes", verbose_name=_("family")
    )
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    short_code = models.CharField(_("code"), max_length=9, unique=True, default=new_short_code)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("family pass")
        verbose_name_plural = _("family passes")
        constraints = [
            # One valid pass per family at a time; a reissued pass revokes the old one.
            models.UniqueConstraint(
                fields=["family"],
                condition=Q(revoked_at__isnull=True),
                name="one_valid_pass_per_family",
            ),
        ]

    def __str__(self):
        return self.short_code

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    def signed_token(self) -> str:
        return signing.Signer(salt=self.SALT).sign(self.public_id)

    @classmethod
    def from_token(cls, token: str):
        try:
            public_id = signing.Signer(salt=cls.SALT).unsign(token)
        except signing.BadSignature:
            return None
        return cls.objects.select_related("family").filter(public_id=public_id).first()

    @classmethod
    def from_short_code(cls, code: str):
        # Typed by a volunteer at the door: case, spaces and dashes do not matter, and a
        # character that cannot be in a code is dropped rather than failing the whole code.
        cleaned = "".join(ch for ch in code.upper() if ch in SHORT_CODE_ALPHABET)
        if len(cleaned) != 8:
            return None
        return (
            cls.objects.select_related("family")
            .filter(short_code=f"{cleaned[:4]}-{cleaned[4:]}")
            .first()
        )


class PassCheck(models.Model):
    """Every look at a pass by the front desk: when, who, where, and what they were told."""

    class Result(models.TextChoices):
        VALID = "valid", _("Valid for this school")
        NOT_HERE = "not_here", _("Not valid for this school")
        REVOKED = "revoked", _("Not valid (cancelled pass)")
        UNKNOWN = "unknown", _("Not valid (unknown pass)")

    # SET_NULL: an erasure deletes the family's passes; the record of the check (when,
    # where, what the desk was told) stays, without whose pass it was.
    family_pass = models.ForeignKey(
        FamilyPass,
        on_delete=models.SET_NULL,
        null=True,
        related_name="checks",
        verbose_name=_("pass"),
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="+", verbose_name=_("school")
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)
    result = models.CharField(_("result"), max_length=10, choices=Result)

    class Meta:
        verbose_name = _("pass check")
        verbose_name_plural = _("pass checks")
        ordering = ["-checked_at"]

    def __str__(self):
        return f"{self.checked_at:%Y-%m-%d %H:%M} · {self.get_result_display()}"


class Feedback(models.Model):
    """A question, a piece of feedback or a family's story, sent to a school."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("A question")
        FEEDBACK = "feedback", _("Feedback about the school")
        STORY = "story", pgettext_lazy("feedback kind", "My story")

    school = models.ForeignKey(
        "schools.School",
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name=_("school"),
    )
    family = models.ForeignKey(
        Family,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
        verbose_name=_("family"),
        help_text=_("Empty when the family wrote without giving its name."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.QUESTION)
    text = models.TextField(_("message"), max_length=5000)
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGES)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    answer = models.TextField(_("answer"), max_length=5000, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )

    class Meta:
        verbose_name = _("question or story")
        verbose_name_plural = _("questions and stories")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.created_at:%Y-%m-%d}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None
