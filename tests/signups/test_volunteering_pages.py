"""The volunteering pages, as a parent uses them with no JavaScript: the school page leads
to the list; a family signs up its party, sees it on My page, changes and cancels it;
hostile input comes back with a clear message and what was typed, never a 500; the
queries do not grow with the number of opportunities and shifts."""

import pytest

from signups.volunteering import services
from signups.volunteering.models import VolunteerSignup
from tests.families.conftest import make_family
from tests.signups.conftest import make_opportunity

pytestmark = pytest.mark.django_db


def shift_url(shift, language="en"):
    return f"/{language}/schools/{shift.opportunity.school.slug}/volunteer/{shift.pk}/"


@pytest.fixture
def parent(client, school_a):
    family = make_family("Rina", school_a, phone="+12125550123", language="bn")
    client.force_login(family.user)
    return family


def test_the_school_page_leads_to_the_volunteer_list(client, school_a, opportunity_a):
    page = client.get(f"/en/schools/{school_a.slug}/").content.decode()
    assert f'href="/en/schools/{school_a.slug}/volunteer/"' in page
    listing = client.get(f"/en/schools/{school_a.slug}/volunteer/").content.decode()
    assert "Cook for the welcome night" in listing
    assert "10 places left" in listing
    assert "বাংলা" in listing  # a language wanted, in its own name


def test_drafts_and_other_schools_stay_off_the_list(client, school_a, school_b):
    make_opportunity(school_a, title="Secret draft", status="draft")
    make_opportunity(school_b, title="Other school help")
    listing = client.get(f"/en/schools/{school_a.slug}/volunteer/").content.decode()
    assert "Secret draft" not in listing and "Other school help" not in listing
    draft_shift = make_opportunity(school_a, status="draft").shifts.get()
    assert client.get(shift_url(draft_shift)).status_code in (302, 404)


def test_signing_up_needs_a_login(client, shift_a):
    response = client.get(shift_url(shift_a))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_family_signs_up_sees_it_on_my_page_changes_and_cancels(client, parent, shift_a):
    response = client.post(shift_url(shift_a, "bn"), {"people": "3", "note": "I speak Bangla"})
    assert response.status_code == 302
    row = VolunteerSignup.objects.get(family=parent)
    assert (row.status, row.people, row.note) == ("going", 3, "I speak Bangla")
    my_page = client.get("/bn/my/").content.decode()
    assert "Cook for the welcome night" in my_page and shift_url(shift_a, "bn") in my_page
    # The list shows where the family stands instead of the places.
    listing = client.get(f"/bn/schools/{shift_a.opportunity.school.slug}/volunteer/")
    assert row.get_status_display() in listing.content.decode()
    # Change: the form starts from the sign-up.
    page = client.get(shift_url(shift_a, "bn")).content.decode()
    assert 'value="3"' in page and "I speak Bangla" in page
    client.post(shift_url(shift_a, "bn"), {"people": "1", "note": ""})
    row.refresh_from_db()
    assert row.people == 1
    client.post(shift_url(shift_a, "bn") + "cancel/")
    row.refresh_from_db()
    assert row.status == "cancelled"
    assert "Cook for the welcome night" not in client.get("/bn/my/").content.decode()


def test_a_full_shift_puts_the_family_on_the_waiting_list_with_its_place(client, parent, school_a):
    shift = make_opportunity(school_a, places=1).shifts.get()
    other = make_family("Other", school_a)
    services.sign_up(family=other, shift=shift)
    page = client.get(shift_url(shift)).content.decode()
    assert "Join the waiting list" in page
    client.post(shift_url(shift), {"people": "1"})
    page = client.get(shift_url(shift)).content.decode()
    assert "You are number 1 on the waiting list." in page


HOSTILE = [
    ({"people": ""}, "Enter how many people will help."),
    ({"people": "99999999999999999999999"}, "as a figure from 1 to 10"),
    ({"people": "0"}, "as a figure from 1 to 10"),
    ({"people": "-3"}, "as a figure from 1 to 10"),
    ({"people": "<script>alert(1)</script>"}, "as a figure from 1 to 10"),
    ({"people": "2", "note": "x" * 5000}, "300 characters or fewer"),
    ({"people": "2", "note": "bad\x00byte"}, "Remove the special characters"),
]


@pytest.mark.parametrize(("data", "message"), HOSTILE)
def test_hostile_input_gets_a_clear_message_and_keeps_what_was_typed(
    client, parent, shift_a, data, message
):
    data = {"note": "Keep me <b>please</b>", **data}
    response = client.post(shift_url(shift_a), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "There is a problem" in page  # the error summary, linked to the box
    assert "<script>alert" not in page and "<b>please" not in page
    if "note" in data and len(data["note"]) < 400 and "\x00" not in data["note"]:
        assert "Keep me &lt;b&gt;please&lt;/b&gt;" in page
    assert not VolunteerSignup.objects.exists()


@pytest.mark.parametrize("digits", ["٣", "۳", "৩"])
def test_arabic_indic_bengali_and_urdu_digits_count_as_figures(client, parent, shift_a, digits):
    response = client.post(shift_url(shift_a, "ur"), {"people": digits})
    assert response.status_code == 302
    assert VolunteerSignup.objects.get(family=parent).people == 3


def test_a_party_too_big_for_the_places_left_is_told_and_keeps_its_sign_up(
    client, parent, school_a
):
    shift = make_opportunity(school_a, places=3).shifts.get()
    services.sign_up(family=parent, shift=shift, people=2)
    services.sign_up(family=make_family("Other", school_a), shift=shift, people=1)
    response = client.post(shift_url(shift), {"people": "3", "note": "all of us"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Not enough places are left (places left: 0)" in page
    assert "all of us" in page
    assert VolunteerSignup.objects.get(family=parent).people == 2


@pytest.mark.parametrize("size", [1, 12])
def test_list_and_my_page_queries_do_not_grow(
    client, parent, school_a, django_assert_max_num_queries, size
):
    for index in range(size):
        opportunity = make_opportunity(school_a, title=f"Help {index}", shifts=4)
        for shift in opportunity.shifts.all():
            services.sign_up(family=parent, shift=shift)
    with django_assert_max_num_queries(8):
        response = client.get(f"/bn/schools/{school_a.slug}/volunteer/")
    assert response.content.decode().count('id="shift-') == 4 * size
    # Eleven at both sizes: session, user, roles, family, and one each for the conference
    # bookings, conversations, announcements, calendar feed, schools, answers and shifts.
    with django_assert_max_num_queries(11):
        assert client.get("/bn/my/").status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(shift_url(opportunity.shifts.first(), "bn")).status_code == 200
