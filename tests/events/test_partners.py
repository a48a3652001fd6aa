"""Community partners and the events they co-host: named on the event page, and their staff
run the door of those events, and of no other."""

import pytest
from django.test import Client

from events import services
from events.services import Party
from tests.conftest import make_staff
from tests.events.conftest import make_event
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db


def test_the_event_page_names_its_co_hosting_partners_in_the_readers_language(
    client, event_a, partner_a
):
    page = client.get(f"/ar/events/{event_a.pk}/").content.decode()
    assert "Casa Comunidad" not in page and "بالتعاون مع" not in page
    event_a.partners.add(partner_a)
    page = client.get(f"/ar/events/{event_a.pk}/").content.decode()
    label = page.index("بالتعاون مع")  # "Co-hosted with", in Arabic
    assert page.index("Casa Comunidad") > label
    assert page.index("Casa Comunidad") > page.index('class="facts essentials"')


def test_a_cached_event_page_shows_a_partner_added_later(client, settings, event_a, partner_a):
    settings.PAGE_CACHE_SECONDS = 60
    assert "Casa Comunidad" not in client.get(event_a.get_absolute_url()).content.decode()
    event_a.partners.add(partner_a)  # no Event row is saved
    assert "Casa Comunidad" in Client().get(event_a.get_absolute_url()).content.decode()
    partner_a.name = "Casa Comunidad Unida"
    partner_a.save()
    assert "Casa Comunidad Unida" in Client().get(event_a.get_absolute_url()).content.decode()


def test_partner_staff_run_the_door_of_the_events_their_organisation_co_hosts(
    client, school_a, partner_a, partner_staff_a
):
    event = make_event(school_a, title="Co-hosted night")
    event.partners.add(partner_a)
    family = make_family("ZZP Rina", school_a, phone="+12125550161")
    row = services.rsvp(family=family, event=event, party=Party(True))
    client.force_login(partner_staff_a)
    # The event's page leads them to its door.
    assert (
        f'href="/en/events/{event.pk}/door/"'
        in client.get(f"/en/events/{event.pk}/").content.decode()
    )
    page = client.get(f"/en/events/{event.pk}/door/")
    assert page.status_code == 200
    assert "ZZP Rina" in page.content.decode()
    client.post(f"/en/events/{event.pk}/door/", {"form": "arrived", "rsvp": row.pk})
    row.refresh_from_db()
    assert row.arrived_at is not None and row.checked_in_by == partner_staff_a


def test_partner_staff_never_open_the_door_of_other_events(
    client, school_a, school_b, partner_a, partner_staff_a
):
    # The partner works with school A, but co-hosts none of these events.
    own_school = make_event(school_a, title="School A night")
    elsewhere = make_event(school_b, title="School B night")
    other_partner = _partner("Other org", school_b)
    make_staff("other.cbo@example.org", is_staff=False, partner=other_partner)
    elsewhere.partners.add(other_partner)
    # Co-hosted, but still a draft: the school's alone until it is published.
    draft = make_event(school_a, title="Draft night", status="draft")
    draft.partners.add(partner_a)
    client.force_login(partner_staff_a)
    for event in (own_school, elsewhere, draft):
        assert "/door/" not in client.get(f"/en/events/{event.pk}/").content.decode()
        assert client.get(f"/en/events/{event.pk}/door/").status_code == 403
        assert client.post(f"/en/events/{event.pk}/door/", {"form": "walk_in"}).status_code == 403


def _partner(name, school):
    from schools.models import Partner

    partner = Partner.objects.create(name=name)
    partner.schools.add(school)
    return partner


def test_a_partners_front_door_lists_its_coming_co_hosted_events_and_no_other(
    client, school_a, school_b, partner_a, partner_staff_a
):
    from datetime import timedelta

    from django.utils import timezone

    cohosted = make_event(school_a, title="Co-hosted night")
    held = make_event(school_a, title="Held last week", starts_at=timezone.now() - timedelta(7))
    own_school = make_event(school_a, title="School A night")
    elsewhere = make_event(school_b, title="School B night")
    for event in (cohosted, held):
        event.partners.add(partner_a)
    elsewhere.partners.add(_partner("Other org", school_b))
    client.force_login(partner_staff_a)
    page = client.get("/es/assist/").content.decode()
    assert "Eventos que organiza con la escuela" in page  # "Events you co-host", in Spanish
    assert f'href="/es/events/{cohosted.pk}/door/"' in page and "Co-hosted night" in page
    for other in (held, own_school, elsewhere):
        assert other.title not in page and f"/events/{other.pk}/door/" not in page
    assert 'href="/es/reports/events/"' in page
    assert client.get("/es/reports/events/").status_code == 200
    # A school's staff, on the same page, get no such list.
    client.force_login(make_staff("staff.extra@example.org", school=school_a))
    assert "/door/" not in client.get("/es/assist/").content.decode()
