"""Test settings: PostgreSQL and Redis on 127.0.0.1 when they answer, else SQLite."""

import os
import socket

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-" + "k" * 60)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


PG_HOST = os.environ.get("TEST_PG_HOST", "127.0.0.1")
REDIS_HOST = os.environ.get("TEST_REDIS_HOST", "127.0.0.1")
if "DATABASE_URL" not in os.environ and _answers(PG_HOST, 5432):
    os.environ["DATABASE_URL"] = f"postgres://postgres@{PG_HOST}:5432/portal"
# TEST_ISOLATION=N gives a second checkout its own test database and Redis db, so two
# test runs on one machine do not trample each other (N in 1..9).
ISOLATION = os.environ.get("TEST_ISOLATION", "")
if "REDIS_URL" not in os.environ and _answers(REDIS_HOST, 6379):
    os.environ["REDIS_URL"] = f"redis://{REDIS_HOST}:6379/{15 - int(ISOLATION or 0)}"

from portal.settings.base import *  # noqa: E402, F403
from portal.settings.base import STORAGES  # noqa: E402

if ISOLATION:
    DATABASES["default"].setdefault("TEST", {})["NAME"] = f"test_portal_{ISOLATION}"  # noqa: F405

# A dormant alias for tests/reports/test_replica.py, which points it at a real replica and
# sets DATABASE_REPLICA_URL; without that setting the router sends nothing to it.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Tests render templates without running collectstatic first.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
SECURE_SSL_REDIRECT = False
# whitenoise looks for STATIC_ROOT at start-up; tests serve from the finders instead.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
# A worker started by a test reads these from its environment (file backend).
SMS_BACKEND = os.environ.get("SMS_BACKEND", "messaging.sms.LocmemBackend")
VOICE_BACKEND = "messaging.sms.LocmemVoiceBackend"
# Tests run at any hour: quiet hours are tested on their own (tests/messaging/test_outbox.py).
QUIET_HOURS = None
# Pages render afresh in tests; tests/portal/test_page_cache.py and test_personal_pages.py
# turn the cache on. TEST_PAGE_CACHE_SECONDS runs the whole suite with it on: every test
# that reads a page after a change then also checks that the change retired the kept page.
PAGE_CACHE_SECONDS = int(os.environ.get("TEST_PAGE_CACHE_SECONDS", "0"))
# Report figures are computed afresh; tests/reports/test_report_cache.py turns the cache on.
REPORTS_CACHE_SECONDS = int(os.environ.get("REPORTS_CACHE_SECONDS", "0"))
