"""Staff see who comes to each shift of their school in the admin; another school's staff
see nothing of it, and district staff see no names (C1, C3)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from signups.volunteering import services
from signups.volunteering.models import VolunteerSignup
from tests.families.conftest import make_family
from tests.signups.conftest import make_opportunity

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_shift(school_a):
    shift = make_opportunity(school_a, places=2).shifts.get()
    for name, people in (("ZZQ Amina", 2), ("ZZQ Bilal", 1)):
        services.sign_up(family=make_family(name, school_a), shift=shift, people=people)
    return shift


def shift_page(shift):
    return reverse("admin:signups_shift_change", args=[shift.pk])


def test_staff_see_who_comes_and_who_waits_in_order(client, staff_a, busy_shift):
    client.force_login(staff_a)
    response = client.get(shift_page(busy_shift))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("ZZQ Amina") < page.index("ZZQ Bilal")
    assert "On the waiting list" in page
    assert AuditEvent.objects.filter(action="volunteers.shift", rows=2).exists()
    opportunity = client.get(
        reverse("admin:signups_opportunity_change", args=[busy_shift.opportunity.pk])
    ).content.decode()
    assert "2 of 2 people; 1 waiting" in opportunity


def test_another_schools_staff_see_nothing(client, staff_b, busy_shift):
    client.force_login(staff_b)
    assert client.get(shift_page(busy_shift)).status_code == 404
    opportunity_page = reverse("admin:signups_opportunity_change", args=[busy_shift.opportunity.pk])
    assert client.get(opportunity_page).status_code == 404
    for name in ("shift", "volunteersignup", "opportunity"):
        page = client.get(reverse(f"admin:signups_{name}_changelist")).content.decode()
        assert "ZZQ" not in page and "Cook for the welcome night" not in page, name


def test_district_staff_see_no_names(client, district_staff_a, busy_shift):
    client.force_login(district_staff_a)
    assert client.get(shift_page(busy_shift)).status_code == 403
    page = client.get(reverse("admin:signups_volunteersignup_changelist"))
    assert page.status_code == 403


def test_staff_lowering_the_places_moves_the_newest_party_to_the_waiting_list(
    client, staff_a, busy_shift
):
    client.force_login(staff_a)
    local = timezone.localtime(busy_shift.starts_at)
    end = timezone.localtime(busy_shift.ends_at)
    response = client.post(
        shift_page(busy_shift),
        {
            "starts_at_0": local.strftime("%Y-%m-%d"),
            "starts_at_1": local.strftime("%H:%M:%S"),
            "ends_at_0": end.strftime("%Y-%m-%d"),
            "ends_at_1": end.strftime("%H:%M:%S"),
            "places": "1",
            "signups-TOTAL_FORMS": "0",
            "signups-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    # Amina's party of two no longer fits one place; Bilal (one) moves up in her place.
    statuses = dict(
        VolunteerSignup.objects.filter(shift=busy_shift).values_list(
            "family__display_name", "status"
        )
    )
    assert statuses == {"ZZQ Amina": "waitlisted", "ZZQ Bilal": "going"}


def test_the_new_opportunity_page_has_a_tab_per_language(client, staff_a):
    client.force_login(staff_a)
    page = client.get(reverse("admin:signups_opportunity_add")).content.decode()
    assert 'name="title_bn"' in page and 'name="title_ur"' in page
    assert "admin-translation-tabs.js" in page
