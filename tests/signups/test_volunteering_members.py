"""Only a family of the school signs up to help there (a trip's chaperones, a welcome
night's cooks): a family of another school, or any account at all, cannot take the
school's places; it is told to join the school first."""

import pytest

from signups.volunteering.models import VolunteerSignup
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db


def shift_url(shift, language="en"):
    return f"/{language}/schools/{shift.opportunity.school.slug}/volunteer/{shift.pk}/"


def test_a_family_of_another_school_cannot_take_a_place(client, school_b, shift_a):
    stranger = make_family("ZZS", school_b, phone="+12125550160")
    client.force_login(stranger.user)
    page = client.get(shift_url(shift_a)).content.decode()
    assert "join this school first" in page and 'name="people"' not in page
    response = client.post(shift_url(shift_a), {"people": "10"})
    assert response.status_code == 403
    assert "join this school first" in response.content.decode()
    assert not VolunteerSignup.objects.exists()


def test_a_family_of_the_school_still_signs_up(client, school_a, shift_a):
    family = make_family("ZZT", school_a, phone="+12125550161")
    client.force_login(family.user)
    assert 'name="people"' in client.get(shift_url(shift_a)).content.decode()
    assert client.post(shift_url(shift_a), {"people": "2"}).status_code == 302
    assert VolunteerSignup.objects.get().family == family


def test_a_shift_staff_move_reminds_its_helpers_of_the_new_time(client, staff_a, shift_a):
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from messaging.models import Message
    from signups.volunteering import notices, services

    family = make_family("ZZU", shift_a.opportunity.school, phone="+12125550162")
    services.sign_up(family=family, shift=shift_a, people=1)
    old = Message.objects.get(kind="volunteer_reminder")
    client.force_login(staff_a)
    start = timezone.localtime(shift_a.starts_at) + timedelta(hours=2)
    end = timezone.localtime(shift_a.ends_at) + timedelta(hours=2)
    response = client.post(
        reverse("admin:signups_shift_change", args=[shift_a.pk]),
        {
            "starts_at_0": start.strftime("%Y-%m-%d"),
            "starts_at_1": start.strftime("%H:%M:%S"),
            "ends_at_0": end.strftime("%Y-%m-%d"),
            "ends_at_1": end.strftime("%H:%M:%S"),
            "places": str(shift_a.places),
            "signups-TOTAL_FORMS": "0",
            "signups-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    shift_a.refresh_from_db()
    new = Message.objects.filter(kind="volunteer_reminder").exclude(pk=old.pk)
    assert new.count() == 1
    assert f":{shift_a.starts_at.timestamp():.0f}" in new.get().idempotency_key
    assert new.get().due_at == shift_a.starts_at - notices.REMIND_BEFORE


def test_no_one_moves_up_once_the_shift_has_started(school_a):
    """A family cancelling during (or after) the shift frees no place: the next in line is
    not sent "a place opened" for a shift already under way."""
    from datetime import timedelta

    from django.utils import timezone

    from messaging.models import Message
    from signups.volunteering import services
    from tests.signups.conftest import make_opportunity

    shift = make_opportunity(school_a, places=1).shifts.get()
    going = make_family("ZZV", school_a, phone="+12125550163")
    waiting = make_family("ZZW", school_a, phone="+12125550164")
    services.sign_up(family=going, shift=shift, people=1)
    assert services.sign_up(family=waiting, shift=shift, people=1).status == "waitlisted"
    shift.starts_at = timezone.now() - timedelta(minutes=30)
    shift.save()
    services.cancel(family=going, shift=shift)
    assert VolunteerSignup.objects.get(family=waiting).status == "waitlisted"
    assert not Message.objects.filter(kind="volunteer_promoted").exists()
