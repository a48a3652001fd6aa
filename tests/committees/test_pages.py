"""The committee page (names only with consent; applications only while a seat is open)
and the district page's list of the district's committees."""

import pytest

from committees.models import Committee, Seat, SeatApplication
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db


def make_committee(school=None, district=None, name="Multicultural", **extra):
    return Committee.objects.create(
        school=school,
        district=district or school.district,
        kind=extra.pop("kind", "multicultural"),
        name_en=name,
        description_en="We advise the principal.",
        status=extra.pop("status", "published"),
        **extra,
    )


def add_seat(committee, label, **extra):
    return Seat.objects.create(
        committee=committee, label=label, term_start="2026-09-01", term_end="2027-06-30", **extra
    )


def test_committee_page_shows_names_only_with_consent_and_takes_applications(client, school_a):
    committee = Committee.objects.create(
        school=school_a,
        district=school_a.district,
        kind="multicultural",
        name_en="Multicultural",
        description_en="We advise the principal.",
        status="published",
    )
    shown = make_family("ZZ-Shown", school_a)
    hidden = make_family("ZZ-Hidden", school_a)
    Seat.objects.create(
        committee=committee,
        label="1",
        term_start="2026-09-01",
        term_end="2027-06-30",
        holder=shown,
        show_name=True,
    )
    Seat.objects.create(
        committee=committee,
        label="2",
        term_start="2026-09-01",
        term_end="2027-06-30",
        holder=hidden,
    )
    Seat.objects.create(
        committee=committee, label="3", term_start="2026-09-01", term_end="2027-06-30"
    )
    page = client.get(f"/en/committees/{committee.pk}/").content.decode()
    assert "ZZ-Shown" in page and "ZZ-Hidden" not in page and "1 seat is open." in page
    assert committee.name in client.get(school_a.get_absolute_url()).content.decode()
    family = make_family("Rina", school_a, phone="+12125550123")
    client.force_login(family.user)
    response = client.post(
        f"/ar/committees/{committee.pk}/",
        {"statement": "أريد المساعدة", "wants_partner_help": "on", "show_name": "on"},
    )
    assert response.status_code == 302
    application = SeatApplication.objects.get()
    assert (application.language, application.wants_partner_help) == ("ar", True)
    client.post(f"/ar/committees/{committee.pk}/", {"statement": "again"})
    assert SeatApplication.objects.count() == 1


def test_a_committee_with_no_open_seat_says_so_and_refuses_applications(client, district_a):
    # A new citywide committee: no seat yet.
    committee = make_committee(district=district_a, kind="district", name="Citywide council")
    family = make_family("Rina", None, phone="+12125550123")
    client.force_login(family.user)
    page = client.get(f"/en/committees/{committee.pk}/").content.decode()
    assert "This committee has no open seat now, so it does not take applications." in page
    assert 'name="statement"' not in page
    response = client.post(
        f"/es/committees/{committee.pk}/", {"statement": "Quiero ayudar"}, follow=True
    )
    assert response.status_code == 200
    assert not SeatApplication.objects.exists()
    page = response.content.decode()
    # Refused with a message in the reader's language, on the committee's page.
    assert '<li class="error">Este comité no tiene puestos libres ahora' in page
    # Every seat taken is the same: no application either.
    add_seat(committee, "1", holder=make_family("Ana", None))
    response = client.post(f"/en/committees/{committee.pk}/", {"statement": "I can help"})
    assert response.status_code == 302
    assert not SeatApplication.objects.exists()


def test_an_applicant_still_sees_their_application_once_the_seats_are_taken(client, school_a):
    committee = make_committee(school_a)
    seat = add_seat(committee, "1")
    family = make_family("Rina", school_a, phone="+12125550123")
    client.force_login(family.user)
    client.post(f"/en/committees/{committee.pk}/", {"statement": "I can help"})
    seat.holder = make_family("Ana", school_a)
    seat.save()
    page = client.get(f"/en/committees/{committee.pk}/").content.decode()
    assert "You applied." in page and "no open seat" not in page


def test_the_district_page_lists_the_districts_committees(client, district_a, school_a):
    citywide = make_committee(district=district_a, kind="district", name="Citywide council")
    make_committee(district=district_a, kind="district", name="ZZ-Draft", status="draft")
    make_committee(school_a, name="ZZ-School committee")
    page = client.get(f"/en/districts/{district_a.slug}/").content.decode()
    assert citywide.get_absolute_url() in page and "Citywide council" in page
    # Drafts are for staff; a school's committees are on the school's page.
    assert "ZZ-Draft" not in page and "ZZ-School committee" not in page
    page = client.get(f"/ar/districts/{district_a.slug}/").content.decode()
    assert "لجان المنطقة التعليمية" in page


def test_the_service_itself_refuses_an_application_without_an_open_seat(school_a):
    from django.core.exceptions import ValidationError

    from committees.services import apply_for_seat

    committee = make_committee(school_a)
    family = make_family("Rina", school_a)
    with pytest.raises(ValidationError) as refused:
        apply_for_seat(
            family=family,
            committee=committee,
            statement="I can help",
            wants_partner_help=False,
            show_name=False,
        )
    assert refused.value.code == "no_open_seat" and not SeatApplication.objects.exists()
