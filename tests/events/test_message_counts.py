"""The per-event message counts (events.MessageCount) that the reports and the staff page
read: equal to a recount of the messages after every change a message goes through, in the
same transaction, and kept when the retention purge deletes the messages."""

from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.utils import timezone

from events import notices, services
from events.models import Event, MessageCount, Rsvp
from events.services import Party
from events.tasks import purge_past_events
from messaging import outbox, sms
from messaging.models import Message
from messaging.tasks import claim, deliver_batch, expire_leases
from tests.conftest import deliver_now
from tests.events.conftest import make_event
from tests.families.conftest import make_family

pytestmark = [pytest.mark.pg, pytest.mark.django_db]


def recount() -> dict:
    events = set(Event.objects.values_list("pk", flat=True))
    counted = Counter(
        (m.context["event"], m.kind, m.channel, m.status)
        for m in Message.objects.all()
        if isinstance(m.context.get("event"), int) and m.context["event"] in events
    )
    return dict(counted)


def counts() -> dict:
    rows = MessageCount.objects.values_list("event_id", "kind", "channel", "status", "count")
    return {(e, k, c, s): n for e, k, c, s, n in rows if n}


def assert_exact():
    kept, actual = counts(), recount()
    wrong = {k: (kept.get(k), actual.get(k)) for k in kept.keys() | actual.keys()}
    assert {k: v for k, v in wrong.items() if v[0] != v[1]} == {}


def test_counts_equal_a_recount_through_every_change(school_a, settings, monkeypatch):
    from tests.fakes import FlakySmsBackend

    night = make_event(school_a, starts_at=timezone.now() + timedelta(days=5), title="Night")
    fair = make_event(school_a, starts_at=timezone.now() + timedelta(days=6), title="Fair")
    rina = make_family("Rina", school_a, phone="+12125550123")
    omar = make_family("Omar", school_a, phone="+12125550124", email="omar@example.org")
    ana = make_family("Ana", school_a, email="ana@example.org")  # email only
    for family in (rina, omar, ana):
        services.rsvp(family=family, event=night, party=Party(True))
    services.rsvp(family=rina, event=fair, party=Party(True))
    assert_exact()
    assert sum(counts().values()) == 12  # created

    services.rsvp(family=ana, event=night, party=Party(False))  # her reminders cancelled
    assert_exact()
    assert counts()[(night.pk, "reminder", "email", "cancelled")] == 2

    # Everything due now; the provider refuses the first text (a retry), then sends.
    Message.objects.update(due_at=timezone.now())
    settings.SMS_BACKEND = "tests.fakes.FlakySmsBackend"
    # Set for this test only: the class is shared with the outbox tests that run later.
    monkeypatch.setattr(FlakySmsBackend, "calls", 0)
    monkeypatch.setattr(FlakySmsBackend, "failures", 1)
    deliver_now()
    assert_exact()
    assert Message.objects.filter(status="queued", attempts=1).count() == 1  # the retry
    Message.objects.filter(status="queued").update(due_at=timezone.now())
    deliver_now()
    assert_exact()
    # Rina had three messages today: her confirmation waits for tomorrow (the daily limit).
    assert Message.objects.get(status="queued").due_at > timezone.now() + timedelta(hours=11)

    # A number the provider refuses: failed, handed over to a call.
    settings.SMS_BACKEND = "tests.fakes.RejectingSmsBackend"
    lea = make_family("Lea", school_a, phone="+12125550125")
    services.rsvp(family=lea, event=fair, party=Party(True))
    Message.objects.filter(recipient=f"family:{lea.pk}").update(due_at=timezone.now())
    deliver_now()
    assert_exact()
    assert counts()[(fair.pk, "reminder", "sms", "failed")] == 2
    assert counts()[(fair.pk, "reminder", "voice", "queued")] == 2

    # A worker that dies after its claim: unknown at the lease's end; staff try again.
    voice = Message.objects.filter(channel="voice", kind="reminder").order_by("pk").first()
    (in_doubt,) = claim([voice.pk])
    assert_exact()
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert expire_leases() == 1
    assert_exact()
    assert notices.resend(Message.objects.get(pk=in_doubt.pk))
    assert_exact()

    # An erasure deletes what was not sent; a rolled-back change leaves the counts alone.
    outbox.forget(f"family:{ana.pk}")
    assert_exact()
    with pytest.raises(RuntimeError), transaction.atomic():
        Message.objects.update(status="sent")
        raise RuntimeError
    assert_exact()

    # The purge deletes a past event's messages; its counts stay as they were.
    before = counts()
    Event.objects.filter(pk=night.pk).update(
        starts_at=timezone.now() - timedelta(days=400),
        ends_at=timezone.now() - timedelta(days=400, hours=-2),
    )
    assert purge_past_events()["messages"] > 0
    assert not Message.objects.filter(context__event=night.pk).exists()
    assert counts() == before
    assert set(recount()) <= set(before)  # the fair's messages still counted


def test_the_staff_page_counts_from_the_kept_counts(client, staff_a, school_a):
    """After the purge the page still says how many went out, by status."""
    import re

    night = make_event(school_a, starts_at=timezone.now() + timedelta(days=5))
    for i in range(3):
        family = make_family(f"F{i}", school_a, phone=f"+1212555012{i}")
        services.rsvp(family=family, event=night, party=Party(True))
    Message.objects.update(due_at=timezone.now())
    deliver_now()
    Event.objects.filter(pk=night.pk).update(
        starts_at=timezone.now() - timedelta(days=400),
        ends_at=timezone.now() - timedelta(days=400, hours=-2),
    )
    purge_past_events()
    client.force_login(staff_a)
    page = client.get(f"/admin/events/event/{night.pk}/messages/").content.decode()
    found = dict(re.findall(r'data-status="(\w+)">(\d+)<', page))
    assert found == {"sent": "9", "total": "9"}


