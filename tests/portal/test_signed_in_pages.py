"""Signed-in pages (portal.page_cache.public_part, portal.languages.in_reader_language,
families.qr): the parts every visitor sees alike come from the cache for signed-in
families too, a staff change retires them at once, each family still sees only its own
answer, name and token, and the pass's code is encoded once."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from events import services
from events.models import Event
from schools.models import GuideSection, Partner
from tests.conftest import make_guide
from tests.events.conftest import make_event
from tests.families.conftest import make_family

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


def signed_in(family) -> Client:
    client = Client()
    client.force_login(family.user)
    return client


def answer(family, event, going=True, adults=1):
    return services.rsvp(family=family, event=event, party=services.Party(going, adults))


@pytest.mark.parametrize("sections", [2, 12])
def test_a_signed_in_guide_reads_its_sections_from_the_cache(
    school_a, sections, django_assert_max_num_queries
):
    """Flat in the guide's size: the sections are read once, then not at all."""
    guide = make_guide(school_a, sections=sections)
    family = make_family("ZZS Sara", school_a, phone="+12125550171")
    client = signed_in(family)
    first = client.get(guide.get_absolute_url())
    assert f"Body of part {sections - 1}." in first.content.decode()
    # The session, the user, their staff roles, the guide: nothing of the sections.
    with django_assert_max_num_queries(4):
        again = client.get(guide.get_absolute_url())
    assert again.content == first.content


@pytest.mark.parametrize("events", [1, 8])
def test_a_signed_in_school_page_stays_flat_with_its_events(
    school_a, events, django_assert_max_num_queries
):
    for number in range(events):
        make_event(school_a, title=f"Evening {number}")
    make_guide(school_a)
    family = make_family("ZZS Sara", school_a, phone="+12125550171")
    client = signed_in(family)
    assert f"Evening {events - 1}" in client.get(school_a.get_absolute_url()).content.decode()
    # The session, the user, their roles, the school and the family's membership: the
    # events' cards come from the cache (an answer retires them, see below). Before: 6.
    with django_assert_max_num_queries(5):
        page = client.get(school_a.get_absolute_url()).content.decode()
    assert f"Evening {events - 1}" in page
    assert "Your family belongs to this school." in page


def test_a_staff_change_shows_at_once_to_signed_in_families(school_a):
    guide = make_guide(school_a, title="Old title")
    event = make_event(school_a, title="Spring fair")
    family = make_family("ZZS Sara", school_a, phone="+12125550171")
    client = signed_in(family)
    for url in (guide.get_absolute_url(), event.get_absolute_url(), school_a.get_absolute_url()):
        client.get(url)  # every part now cached

    section = GuideSection.objects.get(guide=guide, order=1)
    section.body_en = "Doors open at 8:15 now."
    section.save()
    assert "Doors open at 8:15 now." in client.get(guide.get_absolute_url()).content.decode()

    event.place_en = "Gym"
    event.save()
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Gym" in page and "Library" not in page

    # A partner added to the event saves no Event row.
    event.partners.add(Partner.objects.create(name="Harbor Library Friends"))
    assert "Harbor Library Friends" in client.get(event.get_absolute_url()).content.decode()

    school_a.welcome_en = "Welcome back after the holidays."
    school_a.save()
    assert (
        "Welcome back after the holidays."
        in client.get(school_a.get_absolute_url()).content.decode()
    )
    Event.objects.filter(pk=event.pk).first().delete()
    assert "Spring fair" not in client.get(school_a.get_absolute_url()).content.decode()


