"""RELIABILITY A4: every state change needs a CSRF token, and GET never changes state."""

import pytest
from django.apps import apps
from django.test import Client

from tests.conftest import PASSWORD, make_guide


def row_counts():
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


@pytest.fixture
def world(school_a, staff_a):
    return {"guide": make_guide(school_a), "staff": staff_a}


def post_urls(world):
    guide = world["guide"]
    section = guide.sections.first()
    return [
        ("/en/language/", {"language": "ar", "next": "/en/"}),
        ("/en/accounts/login/", {"login": world["staff"].email, "password": PASSWORD}),
        (f"/admin/schools/guide/{guide.pk}/change/", {"title_en": "changed"}),
        (f"/admin/schools/guidesection/{section.pk}/delete/", {"post": "yes"}),
        ("/admin/schools/guide/add/", {"title_en": "new", "slug": "new"}),
        ("/admin/logout/", {}),
    ]


def test_posts_without_csrf_token_are_refused_and_change_nothing(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["staff"])
    before = row_counts()
    for url, data in post_urls(world):
        response = client.post(url, data, secure=True)
        assert response.status_code == 403, url
    assert row_counts() == before
    assert client.get("/admin/", secure=True).status_code == 200  # still logged in


def test_csrf_failure_page_is_translated_and_plain(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/es/language/", {"language": "ar"}, secure=True)
    assert response.status_code == 403
    assert '<html lang="es"' in response.content.decode()
    assert "CSRF" not in response.content.decode()


def test_get_never_changes_state(client, world):
    client.force_login(world["staff"])
    before = row_counts()
    for url, _data in post_urls(world):
        client.get(url, secure=True)
    assert row_counts() == before


def test_get_of_a_familys_own_pages_changes_nothing(client, school_a):
    """Opening "my page" once wrote a calendar-feed row (issue 11, point 11)."""
    from tests.families.conftest import make_family

    family = make_family("Rina", school_a, phone="+12125550123")
    client.force_login(family.user)
    before = row_counts()
    for url in ("/en/my/", "/en/my/pass/", "/en/my/data/", "/en/my/data.json", "/en/my/erase/"):
        assert client.get(url).status_code == 200, url
    assert row_counts() == before


def test_a_cancelled_pass_is_replaced_by_a_post_not_by_opening_the_page(client, school_a):
    """Opening the pass page once made a new pass when the school had cancelled the old one
    (a lost phone): a GET must not undo the cancellation."""
    from families.models import FamilyPass
    from families.services import revoke_pass
    from tests.families.conftest import make_family

    family = make_family("Rina", school_a, phone="+12125550124")
    revoke_pass(family.current_pass())
    client.force_login(family.user)
    page = client.get("/en/my/pass/")
    assert page.status_code == 200
    assert "Get a new pass" in page.content.decode()
    assert family.current_pass() is None
    assert client.post("/en/my/pass/").status_code == 302
    new = family.current_pass()
    assert new is not None
    client.post("/en/my/pass/")  # a second tap keeps the same pass
    assert family.current_pass() == new
    assert FamilyPass.objects.filter(family=family).count() == 2
