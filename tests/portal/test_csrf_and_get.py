"""RELIABILITY A4: every state change needs a CSRF token, and GET never changes state."""

import re

import pytest
from django.apps import apps
from django.test import Client

from tests.conftest import PASSWORD, make_guide


def row_counts():
    """Rows per model, in one query: the route walk below counts after every request."""
    from django.db import connection

    models = [m for m in apps.get_models() if not m._meta.proxy]
    table = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT {i}, COUNT(*) FROM {table(m._meta.db_table)}"  # noqa: S608
                for i, m in enumerate(models)
            )
        )
        return {models[i]._meta.label: count for i, count in cursor.fetchall()}


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


# Walking every route ------------------------------------------------------------------
#
# Every URL pattern the resolver knows is opened with GET, by each kind of person who may
# come, with its path parameters filled from real rows: nothing may be added or removed.
# The audit log records reads (RELIABILITY C5): staff opening a family, an event's answers
# or a report, and a refused try, each leave a row. Any GET may add one.
AUDIT = {"accounts.AuditEvent"}
# Three GETs write on purpose, and only the rows named here:
EXPECTED_WRITES = {
    # Scanning a pass's QR code is a pass check, and each check is recorded for the school.
    "pass_scan": {"families.PassCheck"},
    # allauth copies the login's own address (User.email) into its table of addresses on
    # the first visit to this page (flows.manage_email.sync_user_email_address): the same
    # address stored twice, nothing new.
    "account_email": {"account.EmailAddress"},
    # The session that the link logs out (below) is removed.
    "account_confirm_email": {"sessions.Session"},
    "account_reset_password_from_key": {"sessions.Session"},
}
# Two allauth links log out whoever is logged in when the link belongs to another account
# (an email confirmation or a password reset opened on a shared computer): that session
# ends, no row changes. The walk logs that person in again.
LOGS_OUT_ANOTHER_ACCOUNT = {"account_confirm_email", "account_reset_password_from_key"}
# Patterns left out of the walk, with the reason. None today: the security-key pages
# (mfa_edit_webauthn, mfa_remove_webauthn) are walked with the id of an authenticator app,
# as no test can make a real security key; they answer "not found".
NOT_WALKED: dict[str, str] = {}


def model_named(name):
    # By class name: the committee models are moving to their own app.
    return next(m for m in apps.get_models() if m.__name__ == name)


def all_patterns(patterns=None, prefix=""):
    """(route, pattern) for every URL pattern, with its included prefixes."""
    from django.urls import URLResolver, get_resolver

    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from all_patterns(pattern.url_patterns, route)
        else:
            yield route, pattern


