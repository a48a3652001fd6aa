"""A conversation between one family and one school, each side writing in its own language.

Each message keeps its original text and language, and each machine translation of it,
once per language (`translations`): a text is sent to the provider once per language it is
read in, never again. A translation that failed is listed in `translation_missing` until
the retry task (conversations.tasks) gets it; readers meanwhile see the original.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conversations.announcements.models import Announcement, Version  # noqa: F401
from conversations.replies_models import HeldReply, UnknownNumberReply  # noqa: F401 (replies)
from families.models import Feedback
from portal.languages import LANGUAGES

# A family or staff member writes at most this much in one message (a long letter fits).
MAX_LENGTH = 5000


class Thread(models.Model):
    """One conversation per family and school."""

    family = models.ForeignKey(
        "families.Family",
        on_delete=models.CASCADE,
        related_name="threads",
        verbose_name=_("family"),
    )
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.CASCADE,
        related_name="threads",
        verbose_name=_("school"),
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    last_message_at = models.DateTimeField(_("last message"), default=timezone.now)
    # Messages the other side has not opened yet: the family's new messages for the
    # school's staff, the staff's answers for the family. Set to 0 when opened.
    unread_by_staff = models.PositiveIntegerField(_("new from the family"), default=0)
    unread_by_family = models.PositiveIntegerField(_("new from the school"), default=0)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at"]
        constraints = [
            models.UniqueConstraint(fields=["family", "school"], name="one_thread_per_school"),
        ]
        indexes = [
            # The staff inbox: a school's conversations, unread first, newest first.
            models.Index(fields=["school", "-last_message_at"], name="thread_inbox"),
        ]

    def __str__(self):
        return f"{self.family} · {self.school}"

    def get_absolute_url(self):
        return reverse("conversations:thread", args=[self.pk])


class ThreadMessage(models.Model):
    """One message in a conversation, as written, with its machine translations."""

    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="messages", verbose_name=_("conversation")
    )
    from_family = models.BooleanField(_("written by the family"), default=True)
    # The staff member who wrote it; empty for the family's own messages.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    text = models.TextField(_("message"), max_length=MAX_LENGTH)
    # What the family said it was sending from the school's "Write to the school" page (a
    # question, feedback, its story), or "email" for a reply to one of the school's emails
    # (conversations/email_replies.py); empty for the rest.
    KIND_EMAIL = "email"
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=[*Feedback.Kind.choices, (KIND_EMAIL, _("A reply by email"))],
        blank=True,
    )
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGES)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    # {"en": "...", "ht": "..."}: each machine translation, made once.
    translations = models.JSONField(_("machine translations"), default=dict, blank=True)
    # Languages whose translation failed and is retried ([] when none).
    translation_missing = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="message_translation_missing",
                condition=~Q(translation_missing=[]),
            ),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M}"

    def in_language(self, language: str) -> tuple[str, bool]:
        """(text, translated): the text in `language` when it was written in it or a machine
        translated it, else the original (translated False)."""
        if language == self.language:
            return self.text, False
        translated = self.translations.get(language)
        if translated:
            return translated, True
        return self.text, False


class CallbackRequest(models.Model):
    """ "I don't understand — call me with an interpreter": a family asks the school to call
    it back with an interpreter in its language."""

    class Status(models.TextChoices):
        OPEN = "open", _("To call")
        DONE = "done", _("Called")

    family = models.ForeignKey(
        "families.Family",
        on_delete=models.CASCADE,
        related_name="callback_requests",
        verbose_name=_("family"),
    )
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.CASCADE,
        related_name="callback_requests",
        verbose_name=_("school"),
    )
    thread = models.ForeignKey(
        Thread,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="callback_requests",
        verbose_name=_("conversation"),
    )
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGES)
    note = models.TextField(_("message"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    done_at = models.DateTimeField(_("called"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("called by"),
    )

    class Meta:
        verbose_name = _("interpreter call request")
        verbose_name_plural = _("interpreter call requests")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.family} · {self.created_at:%Y-%m-%d %H:%M}"
