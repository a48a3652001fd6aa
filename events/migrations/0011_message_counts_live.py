"""Triggers that keep events_messagecount equal to the messages of each event counted by
kind, channel and status, in the same transaction as every change to a message, whatever
made it: the outbox, a send task's claim or outcomes, the lease's end, a retry, a
cancellation, a hand-over, the admin, an erasure. The retention purge deletes messages and
adds their counts back (events.tasks), so a past event's figures stay.

The event is the "event" number in the message's context (events.notices writes it);
messages of an event that no longer exists are not counted. Messaging knows nothing of
this: the triggers belong to events, the layer above it.

PostgreSQL uses statement triggers with transition tables, so a send task's batch of a
hundred messages adds to the counts once per statement. SQLite (the embedded default) has
row triggers only. Both add signed changes through one INSERT … ON CONFLICT.

The changed rows are summed first, in one pass, and only the sums are looked up in
events_event. Joining each row to its event first let the planner, which has no statistics
for transition tables and expects a handful of rows after the JSON filter, read them again
for every event: one INSERT of 315,000 reminders (bench/reports.py) ran for over ten
minutes. The functions are made again from this text after every migrate
(events.apps.keep_counting_triggers), so a database migrated before this change gets them
at its next migrate.
"""

from django.db import migrations, models

ADD = """
WITH d AS MATERIALIZED (
    SELECT s.event_id, s.kind, s.channel, s.status, SUM(s.sign) AS n
    FROM ({source}) s
    GROUP BY s.event_id, s.kind, s.channel, s.status
    HAVING SUM(s.sign) <> 0
)
INSERT INTO events_messagecount (event_id, kind, channel, status, count)
SELECT d.event_id, d.kind, d.channel, d.status, d.n FROM d
WHERE EXISTS (SELECT 1 FROM events_event e WHERE e.id = d.event_id)
ORDER BY d.event_id, d.kind, d.channel, d.status
ON CONFLICT (event_id, kind, channel, status) DO UPDATE SET
    count = events_messagecount.count + excluded.count
"""  # ORDER BY: concurrent transactions lock count rows in one order, so never deadlock.

# SQLite allows no WITH in a trigger, and its row triggers see one message at a time.
ADD_SQLITE = """
INSERT INTO events_messagecount (event_id, kind, channel, status, count)
SELECT d.event_id, d.kind, d.channel, d.status, SUM(d.sign)
FROM ({source}) d JOIN events_event e ON e.id = d.event_id
WHERE true
GROUP BY d.event_id, d.kind, d.channel, d.status
HAVING SUM(d.sign) <> 0
ORDER BY d.event_id, d.kind, d.channel, d.status
ON CONFLICT (event_id, kind, channel, status) DO UPDATE SET
    count = events_messagecount.count + excluded.count
"""


def messages(table: str, sign: int) -> str:
    """PostgreSQL: the messages of a table (or transition table) that name an event."""
    return (  # our own table names only
        "SELECT CAST(m.context->>'event' AS bigint) AS event_id, m.kind, m.channel, "  # noqa: S608
        f"m.status, {sign} AS sign FROM {table} m "
        "WHERE jsonb_typeof(m.context->'event') = 'number' "
        "AND m.context->>'event' ~ '^[0-9]{1,18}$'"
    )


def one_message(row: str, sign: int) -> str:
    """SQLite: the OLD or NEW row of a row trigger, when it names an event."""
    return (
        f"SELECT json_extract({row}.context, '$.event') AS event_id, {row}.kind AS kind, "
        f"{row}.channel AS channel, {row}.status AS status, {sign} AS sign "
        f"WHERE json_type({row}.context, '$.event') = 'integer'"
    )


POSTGRES = [
    f"""CREATE FUNCTION events_messagecount_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {ADD.format(source=messages("new_rows", 1))}; RETURN NULL; END $$""",
    f"""CREATE FUNCTION events_messagecount_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {ADD.format(source=messages("old_rows", -1))}; RETURN NULL; END $$""",
    f"""CREATE FUNCTION events_messagecount_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {ADD.format(source=messages("old_rows", -1) + " UNION ALL " + messages("new_rows", 1))};
    RETURN NULL; END $$""",
    """CREATE TRIGGER events_messagecount_insert AFTER INSERT ON messaging_message
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION events_messagecount_insert()""",
    """CREATE TRIGGER events_messagecount_delete AFTER DELETE ON messaging_message
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION events_messagecount_delete()""",
    """CREATE TRIGGER events_messagecount_update AFTER UPDATE ON messaging_message
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION events_messagecount_update()""",
]

SQLITE = [
    f"""CREATE TRIGGER events_messagecount_insert AFTER INSERT ON messaging_message
    BEGIN {ADD_SQLITE.format(source=one_message("NEW", 1))}; END""",
    f"""CREATE TRIGGER events_messagecount_delete AFTER DELETE ON messaging_message
    BEGIN {ADD_SQLITE.format(source=one_message("OLD", -1))}; END""",
    f"""CREATE TRIGGER events_messagecount_update AFTER UPDATE OF status, kind, channel, context
    ON messaging_message
    BEGIN {ADD_SQLITE.format(source=one_message("OLD", -1) + " UNION ALL " + one_message("NEW", 1))};
    END""",
]

NAMES = ("insert", "delete", "update")
DROP_POSTGRES = [
    *(f"DROP TRIGGER IF EXISTS events_messagecount_{n} ON messaging_message" for n in NAMES),
    "DROP FUNCTION IF EXISTS " + ", ".join(f"events_messagecount_{n}" for n in NAMES),
]
DROP_SQLITE = [f"DROP TRIGGER IF EXISTS events_messagecount_{n}" for n in NAMES]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"events_messagecount triggers for {vendor}")
    for sql in POSTGRES if vendor == "postgresql" else SQLITE:
        schema_editor.execute(sql, params=None)
    # The counts so far held only purged messages: the messages still here are added.
    if vendor == "postgresql":
        schema_editor.execute(ADD.format(source=messages("messaging_message", 1)), params=None)
    else:
        source = one_message("m", 1).replace(" WHERE ", " FROM messaging_message m WHERE ")
        schema_editor.execute(ADD_SQLITE.format(source=source), params=None)


def uninstall(apps, schema_editor):
    drops = DROP_POSTGRES if schema_editor.connection.vendor == "postgresql" else DROP_SQLITE
    for sql in drops:
        schema_editor.execute(sql, params=None)
    # Back to counts of purged messages only.
    if schema_editor.connection.vendor == "postgresql":
        add, source = ADD, messages("messaging_message", -1)
    else:
        add = ADD_SQLITE
        source = one_message("m", -1).replace(" WHERE ", " FROM messaging_message m WHERE ")
    schema_editor.execute(add.format(source=source), params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0010_event_sequence"),
        ("messaging", "0003_inbound_sms_seen"),
    ]

    operations = [
        migrations.AlterField(
            model_name="messagecount",
            name="count",
            field=models.IntegerField(default=0),
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
