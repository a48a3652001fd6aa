"""RELIABILITY C3 (read-only, scoped) and F5 (every look is audited, without PII)."""

import pytest

from accounts.models import AuditEvent, User
from tests.conftest import make_school

pytestmark = pytest.mark.django_db

PAGES = ["", "languages/", "schools/", "events/", "committees/", "conferences/", "coverage/"]
CSV = {
    "": "figures",
    "languages/": "participation",
    "schools/": "schools",
    "events/": "events",
    "committees/": "committees",
    "conferences/": "conferences",
    "coverage/": "coverage",
}


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_login(client, page):
    response = client.get(f"/en/reports/{page}")
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("page", PAGES)
def test_a_parent_is_refused_and_the_attempt_logged(client, page, school_a):
    parent = User.objects.create_user(phone="+15550001111", password="a-long-password-9")
    client.force_login(parent)
    assert client.get(f"/en/reports/{page}").status_code == 403
    event = AuditEvent.objects.get()
    assert (event.actor, event.allowed) == (parent, False)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_no_write_method(client, district_staff_a, page, method):
    client.force_login(district_staff_a)
    response = getattr(client, method)(f"/en/reports/{page}")
    assert response.status_code in (403, 405)


def test_no_write_method_on_an_event_report(client, district_staff_a, world):
    client.force_login(district_staff_a)
    url = f"/en/reports/events/{world['night'].pk}/"
    assert client.post(url).status_code == 405
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_district_staff_cannot_open_another_district(client, district_staff_a, district_b, page):
    make_school(district_b, "school-b2", "ZZ-B School 2")
    client.force_login(district_staff_a)
    for query in ("district=district-b", "school=school-b2", "where=district=district-b"):
        html = client.get(f"/en/reports/{page}?{query}")
        csv = client.get(f"/en/reports/{page}?{query}&csv={CSV[page]}")
        assert html.status_code == csv.status_code == 404
        assert b"ZZ-B" not in html.content + csv.content
    denied = AuditEvent.objects.filter(actor=district_staff_a, allowed=False)
    assert denied.count() == 6
    assert set(denied.values_list("object_id", flat=True)) == {"district-b", "school-b2"}


def test_a_nul_byte_in_the_scope_is_no_500(client, district_staff_a, school_a):
    # It reached PostgreSQL and the reports answered 500.
    client.force_login(district_staff_a)
    answers = {"school=school-a%00": 200, "district=district-a%00": 200, "where=district=x%00": 404}
    for query, status in answers.items():
        assert client.get(f"/en/reports/?{query}").status_code == status


def test_district_staff_cannot_open_another_districts_event(client, district_staff_a, district_b):
    from tests.events.conftest import make_event

    other = make_event(make_school(district_b, "school-b3", "ZZ-B School 3"), title="ZZ-B night")
    client.force_login(district_staff_a)
    assert client.get(f"/en/reports/events/{other.pk}/").status_code == 404
    assert client.get(f"/en/reports/events/{other.pk}/?csv=by_language").status_code == 404
    assert AuditEvent.objects.filter(allowed=False, object_type="event").count() == 2


def test_school_staff_see_their_school_only(client, staff_a, world, district_a):
    client.force_login(staff_a)
    response = client.get("/en/reports/schools/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "School A" in body and "School A2" not in body
    assert "District summit" not in client.get("/en/reports/events/").content.decode()
    assert client.get("/en/reports/?district=district-a").status_code == 404
    assert client.get("/en/reports/?school=school-a2").status_code == 404
    assert client.get(f"/en/reports/events/{world['a2_event'].pk}/").status_code == 404
    assert client.get(f"/en/reports/events/{world['night'].pk}/").status_code == 200


def test_district_staff_can_narrow_to_one_of_their_schools(client, district_staff_a, world):
    client.force_login(district_staff_a)
    response = client.get("/en/reports/schools/?school=school-a2")
    assert response.status_code == 200
    assert "A2" in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_each_look_and_each_export_writes_one_audit_event(client, district_staff_a, world, page):
    client.force_login(district_staff_a)
    client.get(f"/en/reports/{page}")
    client.get(f"/en/reports/{page}?csv={CSV[page]}")
    events = list(AuditEvent.objects.order_by("at", "pk"))
    assert len(events) == 2
    name = page.strip("/") or "overview"
    assert [e.action for e in events] == [f"report.{name}", f"report.{name}.csv"]
    for event in events:
        assert event.actor == district_staff_a and event.allowed
        assert (event.object_type, event.object_id) == ("district", str(world["night"].district_id))
        text = f"{event.action} {event.object_type} {event.object_id}"
        assert "ZZPII" not in text and "+1555" not in text


def test_superuser_sees_any_district(client, superuser, district_b):
    client.force_login(superuser)
    assert client.get("/en/reports/?district=district-b").status_code == 200


def test_front_desk_has_no_reports(client, front_desk_a):
    client.force_login(front_desk_a)
    assert client.get("/en/reports/").status_code == 403


def test_the_admin_index_links_to_reports_only_for_people_who_can_open_them(
    client, district_staff_a, staff_a, superuser, front_desk_a, partner_staff_a
):
    User.objects.filter(pk__in=[front_desk_a.pk, partner_staff_a.pk]).update(is_staff=True)
    for user, shown in [
        (district_staff_a, True),
        (staff_a, True),
        (superuser, True),
        (front_desk_a, False),
        (partner_staff_a, False),
    ]:
        client.force_login(user)
        response = client.get("/admin/", follow=True)
        assert response.status_code == 200, user
        assert ('id="reports-link"' in response.content.decode()) is shown, user
        assert (client.get("/en/reports/").status_code == 200) is shown, user
