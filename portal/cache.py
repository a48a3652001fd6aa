"""Django's Redis cache, keeping one redis-py client per connection pool.

Django builds a new redis-py client for every cache call, and building one fills its table
of ~170 response callbacks: about 0.15 ms, as much as the rest of a cached page's Redis
work (bench/pages.py). A client only holds the pool, which already handles connections,
threads and forks, so one per pool is enough.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _ReusedClients(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClients


def delete_keys(match) -> int:
    """Delete every cache key for which match(key) is true (key without Django's prefix and
    version). For erasure, which must find counters named by a hash of a person's number:
    a rare, deliberate walk over the keys (SCAN on Redis, never KEYS)."""
    from django.core.cache import caches

    cache = caches["default"]  # the backend itself: the `cache` proxy hides its class
    prefix = cache.make_key("")  # ":1:" with the default prefix and version
    if isinstance(cache, DjangoRedisCache):
        client = cache._cache.get_client(write=True)
        doomed = [
            raw
            for raw in client.scan_iter(match=f"{prefix}*", count=1000)
            if match(raw.decode(errors="replace")[len(prefix) :])
        ]
        for start in range(0, len(doomed), 500):
            client.delete(*doomed[start : start + 500])
        return len(doomed)
    # The local-memory cache of development: its own table of keys.
    keys = [k[len(prefix) :] for k in list(getattr(cache, "_cache", {})) if k.startswith(prefix)]
    doomed = [k for k in keys if match(k)]
    cache.delete_many(doomed)
    return len(doomed)
