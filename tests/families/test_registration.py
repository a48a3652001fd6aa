"""A parent with only a phone registers, logs in with a code, picks Bengali, joins a school
and sees the pass, all without JavaScript."""

import pytest

from accounts.models import User
from families.models import Family, Membership
from messaging import sms
from tests.families.conftest import last_code

pytestmark = pytest.mark.django_db


def test_phone_only_parent_registers_joins_and_sees_pass_in_bengali(client, school_a):
    response = client.post(
        "/en/accounts/signup/",
        {"display_name": "Rina", "language": "bn", "phone": "(212) 555-0123", "channel": "sms"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(sms.outbox) == 1 and sms.outbox[0]["to"] == "+12125550123"
    # The code page, then the code.
    verify_url = response["Location"]
    assert client.get(verify_url).status_code == 200
    response = client.post(verify_url, {"code": last_code()})
    assert response.status_code == 302
    user = User.objects.get(phone="+12125550123")
    assert user.phone_verified and user.email is None
    family = Family.objects.get(user=user)
    assert (family.display_name, family.language, family.channel) == ("Rina", "bn", "sms")

    # Joining with the school's paper code confirms at once.
    response = client.post("/bn/my/schools/join/", {"join_code": school_a.join_code.lower()})
    assert response.status_code == 302
    assert Membership.objects.get(family=family).status == Membership.Status.CONFIRMED

    page = client.get("/bn/my/pass/").content.decode()
    assert '<html lang="bn"' in page
    assert "<svg" in page and "Rina" in page and school_a.name in page
    assert family.current_pass().short_code in page
    assert "<script" not in page
    # Nothing personal in the QR: it encodes only a signed random id.
    assert "Rina" not in family.current_pass().signed_token()


def test_a_registered_parent_logs_in_again_with_a_code(client, school_a):
    from tests.families.conftest import make_family

    make_family("Rina", school_a, phone="+12125550123")
    response = client.post("/en/accounts/login/code/", {"phone": "212-555-0123"})
    assert response.status_code == 302
    response = client.post(response["Location"], {"code": last_code("+12125550123")})
    assert response.status_code == 302
    assert client.get("/en/my/").status_code == 200


def test_registration_needs_a_phone_or_an_email_and_keeps_what_was_typed(client):
    response = client.post(
        "/es/accounts/signup/", {"display_name": "María ☺", "language": "es", "channel": "sms"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="María ☺"' in page
    assert not User.objects.exists()
    assert not sms.outbox


def test_email_only_parent_can_register(client):
    response = client.post(
        "/fr/accounts/signup/",
        {"display_name": "Awa", "language": "fr", "email": "awa@example.org", "channel": "email"},
    )
    assert response.status_code == 302
    family = Family.objects.get(user__email="awa@example.org")
    assert family.channel == "email"


def test_login_takes_the_family_to_its_own_language(client, school_a):
    from tests.families.conftest import make_family

    make_family("Rina", school_a, phone="+12125550123", language="bn")
    response = client.post("/en/accounts/login/code/", {"phone": "2125550123"})
    response = client.post(response["Location"], {"code": last_code("+12125550123")})
    assert response["Location"] == "/bn/my/"
