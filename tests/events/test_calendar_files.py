"""Calendar files every phone accepts (RFC 5545), read back with a second library (vobject),
not with icalendar, which writes them: a file both libraries agree on is not a file that
only our writer understands."""

from datetime import timedelta

import pytest
import time_machine
import vobject
from django.utils import timezone

from events import services
from events.services import Party
from messaging.models import Message
from tests.events.conftest import make_event
from tests.events.test_admin import event_form
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db


def read(body: bytes):
    """Every VEVENT with its properties, after checking the file's time zones."""
    # Read as written first (vobject turns a TZID into a tzinfo when it reads values).
    raw = vobject.readOne(body.decode(), transform=False)
    zones = {str(zone.tzid.value) for zone in getattr(raw, "vtimezone_list", [])}
    for vevent in getattr(raw, "vevent_list", []):
        for name in ("dtstart", "dtend"):
            tzid = getattr(vevent, name).params.get("TZID", [None])[0]
            assert tzid, f"{name} has no TZID: a floating time moves with the phone"
            assert tzid in zones, f"no VTIMEZONE for {tzid} (RFC 5545 3.6.5)"
    calendar = vobject.readOne(body.decode())
    events = list(getattr(calendar, "vevent_list", []))
    assert events
    for vevent in events:
        # vobject builds the time zone from our VTIMEZONE: the hour is the school's.
        assert vevent.dtstart.value.utcoffset() is not None
    return events


def one(body: bytes):
    (vevent,) = read(body)
    return vevent


def test_the_event_file_has_its_time_zone_a_fresh_stamp_and_a_stable_uid(client, school_a):
    with time_machine.travel(timezone.now() - timedelta(days=30)):
        event = make_event(school_a)  # made a month ago
    vevent = one(client.get(f"/en/events/{event.pk}/calendar.ics").content)
    stamp = vevent.dtstamp.value
    assert abs(timezone.now() - stamp) < timedelta(minutes=1)  # when the file is made
    assert vevent.dtstart.value == event.starts_at.replace(microsecond=0)
    assert vevent.dtstart.value.tzinfo is not None
    assert int(vevent.sequence.value) == 0
    again = one(client.get(f"/en/events/{event.pk}/calendar.ics").content)
    assert again.uid.value == vevent.uid.value


def test_moving_the_event_in_the_admin_raises_the_sequence_for_phones(client, staff_a, school_a):
    # At six in the evening: moved an hour later, it still ends the same day.
    evening = timezone.localtime(timezone.now() + timedelta(days=7)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    event = make_event(school_a, capacity=30, starts_at=evening)
    url = f"/en/events/{event.pk}/calendar.ics"
    before = one(client.get(url).content)
    client.force_login(staff_a)
    # The same event, only its title changed: phones need no update.
    same_time = event_form(school_a, title_en="Family night", title_es="")
    start = timezone.localtime(event.starts_at)
    same_time.update(
        starts_at_0=start.strftime("%Y-%m-%d"),
        starts_at_1=start.strftime("%H:%M:%S"),
        ends_at_0=start.strftime("%Y-%m-%d"),
        ends_at_1=(start + timedelta(hours=2)).strftime("%H:%M:%S"),
        place_en="Library",
        address="118 River Road",
    )
    response = client.post(f"/admin/events/event/{event.pk}/change/", same_time)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    assert int(one(client.get(url).content).sequence.value) == 0
    # An hour later: the phone must replace the old time.
    later = start + timedelta(hours=1)
    moved = {
        **same_time,
        "starts_at_1": later.strftime("%H:%M:%S"),
        "ends_at_1": (later + timedelta(hours=2)).strftime("%H:%M:%S"),
    }
    client.force_login(staff_a)
    assert client.post(f"/admin/events/event/{event.pk}/change/", moved).status_code == 302
    client.logout()
    after = one(client.get(url).content)
    assert int(after.sequence.value) == 1
    assert after.uid.value == before.uid.value
    assert after.dtstart.value == before.dtstart.value + timedelta(hours=1)
    # Another room (the place is translated: the admin's field is place_en): the phone
    # updates, and the family going is told.
    family = make_family("Rina", school_a, phone="+12125550123")
    services.rsvp(family=family, event=event, party=Party(True))
    client.force_login(staff_a)
    gym = {**moved, "place_en": "Gym"}
    assert client.post(f"/admin/events/event/{event.pk}/change/", gym).status_code == 302
    client.logout()
    elsewhere = one(client.get(url).content)
    assert int(elsewhere.sequence.value) == 2 and "Gym" in elsewhere.location.value
    assert Message.objects.filter(kind="event_changed", recipient=f"family:{family.pk}").exists()
    # Cancelled: one more, and the phone shows it cancelled.
    services.cancel_event(event)
    cancelled = one(client.get(url).content)
    assert int(cancelled.sequence.value) == 3 and cancelled.status.value == "CANCELLED"


def test_the_private_feed_is_offered_as_webcal_and_every_event_has_its_zone(client, school_a):
    family = make_family("Rina", school_a, phone="+12125550123")
    first = make_event(school_a, title="Family night")
    second = make_event(
        school_a, title="Reading night", starts_at=timezone.now() + timedelta(days=200)
    )  # across the change of hour: both offsets in the VTIMEZONE
    for event in (first, second):
        services.rsvp(family=family, event=event, party=Party(True))
    client.force_login(family.user)
    page = client.post("/en/my/calendar/new/", follow=True).content.decode()
    feed_url = page.split('class="feed-url" dir="ltr">')[1].split("<")[0]
    assert feed_url.startswith("http://testserver/")
    assert f'href="webcal://{feed_url.split("://", 1)[1]}"' in page
    client.logout()
    events = read(client.get(feed_url.replace("http://testserver", "")).content)
    assert {e.summary.value for e in events} == {"Family night", "Reading night"}
    assert len({e.uid.value for e in events}) == 2
    for vevent in events:
        assert abs(timezone.now() - vevent.dtstamp.value) < timedelta(minutes=1)
