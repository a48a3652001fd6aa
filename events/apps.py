from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from events import notices, personal_data

        # The kinds of message events send and their renderer (events/notices.py).
        notices.register()
        # What events keep about a family, for its download and erasure (families asks).
        personal_data.register()
        post_migrate.connect(keep_counting_triggers, sender=self)


def keep_counting_triggers(using="default", **kwargs):
    """After every migrate, the triggers that keep events_messagecount are there: on SQLite
    a later migration that alters messaging_message rebuilds the table and silently drops
    them (migration 0011 made them first). Created only where missing."""
    from importlib import import_module

    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    if connection.vendor not in ("postgresql", "sqlite"):
        return
    recorder = MigrationRecorder(connection)
    if (
        not recorder.has_table()
        or not recorder.migration_qs.filter(app="events", name="0011_message_counts_live").exists()
    ):
        return  # not installed yet (or migrated back): the migration does it
    triggers = import_module("events.migrations.0011_message_counts_live")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in triggers.SQLITE:
                cursor.execute(sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1))
            return
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'messaging_message'::regclass"
        )
        present = {row[0] for row in cursor.fetchall()}
        for sql in triggers.POSTGRES:
            if sql.startswith("CREATE FUNCTION"):
                cursor.execute(sql.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
            elif sql.split()[2] not in present:
                cursor.execute(sql)
