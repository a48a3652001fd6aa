"""RELIABILITY B10: staff and superusers log in with a second factor; families never need one.

These tests log in through the real pages (password, then the authenticator app's code), with
DEBUG off as in production. The codes are computed here per RFC 6238, as the staff member's
phone app would.
"""

import re
import time
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from portal.languages import LANGUAGE_CODES
from tests.conftest import PASSWORD, totp
from tests.events.conftest import make_event
from tests.families.conftest import last_code, make_family

SETUP = "/en/accounts/2fa/totp/activate/"
CODE_STEP = "/en/accounts/2fa/authenticate/"


@pytest.fixture
def clock():
    """The start of a 30-second code window, so a code typed in the test is still the
    current one when the server checks it; clock.shift(30) moves to the next window."""
    window_start = (int(time.time()) // 30 + 1) * 30 + 1
    with time_machine.travel(datetime.fromtimestamp(window_start, UTC), tick=True) as traveller:
        yield traveller


@pytest.fixture
def door_event(school_a):
    return make_event(school_a)


@pytest.fixture
def staff_pages(door_event):
    """Each kind of staff member, with every kind of staff page they can open."""
    door = f"/en/events/{door_event.pk}/door/"
    return {
        "school_staff": ["/admin/", "/en/reports/", door, "/en/front-desk/", "/en/assist/"],
        "district_staff": ["/admin/", "/en/reports/"],
        "front_desk": [door, "/en/front-desk/"],
        "partner_staff": ["/en/assist/", "/en/reports/events/"],
        "superuser": ["/admin/", "/en/reports/", door, "/admin/accounts/user/"],
    }


@pytest.fixture
def staff_member(request, staff_a, district_staff_a, front_desk_a, partner_staff_a, superuser):
    return {
        "school_staff": staff_a,
        "district_staff": district_staff_a,
        "front_desk": front_desk_a,
        "partner_staff": partner_staff_a,
        "superuser": superuser,
    }


def log_in_with_password(client, user):
    response = client.post("/en/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def set_up_authenticator_app(client) -> str:
    """Scan (read) the secret on the set-up page and type the app's code; returns the secret."""
    page = client.get(SETUP)
    assert page.status_code == 200
    secret = re.search(r'id="authenticator_secret">([A-Z2-7]+)<', page.content.decode())[1]
    response = client.post(SETUP, {"code": totp(secret)})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == "/en/accounts/2fa/recovery-codes/"
    return secret


def recovery_codes(client) -> list[str]:
    page = client.get("/en/accounts/2fa/recovery-codes/").content.decode()
    return re.findall(r"<li>(\d{8})</li>", page)


@pytest.mark.parametrize(
    "kind", ["school_staff", "district_staff", "front_desk", "partner_staff", "superuser"]
)
def test_a_password_alone_opens_no_staff_page_until_the_app_is_set_up(
    client, clock, staff_member, staff_pages, kind
):
    user = staff_member[kind]
    log_in_with_password(client, user)
    for page in staff_pages[kind]:
        response = client.get(page)
        assert (response.status_code, response.get("Location")) == (302, SETUP), page
    # The set-up page, then the recovery codes, then every page opens.
    set_up_authenticator_app(client)
    assert len(recovery_codes(client)) == 10
    for page in staff_pages[kind]:
        assert client.get(page).status_code == 200, page


def test_with_an_app_the_code_is_asked_after_the_password(clock, staff_a, door_event):
    setup = Client()
    log_in_with_password(setup, staff_a)
    secret = set_up_authenticator_app(setup)
    clock.shift(30)

    client = Client()
    response = log_in_with_password(client, staff_a)
    assert response["Location"] == CODE_STEP
    page = client.get(CODE_STEP).content.decode()
    assert 'autocomplete="one-time-code"' in page and "Type the code from your app" in page
    # Not logged in yet: no staff page, and a wrong code changes nothing.
    for url in ("/admin/", "/en/reports/", f"/en/events/{door_event.pk}/door/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    wrong = f"{(int(totp(secret)) + 1) % 1_000_000:06d}"
    response = client.post(CODE_STEP, {"code": wrong})
    assert response.status_code == 200 and "Incorrect code." in response.content.decode()
    assert client.get("/admin/").status_code == 302

    response = client.post(CODE_STEP, {"code": totp(secret)})
    assert response.status_code == 302
    for url in ("/admin/", "/en/reports/", f"/en/events/{door_event.pk}/door/"):
        assert client.get(url).status_code == 200, url


def test_a_session_that_did_not_use_the_second_factor_reaches_no_staff_page(
    clock, staff_a, door_event
):
    # Logged in with the password before the app was set up (in another browser).
    earlier = Client()
    log_in_with_password(earlier, staff_a)
    other = Client()
    log_in_with_password(other, staff_a)
    secret = set_up_authenticator_app(other)
    for url in ("/admin/", "/en/reports/", f"/en/events/{door_event.pk}/door/"):
        response = earlier.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/en/accounts/2fa/reauthenticate/?next="), url
    response = earlier.post("/en/accounts/2fa/reauthenticate/?next=/admin/", {"code": totp(secret)})
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert earlier.get("/admin/").status_code == 200


def test_a_recovery_code_works_once(clock, staff_a):
    setup = Client()
    log_in_with_password(setup, staff_a)
    set_up_authenticator_app(setup)
    code = recovery_codes(setup)[0]

    first = Client()
    log_in_with_password(first, staff_a)
    assert first.post(CODE_STEP, {"code": code}).status_code == 302
    assert first.get("/admin/").status_code == 200

    second = Client()
    log_in_with_password(second, staff_a)
    response = second.post(CODE_STEP, {"code": code})
    assert "Incorrect code." in response.content.decode()
    assert "/login/" in second.get("/admin/")["Location"]


def test_a_family_logging_in_with_a_code_is_asked_nothing_more(client, school_a):
    make_family("ZZM Rina", school_a, phone="+12125550123")
    response = client.post("/en/accounts/login/code/", {"phone": "+12125550123"})
    response = client.post(response["Location"], {"code": last_code()})
    assert response.status_code == 302
    assert "2fa" not in response["Location"]
    assert client.get("/en/my/").status_code == 200
    assert client.get("/en/my/profile/").status_code == 200


def test_a_staff_code_login_is_also_asked_for_the_app(clock, school_a, staff_a):
    """Staff may log in with a code too; the second step still follows."""
    from accounts.models import User

    User.objects.filter(pk=staff_a.pk).update(phone="+12125550166", phone_verified=True)
    setup = Client()
    log_in_with_password(setup, staff_a)
    set_up_authenticator_app(setup)
    client = Client()
    response = client.post("/en/accounts/login/code/", {"phone": "+12125550166"})
    response = client.post(response["Location"], {"code": last_code()})
    assert (response.status_code, response["Location"]) == (302, CODE_STEP)
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("language", [code for code in LANGUAGE_CODES if code != "en"])
def test_the_second_step_pages_are_in_the_staff_members_language(client, staff_a, language):
    log_in_with_password(client, staff_a)
    page = client.get(f"/{language}/accounts/2fa/totp/activate/").content.decode()
    direction = "rtl" if language in ("ar", "ur") else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in page
    with translation.override(language):
        for text in ("Set up two-step login", "Code from the app", "Turn on two-step login"):
            assert translation.gettext(text) in page
            assert text not in page
    # The QR code and the key are there to scan or type.
    assert "<svg" in page and 'id="authenticator_secret"' in page


def test_the_requirement_cannot_be_turned_off_in_production(tmp_path):
    import os
    import subprocess
    import sys

    from tests.portal.test_deploy import ROOT

    def required(**env):
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "from django.conf import settings as s; print(s.STAFF_MFA_REQUIRED)",
            ],
            cwd=ROOT,
            env={
                "PATH": os.environ.get("PATH", ""),
                "DJANGO_SETTINGS_MODULE": "portal.settings.base",
                "SECRET_KEY": "x" * 50,
                "PORTAL_VAR_DIR": str(tmp_path),
                **env,
            },
            capture_output=True,
            text=True,
            timeout=60,
        )
        return result.stdout.strip()

    assert required(DEBUG="0", STAFF_MFA_REQUIRED="0") == "True"
    assert required(DEBUG="1") == "True"
    assert required(DEBUG="1", STAFF_MFA_REQUIRED="0") == "False"


def test_after_the_set_up_a_security_key_can_be_added(client, clock, staff_a):
    log_in_with_password(client, staff_a)
    set_up_authenticator_app(client)
    page = client.get("/ar/accounts/2fa/recovery-codes/").content.decode()
    assert 'href="/ar/accounts/2fa/webauthn/add/"' in page
    page = client.get("/ar/accounts/2fa/webauthn/add/").content.decode()
    with translation.override("ar"):
        assert translation.gettext("Add a security key") in page
    assert 'id="mfa_webauthn_add"' in page and 'id="js_data"' in page
    # The admin's front page links both; later, the codes are shown only after the
    # password again.
    admin = client.get("/admin/").content.decode()
    assert "/accounts/2fa/recovery-codes/" in admin and "/accounts/2fa/webauthn/add/" in admin
    clock.shift(600)
    response = client.get("/en/accounts/2fa/recovery-codes/")
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]
    assert client.get(response["Location"]).status_code == 200


