"""What a signed-in request pays before its view (portal.signed_in): one statement reads the
session's row, the user, their active family and staff roles; and the request still ends
exactly where django.contrib.auth.get_user would end it (RELIABILITY B7)."""

import hashlib
import inspect

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from tests.families.conftest import make_family

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

PAGE = "/en/my/pass/"


def _signed_in(family) -> Client:
    client = Client()
    client.force_login(family.user)
    # Its copy is now in Redis (cached_db writes through): the path of almost every request.
    assert client.get(PAGE).status_code == 200
    return client


def _listed(client, family) -> None:
    """The session in allauth's list of the person's sessions, as a login through its pages
    puts it (force_login does not): what an erasure and 'sign out everywhere' end."""
    from allauth.usersessions.models import UserSession

    UserSession.objects.create(
        user_id=family.user_id, session_key=client.session.session_key, ip="127.0.0.1"
    )


def _signed_out(response) -> bool:
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.fixture(params=["redis", "redis down"])
def redis(request, settings):
    """Each promise holds with the session's copy in Redis and with Redis down (the session
    then read from the database, and the user by Django's own get_user)."""
    if request.param == "redis down":
        settings.CACHES = {
            "default": {"BACKEND": "portal.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
        }
    yield request.param
    if request.param == "redis down":
        del settings.CACHES
        caches.close_all()


def test_one_statement_reads_the_session_the_user_the_family_and_the_roles(school_a):
    family = make_family("ZZR Rina", school_a, phone="+12125550172")
    client = _signed_in(family)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE).status_code == 200
    reading = [q["sql"] for q in queries if '"django_session"' in q["sql"]]
    assert len(reading) == 1
    from families.models import Family
    from schools.staff import StaffRole

    for table in (f'"{model._meta.db_table}"' for model in (User, Family, StaffRole)):
        assert [q["sql"] for q in queries if f"JOIN {table}" in q["sql"]] == reading
        assert not [q for q in queries if f"FROM {table}" in q["sql"]]
    # Values are parameters (the user's id, the session key, the time); the rest is names.
    from portal.signed_in import _statement

    assert _statement("default", Session)[0].count("%s") == 3


@pytest.mark.parametrize("schools", [1, 6])
def test_a_signed_in_family_page_costs_the_same_few_queries_at_any_size(
    school_a, district_a, schools, django_assert_max_num_queries
):
    from families.models import Membership
    from tests.conftest import make_school

    family = make_family("ZZR Rina", school_a, phone="+12125550172")
    for number in range(1, schools):
        school = make_school(district_a, f"extra-{number}", f"Extra {number}")
        Membership.objects.create(family=family, school=school, status="confirmed")
    client = _signed_in(family)
    # The session with the user, family and roles; the pass; its schools. Before: the
    # session, the user, the roles and the family were a query each (6).
    with django_assert_max_num_queries(3):
        page = client.get(PAGE)
    assert page.status_code == 200 and "ZZR Rina" in page.content.decode()


def test_a_deactivated_login_is_signed_out_on_its_next_request(school_a, redis):
    family = make_family("ZZR Rina", school_a, phone="+12125550172")
    client = _signed_in(family)
    User.objects.filter(pk=family.user_id).update(is_active=False)
    assert _signed_out(client.get(PAGE))


def test_a_password_change_ends_the_other_sessions_on_their_next_request(school_a, redis):
    family = make_family("ZZR Rina", school_a, phone="+12125550172")
    client = _signed_in(family)
    key = client.session.session_key
    user = User.objects.get(pk=family.user_id)
    user.set_password("another-long-pass-77")
    user.save()
    assert _signed_out(client.get(PAGE))
    # Flushed, as Django flushes it: the old session is gone from the database.
    assert not Session.objects.filter(session_key=key).exists()


def test_a_session_deleted_elsewhere_ends_on_its_next_request(school_a):
    """Signed out on another server while Redis was down: the row is gone, the copy in Redis
    is not. The statement that reads the user finds no session row: anonymous."""
    family = make_family("ZZR Rina", school_a, phone="+12125550172")
    client = _signed_in(family)
    Session.objects.filter(session_key=client.session.session_key).delete()
    assert _signed_out(client.get(PAGE))