TRIGGERS = {f"events_messagecount_{name}" for name in ("insert", "delete", "update")}


def pg_triggers() -> set:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'messaging_message'::regclass"
        )
        return {row[0] for row in cursor.fetchall()} & TRIGGERS


def test_migrate_puts_back_a_counting_trigger_that_went_missing(school_a):
    """A trigger gone (a later migration rebuilt the table): the next migrate makes it again,
    and the counts follow every change once more."""
    from django.core.management import call_command
    from django.db import connection

    assert pg_triggers() == TRIGGERS
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER events_messagecount_update ON messaging_message")
    call_command("migrate", verbosity=0)
    assert pg_triggers() == TRIGGERS
    event = make_event(school_a, starts_at=timezone.now() + timedelta(days=2))
    family = make_family("Ana", school_a, phone="+12125550100")
    services.rsvp(family=family, event=event, party=Party(True))
    Message.objects.update(status="cancelled")
    assert_exact()
    assert counts()[(event.pk, "reminder", "sms", "cancelled")] >= 1


SQLITE_ALTER = """
from django.db import connection, models
from messaging.models import Message
old = Message._meta.get_field("last_error")
new = models.CharField(max_length=301, blank=True, default="")
new.set_attributes_from_name("last_error")
new.model = Message
with connection.schema_editor() as editor:
    editor.alter_field(Message, old, new)
"""


@pytest.mark.django_db(False)
def test_on_sqlite_migrate_keeps_the_triggers_a_table_rebuild_drops(tmp_path):
    """`make run` (SQLite): altering messaging_message rebuilds the table and drops the
    triggers; migrate makes them again."""
    import os
    import sqlite3
    import subprocess
    import sys
    from pathlib import Path

    database = tmp_path / "portal.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env |= {"DATABASE_URL": f"sqlite:///{database}", "DEBUG": "1"}
    root = Path(__file__).resolve().parents[2]

    def manage(*args, stdin=None):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=root,
            env=env,
            input=stdin,
            text=True,
            check=True,
            capture_output=True,
            timeout=300,
        )

    def triggers():
        with sqlite3.connect(database) as db:
            rows = db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'messaging_message'"
            )
            return {row[0] for row in rows}

    manage("migrate", "--verbosity=0")
    assert triggers() == TRIGGERS
    manage("shell", stdin=SQLITE_ALTER)
    assert triggers() == set()  # what a later migration's rebuild does
    manage("migrate", "--verbosity=0")
    assert triggers() == TRIGGERS


class TakesTheThirdTextThenTimesOut(sms.LocmemBackend):
    """A provider that takes every text; on the third the send task's soft time limit ends
    the batch before the provider's answer is written down: that text is in doubt."""

    calls = 0

    def send(self, to, text):
        provider_id = super().send(to, text)
        type(self).calls += 1
        if type(self).calls == 3:
            raise SoftTimeLimitExceeded
        return provider_id


def test_a_batch_cut_short_counts_each_text_once(school_a, settings, monkeypatch):
    """The reports' reminders per channel read these counts: a batch that stops in the
    middle, its task run again, and the lease's end leave "sent" equal to the texts the
    provider took and recorded, the one in doubt "unknown", none counted twice."""
    event = make_event(school_a, starts_at=timezone.now() + timedelta(days=3))
    families = [
        make_family(f"P{i}", school_a, phone=f"+1212555013{i}", language="es") for i in range(5)
    ]
    Rsvp.objects.bulk_create(Rsvp(event=event, family=f, status="going") for f in families)
    messages = Message.objects.bulk_create(
        Message(
            recipient=f"family:{f.pk}",
            channel="sms",
            language="es",
            kind="reminder",
            context={"event": event.pk},
            due_at=timezone.now() - timedelta(minutes=1),
            idempotency_key=f"cut-short:{f.pk}",
        )
        for f in families
    )
    ids = [m.pk for m in messages]
    assert_exact()
    assert counts() == {(event.pk, "reminder", "sms", "queued"): 5}
    settings.SMS_BACKEND = f"{__name__}.TakesTheThirdTextThenTimesOut"
    monkeypatch.setattr(sms, "outbox", [])
    monkeypatch.setattr(TakesTheThirdTextThenTimesOut, "calls", 0)

    with pytest.raises(SoftTimeLimitExceeded):
        deliver_batch(ids)
    # Two recorded, the third in doubt (still "sending"), the last two back in the queue.
    assert_exact()
    assert counts() == {
        (event.pk, "reminder", "sms", "sent"): 2,
        (event.pk, "reminder", "sms", "sending"): 1,
        (event.pk, "reminder", "sms", "queued"): 2,
    }
    # The broker hands the task out again (acks_late): only the two queued are sent.
    assert sorted(deliver_batch(ids).values()) == ["sent", "sent"]
    deliver_batch(ids)  # and once more: nothing left to claim, nothing counted
    assert_exact()
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert expire_leases() == 1
    assert_exact()
    assert counts() == {
        (event.pk, "reminder", "sms", "sent"): 4,
        (event.pk, "reminder", "sms", "unknown"): 1,
    }
    phones = [text["to"] for text in sms.outbox]
    assert len(phones) == len(set(phones)) == 5  # no family texted twice