def test_the_demo_staff_log_in_with_the_printed_code(client, clock, settings, db):
    """make run: seed_demo gives each demo staff account an app key; demo_codes prints the
    code of the moment, so the demo logins work without a phone."""
    import io

    from django.core.management import CommandError, call_command

    from accounts.models import User

    admin = User.objects.create_superuser(email="admin@example.org", password=PASSWORD)
    with pytest.raises(CommandError):
        call_command("demo_codes", stdout=io.StringIO())  # never with DEBUG off
    settings.DEBUG = True
    out = io.StringIO()
    call_command("demo_codes", stdout=out)
    settings.DEBUG = False
    code = re.search(r"admin@example.org\s+(\d{6})", out.getvalue())[1]
    assert log_in_with_password(client, admin)["Location"] == CODE_STEP
    assert client.post(CODE_STEP, {"code": code}).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_session_without_the_second_factor_cannot_read_the_recovery_codes(clock, staff_a):
    """A browser logged in with the password before the app was set up (the staff member's
    old tab, or someone who learnt the password) types the password again: the recovery
    codes stay hidden, or one of them would open every staff page without the app."""
    earlier = Client()
    log_in_with_password(earlier, staff_a)
    other = Client()
    log_in_with_password(other, staff_a)
    set_up_authenticator_app(other)
    codes = recovery_codes(other)
    for url in ("/en/accounts/2fa/recovery-codes/", "/en/accounts/2fa/recovery-codes/download/"):
        earlier.post(f"/en/accounts/reauthenticate/?next={url}", {"password": PASSWORD})
        response = earlier.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/en/accounts/2fa/reauthenticate/"), url
        assert not any(code in response.content.decode() for code in codes)
    assert earlier.get("/admin/").status_code == 302


def test_a_role_granted_during_a_session_asks_for_the_app_at_the_next_page(client, school_a):
    """The roles are read afresh on every request (schools.access.role_kinds): a parent
    made school staff while signed in reaches not even their own family page without the
    second factor."""
    from schools.staff import StaffRole

    family = make_family("ZZM Rina", school_a, phone="+12125550124")
    client.force_login(family.user)
    assert client.get("/en/my/").status_code == 200
    StaffRole.objects.create(user=family.user, kind="school_staff", school=school_a)
    response = client.get("/en/my/")
    assert (response.status_code, response.get("Location")) == (302, SETUP)
