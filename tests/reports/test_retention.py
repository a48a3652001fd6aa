"""RELIABILITY F7: what families wrote for an event and the record of its messages go
EVENT_RETENTION_DAYS after the event; the report figures stay exactly as they were."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import timezone

from events.models import Rsvp, WalkIn
from messaging.models import Message
from tests.events.conftest import make_event
from tests.reports.conftest import SENTINEL, make_families, reminder, rsvp
from tests.reports.test_counts import from_rows, from_table
from tests.reports.test_figures import table

pytestmark = pytest.mark.django_db

TABLES = [
    ("", "figures"),
    ("", "families_by_language"),
    ("", "weekly"),
    ("", "help"),
    ("", "reminders"),
    ("", "families_by_school"),
    ("languages/", "participation"),
    ("schools/", "schools"),
    ("events/", "events"),
]


def report_figures(client, day, night):
    period = {"district": "district-a", "start": day - timedelta(days=400), "end": day}
    figures = {key: table(client, page, key, **period) for page, key in TABLES}
    for key in ("by_language", "interpreters"):
        figures[key] = table(client, f"events/{night.pk}/", key, **period)
    return figures


def test_the_retention_task_runs_daily_from_beat():
    from events.tasks import purge_past_events

    entry = next(
        e
        for e in django_settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == purge_past_events.name
    )
    assert entry["schedule"] == 24 * 3600
    assert django_settings.EVENT_RETENTION_DAYS == 180


def test_needs_and_messages_go_after_the_retention_period_and_figures_stay(
    client, settings, world, school_a, district_staff_a
):
    from events.tasks import purge_past_events

    settings.EVENT_RETENTION_DAYS = 180
    night = world["night"]
    WalkIn.objects.create(event=night, name=f"{SENTINEL}-walk-in", language="es", people=3)
    purge_day = night.ends_at + timedelta(days=181)
    # An event that ended 20 days before the purge: nothing of it is touched.
    recent = make_event(school_a, starts_at=purge_day - timedelta(days=20), title="Recent")
    for family in make_families(school_a, "es", 3, prefix="recent-"):
        rsvp(recent, family)
        reminder(recent, family, "sms", "sent")
    WalkIn.objects.create(event=recent, name=f"{SENTINEL}-recent-walk-in", language="es")
    old_rsvps = Rsvp.objects.filter(event=night)
    going = old_rsvps.count()
    assert old_rsvps.exclude(other_needs="").count() == going > 0
    assert Message.objects.filter(context__event=night.pk).count() == 34

    with time_machine.travel(night.ends_at + timedelta(days=179), tick=False):
        purge_past_events()
    assert old_rsvps.exclude(other_needs="").count() == going  # one day early: kept
    assert Message.objects.filter(context__event=night.pk).count() == 34

    with time_machine.travel(purge_day, tick=False):
        client.force_login(district_staff_a)
        # The report's last day is the district's date, not UTC's: in the evening in New
        # York it is already tomorrow in UTC, a day the report cannot show yet.
        before = report_figures(client, timezone.localdate(purge_day), night)
        # Not a comparison of empty tables: the old event's reminders are in the figures.
        assert before["reminders"][1] == ["Text message (SMS)", "15", "10", "0", "25"]
        purge_past_events()
        after = report_figures(client, timezone.localdate(purge_day), night)

    assert after == before
    assert from_table() == from_rows()
    # The answers stay (they are the counts), without what the families wrote.
    assert old_rsvps.count() == going
    assert not old_rsvps.exclude(other_needs="").exists()
    assert not WalkIn.objects.filter(event=night, name__contains=SENTINEL).exists()
    assert not Message.objects.filter(context__event=night.pk).exists()
    # Every event that ended before the cutoff went the same way; the later ones (the
    # district summit ended 176 days before, the recent one 20) kept everything.
    cutoff = purge_day - timedelta(days=180)
    assert not Rsvp.objects.filter(event__ends_at__lt=cutoff).exclude(other_needs="").exists()
    summit = world["district_event"]
    assert Rsvp.objects.filter(event=summit, other_needs=f"{SENTINEL}-needs").count() == 14
    assert Rsvp.objects.filter(event=recent, other_needs=f"{SENTINEL}-needs").count() == 3
    assert Message.objects.filter(context__event=recent.pk).count() == 3
    assert WalkIn.objects.get(event=recent).name == f"{SENTINEL}-recent-walk-in"


@pytest.mark.parametrize(
    "language,text",
    [
        ("en", "are erased 90 days after the event"),
        ("es", "se borran 90 días después del evento"),
        ("ar", "بعد 90 يومًا من الفعالية"),
    ],
)
def test_the_privacy_page_says_how_long_they_are_kept(client, settings, language, text):
    from django.urls import reverse
    from django.utils import translation

    settings.EVENT_RETENTION_DAYS = 90
    with translation.override(language):
        url = reverse("families:privacy")
    assert text in client.get(url).content.decode()
