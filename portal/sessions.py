"""Sessions read from Redis and written through to the database (Django's cached_db), that
keep working while Redis is down.

A signed-in page then loads its session without a database query. The database stays the
record: with Redis unreachable a session is read from it, and signing out or an erasure
still goes through (RELIABILITY's erasure test with Redis down). A copy in Redis lives at
most SESSION_CACHE_SECONDS, so a copy that could not be deleted while Redis was unreachable
(a sign-out during an outage) outlives the session by that much at most, never by the 30
days a family's session lasts.
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
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _Copies(self._cache)
