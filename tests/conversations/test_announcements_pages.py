"""Families read announcements on their page, whole, in their language, RTL correct; the
page costs the same queries for 2 or 20 announcements."""

import pytest

from conversations.announcements import services
from tests.conversations.conftest import TEXTS, make_announcement
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db


def sent(announcement):
    services.send(announcement)
    return announcement


@pytest.mark.parametrize("language", ["ar", "es"])
def test_the_family_reads_its_own_version_with_the_right_direction(client, school_a, language):
    family = make_family("Rina", school_a, phone="+12125550101", language=language)
    sent(make_announcement(school_a))
    client.force_login(family.user)
    page = client.get(f"/{language}/my/announcements/").content.decode()
    title, body = TEXTS[language]
    assert title in page and body in page
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<h2 lang="{language}" dir="{direction}">{title}</h2>' in page
    assert TEXTS["en"][0] not in page
    home = client.get(f"/{language}/my/").content.decode()
    assert title in home and f"/{language}/my/announcements/" in home


def test_without_its_version_the_family_reads_the_default_and_is_told(client, school_a):
    family = make_family("Rina", school_a, phone="+12125550101", language="ht")
    sent(make_announcement(school_a, languages=("en", "es")))
    client.force_login(family.user)
    page = client.get("/ht/my/announcements/").content.decode()
    assert TEXTS["en"][1] in page
    assert '<h2 lang="en" dir="ltr">' in page
    assert "English" in page  # the note names the language shown


def test_only_announcements_sent_to_the_family_are_shown(client, school_a, school_b):
    from events.models import Rsvp
    from tests.events.conftest import make_event

    event_a = make_event(school_a)
    family = make_family("Rina", school_a, phone="+12125550101", language="es")
    draft = make_announcement(school_a)
    other_school = sent(make_announcement(school_b))
    for_event = sent(make_announcement(school_a, audience="event", event=event_a))
    client.force_login(family.user)
    page = client.get("/es/my/announcements/").content.decode()
    assert page.count('class="card announcement') == 0
    assert f"announcement-{draft.pk}" not in page
    assert f"announcement-{other_school.pk}" not in page
    assert f"announcement-{for_event.pk}" not in page
    Rsvp.objects.create(event=event_a, family=family, status=Rsvp.Status.GOING)
    page = client.get("/es/my/announcements/").content.decode()
    assert f"announcement-{for_event.pk}" in page and TEXTS["es"][0] in page


def test_a_logged_out_visitor_is_sent_to_log_in(client):
    response = client.get("/es/my/announcements/")
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("count", [2, 20])
def test_the_family_pages_cost_the_same_queries_for_2_or_20(
    client, school_a, count, django_assert_max_num_queries
):
    family = make_family("Rina", school_a, phone="+12125550101", language="ar")
    for _ in range(count):
        sent(make_announcement(school_a))
    client.force_login(family.user)
    client.get("/ar/my/announcements/")  # warm the session and caches
    with django_assert_max_num_queries(12):
        page = client.get("/ar/my/announcements/")
    assert page.content.decode().count('class="card announcement') == count
    with django_assert_max_num_queries(30):
        assert client.get("/ar/my/").status_code == 200
