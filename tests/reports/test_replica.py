"""Report pages read from a real streaming replica when DATABASE_REPLICA_URL names one, show
how far behind it is, and fall back to the primary when it stops (reports/replica.py).

The test starts its own pair of PostgreSQL clusters on free loopback ports: a primary (the
shared server on 5432 does not accept replication connections, and making it would need its
pg_hba.conf changed), and a replica made from it with pg_basebackup, streaming. For the
test's length Django's "default" database is that primary (holding a copy of the test
database) and "replica" its replica, as settings do with DATABASE_REPLICA_URL. Without the
PostgreSQL server programs (initdb, pg_ctl, pg_basebackup) the test is skipped, except under
CI=true, where that fails the run. Both clusters are stopped and removed afterwards.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connections

from reports import replica
from schools.models import District
from tests.conftest import IN_CI, make_school, make_staff
from tests.events.conftest import make_event
from tests.reports.conftest import make_families, rsvp

pytestmark = [
    pytest.mark.pg,
    pytest.mark.django_db(transaction=True, databases=["default", replica.ALIAS]),
]


def _bin(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version) or [
        shutil.which(name)
    ]
    if found[-1]:
        return found[-1]
    message = f"{name} is missing (apt-get install postgresql)"
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _version(path):
    return int(Path(path).parts[4]) if Path(path).parts[4].isdigit() else 0


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(*command, **kwargs):
    # PostgreSQL refuses to run its server as root: as root, run its programs as postgres.
    if os.geteuid() == 0:
        command = ("runuser", "-u", "postgres", "--", *command)
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, **kwargs)  # noqa: S603
    assert done.returncode == 0, f"{command}: {done.stderr}{done.stdout}"
    return done.stdout


def _start(data, port, root):
    with open(data / "postgresql.auto.conf", "a") as conf:
        conf.write(
            f"port = {port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{root}'\nfsync = off\n"
        )
    _run(_bin("pg_ctl"), "-D", str(data), "-l", str(root / f"{data.name}.log"), "-w", "start")


@pytest.fixture
def clusters():
    # Not under pytest's own temporary folder: that one is closed to the postgres user.
    root = Path(tempfile.mkdtemp(prefix="portal-replica-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    primary, copy = root / "primary", root / "copy"
    primary_port, copy_port = _free_port(), _free_port()
    started = []
    try:
        # initdb's pg_hba.conf lets 127.0.0.1 replicate (trust), and wal_level is "replica".
        _run(_bin("initdb"), "-D", str(primary), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        _start(primary, primary_port, root)
        started.append(primary)
        test_db = connections["default"].settings_dict
        here = ("-h", "127.0.0.1", "-p", str(primary_port), "-U", "postgres")
        _run(_bin("createdb"), *here, "portal")
        dump = _run(
            _bin("pg_dump"),
            *("-h", test_db["HOST"], "-p", str(test_db["PORT"] or 5432), "-U", test_db["USER"]),
            test_db["NAME"],
        )
        _run(
            _bin("psql"),
            *("-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(primary_port)),
            *("-U", "postgres", "-d", "portal"),
            input=dump,
        )
        # The replica: a base backup streamed from the primary, -R writes standby.signal and
        # primary_conninfo, so it starts as a hot standby following the primary.
        _run(
            _bin("pg_basebackup"),
            *("-h", "127.0.0.1", "-p", str(primary_port), "-U", "postgres"),
            *("-D", str(copy), "-R", "-X", "stream", "-c", "fast"),
        )
        _start(copy, copy_port, root)
        started.append(copy)
        yield primary_port, copy_port, copy
    finally:
        for data in reversed(started):
            subprocess.run(
                ["runuser", "-u", "postgres", "--"] * (os.geteuid() == 0)
                + [_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def replica_setup(clusters, settings):
    """As settings are with DATABASE_REPLICA_URL set: "default" is the primary cluster and
    "replica" (the alias test settings keep dormant) its streaming replica."""
    primary_port, copy_port, copy = clusters
    default, copy_db = connections["default"], connections[replica.ALIAS]
    saved = dict(default.settings_dict), dict(copy_db.settings_dict)
    for connection in default, copy_db:
        connection.close()
    default.settings_dict.update(HOST="127.0.0.1", PORT=str(primary_port), NAME="portal")
    copy_db.settings_dict.update(HOST="127.0.0.1", PORT=str(copy_port), NAME="portal")
    copy_db.settings_dict["OPTIONS"] = {**copy_db.settings_dict["OPTIONS"], "connect_timeout": 2}
    settings.DATABASE_REPLICA_URL = f"postgres://postgres@127.0.0.1:{copy_port}/portal"
    replica._down_until = 0.0
    try:
        yield copy
    finally:
        replica._down_until = 0.0
        for connection, before in zip((default, copy_db), saved, strict=True):
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(before)


def _on_replica(sql):
    with connections[replica.ALIAS].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def _wait_for_replica(sql, expected):
    for _ in range(200):
        if _on_replica(sql) == expected:
            return
        time.sleep(0.05)
    raise AssertionError(f"the replica never showed {expected} for {sql}")


def _going(client, event):
    """The event report's 'going' families, as its CSV reads them."""
    response = client.get(f"/en/reports/events/{event.pk}/", {"csv": "by_language"})
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def test_reports_read_from_the_streaming_replica_with_its_lag_and_fall_back_when_it_stops(
    client, replica_setup
):
    copy = replica_setup
    assert _on_replica("SELECT pg_is_in_recovery()") is True
    district = District.objects.create(slug="district-r", name="District R", name_en="District R")
    school = make_school(district, "school-r", "School R")
    staff = make_staff("district.r@example.org", district=district)
    event = make_event(school, title="Spring picnic")
    families = make_families(school, "es", 14)
    for family in families[:12]:
        rsvp(event, family)
    # An RSVP written on the primary reaches the replica.
    _wait_for_replica("SELECT count(*) FROM events_rsvp", 12)
    client.force_login(staff)

    page = client.get(f"/en/reports/events/{event.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "These figures are read from a copy of the database" in text
    assert "(0 s behind)" in text
    twelve = _going(client, event)
    assert ",12" in twelve

    # Replay paused: the primary has 14 answers, the replica still 12, and the report, read
    # through the replica, shows 12 and says how far behind the copy is.
    _on_replica("SELECT pg_wal_replay_pause()")
    for family in families[12:]:
        rsvp(event, family)
    time.sleep(1.2)
    _wait_for_replica("SELECT pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()", True)
    assert _going(client, event) == twelve
    behind = client.get(f"/en/reports/events/{event.pk}/").content.decode()
    assert "(0 s behind)" not in behind and " s behind)" in behind
    # In the reader's language too.
    spanish = client.get(f"/es/reports/events/{event.pk}/").content.decode()
    assert "copia de la base de datos" in spanish

    _on_replica("SELECT pg_wal_replay_resume()")
    _wait_for_replica("SELECT count(*) FROM events_rsvp", 14)
    fourteen = _going(client, event)
    assert ",14" in fourteen

    # The replica stops: the report reads the primary, says so, and never answers 500.
    connections[replica.ALIAS].close()
    _run(_bin("pg_ctl"), "-D", str(copy), "-m", "immediate", "stop")
    fallback = client.get(f"/en/reports/events/{event.pk}/")
    assert fallback.status_code == 200
    assert "could not be reached, so these figures are read from the main database" in (
        fallback.content.decode()
    )
    assert _going(client, event) == fourteen
