"""Each role's front door (portal.front_door): after logging in through the real pages,
password then the authenticator app's code, each kind of staff member lands where their
work is; the header's "Staff" link leads there; the admin's front page counts today's work
for the staff member's own school only, in a fixed number of queries."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from accounts.models import User
from committees.models import Committee, SeatApplication
from conversations.models import CallbackRequest, Thread
from events.models import Event
from families.models import Feedback
from schools.staff import StaffRole
from tests.conftest import PASSWORD, add_authenticator_app, totp
from tests.events.conftest import make_event
from tests.families.conftest import last_code, make_family
from tests.portal.test_staff_mfa import CODE_STEP, SETUP, clock, set_up_authenticator_app

pytestmark = pytest.mark.django_db
__all__ = ["clock"]  # the fixture, used by name

LOGIN = "/en/accounts/login/"
STAFF_LOGIN = "/en/accounts/login/staff/"
STAFF_LINK = re.compile(r'<a class="account-link staff-link" href="([^"]+)">')


def log_in(user, page=LOGIN, next_url=None, secret=None) -> tuple[Client, str]:
    """Password, then the app's code, as the staff member types them; returns the client and
    where the login sent them. The app is set up first unless its key is given."""
    secret = secret or add_authenticator_app(user)
    client = Client()
    data = {"login": user.email, "password": PASSWORD}
    if next_url is not None:
        data["next"] = next_url
    response = client.post(page, data)
    assert (response.status_code, response["Location"]) == (302, CODE_STEP)
    response = client.post(CODE_STEP, {"code": totp(secret)})
    assert response.status_code == 302
    return client, response["Location"]


def person(email, *roles, school=None, district=None, partner=None, is_staff=False):
    user = User.objects.create_user(email=email, password=PASSWORD, is_staff=is_staff)
    for kind in roles:
        place = {
            "school_staff": {"school": school},
            "front_desk": {"school": school},
            "district_staff": {"district": district},
            "partner_staff": {"partner": partner},
        }[kind]
        StaffRole.objects.create(user=user, kind=kind, **place)
    return user


@pytest.fixture
def cast(staff_a, front_desk_a, district_staff_a, partner_staff_a, superuser):
    return {
        "school_staff": staff_a,
        "front_desk": front_desk_a,
        "district_staff": district_staff_a,
        "partner_staff": partner_staff_a,
        "superuser": superuser,
    }


DOORS = {
    "school_staff": ("/admin/", 'id="waiting-work"'),
    "front_desk": ("/en/front-desk/", 'name="code"'),
    "district_staff": ("/en/reports/", 'href="/en/reports/languages/'),
    "partner_staff": ("/en/assist/", 'name="display_name"'),
    "superuser": ("/admin/", 'id="waiting-work"'),
}


@pytest.mark.parametrize("kind", list(DOORS))
def test_each_role_lands_where_its_work_is(clock, cast, kind):
    client, landing = log_in(cast[kind])
    door, mark = DOORS[kind]
    assert landing == door
    page = client.get(landing)
    assert page.status_code == 200
    text = page.content.decode()
    assert mark in text and "Tell us about your family" not in text


@pytest.mark.parametrize(
    ("roles", "is_staff", "door"),
    [
        (("district_staff", "front_desk", "school_staff", "partner_staff"), True, "/admin/"),
        (("partner_staff", "district_staff", "front_desk"), True, "/en/front-desk/"),
        (("partner_staff", "district_staff"), True, "/en/reports/"),
        (("partner_staff", "district_staff"), False, "/en/reports/"),
        # Without the admin's staff flag the admin refuses them: the pass check opens.
        (("school_staff", "partner_staff"), False, "/en/front-desk/"),
        ((), True, "/admin/"),
    ],
)
def test_several_roles_land_on_the_first_that_applies(
    clock, school_a, district_a, partner_a, roles, is_staff, door
):
    user = person(
        "many@example.org",
        *roles,
        school=school_a,
        district=district_a,
        partner=partner_a,
        is_staff=is_staff,
    )
    client, landing = log_in(user)
    assert landing == door
    assert client.get(landing).status_code == 200


def test_the_staff_login_page_lands_there_too_and_a_safe_next_wins(clock, staff_a):
    secret = add_authenticator_app(staff_a)
    assert log_in(staff_a, page=STAFF_LOGIN, secret=secret)[1] == "/admin/"
    clock.shift(30)  # a code works once: the next login types the app's next one
    client, landing = log_in(staff_a, page=STAFF_LOGIN, next_url="/en/reports/", secret=secret)
    assert landing == "/en/reports/"
    assert client.get(landing).status_code == 200
    # Another site's address is not followed: the front door instead.
    for elsewhere in ("https://elsewhere.example.org/", "//elsewhere.example.org/"):
        clock.shift(30)
        assert log_in(staff_a, next_url=elsewhere, secret=secret)[1] == "/admin/"


def test_on_the_first_login_the_set_up_comes_first_then_the_front_door(clock, front_desk_a):
    client = Client()
    response = client.post(LOGIN, {"login": front_desk_a.email, "password": PASSWORD})
    assert response["Location"] == "/en/front-desk/"
    assert client.get("/en/front-desk/")["Location"] == SETUP
    set_up_authenticator_app(client)
    page = client.get("/en/accounts/2fa/recovery-codes/").content.decode()
    assert 'href="/en/front-desk/"' in page
    assert client.get("/en/front-desk/").status_code == 200


def test_a_family_still_lands_on_its_own_page_in_its_language(client, school_a):
    make_family("ZZF Rina", school_a, phone="+12125550123", language="es")
    response = client.post("/en/accounts/login/code/", {"phone": "+12125550123"})
    response = client.post(response["Location"], {"code": last_code()})
    assert (response.status_code, response["Location"]) == (302, "/es/my/")


# The header's "Staff" link ---------------------------------------------------------------


def staff_link(client, url) -> str | None:
    found = STAFF_LINK.search(client.get(url, follow=True).content.decode())
    return found[1] if found else None


@pytest.mark.parametrize("kind", list(DOORS))
def test_the_staff_link_leads_each_role_to_its_front_door(client, cast, school_a, kind):
    client.force_login(cast[kind])
    assert staff_link(client, school_a.get_absolute_url()) == DOORS[kind][0]
    assert staff_link(client, "/en/my/") == DOORS[kind][0]


def test_no_staff_link_for_families_or_visitors(client, school_a):
    assert staff_link(client, school_a.get_absolute_url()) is None
    family = make_family("ZZF Ana", school_a, phone="+12125550124")
    client.force_login(family.user)
    assert staff_link(client, school_a.get_absolute_url()) is None
    assert staff_link(client, "/en/my/") is None


def test_a_cached_page_never_carries_the_link_to_the_wrong_person(settings, school_a, staff_a):
    settings.PAGE_CACHE_SECONDS = 60
    url = school_a.get_absolute_url()
    staff = Client()
    staff.force_login(staff_a)
    # The staff member reads the page first: a visitor after them gets no link...
    assert staff_link(staff, url) == "/admin/"
    assert staff_link(Client(), url) is None
    # ...and a staff member after a visitor (the page now cached) still gets theirs.
    assert staff_link(Client(), url) is None
    assert staff_link(staff, url) == "/admin/"


# The staff login page --------------------------------------------------------------------


def test_the_login_page_leads_staff_to_a_page_with_the_password_field_shown(client):
    login = client.get(f"{LOGIN}?next=/en/reports/").content.decode()
    assert f'href="{STAFF_LOGIN}?next=/en/reports/"' in login
    assert "School staff: log in here" in login
    page = client.get(f"{STAFF_LOGIN}?next=/en/reports/").content.decode()
    assert "<details" not in page
    assert re.search(r'<input type="password" name="password"', page)
    assert 'name="next" value="/en/reports/"' in page


def test_the_admin_sends_a_visitor_to_the_staff_login_page(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == f"{STAFF_LOGIN}?next=/admin/"


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("uk", "ltr")])
def test_the_staff_login_page_is_in_the_visitors_language(client, language, direction):
    page = client.get(f"/{language}/accounts/login/staff/").content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in page
    with translation.override(language):
        for text in ("Staff login", "Families: log in with a code"):
            assert translation.gettext(text) in page and text not in page


# The admin's front page -------------------------------------------------------------------


def today_at(hour):
    return timezone.make_aware(datetime.combine(timezone.localdate(), time(hour)))


def give_work(school, size, prefix):
    """size events today (and one tomorrow), size + 1 unanswered questions (and an answered
    one), size + 2 families asking to join (and a confirmed one), size + 3 committee
    applications (and a chosen one), size + 4 conversations with a new message (and a read
    one), size + 5 calls with an interpreter to make (and a made one) for this school."""
    for index in range(size):
        make_event(school, title=f"{prefix} event {index}", starts_at=today_at(12))
    make_event(school, title=f"{prefix} tomorrow", starts_at=today_at(12) + timedelta(days=1))
    for index in range(size + 1):
        Feedback.objects.create(school=school, text=f"{prefix} {index}?", language="es")
    Feedback.objects.create(
        school=school, text="old", language="es", answer="Yes", answered_at=timezone.now()
    )
    committee = Committee.objects.create(
        school=school, district=school.district, kind="welcoming", name_en="C", description_en="d"
    )
    for index in range(size + 2):
        make_family(f"{prefix} waiting {index}", school, confirmed=False)
    asking = [make_family(f"{prefix} member {index}", school) for index in range(size + 4)]
    for family in asking[: size + 3]:
        SeatApplication.objects.create(
            committee=committee, family=family, statement="x", language="es"
        )
    SeatApplication.objects.create(
        committee=committee, family=asking[-1], statement="x", language="es", status="selected"
    )
    extra = make_family(f"{prefix} talker", school)
    for index, family in enumerate([*asking, extra]):
        thread = Thread.objects.create(
            family=family, school=school, unread_by_staff=0 if index == 0 else index % 2 + 1
        )
        CallbackRequest.objects.create(family=family, school=school, thread=thread, language="es")
    CallbackRequest.objects.create(family=extra, school=school, language="es", status="done")


def waiting(page: str) -> dict[str, tuple[str, int]]:
    rows = re.findall(
        r'<tr><th scope="row"><a href="([^"]+)">([^<]+)</a></th><td class="waiting-count">(\d+)',
        page,
    )
    return {label: (url.replace("&amp;", "&"), int(count)) for url, label, count in rows}


def test_school_staff_see_their_own_schools_work_and_each_count_opens_its_list(
    client, school_a, school_b, staff_a, staff_b
):
    give_work(school_a, 2, "A")
    give_work(school_b, 5, "B")
    client.force_login(staff_a)
    rows = waiting(client.get("/admin/").content.decode())
    counts = {label: count for label, (url, count) in rows.items()}
    assert counts == {
        "Events today": 2,
        "Questions and stories without an answer": 3,
        "Conversations with new messages from families": 6,
        "Families waiting for a call with an interpreter": 7,
        "Families asking to join": 4,
        "Committee applications waiting": 5,
    }
    for label, (url, count) in rows.items():
        listed = client.get(url)
        assert listed.status_code == 200, url
        assert listed.context["cl"].result_count == count, label
        assert "B " not in "".join(str(row) for row in listed.context["cl"].result_list), label
    # Today's events by name, each opening its door page; not the other school's.
    page = client.get("/admin/").content.decode()
    for event in Event.objects.filter(title__startswith="A event"):
        assert f'<a href="/en/events/{event.pk}/door/"><time' in page
        assert client.get(f"/en/events/{event.pk}/door/").status_code == 200
    assert "B event" not in page and "A tomorrow" not in page
    other = Client()
    other.force_login(staff_b)
    counts = {label: c for label, (u, c) in waiting(other.get("/admin/").content.decode()).items()}
    assert list(counts.values()) == [5, 6, 9, 10, 7, 8]


def test_district_staff_count_only_what_they_may_open(client, school_a, district_staff_a):
    give_work(school_a, 2, "A")
    client.force_login(district_staff_a)
    rows = waiting(client.get("/admin/").content.decode())
    # Events are theirs to see; questions, joins and applications name families (C3).
    assert {label: count for label, (url, count) in rows.items()} == {"Events today": 2}
    # A school's door lists families by name: the events open in the admin instead.
    page = client.get("/admin/").content.decode()
    assert "/door/" not in page
    for event in Event.objects.filter(title__startswith="A event"):
        assert f'<a href="/admin/events/event/{event.pk}/change/"><time' in page


@pytest.mark.parametrize("size", [1, 20])
def test_the_front_page_costs_the_same_queries_at_any_size(
    client, school_a, school_b, staff_a, django_assert_max_num_queries, size
):
    give_work(school_a, size, "A")
    give_work(school_b, size, "B")
    client.force_login(staff_a)
    # One COUNT per row of work (six rows), whatever the numbers.
    with django_assert_max_num_queries(17):
        page = client.get("/admin/").content.decode()
    assert waiting(page)["Events today"][1] == size


def test_the_page_is_in_the_staff_members_language(client, staff_a):
    client.cookies["django_language"] = "ar"
    client.force_login(staff_a)
    page = client.get("/admin/").content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    with translation.override("ar"):
        for text in ("Today", "Questions and stories without an answer", "Events today"):
            assert translation.gettext(text) in page and f">{text}<" not in page