def test_two_families_on_the_same_page_each_see_only_their_own(school_a):
    event = make_event(school_a, title="Spring fair", capacity=50)
    rina = make_family("ZZR Rina", school_a, phone="+12125550172")
    omar = make_family("ZZO Omar", None, phone="+12125550173")
    answer(rina, event, adults=3)
    pages = {}
    for family in (rina, omar):
        client = signed_in(family)
        client.get(event.get_absolute_url())  # the first fills the cache for the second
        pages[family.display_name] = {
            "event": client.get(event.get_absolute_url()).content.decode(),
            "step two": client.get(f"{event.get_absolute_url()}?step=2").content.decode(),
            "school": client.get(school_a.get_absolute_url()).content.decode(),
            "home": client.get("/en/my/").content.decode(),
            "pass": client.get("/en/my/pass/").content.decode(),
        }
    rina_pages, omar_pages = pages["ZZR Rina"], pages["ZZO Omar"]
    assert "3 people" in rina_pages["event"] and "Change your answer" in rina_pages["event"]
    assert "3 people" not in omar_pages["event"] and "Will you come?" in omar_pages["event"]
    assert 'value="3"' in rina_pages["step two"] and 'value="3"' not in omar_pages["step two"]
    assert "Your family belongs to this school." in rina_pages["school"]
    assert "Your family belongs to this school." not in omar_pages["school"]
    assert "Join this school" in omar_pages["school"]
    for mine, theirs in (("ZZR Rina", "ZZO Omar"), ("ZZO Omar", "ZZR Rina")):
        assert mine in pages[mine]["home"] and theirs not in pages[mine]["home"]
        assert mine in pages[mine]["pass"] and theirs not in pages[mine]["pass"]
    assert rina.current_pass().short_code in rina_pages["pass"]
    assert rina.current_pass().short_code not in omar_pages["pass"]
    assert _qr(rina_pages["pass"]) != _qr(omar_pages["pass"])
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    assert token.search(rina_pages["step two"]).group(1) != token.search(
        omar_pages["step two"]
    ).group(1)


def test_an_answer_sent_from_a_cached_page_is_saved(school_a):
    """The form beside the cached parts carries the family's own working token."""
    event = make_event(school_a, title="Spring fair", capacity=50)
    family = make_family("ZZR Rina", school_a, phone="+12125550172")
    client = Client(enforce_csrf_checks=True)
    client.force_login(family.user)
    client.get(event.get_absolute_url())
    page = client.get(event.get_absolute_url()).content.decode()
    form = re.search(
        r'<form class="answer-step" method="post"[^>]*>(.*?)</form>', page, re.S
    ).group(1)
    data = dict(re.findall(r'<input[^>]+name="([^"]+)"[^>]+value="([^"]*)"', form))
    data.update({"going": "yes", "adults": "2", "children": "0"})
    response = client.post(event.get_absolute_url(), data)
    assert response.status_code == 302
    assert event.rsvps.get(family=family).status == "going"


def test_cached_parts_are_in_the_readers_language(school_a):
    event = make_event(school_a, title="Family night", title_es="Noche de familias")
    event.description_en = "Bring the children."
    event.description_es = "Traigan a los niños."
    event.save()
    family = make_family("ZZS Sara", school_a, phone="+12125550171")
    client = signed_in(family)
    for _ in range(2):  # the second time from the cache
        spanish = client.get(f"/es/events/{event.pk}/").content.decode()
        english = client.get(f"/en/events/{event.pk}/").content.decode()
        assert "Traigan a los niños." in spanish and "Bring the children." not in spanish
        assert "Bring the children." in english and "Traigan a los niños." not in english
    # A language with no translation shows the English text, marked as English.
    arabic = client.get(f"/ar/events/{event.pk}/").content.decode()
    assert "Bring the children." in arabic and 'lang="en" dir="ltr"' in arabic


def test_a_signed_out_visitor_sees_no_signed_in_parts(school_a):
    event = make_event(school_a, title="Spring fair", capacity=50)
    family = make_family("ZZR Rina", school_a, phone="+12125550172")
    answer(family, event, adults=3)
    client = signed_in(family)
    client.get(event.get_absolute_url())
    client.get(school_a.get_absolute_url())
    for visitor in (Client(), Client()):  # the second from the anonymous page cache
        page = visitor.get(event.get_absolute_url()).content.decode()
        assert "Log in to answer" in page and "3 people" not in page
        assert 'name="going"' not in page and "My page" not in page
        school_page = visitor.get(school_a.get_absolute_url()).content.decode()
        assert "Your family belongs to this school." not in school_page
    # Signing out of the same browser: the next page is anonymous again.
    client.post("/en/accounts/logout/")
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Log in to answer" in page and "3 people" not in page


