"""Triggers that keep reports_rsvpcount equal to the "going" RSVPs counted by event, family
language and interpreter language asked, in the same transaction as every change, then fill
it from the RSVPs already there.

PostgreSQL uses statement triggers with transition tables, so inserting a million RSVPs
adds to the counts once per statement, not once per row. SQLite (the embedded default) has
row triggers only, which is enough for a development database. Both add signed changes
through one INSERT … ON CONFLICT, written once below.
"""

from django.db import migrations

# Rows of {source} have: event_id, language, needs_interpreter, interpreter_language,
# arrived_at, needs_childcare, sign (+1 counts a row in, -1 out). The interpreter language
# asked is the one named, else the family's own.
ADD = """
INSERT INTO reports_rsvpcount
    (event_id, language, asked, going, attended, interpreter_asked, childcare_asked)
SELECT event_id, language, asked, SUM(sign),
    SUM(CASE WHEN arrived_at IS NOT NULL THEN sign ELSE 0 END),
    SUM(CASE WHEN needs_interpreter THEN sign ELSE 0 END),
    SUM(CASE WHEN needs_childcare THEN sign ELSE 0 END)
FROM (
    SELECT s.*, CASE WHEN s.needs_interpreter
        THEN COALESCE(NULLIF(s.interpreter_language, ''), s.language) ELSE '' END AS asked
    FROM ({source}) s
) d
WHERE true
GROUP BY event_id, language, asked
HAVING SUM(sign) <> 0 OR SUM(CASE WHEN arrived_at IS NOT NULL THEN sign ELSE 0 END) <> 0
    OR SUM(CASE WHEN needs_interpreter THEN sign ELSE 0 END) <> 0
    OR SUM(CASE WHEN needs_childcare THEN sign ELSE 0 END) <> 0
ORDER BY event_id, language, asked
ON CONFLICT (event_id, language, asked) DO UPDATE SET
    going = reports_rsvpcount.going + excluded.going,
    attended = reports_rsvpcount.attended + excluded.attended,
    interpreter_asked = reports_rsvpcount.interpreter_asked + excluded.interpreter_asked,
    childcare_asked = reports_rsvpcount.childcare_asked + excluded.childcare_asked
"""  # ORDER BY: concurrent transactions lock count rows in one order, so never deadlock.

COLUMNS = "r.event_id, {language} AS language, r.needs_interpreter, r.interpreter_language, r.arrived_at, r.needs_childcare, {sign} AS sign"  # noqa: E501


def rsvps(table: str, sign: int) -> str:
    """The going RSVPs of a table (or transition table) with their family's language."""
    columns = COLUMNS.format(language="f.language", sign=sign)
    return (
        f"SELECT {columns} FROM {table} r JOIN families_family f ON f.id = r.family_id "
        "WHERE r.status = 'going'"
    )


def one_rsvp(row: str, sign: int) -> str:
    """SQLite: the OLD or NEW row of a row trigger, when going."""
    columns = COLUMNS.replace("r.", f"{row}.").format(language="f.language", sign=sign)
    return (
        f"SELECT {columns} FROM families_family f "
        f"WHERE f.id = {row}.family_id AND {row}.status = 'going'"
    )


def family_rsvps(row: str, sign: int) -> str:
    """A family's going RSVPs under its OLD or NEW language (a language change)."""
    columns = COLUMNS.format(language=f"{row}.language", sign=sign)
    return (
        f"SELECT {columns} FROM events_rsvp r WHERE r.family_id = {row}.id AND r.status = 'going'"
    )


FAMILY_CHANGE = f"{family_rsvps('OLD', -1)} UNION ALL {family_rsvps('NEW', 1)}"
FORGET_EVENT = "DELETE FROM reports_rsvpcount WHERE event_id = OLD.id"

