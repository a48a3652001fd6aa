"""The shared page cache (portal.page_cache): public pages come from the cache for visitors
without a login, change as soon as staff change the content, and never mix up personal
pages, messages or CSRF tokens."""

import re

import pytest
from django.test import Client

from tests.conftest import make_guide
from tests.events.conftest import make_event
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


def test_a_public_page_comes_from_the_cache_without_a_query(
    client, school_a, django_assert_num_queries
):
    guide = make_guide(school_a)
    make_event(school_a, title="Spring fair")
    # The guide, and the school page that portal.pages builds from several apps.
    for url in (guide.get_absolute_url(), school_a.get_absolute_url()):
        first = client.get(url)
        with django_assert_num_queries(0):
            again = Client().get(url)
        assert again.status_code == 200 and again.content == first.content, url
        assert again["Content-Type"] == first["Content-Type"]


def test_a_change_by_staff_shows_at_once(client, school_a):
    guide = make_guide(school_a, title="Old title")
    assert "Old title" in client.get(guide.get_absolute_url()).content.decode()
    guide.title_en = "New title"
    guide.save()
    page = client.get(guide.get_absolute_url()).content.decode()
    assert "New title" in page and "Old title" not in page
    event = make_event(school_a, title="Spring fair")
    assert "Spring fair" in client.get(school_a.get_absolute_url()).content.decode()
    event.delete()
    assert "Spring fair" not in client.get(school_a.get_absolute_url()).content.decode()


def test_each_language_has_its_own_copy(client, school_a):
    school_a.name_es = "Escuela A"
    school_a.save()
    assert "<h1>School A</h1>" in client.get("/en/schools/school-a/").content.decode()
    assert "<h1>Escuela A</h1>" in client.get("/es/schools/school-a/").content.decode()
    assert "<h1>School A</h1>" in client.get("/en/schools/school-a/").content.decode()


def test_a_logged_in_family_gets_its_own_page(client, school_a):
    event = make_event(school_a)
    assert 'name="going"' not in client.get(event.get_absolute_url()).content.decode()
    family = make_family("ZZD Lina", school_a, phone="+12125550190")
    client.force_login(family.user)
    assert 'name="going"' in client.get(event.get_absolute_url()).content.decode()
    assert 'name="going"' not in Client().get(event.get_absolute_url()).content.decode()


def test_every_visitor_gets_a_csrf_token_of_their_own_that_works(school_a):
    tokens = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        page = visitor.get("/en/").content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        tokens.append(token)
        response = visitor.post(
            "/en/language/", {"language": "es", "next": "/en/", "csrfmiddlewaretoken": token}
        )
        assert response.status_code == 302 and response["Location"] == "/es/"
    assert tokens[0] != tokens[1]


def test_a_message_for_the_visitor_is_not_hidden_by_the_cached_page(client, school_a):
    client.get(school_a.get_absolute_url())  # now cached
    response = client.post(
        f"/en/schools/{school_a.slug}/write/",
        {"kind": "question", "text": "When does school start?", "anonymous": "on"},
        follow=True,
    )
    assert "Thank you. The school received your message." in response.content.decode()


def test_searches_are_not_cached(client, school_a, school_b):
    assert school_a.name in client.get("/en/?q=School A").content.decode()
    page = client.get("/en/?q=ZZ-B").content.decode()
    assert school_b.name in page and school_a.get_absolute_url() not in page


def test_with_redis_down_pages_still_render_and_staff_can_still_save(client, school_a, settings):
    """The cache helps; it is never a dependency (RELIABILITY E2's spirit for pages)."""
    from django.core.cache import caches

    guide = make_guide(school_a, title="Open day")
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    try:
        response = Client().get(guide.get_absolute_url())
        assert response.status_code == 200 and "Open day" in response.content.decode()
        guide.title_en = "Open day, new time"
        guide.save()  # the signal cannot reach Redis: the save still succeeds
        assert "new time" in Client().get(guide.get_absolute_url()).content.decode()
    finally:
        del settings.CACHES
        caches.close_all()
