"""The shared cast: two schools in two districts, their staff, district staff, an admin.

Tests run on PostgreSQL and Redis when they answer on 127.0.0.1 (see portal/settings/test.py);
otherwise on SQLite, and tests that need a server are skipped and listed at the end. With
CI=true a missing server is a failure.
"""

import base64
import hashlib
import hmac
import os
import struct
import time

import django.test
import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from accounts.models import User
from schools.models import District, Guide, GuideSection, School, Status
from schools.staff import StaffRole
from tests.translation_fakes import (  # noqa: F401 (fixtures for every test)
    deepl_api,
    google_translate,
    libretranslate,
    no_translation,
)

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PASSWORD = "a-long-test-password-9"
_skipped_for_servers: list[str] = []


def _has_postgres() -> bool:
    return connection.vendor == "postgresql"


def _has_redis() -> bool:
    return bool(settings.REDIS_URL)


def pytest_sessionstart(session):
    if IN_CI:
        missing = [
            name
            for name, ok in (("PostgreSQL", _has_postgres()), ("Redis", _has_redis()))
            if not ok
        ]
        if missing:
            pytest.exit(f"CI needs {', '.join(missing)} on 127.0.0.1, and it did not answer.", 3)


def pytest_runtest_setup(item):
    for marker, ok, server in (("pg", _has_postgres, "PostgreSQL"), ("redis", _has_redis, "Redis")):
        if item.get_closest_marker(marker) and not ok():
            _skipped_for_servers.append(f"{item.nodeid} (no {server})")
            pytest.skip(f"needs {server} on 127.0.0.1")


def pytest_terminal_summary(terminalreporter):
    db = connection.vendor
    terminalreporter.write_line(f"database: {db}; redis: {'yes' if _has_redis() else 'no'}")
    if _skipped_for_servers:
        terminalreporter.write_line(
            f"{len(_skipped_for_servers)} tests skipped for lack of a server:", yellow=True
        )
        for line in _skipped_for_servers:
            terminalreporter.write_line(f"  {line}", yellow=True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters and SMS caps live in the cache (Redis db 15 in tests).
    from django.core.cache import cache

    cache.clear()
    # The language lists' order is counted once an hour per process: each test counts its own.
    from portal import languages

    languages.forget_order()
    yield


@pytest.fixture(autouse=True)
def empty_sms_outbox():
    from messaging import sms

    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _english_by_default():
    # reverse() follows the active language; each test starts in English.
    translation.activate("en")
    yield
    translation.activate("en")


def make_school(district, slug, name, **extra):
    return School.objects.create(
        district=district,
        slug=slug,
        name=name,
        name_en=name,
        phone=extra.pop("phone", "+1 555 0100 999"),
        languages=extra.pop("languages", ["en", "es", "ar"]),
        **extra,
    )


def make_guide(school, slug="how-it-works", title="How our school works", sections=2, **extra):
    guide = Guide.objects.create(
        school=school,
        slug=slug,
        title=title,
        title_en=title,
        status=extra.pop("status", Status.PUBLISHED),
        **extra,
    )
    for index in range(sections):
        GuideSection.objects.create(
            guide=guide,
            order=index,
            title=f"Part {index}",
            title_en=f"Part {index}",
            body=f"Body of part {index}.",
            body_en=f"Body of part {index}.",
        )
    return guide


@pytest.fixture
def district_a(db):
    return District.objects.create(slug="district-a", name="District A", name_en="District A")


@pytest.fixture
def district_b(db):
    return District.objects.create(slug="district-b", name="ZZ-B District", name_en="ZZ-B District")


@pytest.fixture
def school_a(district_a):
    return make_school(district_a, "school-a", "School A")


@pytest.fixture
def school_b(district_b):
    return make_school(district_b, "school-b", "ZZ-B School")


def make_staff(email, *, is_staff=True, **roles):
    """A staff member with the roles named: school=, district=, front_desk= (a school),
    partner= (a community partner). Front desk and partner staff work on the portal's own
    pages, not in the admin: pass is_staff=False for them, as their accounts are made."""
    user = User.objects.create_user(email=email, password=PASSWORD, name=email, is_staff=is_staff)
    if roles.get("school"):
        StaffRole.objects.create(user=user, kind="school_staff", school=roles["school"])
    if roles.get("district"):
        StaffRole.objects.create(user=user, kind="district_staff", district=roles["district"])
    if roles.get("front_desk"):
        StaffRole.objects.create(user=user, kind="front_desk", school=roles["front_desk"])
    if roles.get("partner"):
        StaffRole.objects.create(user=user, kind="partner_staff", partner=roles["partner"])
    return user


@pytest.fixture
def staff_a(school_a):
    return make_staff("staff.a@example.org", school=school_a)


@pytest.fixture
def staff_b(school_b):
    return make_staff("staff.b@example.org", school=school_b)


@pytest.fixture
def district_staff_a(district_a):
    return make_staff("district.a@example.org", district=district_a)


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(email="root@example.org", password=PASSWORD)


@pytest.fixture
def secure_client(client):
    """The test client over https, as production serves every page."""
    client.defaults["wsgi.url_scheme"] = "https"
    return client


@pytest.fixture
def front_desk_a(school_a):
    return make_staff("desk.a@example.org", is_staff=False, front_desk=school_a)


@pytest.fixture
def front_desk_b(school_b):
    return make_staff("desk.b@example.org", is_staff=False, front_desk=school_b)


@pytest.fixture
def partner_a(school_a):
    from schools.models import Partner

    partner = Partner.objects.create(name="Casa Comunidad")
    partner.schools.add(school_a)
    return partner


@pytest.fixture
def partner_staff_a(partner_a):
    return make_staff("cbo@example.org", is_staff=False, partner=partner_a)


def totp(secret: str, at: float | None = None) -> str:
    """The 6-digit code an authenticator app shows for this secret (RFC 6238)."""
    counter = int((time.time() if at is None else at) // 30)
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def add_authenticator_app(user) -> str:
    """Set up an authenticator app (and recovery codes) for a staff member, as they would
    on the set-up page; returns the app's key."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


class Client(django.test.Client):
    """The test client. force_login stands for a finished login, and a staff member's login
    finishes with the second factor (RELIABILITY B10), so for them it also records that step
    in the session, as allauth does after the code. The B10 tests
    (tests/portal/test_staff_mfa.py) go through the real password and code pages instead."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        from allauth.account.internal.flows.login import record_authentication
        from django.http import HttpRequest

        from accounts.second_factor import needs_second_factor

        if needs_second_factor(user):
            request = HttpRequest()
            request.session = self.session
            request.user = user
            record_authentication(request, user, "mfa", type="totp")
            request.session.save()


# pytest-django's `client` fixture and every Client() a test builds, django.test's included.
django.test.Client = django.test.client.Client = Client


def deliver_now():
    """Send every due message in this process (the send task's own code, without a broker).
    The reminder tests with a real worker live in tests/messaging/test_worker.py."""
    from django.utils import timezone

    from messaging.models import Message
    from messaging.tasks import send_message

    due = Message.objects.filter(status="queued", due_at__lte=timezone.now()).order_by("pk")
    return [send_message.run(pk) for pk in due.values_list("pk", flat=True)]
