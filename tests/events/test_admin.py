"""Staff side: create with translations (district filled from the school), totals, CSV,
cancel and duplicate, all within the staff member's school."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events import services
from events.models import Event, Rsvp
from events.services import Party
from families.models import Family
from tests.events.conftest import make_event
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db


def event_form(school, **extra):
    # Six in the evening, the school's time, ten days on: an hour later is the same day
    # whatever time the tests run (late in the evening, "+1 hour" was the next day).
    start = timezone.localtime(timezone.now() + timedelta(days=10)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    data = {
        "school": school.pk,
        "kind": "meeting",
        "status": "published",
        "title_en": "Meet the principal",
        "title_es": "Conozca a la directora",
        "place_en": "Cafeteria",
        "starts_at_0": start.strftime("%Y-%m-%d"),
        "starts_at_1": start.strftime("%H:%M:%S"),
        "ends_at_0": start.strftime("%Y-%m-%d"),
        "ends_at_1": (start + timedelta(hours=1)).strftime("%H:%M:%S"),
        "capacity": "30",
        "interpreter_languages": ["es", "ar"],
        "rsvps-TOTAL_FORMS": 0,
        "rsvps-INITIAL_FORMS": 0,
    }
    data.update(extra)
    return data


def test_school_staff_create_an_event_with_two_translations(client, staff_a, school_a):
    client.force_login(staff_a)
    response = client.post("/admin/events/event/add/", event_form(school_a))
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get()
    assert event.district_id == school_a.district_id
    assert (event.title_en, event.title_es) == ("Meet the principal", "Conozca a la directora")
    assert "Conozca a la directora" in client.get(f"/es/events/{event.pk}/").content.decode()


def test_staff_cannot_create_an_event_for_another_school(client, staff_a, school_b):
    client.force_login(staff_a)
    response = client.post("/admin/events/event/add/", event_form(school_b))
    assert response.status_code == 200 and not Event.objects.exists()


@pytest.mark.parametrize(
    "extra,message",
    [
        ({"ends_at_1": "00:00:00", "ends_at_0": "2020-01-01"}, "The end must be after the start."),
        ({"capacity": "-5"}, "Ensure this value is greater than or equal to 0."),
        ({"title_en": ""}, "This field is required."),
        ({"title_en": "x" * 500}, "Ensure this value has at most 120 characters"),
        ({"starts_at_0": "31/31/2026"}, "Enter a valid date."),
        ({"interpreter_languages": ["xx"]}, "Select a valid choice."),
    ],
)
def test_bad_event_input_gets_a_clear_message(client, staff_a, school_a, extra, message):
    client.force_login(staff_a)
    response = client.post("/admin/events/event/add/", event_form(school_a, **extra))
    assert response.status_code == 200
    assert message in response.content.decode()


def test_totals_csv_cancel_and_duplicate(client, staff_a, school_a):
    event = make_event(school_a, capacity=5)
    rina = make_family("Рина 李", school_a, phone="+12125550123")
    omar = make_family("Omar", school_a, phone="+12125550124")
    party = Party(
        True,
        adults=1,
        children=2,
        needs_interpreter=True,
        interpreter_language="ht",
        needs_childcare=True,
    )
    services.rsvp(family=rina, event=event, party=party)
    services.rsvp(family=omar, event=event, party=Party(True, adults=3))
    client.force_login(staff_a)
    page = client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    assert "People going: 3" in page and "People waiting: 3" in page
    assert "Kreyòl ayisyen: 1" in page and "Childcare places (children): 2" in page
    assert "+12125550123" not in page
    csv = client.get(f"/admin/events/event/{event.pk}/rsvps.csv")
    body = csv.content.decode("utf-8")
    assert body.startswith("\ufeff") and "Рина 李" in body and "+1212" not in body
    client.post(
        "/admin/events/event/", {"action": "duplicate_events", "_selected_action": [event.pk]}
    )
    copy = Event.objects.exclude(pk=event.pk).get()
    assert copy.status == "draft" and copy.title == event.title and not copy.rsvps.exists()
    client.post("/admin/events/event/", {"action": "cancel_events", "_selected_action": [event.pk]})
    assert Event.objects.get(pk=event.pk).status == "cancelled"


def test_lowering_places_in_the_admin_moves_extras_to_the_waiting_list(client, staff_a, school_a):
    event = make_event(school_a, capacity=10)
    for i in range(4):
        services.rsvp(
            family=make_family(f"F{i}", school_a), event=event, party=Party(True, adults=2)
        )
    client.force_login(staff_a)
    data = event_form(school_a, capacity="5", title_en="Family night", title_es="")
    response = client.post(f"/admin/events/event/{event.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert event.people_going() == 4
    assert Rsvp.objects.filter(event=event, status="waitlisted").count() == 2


def test_more_places_at_a_cancelled_event_tell_no_one_they_have_a_place(client, staff_a, school_a):
    from messaging.models import Message

    event = make_event(school_a, capacity=1)
    services.rsvp(family=make_family("Going", school_a), event=event, party=Party(True))
    waiting = make_family("Waiting", school_a, phone="+12125550177")
    services.rsvp(family=waiting, event=event, party=Party(True))
    client.force_login(staff_a)
    client.post("/admin/events/event/", {"action": "cancel_events", "_selected_action": [event.pk]})
    data = event_form(school_a, capacity="5", status="cancelled", title_en="Family night")
    response = client.post(f"/admin/events/event/{event.pk}/change/", data)
    assert response.status_code == 302
    # Today the waiting family was moved up and sent "a place opened for you".
    told = Message.objects.filter(recipient=f"family:{waiting.pk}").values_list("kind", flat=True)
    assert "promoted" not in told and "event_cancelled" in told
    assert Rsvp.objects.get(family=waiting).status == "waitlisted"


def test_school_staff_see_who_is_coming_and_the_help_asked(client, staff_a, school_a):
    event = make_event(school_a, capacity=10, interpreter_languages=["ar"])
    family = make_family("ZZ Rina Coming", school_a, phone="+12125550123")
    services.rsvp(
        family=family,
        event=event,
        party=Party(True, adults=2, needs_interpreter=True, interpreter_language="ar"),
    )
    client.force_login(staff_a)
    page = client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    rows = page[page.index('id="rsvps-group"') :]
    assert "ZZ Rina Coming" in rows and "Arabic" in rows
    assert "+12125550123" not in page  # the list shows the family's name, not its number


def read_csv(response):
    import csv
    import io

    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_each_look_at_the_answers_writes_one_audit_event_without_names(client, staff_a, school_a):
    """RELIABILITY F5: who looked at which event's answers, and how many; ids only."""
    from accounts.models import AuditEvent

    event = make_event(school_a, capacity=10)
    for name in ("Rina ZZ-P1", "Omar ZZ-P2"):
        services.rsvp(
            family=make_family(name, school_a),
            event=event,
            party=Party(True, other_needs="wheelchair ZZ-P3"),
        )
    client.force_login(staff_a)
    looks = [
        (f"/admin/events/event/{event.pk}/rsvps.csv", "rsvps.csv"),
        (f"/admin/events/event/{event.pk}/change/", "rsvps.event"),
        (f"/admin/events/rsvp/?event__id__exact={event.pk}", "rsvps.list"),
        (f"/admin/events/event/{event.pk}/messages/", "rsvps.messages"),
    ]
    for url, action in looks:
        AuditEvent.objects.all().delete()
        response = client.get(url)
        assert response.status_code == 200, url
        logged = AuditEvent.objects.get()  # one event per view
        assert (logged.actor, logged.action, logged.allowed) == (staff_a, action, True)
        assert (logged.object_type, logged.object_id) == ("event", str(event.pk))
        assert logged.rows == (0 if action == "rsvps.messages" else 2)
        values = " ".join(str(v) for v in AuditEvent.objects.values().get().values())
        assert "ZZ-P" not in values


