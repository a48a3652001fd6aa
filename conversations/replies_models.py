"""What answers by reply keep: only which unknown numbers were already answered today, by
the keyed hash of the number (messaging.optout.number_hash), never the number itself."""

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