def test_an_erased_familys_session_ends(school_a, redis):
    from families.models import Family
    from families.services import erase_family

    family = make_family("ZZR Rina", school_a, phone="+12125550172")
    client = _signed_in(family)
    _listed(client, family)
    erase_family(Family.objects.get(pk=family.pk))
    assert _signed_out(client.get(PAGE))


def test_signing_out_everywhere_ends_every_session(school_a):
    from allauth.usersessions.models import UserSession

    family = make_family("ZZR Rina", school_a, phone="+12125550172")
    phone, laptop = _signed_in(family), _signed_in(family)
    _listed(phone, family), _listed(laptop, family)
    for user_session in UserSession.objects.filter(user_id=family.user_id):
        user_session.end()
    assert _signed_out(phone.get(PAGE)) and _signed_out(laptop.get(PAGE))


def test_a_rotated_secret_keeps_the_session_and_renews_its_hash(school_a, settings):
    """Django's fallback secrets: the session stays, under a new key, with the new hash."""
    family = make_family("ZZR Rina", school_a, phone="+12125550172")
    client = _signed_in(family)
    old_key = client.session.session_key
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "rotated-" + "r" * 60
    assert client.get(PAGE).status_code == 200
    assert client.session.session_key != old_key
    settings.SECRET_KEY_FALLBACKS = []
    assert client.get(PAGE).status_code == 200


def test_a_session_from_a_backend_no_longer_listed_is_anonymous(school_a, settings):
    family = make_family("ZZR Rina", school_a, phone="+12125550172")
    client = _signed_in(family)
    listed = settings.AUTHENTICATION_BACKENDS
    settings.AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
    assert _signed_out(client.get(PAGE))
    # Not flushed (Django does not flush here either): the backend listed again, it is back.
    settings.AUTHENTICATION_BACKENDS = listed
    assert client.get(PAGE).status_code == 200


def test_a_role_granted_counts_on_the_next_request(school_a):
    """The roles come with the user in the same statement: a family member made front-desk
    staff is asked for a second factor at once (RELIABILITY B10)."""
    from schools.staff import StaffRole

    family = make_family("ZZR Rina", school_a, phone="+12125550172")
    client = _signed_in(family)
    StaffRole.objects.create(user=family.user, school=school_a, kind="front_desk")
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/2fa/" in response["Location"]


def test_an_erased_family_is_not_the_logins_family_any_more(school_a, redis, settings):
    """Only the active family is read with the session: one marked erased, its login not yet
    deleted, opens no family page (as Family.objects.active() answered before)."""
    from django.utils import timezone

    from families.models import Family

    # What the statement reads, not a kept page: the real erasure deletes those itself
    # (tests/families/test_export_and_erasure.py), an update() here bypasses it.
    settings.PAGE_CACHE_SECONDS = 0

    family = make_family("ZZR Rina", school_a, phone="+12125550172")
    client = _signed_in(family)
    Family.objects.filter(pk=family.pk).update(erased_at=timezone.now())
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].endswith("/my/start/")


def test_a_login_without_a_family_is_sent_to_make_one(staff_a):
    client = Client()
    client.force_login(staff_a)
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].endswith("/my/start/")


def test_the_copy_of_djangos_get_user_is_read_again_when_django_changes_it():
    """portal.signed_in.get_user is django.contrib.auth.get_user but for where the user row
    comes from. When Django's changes (an upgrade), this fails: compare the two again, carry
    the change over, then record the new digest here."""
    from django.contrib import auth

    source = inspect.getsource(auth.get_user)
    assert hashlib.sha256(source.encode()).hexdigest() == DJANGO_GET_USER


DJANGO_GET_USER = "08a852f701f765bc91f251764cc682d2d3f59d5d0fdfa2e1fc6fb9bba45ba960"  # Django 6.1.3
