"""Community partner staff read the figures of the events their organisation co-hosts
(issue 12, point 7): the very cells school staff read for those events, suppressed with
them, and nothing else: no other event, no total, no other page, no name."""

import pytest

from accounts.models import AuditEvent
from schools.models import Partner
from tests.reports.conftest import SENTINEL, make_families, past_event, rsvp
from tests.reports.test_figures import by_label, table

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohosted(world, partner_a, school_a):
    """The night (10 days ago) and a small circle (4 RSVPs: hidden) co-hosted by the partner;
    School A2's evening co-hosted by another organisation."""
    small = past_event(school_a, 15, title="Small circle")
    for family in make_families(school_a, "es", 4, prefix="circle-"):
        rsvp(small, family, arrived=True)
    world["night"].partners.add(partner_a)
    small.partners.add(partner_a)
    world["a2_event"].partners.add(Partner.objects.create(name="Another organisation"))
    return {"night": world["night"], "small": small}


def test_partner_sees_its_cohosted_events_figures_only(
    client, partner_staff_a, staff_a, world, cohosted
):
    client.force_login(staff_a)
    school_rows = by_label(table(client, "events/", "events"))
    client.force_login(partner_staff_a)
    partner_table = table(client, "events/", "events")
    rows = by_label(partner_table)
    # Only its two events, each row the one school staff read (the small one suppressed).
    assert set(rows) == {"Meeting 10 days ago", "Small circle"}
    assert rows["Meeting 10 days ago"] == school_rows["Meeting 10 days ago"]
    assert rows["Small circle"] == school_rows["Small circle"]
    # The circle's 4 are hidden, and the night's 40 with them (the school's total, 44, is
    # shown): a report of the partner's own would show 40, and with the total give away 4.
    assert rows["Small circle"][2] == rows["Meeting 10 days ago"][2] == "<10"
    assert school_rows["Total"][2] == "44"
    assert "Total" not in [row[0] for row in partner_table]
    html = client.get("/en/reports/events/").content.decode()
    assert "Meeting 10 days ago" in html and "Casa Comunidad" in html
    for other in ("Old meeting", "A2 evening", "District summit", SENTINEL):
        assert other not in html


def test_partner_opens_its_events_page_and_no_other(
    client, partner_staff_a, staff_a, world, cohosted
):
    night = f"events/{cohosted['night'].pk}/"
    client.force_login(staff_a)
    school_view = table(client, night, "by_language")
    client.force_login(partner_staff_a)
    assert table(client, night, "by_language") == school_view
    html = client.get(f"/en/reports/{night}").content.decode()
    assert SENTINEL not in html and "Overview" not in html  # one page: its events
    for other in ("a2_event", "district_event", "before"):
        assert client.get(f"/en/reports/events/{world[other].pk}/").status_code == 404


def test_partner_has_no_other_page_and_no_other_partner(client, partner_staff_a, world, cohosted):
    other = Partner.objects.get(name="Another organisation")
    client.force_login(partner_staff_a)
    for page in ("", "languages/", "schools/", "committees/", "coverage/"):
        response = client.get(f"/en/reports/{page}?csv=figures")
        assert response.status_code == 302, page
        assert response["Location"].startswith("/en/reports/events/?partner=")
    assert client.get(f"/en/reports/events/?partner={other.pk}").status_code == 404
    assert client.get(f"/en/reports/events/?where=partner={other.pk}").status_code == 404
    assert client.get("/en/reports/events/?school=school-a").status_code == 404
    looks = AuditEvent.objects.filter(actor=partner_staff_a)
    assert looks.filter(allowed=False, object_type="partner").count() == 2
