"""Report pages may read from a streaming replica, so a district's heavy reports do not slow
the pages families use. With DATABASE_REPLICA_URL set, settings add the database alias
"replica" and this router: inside `build_report()` (a report page's figures) reads go to the
replica; writes, the access checks before them, and every other page stay on the primary.

A replica that does not answer is left alone for RETRY_AFTER seconds and the page reads the
primary instead (and says so): a report is never a 500 because its copy is down.
"""

import contextlib
import time
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

ALIAS = "replica"
RETRY_AFTER = 30.0
# How long the page waits for the replica to accept a connection (libpq's connect_timeout).
CONNECT_TIMEOUT = 2

# The replica's lag: when it has replayed all it received, it is as fresh as its primary's
# last write, whatever the clock says; otherwise the last transaction it replayed gives its age.
LAG_SQL = """
SELECT pg_is_in_recovery(),
       COALESCE(pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(), false),
       pg_last_xact_replay_timestamp(),
       now()
"""


@dataclass(frozen=True)
class Source:
    """Where a report page read its figures."""

    replica: bool = False  # read from the replica
    fell_back: bool = False  # a replica is configured but did not answer
    as_of: datetime | None = None  # the replica holds every change made before this
    lag_seconds: int = 0


PRIMARY = Source()
_source: ContextVar[Source | None] = ContextVar("report_source", default=None)
_down_until = 0.0


def configured() -> bool:
    return bool(settings.DATABASE_REPLICA_URL) and ALIAS in connections.settings


def current() -> Source | None:
    """The source of the report being built, or None outside a report (or with no replica)."""
    return _source.get()


def _give_up_for_a_while():
    global _down_until
    _down_until = time.monotonic() + RETRY_AFTER
    with contextlib.suppress(DatabaseError):
        connections[ALIAS].close()


def _probe() -> Source:
    if time.monotonic() < _down_until:
        return Source(fell_back=True)
    try:
        with connections[ALIAS].cursor() as cursor:
            cursor.execute(LAG_SQL)
            recovering, caught_up, replayed, now = cursor.fetchone()
    except DatabaseError:
        _give_up_for_a_while()
        return Source(fell_back=True)
    if not recovering or caught_up or replayed is None:
        # Promoted (no longer a copy), or it has replayed all it received: as fresh as it gets.
        return Source(replica=True, as_of=now)
    lag = max(0, round((now - replayed).total_seconds()))
    return Source(replica=True, as_of=replayed, lag_seconds=lag)


def build_report(view, *args, **kwargs):
    """Run a report view with its reads on the replica when one is configured and answers.
    If the replica fails half-way (stopped, or a query cancelled by replay), the report is
    built again from the primary rather than answering 500."""
    if not configured():
        return view(*args, **kwargs)
    source = _probe()
    token = _source.set(source)
    try:
        try:
            return view(*args, **kwargs)
        except DatabaseError:
            if not source.replica:
                raise
            replica = connections[ALIAS]
            if replica.connection is None or not replica.is_usable():
                _give_up_for_a_while()
            _source.set(Source(fell_back=True))
            return view(*args, **kwargs)
    finally:
        _source.reset(token)


class ReplicaRouter:
    """DATABASE_ROUTERS: report reads to the replica, all the rest to the primary."""

    def db_for_read(self, model, **hints):
        source = _source.get()
        if source is not None and source.replica:
            return ALIAS
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: their rows may point at each other.
        return True

    def allow_migrate(self, db, app_label, **hints):
        # Migrations run on the primary; the replica follows by streaming replication.
        return db == DEFAULT_DB_ALIAS
