"""Event pages, calendar files, the door; query counts at two data sizes."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from icalendar import Calendar

from events import services
from events.models import Event, Rsvp, WalkIn
from events.services import Party
from families.models import Family
from tests.events.conftest import make_event
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db


def test_event_page_shows_the_essentials_first(client, event_a):
    page = client.get(f"/es/events/{event_a.pk}/").content.decode()
    essentials = page.index('class="facts essentials"')
    for needle in (
        "Library",
        "118 River Road",
        "openstreetmap.org/search?query=118%20River%20Road",
        "Kreyòl",
    ):
        assert needle in page
    assert page.index("Library") > essentials
    assert "<script" not in page


def test_ics_is_in_the_readers_language_with_the_essentials_and_a_link_back(client, event_a):
    event_a.title_es = "Noche familiar"
    event_a.save()
    response = client.get(f"/es/events/{event_a.pk}/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Noche familiar"
    description = str(vevent["DESCRIPTION"])
    assert "Library" in description and "118 River Road" in description
    assert f"http://testserver/es/events/{event_a.pk}/" in description
    with translation.override("es"):
        childcare = translation.gettext("childcare")
    assert childcare != "childcare" and childcare in description
    assert vevent.decoded("DTSTART") == event_a.starts_at.replace(microsecond=0)


def test_private_feed_lists_the_familys_events_and_can_be_revoked(client, school_a, event_a):
    make_event(school_a, title="Other")
    family = make_family("Rina", school_a, phone="+12125550123")
    services.rsvp(family=family, event=event_a, party=Party(True))
    client.force_login(family.user)
    assert 'class="feed-url"' not in client.get("/en/my/").content.decode()  # not made yet
    page = client.post("/en/my/calendar/new/", follow=True).content.decode()
    assert "Your calendar address is ready." in page
    feed_url = page.split('class="feed-url" dir="ltr">')[1].split("<")[0]
    path = feed_url.replace("http://testserver", "")
    client.logout()
    calendar = Calendar.from_ical(client.get(path).content)
    titles = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert titles == ["Family night"]  # not the event it did not answer
    client.force_login(family.user)
    client.post("/en/my/calendar/new/")
    client.logout()
    assert client.get(path).status_code == 404


def door(client, event, **data):
    return client.post(f"/en/events/{event.pk}/door/", data)


def test_door_checks_in_by_name_pass_and_walk_in(client, school_a, event_a, front_desk_a):
    rina = make_family("Rina", school_a, phone="+12125550123")
    omar = make_family("Omar", school_a, phone="+12125550124")
    services.rsvp(family=rina, event=event_a, party=Party(True, adults=1, children=2))
    client.force_login(front_desk_a)
    page = client.get(f"/en/events/{event_a.pk}/door/?q=rin").content.decode()
    assert "Rina" in page and "Omar" not in page and "Arrived: 0 · Expected: 3" in page
    door(client, event_a, form="arrived", rsvp=Rsvp.objects.get(family=rina).pk)
    door(client, event_a, form="code", code=omar.current_pass().short_code)
    door(client, event_a, form="walk_in", name="Grandmother", language="bn", people=2)
    page = client.get(f"/en/events/{event_a.pk}/door/").content.decode()
    assert "Arrived: 6" in page
    assert WalkIn.objects.get().language == "bn"
    assert Rsvp.objects.get(family=omar).arrived_at is not None


def test_door_refuses_a_bad_pass_code_clearly(client, event_a, front_desk_a):
    client.force_login(front_desk_a)
    page = door(client, event_a, form="code", code="NOPE-NOPE").content.decode()
    assert "Not valid. Check the code" in page


@pytest.mark.parametrize(
    "data",
    [
        {"form": "walk_in", "name": "", "language": "bn", "people": 1},
        {"form": "walk_in", "name": "x" * 500, "language": "xx", "people": -3},
        {"form": "walk_in", "name": "<script>alert(1)</script>", "language": "ar", "people": 999},
        {"form": "arrived", "rsvp": "abc"},
        {"form": "arrived", "rsvp": "999999"},
        # Digits to str.isdigit(), not to int(): a 500 until the check read isdecimal().
        {"form": "arrived", "rsvp": "²"},
        {"form": "undo", "rsvp": "①"},
        {"form": "code", "code": ""},
        {"form": "nonsense"},
    ],
)
def test_door_forms_survive_odd_input(client, event_a, front_desk_a, data):
    client.force_login(front_desk_a)
    response = door(client, event_a, **data)
    assert response.status_code in (200, 302, 404)
    assert b"<script>alert" not in response.content


@pytest.mark.parametrize(
    "typed", ["Ri\x00na", "Rina" + "x" * 10000, "\u202eRina", "Rina 👨‍👩‍👧", "  Rina  "]
)
def test_door_search_survives_odd_input(client, school_a, event_a, front_desk_a, typed):
    # A NUL byte reached PostgreSQL and the door page answered 500.
    rina = make_family("Rina", school_a)
    services.rsvp(family=rina, event=event_a, party=Party(True))
    client.force_login(front_desk_a)
    response = client.get(f"/en/events/{event_a.pk}/door/", {"q": typed})
    assert response.status_code == 200
    assert "Arrived: 0 · Expected: 1" in response.content.decode()


def test_door_is_only_for_that_schools_staff(client, school_a, event_a, front_desk_b, staff_b):
    for user in (front_desk_b, staff_b):
        client.force_login(user)
        assert client.get(f"/en/events/{event_a.pk}/door/").status_code == 403
    family = make_family("Rina", school_a, phone="+12125550123")
    client.force_login(family.user)
    assert client.get(f"/en/events/{event_a.pk}/door/").status_code == 403


@pytest.mark.parametrize("size", [5, 5000])
def test_event_lists_keep_their_query_count(client, school_a, django_assert_max_num_queries, size):
    start = timezone.now() + timedelta(days=3)
    Event.objects.bulk_create(
        Event(
            school=school_a,
            district=school_a.district,
            title=f"E{i}",
            title_en=f"E{i}",
            place="Gym",
            starts_at=start + timedelta(hours=i),
            ends_at=start + timedelta(hours=i + 1),
            status="published",
        )
        for i in range(size)
    )
    with django_assert_max_num_queries(6):
        assert client.get(school_a.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(f"/en/districts/{school_a.district.slug}/events/").status_code == 200


@pytest.mark.parametrize("size", [10, 10000])
def test_event_and_door_pages_keep_their_query_count(
    client, school_a, front_desk_a, django_assert_max_num_queries, size
):
    event = make_event(school_a)
    families = Family.objects.bulk_create(
        Family(display_name=f"F{i:05d}", language="es", channel="none") for i in range(size)
    )
    Rsvp.objects.bulk_create(
        Rsvp(event=event, family=f, status="going", adults=1) for f in families
    )
    me = make_family("Me", school_a, phone="+12125550123")
    services.rsvp(family=me, event=event, party=Party(True))
    client.force_login(me.user)
    with django_assert_max_num_queries(12):
        assert client.get(f"/en/events/{event.pk}/").status_code == 200
    client.force_login(front_desk_a)
    with django_assert_max_num_queries(14):
        assert client.get(f"/en/events/{event.pk}/door/").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(f"/en/events/{event.pk}/door/?q=F00").status_code == 200


def test_scanning_a_pass_offers_check_in_at_todays_event(client, school_a, front_desk_a):
    event = make_event(school_a, starts_at=timezone.now() + timedelta(hours=1))
    family = make_family("Rina", school_a, phone="+12125550123")
    client.force_login(front_desk_a)
    page = client.get(f"/p/{family.current_pass().signed_token()}/").content.decode()
    assert f'action="/en/events/{event.pk}/door/"' in page
    door(client, event, form="code", code=family.current_pass().short_code)
    assert Rsvp.objects.get(event=event, family=family).arrived_at is not None


def test_the_front_desk_is_offered_only_doors_it_may_run(client, school_a, front_desk_a):
    soon = timezone.now() + timedelta(hours=2)
    own = make_event(school_a, title="School night", starts_at=soon)
    district_night = make_event(school_a, title="District night", starts_at=soon)
    Event.objects.filter(pk=district_night.pk).update(school=None)
    family = make_family("Rina", school_a, phone="+12125550123")
    client.force_login(front_desk_a)
    page = client.get(f"/p/{family.current_pass().signed_token()}/").content.decode()
    assert f'action="/en/events/{own.pk}/door/"' in page
    # Today "Mark arrived" was offered at the district's event too, whose door page (run by
    # district staff) then answered 403 to the front desk.
    assert door(client, district_night, form="code", code="X").status_code == 403
    assert f'action="/en/events/{district_night.pk}/door/"' not in page


# The door admits the school's own families (issue 11, point 9) -------------------------


def other_school(district, slug="rosa-parks", name="Rosa Parks Middle"):
    from tests.conftest import make_school

    return make_school(district, slug, name)


def door_page(client, event, code, language="en"):
    response = client.post(f"/{language}/events/{event.pk}/door/", {"form": "code", "code": code})
    assert response.status_code == 200  # the door page again, with the reason
    return response.content.decode()


def going_people(event):
    return Event.objects.get(pk=event.pk).people_going()


def test_a_pass_of_another_schools_family_is_refused_and_takes_no_place(
    client, school_a, front_desk_a
):
    """The review's case: Lincoln's door checked in a Rosa Parks family past capacity."""
    event = make_event(school_a, capacity=2)
    services.rsvp(family=make_family("Full", school_a), event=event, party=Party(True, adults=2))
    neighbour = make_family("ZZ Neighbour", other_school(school_a.district))
    client.force_login(front_desk_a)
    page = door_page(client, event, neighbour.current_pass().short_code)
    assert "This pass is for a family of another school." in page
    assert "ZZ Neighbour" not in page  # no name for a family that is not the school's
    assert not Rsvp.objects.filter(family=neighbour).exists()
    assert going_people(event) == 2


def test_a_refused_pass_says_why_in_the_staff_members_language(client, school_a, front_desk_a):
    from families.services import revoke_pass

    event = make_event(school_a, capacity=10)
    revoked = make_family("Revoked", school_a)
    old_pass = revoked.current_pass()
    revoke_pass(old_pass)
    waiting = make_family("Waiting", school_a, confirmed=False)
    neighbour = make_family("Neighbour", other_school(school_a.district))
    client.force_login(front_desk_a)
    cases = [
        (old_pass.short_code, "This pass is no longer valid. The family may have a newer pass."),
        (waiting.current_pass().short_code, "This family is not confirmed at this school yet."),
        (neighbour.current_pass().short_code, "This pass is for a family of another school."),
    ]
    for language in ("en", "es", "ar"):
        for code, reason in cases:
            with translation.override(language):
                said = translation.gettext(reason)
            assert language == "en" or said != reason, f"{language}: {reason} not translated"
            assert said in door_page(client, event, code, language)
    assert not Rsvp.objects.filter(event=event).exists()


def test_a_district_event_admits_families_of_every_school_of_its_district(
    client, school_a, school_b, district_staff_a
):
    start = timezone.now() + timedelta(days=2)
    event = Event.objects.create(
        district=school_a.district,
        title="District summit",
        title_en="District summit",
        place="Hall",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=10,
        status="published",
    )
    neighbour = make_family("Neighbour", other_school(school_a.district))
    far_away = make_family("Far away", school_b)  # a school of another district
    client.force_login(district_staff_a)
    door(client, event, form="code", code=neighbour.current_pass().short_code)
    assert Rsvp.objects.get(family=neighbour).arrived_at is not None
    page = door_page(client, event, far_away.current_pass().short_code)
    assert "This pass is for a family of another school." in page
    assert not Rsvp.objects.filter(family=far_away).exists()


def test_a_family_without_a_place_is_seated_at_the_door_only_if_a_place_is_free(
    client, school_a, front_desk_a
):
    event = make_event(school_a, capacity=3)
    going = make_family("Going", school_a)
    services.rsvp(family=going, event=event, party=Party(True, adults=3))
    late = make_family("ZZ Late", school_a)
    client.force_login(front_desk_a)
    page = door_page(client, event, late.current_pass().short_code)
    assert "The event is full: no place is free for this family. It was not checked in." in page
    assert not Rsvp.objects.filter(family=late).exists() and going_people(event) == 3
    # A place frees up: the same scan now seats the family and counts it as arrived.
    services.rsvp(family=going, event=event, party=Party(True, adults=2))
    client.post(
        f"/en/events/{event.pk}/door/", {"form": "code", "code": late.current_pass().short_code}
    )
    row = Rsvp.objects.get(family=late)
    assert (row.status, row.people, row.arrived_at is not None) == ("going", 1, True)
    assert going_people(event) == 3


def test_a_waiting_party_is_not_seated_at_the_door_past_the_places(client, school_a, front_desk_a):
    event = make_event(school_a, capacity=3)
    services.rsvp(family=make_family("Going", school_a), event=event, party=Party(True, adults=2))
    waiting = make_family("Waiting", school_a)
    services.rsvp(family=waiting, event=event, party=Party(True, adults=2))
    client.force_login(front_desk_a)
    # By name (the row's id, as the list's button sends it) and by pass: both refused.
    client.post(
        f"/en/events/{event.pk}/door/",
        {"form": "arrived", "rsvp": Rsvp.objects.get(family=waiting).pk},
    )
    door_page(client, event, waiting.current_pass().short_code)
    row = Rsvp.objects.get(family=waiting)
    assert (row.status, row.arrived_at) == ("waitlisted", None)
    assert going_people(event) == 2


def test_a_mistaken_check_in_can_be_undone(client, school_a, front_desk_a):
    event = make_event(school_a, capacity=10)
    answered = make_family("Answered", school_a)
    services.rsvp(family=answered, event=event, party=Party(True, adults=2))
    said_no = make_family("Said no", school_a)
    services.rsvp(family=said_no, event=event, party=Party(False))
    before_no = Rsvp.objects.values().get(family=said_no)
    no_answer = make_family("No answer", school_a)
    client.force_login(front_desk_a)
    for family in (answered, said_no, no_answer):
        door(client, event, form="code", code=family.current_pass().short_code)
    assert Rsvp.objects.filter(event=event, arrived_at__isnull=False).count() == 3
    page = client.get(f"/es/events/{event.pk}/door/").content.decode()
    with translation.override("es"):
        undo = translation.gettext("Undo")
    assert undo != "Undo" and page.count(f">{undo}</button>") == 3
    for family in (answered, said_no, no_answer):
        row = Rsvp.objects.get(event=event, family=family)
        response = client.post(
            f"/es/events/{event.pk}/door/", {"form": "undo", "rsvp": row.pk}, follow=True
        )
        with translation.override("es"):
            done = translation.gettext("%(name)s: check-in undone.") % {"name": family.display_name}
        assert done in response.content.decode()
    # Each family is back where it was before the scan.
    row = Rsvp.objects.get(family=answered)
    assert (row.status, row.people, row.arrived_at, row.checked_in_by) == ("going", 2, None, None)
    assert Rsvp.objects.values().get(family=said_no) == before_no
    assert not Rsvp.objects.filter(family=no_answer).exists()
    assert going_people(event) == 2
    assert "Arrived: 0 · Expected: 2" in client.get(f"/en/events/{event.pk}/door/").content.decode()


def test_undo_is_a_post_for_the_events_own_answers_only(client, school_a, front_desk_a):
    event = make_event(school_a, capacity=10)
    other = make_event(school_a, capacity=10, title="Other")
    family = make_family("Rina", school_a)
    services.check_in_family(event=other, family=family, staff=front_desk_a)
    row = Rsvp.objects.get(event=other)
    client.force_login(front_desk_a)
    assert client.get(f"/en/events/{other.pk}/door/?form=undo&rsvp={row.pk}").status_code == 200
    assert door(client, event, form="undo", rsvp=row.pk).status_code == 404
    assert Rsvp.objects.get(pk=row.pk).arrived_at is not None
