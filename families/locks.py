"""The locks that keep places and meetings from being given twice, in one place.

Events (RELIABILITY D1-D4), conference bookings (D6) and volunteer shifts (D7) all serve
the writers of one row one at a time the same way: a row lock (SELECT … FOR [NO KEY]
UPDATE) taken first in the transaction, a wait of at most LOCK_TIMEOUT_MS for it (then
"busy, please try again", never a hang), and a test-only switch that leaves the lock out so
the control tests can show their harness sees the race. It lives here, below both events
and signups in the layers (messaging → accounts → schools → families → …), so that they
share it instead of each keeping a copy; and a family's own lock belongs with the family.

PostgreSQL only: SQLite (the demo) has one writer at a time anyway.
"""

import time
from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError, connection


class Busy(Exception):
    """Another request held the lock longer than LOCK_TIMEOUT_MS."""


def skipped(switch: str) -> bool:
    """Test-only: the setting `switch` (EVENTS_SKIP_LOCK_FOR_TESTS,
    SIGNUPS_SKIP_LOCK_FOR_TESTS) leaves the locks out, for the control runs."""
    return getattr(settings, switch, False)


def race_window(switch: str, seconds: float) -> None:
    """Test-only: without the locks, a pause between counting and writing makes the race
    certain, so a control run that finds nothing wrong means a blind harness."""
    if skipped(switch):
        time.sleep(seconds)


def is_lock_timeout(error: BaseException) -> bool:
    # PostgreSQL's lock_not_available, raised when lock_timeout runs out.
    return isinstance(error, OperationalError) and (
        getattr(error.__cause__, "sqlstate", None) == "55P03"
    )


def limit_wait() -> None:
    """For the rest of this transaction only: a held lock makes us wait LOCK_TIMEOUT_MS at
    most, never until a proxy or a phone gives up (0 waits without limit)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('lock_timeout', %s, true)",
                [f"{int(getattr(settings, 'LOCK_TIMEOUT_MS', 3000))}ms"],
            )


@contextmanager
def busy_as(busy: type[Exception]):
    """A lock wait that ran out inside the block is raised as `busy` (EventBusy, ShiftBusy:
    each page answers its own "busy, try again"); any other database error as it is."""
    try:
        yield
    except OperationalError as error:
        if is_lock_timeout(error):
            raise busy from error
        raise


def lock_row(queryset, pk, *, switch: str, busy: type[Exception], no_key=True, of=()):
    """The row `pk` of `queryset` (get(): DoesNotExist if gone), locked until the caller's
    transaction ends, waiting LOCK_TIMEOUT_MS at most, then `busy`.

    NO KEY UPDATE by default, not plain UPDATE: it queues the writers of this row one
    behind the other, yet lets inserts that merely point to it (a foreign key check takes
    KEY SHARE) through without waiting. `of=("self",)` keeps rows read with it by
    select_related unlocked."""
    if skipped(switch):
        return queryset.get(pk=pk)
    limit_wait()
    with busy_as(busy):
        return queryset.select_for_update(no_key=no_key, of=of).get(pk=pk)


def seat_in_line(waiting, free: int, going) -> list:
    """Under the caller's lock, the waiting list's turn (an event's answers, a shift's
    sign-ups): the waiting parties, in line order, are seated (status `going`) while places
    are free. A party moves up only whole; one that does not fit is skipped, not a stop: a
    smaller party behind it may fit, and the big one keeps its turn for the next place that
    opens. Returns those seated."""
    seated = []
    for party in waiting:
        if free <= 0:
            break
        if party.people <= free:
            party.status = going
            party.save(update_fields=["status"])
            free -= party.people
            seated.append(party)
    return seated


# Advisory lock namespaces (the first of pg_advisory_xact_lock's two keys): one per kind of
# thing locked, so a family's id never collides with another table's.
FAMILY_BOOKINGS = 16
TRANSLATIONS = 17  # one conversation message's translation (conversations.services)


def lock_family(family_id: int, *, switch: str) -> None:
    """One family's conference bookings, one at a time (RELIABILITY D6): two tabs or a
    double tap booking two teachers at once would each check the family's other meetings
    before the other's is committed. A transaction-level advisory lock, not the family's
    row: it blocks nothing else that touches the family (its page, its answers to events).
    Take it before any row lock, so it is always the outermost and cannot deadlock."""
    if skipped(switch) or connection.vendor != "postgresql":
        return
    limit_wait()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s::integer, %s::integer)", [FAMILY_BOOKINGS, family_id]
        )
