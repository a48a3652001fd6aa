"""reports_rsvpcount (kept by triggers, reports/migrations/0002) always equals the going
RSVPs counted from the rows, whatever path changed them."""

from collections import Counter

import pytest
from django.db import connection

from events import services
from events.models import Event, Rsvp
from families.models import Family
from families.services import erase_family
from reports.models import RsvpCount
from tests.events.conftest import make_event
from tests.reports.conftest import make_families, past_event, rsvp

pytestmark = pytest.mark.django_db


def from_rows() -> Counter:
    """Counts made in Python from every RSVP row, keyed like RsvpCount."""
    counts: Counter = Counter()
    for r in Rsvp.objects.select_related("family").filter(status=Rsvp.Status.GOING):
        asked = (r.interpreter_language or r.family.language) if r.needs_interpreter else ""
        key = (r.event_id, r.family.language, asked)
        counts[(*key, "going")] += 1
        counts[(*key, "attended")] += bool(r.arrived_at)
        counts[(*key, "interpreter_asked")] += r.needs_interpreter
        counts[(*key, "childcare_asked")] += r.needs_childcare
    return +counts  # zeros dropped


def from_table() -> Counter:
    counts: Counter = Counter()
    for c in RsvpCount.objects.all():
        for name in ("going", "attended", "interpreter_asked", "childcare_asked"):
            counts[(c.event_id, c.language, c.asked, name)] += getattr(c, name)
    return +counts


def test_counts_follow_every_kind_of_change(school_a, staff_a):
    spanish = make_families(school_a, "es", 6)
    arabic = make_families(school_a, "ar", 3)
    night = make_event(school_a, interpreter_languages=["es"], childcare=True)  # next week
    other = past_event(school_a, 30, title="Other")
    rows = [rsvp(night, f, interpreter="es" if i < 2 else "") for i, f in enumerate(spanish)]
    rsvp(night, arabic[0], interpreter="ar", childcare=True)
    rsvp(other, arabic[1], arrived=True)
    assert from_table() == from_rows()
    assert from_table()[(night.pk, "es", "es", "going")] == 2

    # The service: a new answer, a change of answer, a cancellation.
    services.rsvp(
        family=arabic[2],
        event=night,
        party=services.Party(going=True, needs_interpreter=True, needs_childcare=True),
    )
    services.rsvp(family=spanish[5], event=night, party=services.Party(going=False))
    assert from_table() == from_rows()

    # Check-ins at the door, one by one and through a family pass.
    services.check_in(rows[0], staff=staff_a)
    services.check_in_family(event=other, family=spanish[4], staff=staff_a)
    assert from_table()[(night.pk, "es", "es", "attended")] == 1
    assert from_table() == from_rows()

    # An update() over many rows, as the waitlist and admin actions do.
    Rsvp.objects.filter(event=night).update(needs_childcare=True)
    Rsvp.objects.filter(event=night, family__in=spanish[:3]).update(status=Rsvp.Status.WAITLISTED)
    assert from_table() == from_rows()

    # A family changes language: its answers move to the new language.
    family = Family.objects.get(pk=spanish[3].pk)
    family.language = "bn"
    family.save()
    assert from_table()[(night.pk, "bn", "", "going")] == 1
    assert from_table() == from_rows()

    # Erasure keeps the anonymous answers; deleting answers and events removes them.
    erase_family(Family.objects.get(pk=arabic[0].pk))
    assert from_table() == from_rows()
    Rsvp.objects.filter(family=spanish[1]).delete()
    assert from_table() == from_rows()
    Family.objects.filter(pk=spanish[0].pk).delete()  # its answers go first, then the row
    assert from_table() == from_rows()
    Event.objects.filter(pk=other.pk).delete()
    assert from_table() == from_rows()
    assert not RsvpCount.objects.filter(event_id=other.pk).exists()


def test_bulk_insert_is_counted(school_a):
    families = make_families(school_a, "uk", 12)
    event = past_event(school_a, 2)
    Rsvp.objects.bulk_create(
        [Rsvp(event=event, family=f, status=Rsvp.Status.GOING) for f in families]
    )
    assert from_table() == from_rows()
    assert from_table()[(event.pk, "uk", "", "going")] == 12


def test_the_triggers_are_installed():
    """The counts are only as good as the triggers: a database without them fails here."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'reports_rsvpcount_%%'"
            )
        else:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'reports_rsvpcount_%'"
            )
        assert cursor.fetchone()[0] == 5