def test_a_draft_preview_is_never_shared(school_a, staff_a):
    event = make_event(school_a, title="Secret plan", status=Event.Status.DRAFT)
    staff = signed_in_staff = Client()
    signed_in_staff.force_login(staff_a)
    preview = staff.get(event.get_absolute_url())
    assert preview.status_code == 200 and "Secret plan" in preview.content.decode()
    family = make_family("ZZS Sara", school_a, phone="+12125550171")
    assert signed_in(family).get(event.get_absolute_url()).status_code == 404
    event.status = Event.Status.PUBLISHED
    event.save()
    page = signed_in(family).get(event.get_absolute_url()).content.decode()
    assert "Secret plan" in page and "Preview" not in page


def test_a_part_holding_a_form_is_never_stored(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.template import engines

    template = engines["django"].from_string(
        '{% load public_parts %}{% public_part "form" %}{% csrf_token %}{% endpublic_part %}'
    )
    tokens = set()
    for _ in range(2):
        request = rf.get("/en/somewhere/")
        request.user = AnonymousUser()
        tokens.add(template.render({}, request))
    assert len(tokens) == 2


def test_the_pass_code_is_encoded_once_and_a_new_pass_gets_a_new_one(school_a):
    from families import services as family_services
    from portal.cache import delete_keys

    family = make_family("ZZR Rina", school_a, phone="+12125550172")
    client = signed_in(family)
    first = _qr(client.get("/en/my/pass/").content.decode())
    assert first == _qr(client.get("/en/my/pass/").content.decode())
    old = family.current_pass()
    family_services.revoke_pass(old)  # a lost phone: the school cancels the pass
    client.post("/en/my/pass/")
    page = client.get("/en/my/pass/").content.decode()
    assert family.current_pass().short_code in page and old.short_code not in page
    assert _qr(page) != first
    # Encoded once per pass: the cache holds the old pass's code and the new one's.
    assert delete_keys(lambda key: key.startswith("qr-svg:")) == 2


def test_an_authenticator_code_is_never_stored(db):
    """Its QR code carries the secret: the cache keeps only passes' codes."""
    from families.adapter import MFAAdapter
    from portal.cache import delete_keys

    svg = MFAAdapter().build_totp_svg("otpauth://totp/portal:staff?secret=JBSWY3DPEHPK3PXP")
    assert svg.startswith("<svg")
    assert delete_keys(lambda key: key.startswith("qr-svg:")) == 0


def test_sessions_live_in_redis_and_the_database_and_survive_a_cache_flush(school_a, settings):
    from django.core.cache import cache

    assert settings.SESSION_ENGINE == "portal.sessions"
    family = make_family("ZZR Rina", school_a, phone="+12125550172")
    client = signed_in(family)
    assert "Hello, <bdi>ZZR Rina</bdi>" in client.get("/en/my/").content.decode()
    cache.clear()  # Redis restarted: the database still has the session
    page = client.get("/en/my/")
    assert page.status_code == 200 and "Hello, <bdi>ZZR Rina</bdi>" in page.content.decode()


def test_without_redis_sessions_are_kept_in_the_database():
    """make run has no Redis: sessions in the database, not in a per-process cache that a
    second process would not see."""
    code = "from django.conf import settings; print(settings.SESSION_ENGINE)"
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "DEBUG": "1",
        "PORTAL_VAR_DIR": "/tmp/portal-settings-check",
    }
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "django.contrib.sessions.backends.db"