def fill(route, values):
    """The paths of a route with its parameters taken from values (by parameter name, or
    by the admin model the route belongs to); one path per choice of a regex alternation
    like the admin's (?P<app_label>accounts|events|...)."""
    route = route.replace("^", "").replace("$", "")
    admin_model = re.match(r"admin/(\w+)/(\w+)/", route)

    def value(name):
        if name in ("object_id", "id") and admin_model:
            return values["admin"][f"{admin_model[1]}.{admin_model[2]}"]
        return values[name]

    group = re.search(r"\(\?P<(\w+)>([^)]*)\)", route)
    if group:
        choices = group[2].split("|") if re.fullmatch(r"[\w|]+", group[2]) else [value(group[1])]
        return [
            path
            for choice in choices
            for path in fill(route[: group.start()] + str(choice) + route[group.end() :], values)
        ]
    return ["/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(value(m[1])), route)]


@pytest.fixture
def everything(school_a, staff_a, district_staff_a, front_desk_a, partner_a, partner_staff_a):
    """One real row behind every path parameter and every admin change page."""
    from allauth.account.forms import default_token_generator
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC
    from allauth.account.utils import user_pk_to_url_str
    from allauth.usersessions.models import UserSession
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType

    from events.models import CalendarFeed, Event, WalkIn
    from events.services import Party, rsvp
    from families.services import check_pass, send_feedback
    from tests.conftest import add_authenticator_app
    from tests.events.conftest import make_event
    from tests.families.conftest import make_family

    guide = make_guide(school_a)
    event = make_event(school_a)
    event.partners.add(partner_a)
    family = make_family("ZZW Rina", school_a, phone="+12125550181", email="rina@example.org")
    # Registered with the partner's help: its page after registration opens for them.
    family.registered_by, family.registered_by_partner = partner_staff_a, partner_a
    family.save()
    rsvp(family=family, event=event, party=Party(True))
    WalkIn.objects.create(event=event, name="Grandmother", language="bn", people=1)
    CalendarFeed.objects.create(family=family)
    send_feedback(school=school_a, family=family, kind="question", text="Bus?", anonymous=False)
    check_pass(family_pass=family.current_pass(), school=school_a, staff=front_desk_a)
    committee = model_named("Committee").objects.create(
        school=school_a,
        district=school_a.district,
        kind="multicultural",
        name_en="Council",
        status="published",
    )
    model_named("Seat").objects.create(
        committee=committee, label="1", term_start="2026-09-01", term_end="2027-06-30"
    )
    model_named("SeatApplication").objects.create(
        committee=committee, family=family, statement="I can help.", language="en"
    )
    Group.objects.create(name="Volunteers")
    add_authenticator_app(staff_a)
    # A session of the family's on another phone, as allauth lists them (a real session:
    # the list forgets the ones that ended).
    other_phone = Client()
    other_phone.force_login(family.user)
    UserSession.objects.create(
        user=family.user, session_key=other_phone.session.session_key, ip="127.0.0.1"
    )
    address = EmailAddress.objects.create(user=family.user, email=family.user.email)
    admin_rows = {
        model._meta.label_lower: model.objects.order_by("pk").values_list("pk", flat=True).first()
        for model in apps.get_models()
    }
    return {
        "people": {
            "visitor": None,
            "family": family.user,
            "school staff": staff_a,
            "district staff": district_staff_a,
            "front desk": front_desk_a,
            "partner staff": partner_staff_a,
        },
        "values": {
            "admin": admin_rows,
            "pk": event.pk,
            "slug": school_a.slug,
            "school": school_a.slug,
            "token": family.calendar_feed.token,
            "key": EmailConfirmationHMAC(address).key,
            "uidb36": user_pk_to_url_str(family.user),
            "content_type_id": ContentType.objects.get_for_model(Event).pk,
            "app_label": "events",
            "url": "no-such-page/",  # the admin's catch-all
        },
        "special": {
            # The parameters that differ between routes of the same name.
            "pass_scan": {"token": family.current_pass().signed_token()},
            "guide": {"slug": guide.slug},
            "district": {"slug": school_a.district.slug},
            "committee": {"pk": committee.pk},
            "assisted": {"pk": family.pk},
            "account_reset_password_from_key": {
                "key": default_token_generator.make_token(family.user)
            },
            "view_on_site": {"object_id": event.pk},
            "mfa_edit_webauthn": {"pk": staff_a.authenticator_set.first().pk},
            "mfa_remove_webauthn": {"pk": staff_a.authenticator_set.first().pk},
        },
    }


def test_get_never_changes_state_on_any_route(everything):
    """GET of every route, by a visitor, a family and each staff role (the admin by a
    superuser too): no row is added or removed but the EXPECTED_WRITES."""
    from django.urls import resolve

    from tests.conftest import make_staff

    everything["people"]["superuser"] = make_staff("root.walk@example.org")
    everything["people"]["superuser"].is_superuser = True
    everything["people"]["superuser"].save()
    clients = {}
    for who, user in everything["people"].items():
        clients[who] = Client()
        if user is not None:
            clients[who].force_login(user)
    walked, changed, seen = 0, [], set()
    for route, pattern in all_patterns():
        if route in NOT_WALKED:
            continue
        values = {**everything["values"], **everything["special"].get(pattern.name, {})}
        allowed = AUDIT | EXPECTED_WRITES.get(pattern.name, set())
        for path in fill(route, values):
            if path in seen:
                continue  # a pattern shadowed by an earlier one (accounts.urls before allauth)
            seen.add(path)
            assert resolve(path).func == pattern.callback, (route, path)
            for who, client in clients.items():
                before = row_counts()
                client.get(path, secure=True)
                after = row_counts()
                diff = {k for k in before if before[k] != after[k] and k not in allowed}
                if diff:
                    changed.append((path, who, sorted(diff)))
                if who == "visitor" or "_auth_user_id" in client.session:
                    continue
                # A GET that logged out would leave the rest of the walk unchecked.
                assert pattern.name in LOGS_OUT_ANOTHER_ACCOUNT, (path, who, "logged out")
                client.force_login(everything["people"][who])
            walked += 1
    assert changed == [], "\n".join(map(str, changed))
    assert walked > 150  # the admin's and every app's routes, not a handful


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
