from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Event


def make_event(school, capacity=None, status=Event.Status.PUBLISHED, title="Family night", **extra):
    start = extra.pop("starts_at", timezone.now() + timedelta(days=7))
    return Event.objects.create(
        school=school,
        district=school.district,
        title=title,
        title_en=title,
        place="Library",
        address="118 River Road",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=capacity,
        status=status,
        **extra,
    )


@pytest.fixture
def event_a(school_a):
    return make_event(school_a, capacity=10, interpreter_languages=["es", "ht"], childcare=True)
