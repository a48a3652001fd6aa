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


def test_no_staff_member_can_show_a_members_name_the_family_kept_private(
    client, school_a, staff_a, district_staff_a
):
    from tests.families.conftest import make_family

    committee = make_committee(school_a)
    family = make_family("ZZ Private Parent", school_a)
    seat = Seat.objects.create(
        committee=committee,
        label="Parent seat 1",
        term_start="2026-09-01",
        term_end="2027-06-30",
        holder=family,
        show_name=False,
    )
    form = {
        **with_a_new_seat(committee),
        "seats-TOTAL_FORMS": 1,
        "seats-INITIAL_FORMS": 1,
        "seats-0-id": seat.pk,
        "seats-0-committee": committee.pk,
        "seats-0-label": seat.label,
        "seats-0-show_name": "on",
    }
    for person in (district_staff_a, staff_a):
        client.force_login(person)
        page = client.get(change_url(committee)).content.decode()
        assert 'name="seats-0-show_name"' not in page
        response = client.post(change_url(committee), form)
        assert response.status_code == 302, errors(response)
        seat.refresh_from_db()
        assert seat.show_name is False and seat.holder == family
    # District staff do not even learn whether a name is shown (they never see who holds it).
    client.force_login(district_staff_a)
    assert (
        "Member agreed to show their name" not in client.get(change_url(committee)).content.decode()
    )
    client.logout()
    assert "ZZ Private Parent" not in client.get(f"/en/committees/{committee.pk}/").content.decode()


def test_choosing_the_same_application_twice_gives_one_seat_and_one_welcome(
    client, school_a, staff_a
):
    from committees.models import SeatApplication
    from messaging.models import Message
    from tests.families.conftest import make_family

    committee = make_committee(school_a)
    for number in (1, 2, 3):
        Seat.objects.create(
            committee=committee,
            label=f"Parent seat {number}",
            term_start="2026-09-01",
            term_end="2027-06-30",
        )
    family = make_family("ZZ Chosen Parent", school_a, phone="+12125550177")
    application = SeatApplication.objects.create(
        family=family, committee=committee, statement="I can help.", language="en"
    )
    client.force_login(staff_a)
    action = {"action": "choose", "_selected_action": [application.pk]}
    for _ in range(3):
        client.post("/admin/committees/seatapplication/", action)
    assert list(committee.seats.filter(holder=family).values_list("label", flat=True)) == [
        "Parent seat 1"
    ]
    assert Message.objects.filter(recipient=f"family:{family.pk}", kind="notice").count() == 1
    page = client.post("/admin/committees/seatapplication/", action, follow=True)
    assert "This application has already been decided." in page.content.decode()


def test_a_chosen_family_reads_the_committees_name_in_its_language_standing_alone(school_a):
    """The seat decision is read in the family's language with the committee's name as the
    school wrote it in that language, after a colon (no "в «…»" to decline)."""
    from committees.models import SeatApplication
    from committees.services import decline, select_member
    from messaging import sms
    from tests.conftest import deliver_now
    from tests.families.conftest import make_family

    committee = make_committee(school_a, name="Parents' council", name_ru="Совет родителей")
    seat = Seat.objects.create(
        committee=committee, label="1", term_start="2026-09-01", term_end="2027-06-30"
    )
    chosen = make_family("Ольга", school_a, phone="+12125550181", language="ru")
    other = make_family("Иван", school_a, phone="+12125550182", language="ru")
    for family, decide in ((chosen, lambda a: select_member(a, seat)), (other, decline)):
        decide(
            SeatApplication.objects.create(
                family=family, committee=committee, statement="Могу помочь.", language="ru"
            )
        )
    deliver_now()
    texts = {m["to"]: m["text"] for m in sms.outbox}
    assert texts["+12125550181"].startswith(
        "Добро пожаловать! У Вас есть место в этом комитете: «Совет родителей»."
    )
    assert texts["+12125550182"].startswith("Спасибо за заявку в этот комитет: «Совет родителей».")
