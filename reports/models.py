from django.db import models


class RsvpCount(models.Model):
    """The "going" RSVPs of one event, counted by the family's language and the interpreter
    language asked for ("" when none): every RSVP figure of the reports is a sum of these
    rows joined with their event, so a page reads thousands of rows instead of a million.

    Written only by database triggers on events_rsvp and families_family
    (reports/migrations/0001), in the same transaction as the change, whatever made it: the
    RSVP service, a check-in, the admin, an update() over many rows, an erasure or a purge.
    Application code cannot miss a path that way. Never shown to anyone as such, so the
    fields carry no translated labels."""

    # No database constraint and no Python cascade: when an event goes, Django deletes its
    # RSVPs first (their triggers bring the counts to zero), then a trigger on events_event
    # removes the counts. A Python cascade could delete the counts before the RSVPs and let
    # the RSVP triggers write them again for a vanishing event.
    event = models.ForeignKey(
        "events.Event",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    language = models.CharField(max_length=10)
    asked = models.CharField(max_length=10, blank=True)
    going = models.IntegerField(default=0)
    attended = models.IntegerField(default=0)
    interpreter_asked = models.IntegerField(default=0)
    childcare_asked = models.IntegerField(default=0)

    class Meta:
        constraints = [
            # The key the triggers add to (INSERT … ON CONFLICT); its first column also
            # serves the reports' join from events.
            models.UniqueConstraint(
                fields=["event", "language", "asked"], name="rsvpcount_event_language_asked"
            ),
        ]

    def __str__(self):
        return f"{self.event_id} {self.language} {self.asked}: {self.going}"