POSTGRES = [
    f"""CREATE FUNCTION reports_rsvpcount_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {ADD.format(source=rsvps("new_rows", 1))}; RETURN NULL; END $$""",
    f"""CREATE FUNCTION reports_rsvpcount_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {ADD.format(source=rsvps("old_rows", -1))}; RETURN NULL; END $$""",
    f"""CREATE FUNCTION reports_rsvpcount_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {ADD.format(source=rsvps("old_rows", -1) + " UNION ALL " + rsvps("new_rows", 1))};
    RETURN NULL; END $$""",
    f"""CREATE FUNCTION reports_rsvpcount_family() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {ADD.format(source=FAMILY_CHANGE)}; RETURN NULL; END $$""",
    f"""CREATE FUNCTION reports_rsvpcount_event() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {FORGET_EVENT}; RETURN NULL; END $$""",
    """CREATE TRIGGER reports_rsvpcount_insert AFTER INSERT ON events_rsvp
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION reports_rsvpcount_insert()""",
    """CREATE TRIGGER reports_rsvpcount_delete AFTER DELETE ON events_rsvp
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION reports_rsvpcount_delete()""",
    """CREATE TRIGGER reports_rsvpcount_update AFTER UPDATE ON events_rsvp
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION reports_rsvpcount_update()""",
    """CREATE TRIGGER reports_rsvpcount_family AFTER UPDATE OF language ON families_family
    FOR EACH ROW WHEN (OLD.language IS DISTINCT FROM NEW.language)
    EXECUTE FUNCTION reports_rsvpcount_family()""",
    """CREATE TRIGGER reports_rsvpcount_event AFTER DELETE ON events_event
    FOR EACH ROW EXECUTE FUNCTION reports_rsvpcount_event()""",
]

SQLITE = [
    f"""CREATE TRIGGER reports_rsvpcount_insert AFTER INSERT ON events_rsvp
    BEGIN {ADD.format(source=one_rsvp("NEW", 1))}; END""",
    f"""CREATE TRIGGER reports_rsvpcount_delete AFTER DELETE ON events_rsvp
    BEGIN {ADD.format(source=one_rsvp("OLD", -1))}; END""",
    f"""CREATE TRIGGER reports_rsvpcount_update AFTER UPDATE ON events_rsvp
    BEGIN {ADD.format(source=one_rsvp("OLD", -1) + " UNION ALL " + one_rsvp("NEW", 1))}; END""",
    f"""CREATE TRIGGER reports_rsvpcount_family AFTER UPDATE OF language ON families_family
    WHEN OLD.language IS NOT NEW.language
    BEGIN {ADD.format(source=FAMILY_CHANGE)}; END""",
    f"""CREATE TRIGGER reports_rsvpcount_event AFTER DELETE ON events_event
    BEGIN {FORGET_EVENT}; END""",
]

DROP_POSTGRES = [
    "DROP TRIGGER IF EXISTS reports_rsvpcount_insert ON events_rsvp",
    "DROP TRIGGER IF EXISTS reports_rsvpcount_delete ON events_rsvp",
    "DROP TRIGGER IF EXISTS reports_rsvpcount_update ON events_rsvp",
    "DROP TRIGGER IF EXISTS reports_rsvpcount_family ON families_family",
    "DROP TRIGGER IF EXISTS reports_rsvpcount_event ON events_event",
    "DROP FUNCTION IF EXISTS reports_rsvpcount_insert, reports_rsvpcount_delete, "
    "reports_rsvpcount_update, reports_rsvpcount_family, reports_rsvpcount_event",
]
DROP_SQLITE = [
    f"DROP TRIGGER IF EXISTS reports_rsvpcount_{name}"
    for name in ("insert", "delete", "update", "family", "event")
]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"reports_rsvpcount triggers for {vendor}")
    for sql in POSTGRES if vendor == "postgresql" else SQLITE:
        schema_editor.execute(sql, params=None)
    schema_editor.execute("DELETE FROM reports_rsvpcount", params=None)
    schema_editor.execute(ADD.format(source=rsvps("events_rsvp", 1)), params=None)


def uninstall(apps, schema_editor):
    drops = DROP_POSTGRES if schema_editor.connection.vendor == "postgresql" else DROP_SQLITE
    for sql in drops:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_rsvp_counts"),
        ("events", "0005_event_reminder_offsets"),
        ("families", "0001_initial"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
