"""The backup drill of docs/operations.md ("Backup and restore"), on the test database: dump
it with pg_dump, drop it, restore the dump with pg_restore into a new empty one. The same
pages answer the same bytes, and the outbox resumes where it was: what was sent before the
backup is not sent again, what was queued goes out once, and what was being sent at backup
time is never sent by itself. Without pg_dump or pg_restore this is skipped, except under
CI=true, where that fails the run."""

import re
import shutil
import subprocess
import time
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.db.utils import ProgrammingError
from django.utils import timezone

from events import services
from events.services import Party
from messaging.models import Message
from messaging.tasks import claim
from tests.conftest import IN_CI, deliver_now, make_staff
from tests.events.conftest import make_event
from tests.families.conftest import make_family
from tests.messaging.conftest import start, stop, worker_env  # noqa: F401 (a fixture)
from tests.messaging.test_chaos import provider_log, wait_until

pytestmark = [pytest.mark.pg, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

# What differs between two answers of the same page by design: the CSP nonce and the CSRF
# token are new for every response, a calendar file says when it was made.
PER_RESPONSE = re.compile(
    rb'(nonce="|name="csrfmiddlewaretoken" value="|csrf_token" content=")[^"]*'
    rb"|DTSTAMP:\d{8}T\d{6}Z"
)


def _need(tool):
    path = shutil.which(tool)
    if path:
        return path
    message = f"{tool} is missing (apt-get install postgresql-client)"
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def read_pages(family_client, staff_client, event):
    paths = [
        (family_client, f"/es/events/{event.pk}/"),
        (family_client, f"/es/events/{event.pk}/calendar.ics"),
        (family_client, "/es/my/data.json"),
        (family_client, "/es/my/"),
        (staff_client, "/en/reports/events/"),
    ]
    answers = {}
    for client, path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        answers[path] = PER_RESPONSE.sub(rb"\1-", response.content)
    return answers


def test_a_dump_restored_into_an_empty_database_answers_the_same_and_sends_nothing_twice(
    client,
    school_a,
    district_a,
    worker_env,  # noqa: F811
    tmp_path,
):
    from django.test import Client

    pg_dump, pg_restore = _need("pg_dump"), _need("pg_restore")
    env, sms_file = worker_env
    event = make_event(school_a, starts_at=timezone.now() + timedelta(days=5))
    rina = make_family("Rina Haddad", school_a, phone="+12125550123", language="es")
    omar = make_family("Omar Said", school_a, phone="+12125550124", language="es")
    services.rsvp(family=rina, event=event, party=Party(True, adults=2, children=1))
    services.rsvp(family=omar, event=event, party=Party(True, adults=1))
    # Before the backup: Rina's confirmation went out; Omar's was being sent when the dump
    # was taken (claimed, the provider not yet answered).
    Message.objects.filter(kind="reminder").update(due_at=timezone.now() + timedelta(days=1))
    rina_confirmation = Message.objects.get(kind="rsvp_going", recipient=f"family:{rina.pk}")
    omar_confirmation = Message.objects.get(kind="rsvp_going", recipient=f"family:{omar.pk}")
    assert claim(omar_confirmation.pk)
    assert deliver_now() == ["sent"]  # Rina's
    sent_at = Message.objects.get(pk=rina_confirmation.pk).sent_at

    client.force_login(rina.user)
    staff = Client()
    staff.force_login(make_staff("district@example.org", district=district_a))
    before = read_pages(client, staff, event)

    settings_dict = connection.settings_dict
    name = settings_dict["NAME"]
    server = f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}"
    dump = tmp_path / "portal.dump"
    # The commands of docs/operations.md.
    subprocess.run([pg_dump, "--format=custom", f"--file={dump}", f"{server}/{name}"], check=True)
    connection.close()
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    with pytest.raises(ProgrammingError):  # really empty
        Message.objects.count()
    connection.close()
    subprocess.run(
        [pg_restore, "--no-owner", f"--dbname={server}/{name}", str(dump)],
        check=True,
        timeout=300,
    )

    # The same pages, byte for byte; the sessions came back too, so nobody is logged out.
    assert read_pages(client, staff, event) == before
    # The report counts are kept by triggers: they came back with the tables.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'reports_rsvpcount_%%'")
        assert cursor.fetchone()[0] == 5

    # The outbox resumes: the reminders come due, a real worker and beat run.
    Message.objects.filter(kind="reminder").update(due_at=timezone.now() - timedelta(minutes=1))
    beat = start(["beat", "--schedule", str(tmp_path / "beat"), "--loglevel", "WARNING"], env)
    worker = start(["worker", "-c", "1", "-P", "solo", "--loglevel", "WARNING"], env)
    try:
        assert wait_until(lambda: Message.objects.filter(status="sent").count() == 5, 90)
        time.sleep(3)  # a few more beats: nothing may be sent again
    finally:
        stop(worker)
        stop(beat)
    # Two reminders each, nothing else: Rina's confirmation is not sent a second time.
    sent_to = sorted(line["to"] for line in provider_log(sms_file))
    assert sent_to == ["+12125550123"] * 2 + ["+12125550124"] * 2
    assert Message.objects.get(pk=rina_confirmation.pk).sent_at == sent_at
    # Omar's confirmation, in flight at backup time, is left for staff to check (its lease
    # turns it "unknown"), never sent again by itself.
    assert Message.objects.get(pk=omar_confirmation.pk).status == "sending"
