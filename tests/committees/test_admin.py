"""Seats are managed in the committee's admin page, scoped like every other inline: a
school's staff manage their own committees' seats, the district's staff the district's,
and nobody another school's or district's."""

from datetime import date

import pytest

from committees.models import Committee, Seat
from tests.committees.test_pages import make_committee
from tests.conftest import make_school, make_staff

pytestmark = pytest.mark.django_db


def change_url(committee):
    return f"/admin/committees/committee/{committee.pk}/change/"


def errors(response):
    context = response.context or {}
    return [
        context.get("errors"),
        [f.formset.errors for f in context.get("inline_admin_formsets", [])],
    ]


def with_a_new_seat(committee, label="Parent seat 9"):
    """The committee's change form as staff send it, adding one seat."""
    return {
        "school": committee.school_id or "",
        # A school's staff choose no district (they see none): it follows the school.
        "district": "" if committee.school_id else committee.district_id,
        "kind": committee.kind,
        "name_en": committee.name_en,
        "description_en": committee.description_en,
        "status": committee.status,
        "seats-TOTAL_FORMS": 1,
        "seats-INITIAL_FORMS": 0,
        "seats-MIN_NUM_FORMS": 0,
        "seats-MAX_NUM_FORMS": 1000,
        "seats-0-label": label,
        "seats-0-term_start": "2026-09-01",
        "seats-0-term_end": "2027-06-30",
    }


def test_school_staff_add_a_seat_to_their_own_committee(client, school_a, staff_a):
    committee = make_committee(school_a)
    client.force_login(staff_a)
    page = client.get(change_url(committee)).content.decode()
    assert 'name="seats-0-label"' in page
    response = client.post(change_url(committee), with_a_new_seat(committee))
    assert response.status_code == 302, errors(response)
    assert list(committee.seats.values_list("label", flat=True)) == ["Parent seat 9"]


def test_school_staff_never_reach_another_schools_seats(client, school_a, school_b, staff_a):
    theirs = make_committee(school_b, name="ZZ-B committee")
    client.force_login(staff_a)
    assert client.get(change_url(theirs)).status_code == 404
    assert client.post(change_url(theirs), with_a_new_seat(theirs)).status_code == 404
    assert not Seat.objects.exists()
    # Nor through the seats' own pages: seats have none, only the committee's.
    assert client.get("/admin/committees/seat/").status_code == 404
    page = client.get("/admin/committees/committee/").content.decode()
    assert "ZZ-B committee" not in page


def test_district_staff_manage_the_districts_committee_seats_only(
    client, district_a, district_b, school_a, staff_a, district_staff_a
):
    citywide = make_committee(district=district_a, kind="district", name="Citywide")
    elsewhere = make_committee(district=district_b, kind="district", name="ZZ-B citywide")
    client.force_login(district_staff_a)
    response = client.post(change_url(citywide), with_a_new_seat(citywide))
    assert response.status_code == 302, errors(response)
    assert citywide.seats.count() == 1
    assert client.post(change_url(elsewhere), with_a_new_seat(elsewhere)).status_code == 404
    assert not elsewhere.seats.exists()
    # A school's staff do not manage the district's committee.
    client.force_login(staff_a)
    assert client.post(change_url(citywide), with_a_new_seat(citywide, "x")).status_code == 404
    assert citywide.seats.count() == 1


def test_staff_of_two_schools_in_one_district_stay_apart(client, district_a, school_a):
    other = make_school(district_a, "school-c", "ZZ-C School")
    theirs = make_committee(other, name="ZZ-C committee")
    staff_c = make_staff("staff.c@example.org", school=other)
    mine = make_committee(school_a)
    client.force_login(staff_c)
    assert client.get(change_url(mine)).status_code == 404
    response = client.post(change_url(theirs), with_a_new_seat(theirs))
    assert response.status_code == 302
    assert Committee.objects.get(pk=theirs.pk).seats.count() == 1
    assert not mine.seats.exists()
    assert date(2026, 9, 1) == theirs.seats.get().term_start
