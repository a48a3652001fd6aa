"""Registering at the desk a family whose phone another family already gets its messages on
(issue 15, "Reliability"; RELIABILITY E14): the form asks, names no family, keeps what was
typed, and once confirmed both families reach the phone while the login by code stays
with the family that owns the number."""

import re

import pytest

from accounts.models import User
from families.models import Family
from messaging.models import Message
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db
PHONE = "+12125550150"


def desk_form(school, **extra):
    data = {
        "display_name": "Fatima ☺",
        "language": "ar",
        "channel": "sms",
        "phone": "212 555 0150",
        "school": school.pk,
        "consent": "on",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("helper", ["staff_a", "partner_staff_a"])
def test_a_number_in_use_is_shared_only_after_a_clear_confirmation(
    client, request, school_a, school_b, helper
):
    owner = make_family("ZZQ Grandmother Lina", school_b, phone=PHONE, language="es")
    client.force_login(request.getfixturevalue(helper))

    response = client.post("/es/assist/", desk_form(school_a))
    assert response.status_code == 200
    page = response.content.decode()
    # The question, in the staff member's language, by the box to tick; the error summary
    # links to it.
    assert (
        "Este número ya recibe mensajes de otra familia. Las dos familias recibirán sus "
        "mensajes en este teléfono. ¿Usarlo también para esta familia?"
    ) in page
    assert 'href="#id_share_phone"' in page and 'name="share_phone"' in page
    # The page remembers it asked (an unticked box sends nothing): the browser posts it back.
    assert re.search(r'<input type="hidden" name="share_phone_asked" value="1"', page)
    # Nothing typed is lost, and the other family (another school's) is not named.
    assert 'value="Fatima ☺"' in page and 'value="212 555 0150"' in page
    assert "Lina" not in page
    assert Family.objects.count() == 1

    # Sent again without ticking: still asked, still nothing registered.
    response = client.post("/es/assist/", desk_form(school_a, share_phone_asked="1"))
    assert response.status_code == 200 and "¿Usarlo también para esta familia?" in (
        response.content.decode()
    )
    assert Family.objects.count() == 1

    response = client.post(
        "/es/assist/", desk_form(school_a, share_phone_asked="1", share_phone="on")
    )
    assert response.status_code == 302
    fatima = Family.objects.get(display_name="Fatima ☺")
    assert (fatima.user, fatima.shared_phone, fatima.phone) == (None, PHONE, PHONE)
    # The login by code stays with the family that owns the number.
    assert User.objects.get(phone=PHONE) == owner.user
    assert Family.objects.reached_at(PHONE).count() == 2
    # Welcomed on the shared phone in its own language, without "log in with this number".
    welcome = Message.objects.get(recipient=f"family:{fatima.pk}", kind="notice")
    assert welcome.language == "ar" and welcome.channel == "sms"
    assert "هذا الهاتف" in welcome.context["text"]


def test_a_number_only_another_family_shares_asks_too_and_becomes_this_familys_login(
    client, staff_a, school_a
):
    # The family whose login had the number was erased; the family sharing it still gets
    # its messages there.
    sharing = make_family("ZZQ Sharing", school_a)
    Family.objects.filter(pk=sharing.pk).update(shared_phone=PHONE, channel="sms")
    client.force_login(staff_a)
    response = client.post("/en/assist/", desk_form(school_a))
    assert "This number already gets messages for another family." in response.content.decode()
    response = client.post(
        "/en/assist/", desk_form(school_a, share_phone_asked="1", share_phone="on")
    )
    assert response.status_code == 302
    fatima = Family.objects.get(display_name="Fatima ☺")
    assert fatima.user.phone == PHONE and fatima.shared_phone is None
    assert Family.objects.reached_at(PHONE).count() == 2


def test_an_email_in_use_is_still_refused_with_a_shared_number(client, staff_a, school_a):
    make_family("ZZQ Owner", school_a, phone=PHONE, email="taken@example.org")
    client.force_login(staff_a)
    response = client.post(
        "/en/assist/",
        desk_form(school_a, email="taken@example.org", share_phone_asked="1", share_phone="on"),
    )
    assert response.status_code == 200
    assert "be used for a new family" in response.content.decode()  # (can&#x27;t)
    assert Family.objects.count() == 1
