"""Redis and the Celery broker over real connections (skipped without Redis, fails in CI)."""

import uuid

import pytest
from django.conf import settings
from django.core.cache import cache

from portal.celery import app


@pytest.mark.redis
def test_cache_round_trips_through_redis():
    assert "RedisCache" in settings.CACHES["default"]["BACKEND"]
    key = f"probe:{uuid.uuid4()}"
    cache.set(key, "værdi ✓", 30)
    assert cache.get(key) == "værdi ✓"
    cache.delete(key)
    assert cache.get(key) is None


@pytest.mark.redis
def test_celery_broker_is_redis_and_reachable():
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=2)
        assert connection.connected


@pytest.mark.pg
def test_database_is_postgresql(django_db_blocker):
    from django.db import connection

    with django_db_blocker.unblock():
        assert connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            cursor.execute("select current_setting('server_version_num')::int")
            assert cursor.fetchone()[0] >= 130000
