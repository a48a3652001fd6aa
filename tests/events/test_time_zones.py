"""An event's date and time read in its school's own time zone on every page that shows it,
not in the server's (TIME_ZONE, New York): a family in Los Angeles must not arrive three hours
late."""

import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from events.models import Rsvp
from tests.events.conftest import make_event
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db

LOS_ANGELES = zoneinfo.ZoneInfo("America/Los_Angeles")


@pytest.fixture
def evening_in_los_angeles(school_a):
    school_a.time_zone = "America/Los_Angeles"
    school_a.save()
    day = (timezone.now() + timedelta(days=7)).astimezone(LOS_ANGELES).date()
    starts = datetime(day.year, day.month, day.day, 18, 30, tzinfo=LOS_ANGELES)
    return make_event(school_a, capacity=10, title="Evening meeting", starts_at=starts)


def test_cards_the_event_page_and_step_two_show_the_schools_own_time(
    client, school_a, evening_in_los_angeles
):
    event = evening_in_los_angeles
    family = make_family("ZZR Rina", school_a, phone="+12125550123")
    client.force_login(family.user)
    pages = {
        "school page": client.get(school_a.get_absolute_url()),
        "event page": client.get(event.get_absolute_url()),
        "step two": client.get(f"{event.get_absolute_url()}?step=2"),
    }
    Rsvp.objects.create(event=event, family=family, status=Rsvp.Status.GOING, adults=1)
    pages["my page"] = client.get("/en/my/")
    for name, response in pages.items():
        page = response.content.decode()
        assert "6:30" in page and "9:30" not in page, name
