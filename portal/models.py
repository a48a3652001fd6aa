from django.db import models


class Heartbeat(models.Model):
    """When a background process last showed it was alive: "beat" each time Celery beat
    hands out a scheduled task, "dispatcher" each time a worker finished handing out due
    messages. /readyz reports how long ago (portal.health). One row per name, overwritten."""

    name = models.CharField(max_length=20, primary_key=True)
    at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"
