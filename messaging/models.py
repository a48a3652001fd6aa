from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.languages import LANGUAGES


class Message(models.Model):
    """One message to one recipient by one channel: the outbox. Written in the same
    transaction as the change it tells of; sent at most once.

    No address and no text are stored: the recipient is resolved and the text rendered in
    the recipient's language when the message is sent, so erasing a family leaves nothing
    personal here.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        UNKNOWN = "unknown", _("Unknown (check with the family)")

    class Channel(models.TextChoices):
        SMS = "sms", _("Text message (SMS)")
        VOICE = "voice", _("Phone call")
        EMAIL = "email", _("Email")

    recipient = models.CharField(_("recipient"), max_length=40, help_text="family:<id>")
    channel = models.CharField(_("channel"), max_length=5, choices=Channel)
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGES)
    kind = models.CharField(_("kind"), max_length=40)
    context = models.JSONField(_("details"), default=dict, blank=True)
    due_at = models.DateTimeField(_("due"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    provider_id = models.CharField(_("provider id"), max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["due_at", "pk"]
        indexes = [
            # The dispatcher's query: queued messages whose time has come.
            models.Index(
                fields=["due_at"], name="message_due_queued", condition=Q(status="queued")
            ),
            # The lease check: messages stuck in "sending".
            models.Index(
                fields=["claimed_at"], name="message_sending", condition=Q(status="sending")
            ),
            models.Index(fields=["recipient", "status"], name="message_recipient_status"),
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient} ({self.channel}, {self.status})"


class SmsOptOut(models.Model):
    """A number that replied STOP (or ARRET, PARA, …). Only a keyed hash of the number is
    kept, so the opt-out outlives an erasure without keeping the number."""

    number_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("text messages turned off")
        verbose_name_plural = _("text messages turned off")

    def __str__(self):
        return self.number_hash[:12]


class InboundSms(models.Model):
    """A text the provider delivered to our webhook, by its MessageSid only: the provider
    retries a delivery it thinks failed, and a STOP or START must not act twice. A reply by
    email is recorded the same way, as "email:" and a hash of its Message-Id
    (messaging.email_replies). No number, address or text is kept; rows are forgotten after
    KEEP_DAYS, long after any retry."""

    KEEP_DAYS = 7

    sid = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return self.sid

    @classmethod
    def first_delivery(cls, sid: str) -> bool:
        """Records the delivery; False when this message was already received. Call it inside
        the transaction that acts on the message: a second delivery arriving meanwhile waits
        on the unique key, and is acted on only if the first one rolled back."""
        cls.objects.filter(seen_at__lt=timezone.now() - timedelta(days=cls.KEEP_DAYS)).delete()
        _, created = cls.objects.get_or_create(sid=sid[:64])
        return created
