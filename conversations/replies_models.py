"""What answers by reply keep: which unknown numbers were already answered today, by the
keyed hash of the number (messaging.optout.number_hash), never the number itself; and a
text from a number several families share, until the phone says which family it is for."""

from datetime import timedelta

from django.db import models
from django.utils import timezone


class UnknownNumberReply(models.Model):
    """An unknown number got its one helpful reply of the day. Rows go after KEEP_DAYS: they
    only hold back a second reply the same day, and a number that writes every minute costs
    us one text a day, not one per message."""

    KEEP_DAYS = 2

    number_hash = models.CharField(max_length=64)
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["number_hash", "day"], name="unknown_number_once_a_day")
        ]

    def __str__(self):
        return f"{self.number_hash[:12]} {self.day}"

    @classmethod
    def first_today(cls, number_hash: str) -> bool:
        """Records today's reply; False when this number already had one today. Inside the
        webhook's transaction: two texts at once wait on the unique key, one reply goes."""
        today = timezone.localdate()
        cls.objects.filter(day__lt=today - timedelta(days=cls.KEEP_DAYS)).delete()
        _, created = cls.objects.get_or_create(number_hash=number_hash, day=today)
        return created


class HeldReply(models.Model):
    """A text from a number that several families share, held until the phone says which
    family it is for (conversations/shared_number.py, RELIABILITY E14). Its words are
    the family's: erased with either family, blanked once applied, and the row goes
    after KEEP_DAYS."""

    KEEP_DAYS = 2

    number_hash = models.CharField(max_length=64, db_index=True)
    # The provider's MessageSid: the same text delivered twice is held (and asked) once.
    sid = models.CharField(max_length=64, unique=True)
    body = models.TextField(max_length=5000, blank=True)
    # The families it may be for; their order by pk gives the letters A, B, ...
    families = models.ManyToManyField("families.Family", related_name="+")
    # The letters of the question it was asked with ({"A": family pk, ...}): a letter back
    # means that family even when another family of the number is erased meanwhile.
    letters = models.JSONField(default=dict, blank=True)
    held_at = models.DateTimeField(default=timezone.now)
    chosen = models.ForeignKey(
        "families.Family", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["held_at", "pk"]

    def __str__(self):
        return f"{self.number_hash[:12]} {self.held_at:%Y-%m-%d %H:%M}"
