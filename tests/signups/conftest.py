from datetime import timedelta

import pytest
from django.utils import timezone

from signups.volunteering.models import Opportunity, Shift


def make_opportunity(school, title="Cook for the welcome night", shifts=1, places=10, **extra):
    status = extra.pop("status", Opportunity.Status.PUBLISHED)
    opportunity = Opportunity.objects.create(
        school=school,
        title=title,
        title_en=title,
        place=extra.pop("place", "School kitchen"),
        status=status,
        **extra,
    )
    start = timezone.now() + timedelta(days=7)
    for index in range(shifts):
        begins = start + timedelta(hours=3 * index)
        Shift.objects.create(
            opportunity=opportunity,
            starts_at=begins,
            ends_at=begins + timedelta(hours=2),
            places=places,
        )
    return opportunity


@pytest.fixture
def opportunity_a(school_a):
    return make_opportunity(school_a, languages=["bn", "es"])


@pytest.fixture
def shift_a(opportunity_a):
    return opportunity_a.shifts.get()