def test_a_refused_download_is_logged_too(client, staff_b, school_a):
    from accounts.models import AuditEvent

    event = make_event(school_a)
    client.force_login(staff_b)
    assert client.get(f"/admin/events/event/{event.pk}/rsvps.csv").status_code == 404
    logged = AuditEvent.objects.get()
    assert (logged.actor, logged.action, logged.allowed) == (staff_b, "rsvps.csv", False)


@pytest.mark.parametrize(
    "name,needs",
    [
        ("=1+2", 'Needs =HYPERLINK("http://x","y")'),
        ("Ana", '=HYPERLINK("http://x","y")'),
        ("+cmd", "-1"),
        ("@SUM(A1)", "+1"),
        ("-2+3", "@SUM(A1:A9)"),
        ("\t=1+2", "\r=1+2"),
    ],
)
def test_csv_cells_never_run_as_formulas(client, staff_a, school_a, name, needs):
    """A family's name or needs starting with = + - @ (or a tab or return before one) reach
    the spreadsheet as text: a leading ' , like the reports' CSVs."""
    event = make_event(school_a, capacity=10)
    family = make_family("placeholder", school_a)
    services.rsvp(family=family, event=event, party=Party(True))
    # Stored as given (the forms strip spaces; an import or an older row may not).
    Family.objects.filter(pk=family.pk).update(display_name=name)
    Rsvp.objects.filter(family=family).update(other_needs=needs)
    client.force_login(staff_a)
    rows = read_csv(client.get(f"/admin/events/event/{event.pk}/rsvps.csv"))
    family_cell, needs_cell = rows[1][0], rows[1][6]
    for cell, text in ((family_cell, name), (needs_cell, needs)):
        if text[0] in "=+-@\t\r":
            assert cell == "'" + text
        else:
            assert cell == text


def test_the_change_page_links_to_the_family_page_in_each_language(client, staff_a, school_a):
    import re

    from portal.languages import LANGUAGE_CODES

    event = make_event(school_a, title="Family night")
    event.title_es = "Noche familiar"
    event.save()
    client.force_login(staff_a)
    page = client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    found = re.findall(r'<a href="([^"]+)" lang="([^"]+)">', page)
    links = {code: href for href, code in found}
    assert {code: links.get(code) for code in LANGUAGE_CODES} == {
        code: f"/{code}/events/{event.pk}/" for code in LANGUAGE_CODES
    }
    assert "Noche familiar" in client.get(links["es"]).content.decode()
