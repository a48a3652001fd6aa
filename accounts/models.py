from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **fields):
        email = self.normalize_email(email) if email else None
        user = self.model(email=email, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in. One name field: names differ across cultures."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=150, blank=True)
    email = models.EmailField(_("email address"), unique=True, null=True, blank=True)
    # E.164 (+15551234567); many parents have a phone and no email.
    phone = models.CharField(_("mobile phone"), max_length=20, unique=True, null=True, blank=True)
    phone_verified = models.BooleanField(_("phone confirmed"), default=False)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Can log in to the staff pages."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(phone__isnull=False),
                name="user_has_email_or_phone",
            ),
        ]

    def __str__(self):
        return self.name or self.email or self.phone or str(self.pk)

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name


class AuditEvent(models.Model):
    """Who looked at or changed a family's record, and when. Ids only, never personal data."""

    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("person")
    )
    action = models.CharField(_("action"), max_length=40)
    object_type = models.CharField(_("record type"), max_length=40)
    object_id = models.CharField(_("record id"), max_length=40)
    allowed = models.BooleanField(_("allowed"), default=True)
    at = models.DateTimeField(_("when"), default=timezone.now)
    # How many rows a list or a download showed (a count, never the rows themselves).
    rows = models.PositiveIntegerField(_("rows shown"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"

    @classmethod
    def record(
        cls,
        actor,
        action: str,
        obj,
        allowed: bool = True,
        object_type: str = "",
        rows: int | None = None,
    ):
        """obj: a model instance, or an id with its object_type (e.g. a report's slug);
        rows: how many rows a list or a download showed."""
        if not object_type:
            object_type = obj._meta.model_name if hasattr(obj, "_meta") else str(type(obj))
        return cls.objects.create(
            actor=actor if actor and actor.is_authenticated else None,
            action=action[:40],
            object_type=object_type[:40],
            object_id=str(getattr(obj, "pk", obj))[:40],
            allowed=allowed,
            rows=rows,
        )
