"""Sessions read from Redis and written through to the database (Django's cached_db), that
keep working while Redis is down.

The database is the record: with Redis unreachable a session is read from it, and signing
out or an erasure still goes through (RELIABILITY's erasure test with Redis down). A copy in
Redis lives at most SESSION_CACHE_SECONDS.

A signed-out session never comes back. A sign-out while Redis is unreachable deletes the
database row but cannot delete the Redis copy; once Redis answers again, a cookie copied
before the sign-out would find that copy. So a copy read from Redis is used only if its row
still exists in the database: an existence check on the session key (the primary key).
Through the ORM that query was most of what cached_db saved (1.8 ms for the check against
2.1 ms for reading the row, on the test database); written as one plain statement it costs
0.4 ms of CPU (1.5 through the ORM, bench/pages.py's database). Soundness comes first.
Cheaper schemes were weighed and refused: remembering the keys whose delete failed (in
the process, or in the database) cannot reach the other web servers before they read the
copy, since Redis, the one place they all read without a query, is the place that was
down; a shorter copy lifetime only shortens the window.

When the copy names a user, the check is the statement that also reads that user, their
active family and staff roles for the request (portal.signed_in): being signed in then
costs this one statement and the Redis read, nothing more.
"""

import logging

from django.conf import settings
from django.contrib.sessions.backends import cached_db

from portal.page_cache import CACHE_DOWN

log = logging.getLogger("portal.sessions")


class _Copies:
    """The cache as the session store uses it, with its outages answered by the database."""

    def __init__(self, cache):
        self.cache = cache

    def get(self, key, default=None):
        try:
            return self.cache.get(key, default)
        except CACHE_DOWN as error:
            log.warning("session.cache_unavailable error=%s", type(error).__name__)
            return default

    def set(self, key, value, timeout):
        limit = getattr(settings, "SESSION_CACHE_SECONDS", 600)
        try:
            self.cache.set(key, value, min(timeout, limit) if timeout else limit)
        except CACHE_DOWN as error:
            log.warning("session.cache_unavailable error=%s", type(error).__name__)

    def delete(self, key):
        try:
            self.cache.delete(key)
        except CACHE_DOWN as error:
            log.error("session.cache_copy_kept error=%s", type(error).__name__)

    def __contains__(self, key):
        try:
            return key in self.cache
        except CACHE_DOWN:
            return False  # the database is asked next


class SessionStore(cached_db.SessionStore):
    # The rows read with the existence check (portal.signed_in.SignedIn), None until then.
    signed_in = None

    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _Copies(self._cache)

    def load(self):
        # cached_db's load, with the copy checked against the database. Written out rather
        # than calling it, so that with Redis down the cache is not asked (and waited for)
        # twice.
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # an invalid key, as cached_db allows for
            data = None
        if data is not None:
            if self._in_database(data):
                return data
            # Signed out (or erased) while Redis was down: its copy outlived it.
            self._cache.delete(self.cache_key)
            self._session_key = None
            return {}
        found = self._get_session_from_db()
        if found is None:
            return {}
        data = self.decode(found.session_data)
        self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=found.expire_date))
        return data

    def _in_database(self, data: dict) -> bool:
        """One plain statement on the primary key, paid by every signed-in request: built
        by hand, as the ORM's filter().exists() cost more CPU to compile than the database
        took to answer (bench/signed_cpu.py). When the session names a user, the same
        statement reads that user's row, active family and staff roles for the request
        (portal.signed_in), so that being signed in costs no other query."""
        from django.contrib.auth import SESSION_KEY
        from django.core.exceptions import ValidationError
        from django.db import connections, router
        from django.utils import timezone

        from portal import signed_in

        db = router.db_for_read(self.model)
        if SESSION_KEY in data:
            try:
                self.signed_in = signed_in.read(self, db, data, timezone.now())
            except ValidationError:  # not a user id: Django's get_user will say so
                pass
            else:
                return self.signed_in is not None
        meta = self.model._meta
        key = meta.get_field("session_key").column
        expires = meta.get_field("expire_date").column
        # Only the model's own table and column names are put in; the values are parameters.
        sql = f'SELECT 1 FROM "{meta.db_table}" WHERE "{key}" = %s AND "{expires}" > %s LIMIT 1'  # noqa: S608
        with connections[db].cursor() as cursor:
            cursor.execute(sql, [self.session_key, timezone.now()])
            return cursor.fetchone() is not None

    def flush(self):
        # What was read for the user this session named is not for the next one.
        self.signed_in = None
        super().flush()