def _qr(page: str) -> str:
    return re.search(r'<div class="pass-qr"[^>]*>(.*?)</div>', page, re.S).group(1)


def test_only_the_readers_language_columns_are_read(school_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    event = make_event(school_a, title="Family night", title_es="Noche de familias")
    family = make_family("ZZS Sara", school_a, phone="+12125550171")
    client = signed_in(family)
    counts = {}
    for language in ("es", "fr"):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(f"/{language}/events/{event.pk}/").content.decode()
        counts[language] = len(queries)
        event_sql = next(q["sql"] for q in queries if 'FROM "events_event"' in q["sql"])
        assert f'"title_{language}"' in event_sql and '"title_en"' in event_sql
        others = {"es": "fr", "fr": "es"}[language]
        assert f'"title_{others}"' not in event_sql and '"description_uk"' not in event_sql
    assert "Noche de familias" in client.get(f"/es/events/{event.pk}/").content.decode()
    # French falls back to English without reading anything more.
    assert counts["es"] == counts["fr"] and "Family night" in page


def test_with_redis_down_a_family_stays_signed_in_and_can_sign_out(school_a, settings):
    """Sessions are a copy in Redis; the database keeps them (portal.sessions)."""
    from django.core.cache import caches

    family = make_family("ZZR Rina", school_a, phone="+12125550172")
    client = signed_in(family)
    settings.CACHES = {
        "default": {"BACKEND": "portal.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    try:
        page = client.get("/en/my/")
        assert page.status_code == 200 and "Hello, <bdi>ZZR Rina</bdi>" in page.content.decode()
        assert client.post("/en/accounts/logout/").status_code == 302
        assert client.get("/en/my/").status_code == 302  # to the login page
    finally:
        del settings.CACHES
        caches.close_all()
    assert client.get("/en/my/").status_code == 302


def test_a_session_copy_in_redis_lives_at_most_session_cache_seconds(school_a, settings):
    from django.core.cache import caches

    settings.SESSION_CACHE_SECONDS = 300
    family = make_family("ZZR Rina", school_a, phone="+12125550172")
    client = signed_in(family)
    client.get("/en/my/")
    backend = caches["default"]
    key = backend.make_key("django.contrib.sessions.cached_db" + client.session.session_key)
    assert 0 < backend._cache.get_client(key).ttl(key) <= 300


def test_a_cookie_copied_before_a_sign_out_during_a_redis_outage_stays_signed_out(school_a):
    """A sign-out while Redis was down deleted the session's row but not its Redis copy
    (what portal.sessions can do then); a copy of the old cookie, replayed once Redis is
    back, opens nothing."""
    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.core.cache import cache

    family = make_family("ZZR Rina", school_a, phone="+12125550172")
    client = signed_in(family)
    assert client.get("/en/my/").status_code == 200  # its copy is now in Redis
    name = settings.SESSION_COOKIE_NAME
    key = client.cookies[name].value
    Session.objects.filter(session_key=key).delete()
    thief = Client()
    thief.cookies[name] = key
    response = thief.get("/en/my/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    # ... and the copy is gone for good.
    assert cache.get("django.contrib.sessions.cached_db" + key) is None
    assert thief.get("/en/my/").status_code == 302


def _fill_my_page(family, school, events):
    """A family with something in each list My page reads by itself: answers, a
    conversation with unread answers, an announcement and a calendar address."""
    from django.utils import timezone

    from conversations.models import Thread
    from events.models import CalendarFeed
    from tests.conversations.conftest import make_announcement

    for number in range(events):
        answer(family, make_event(school, title=f"Evening {number}", capacity=50))
    Thread.objects.create(family=family, school=school, unread_by_family=2)
    make_announcement(school, status="sent", sent_at=timezone.now())
    return CalendarFeed.objects.create(family=family)


@pytest.mark.parametrize("events", [1, 8])
def test_my_page_reads_only_the_lists_that_have_something(
    school_a, events, django_assert_max_num_queries
):
    """An empty list costs no query of its own; a full one is read whole, in one query
    whatever its size, and each family sees only its own rows."""
    rina = make_family("ZZR Rina", school_a, phone="+12125550172")
    omar = make_family("ZZO Omar", school_a, phone="+12125550173")
    feed = _fill_my_page(rina, school_a, events)
    rina_client, omar_client = signed_in(rina), signed_in(omar)
    for client in (rina_client, omar_client):
        client.get("/en/my/")  # the session, Django's own caches
    # The session with the user, their roles and the family (one statement,
    # portal.signed_in), which lists have anything, its schools, the school's announcements
    # and their texts; for Rina her answers and her conversations too. Before: 11 and 11, an
    # empty list cost a query of its own; then 8 and 10, the session, the user, the roles
    # and the family a query each.
    with django_assert_max_num_queries(5):
        omar_page = omar_client.get("/en/my/").content.decode()
    with django_assert_max_num_queries(7):
        rina_page = rina_client.get("/en/my/").content.decode()
    assert f"Evening {events - 1}" in rina_page and "2 new answers" in rina_page
    assert "School closed today" in rina_page and feed.token in rina_page
    assert "You have not answered any event yet." not in rina_page
    # Omar's school sent the same announcement; nothing else of Rina's is his.
    assert "School closed today" in omar_page
    assert "Evening 0" not in omar_page and "2 new answers" not in omar_page
    assert feed.token not in omar_page and "ZZR Rina" not in omar_page
    assert "You have not answered any event yet." in omar_page
    assert "No messages yet." in omar_page


def test_places_left_on_a_signed_in_school_page_change_with_each_answer(school_a):
    """The cached cards are retired by every change that alters what they hold: an answer,
    a cancellation, the event's title, place and capacity."""
    event = make_event(school_a, title="Spring fair", capacity=5)
    rina = make_family("ZZR Rina", school_a, phone="+12125550172")
    omar = make_family("ZZO Omar", school_a, phone="+12125550173")
    client = signed_in(omar)
    url = school_a.get_absolute_url()

    def cards():
        page = client.get(url).content.decode()
        return page[page.index("<h2>Events</h2>") :]

    assert "5 places left" in cards() and "5 places left" in cards()  # the second cached
    answer(rina, event, adults=3)
    assert "2 places left" in cards()
    answer(rina, event, going=False)
    assert "5 places left" in cards()
    event.title_en, event.place_en, event.capacity = "Autumn fair", "Gym", 8
    event.save()
    page = cards()
    assert "Autumn fair" in page and "Gym" in page and "8 places left" in page
    answer(omar, event, adults=8)
    assert "Full — waiting list" in cards()


@pytest.mark.parametrize("answers", [1, 12])
def test_a_signed_in_event_page_stays_flat_with_its_answers(
    school_a, answers, django_assert_max_num_queries
):
    """A school's event and a district's (its district named in the cached part, read only
    when the part is made): the same few queries however many families answered."""
    from tests.conftest import make_school

    district_event = make_event(school_a, title="District fair", capacity=100)
    district_event.school = None
    district_event.save()
    school_event = make_event(school_a, title="Spring fair", capacity=100)
    other = make_school(school_a.district, "other-school", "Other School")
    for number in range(answers):
        family = make_family(f"ZZF {number}", other)
        for event in (district_event, school_event):
            services.rsvp(family=family, event=event, party=services.Party(True, 1))
    rina = make_family("ZZR Rina", school_a, phone="+12125550172")
    client = signed_in(rina)
    for event, crumb in ((district_event, school_a.district.name), (school_event, "Spring fair")):
        first = client.get(event.get_absolute_url()).content.decode()
        assert crumb in first and f"{100 - answers} places left" in first
        # The session, the user, their roles, the event, the family, its answer.
        with django_assert_max_num_queries(6):
            again = client.get(event.get_absolute_url()).content.decode()
        assert crumb in again and f"{100 - answers} places left" in again
