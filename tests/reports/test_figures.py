"""Every figure equals a count made here from the rows; the same figure agrees across the
overview, the schools table, the events table and their CSVs; small cells are hidden with
a complement; no family's name or phone reaches a page or a CSV."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Event, Rsvp
from families.models import Family
from messaging.models import Message
from tests.reports.conftest import SENTINEL, make_families, past_event, reminder, rsvp

pytestmark = pytest.mark.django_db


def read_csv(response):
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def table(client, page, key, **params):
    query = "&".join(f"{k}={v}" for k, v in {**params, "csv": key}.items())
    response = client.get(f"/en/reports/{page}?{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return read_csv(response)


def by_label(rows):
    return {row[0]: row[1:] for row in rows[1:]}


def expected(district):
    """Counts made in Python from every row: this period is the last 90 days."""
    start = timezone.localdate() - timedelta(days=89)
    rows = [
        r
        for r in Rsvp.objects.select_related("event", "family")
        if r.status == "going"
        and r.event.status == "published"
        and r.event.district_id == district.pk
        and timezone.localdate(r.event.starts_at) >= start
    ]
    met = [
        r
        for r in rows
        if r.needs_interpreter
        and (r.interpreter_language or r.family.language) in r.event.interpreter_languages
    ]
    return {
        "going": len(rows),
        "attended": sum(1 for r in rows if r.arrived_at),
        "interpreter": sum(1 for r in rows if r.needs_interpreter),
        "interpreter_met": len(met),
        "childcare": sum(1 for r in rows if r.needs_childcare),
        "childcare_met": sum(1 for r in rows if r.needs_childcare and r.event.childcare),
        "events": sum(
            1
            for e in Event.objects.filter(district=district, status="published")
            if timezone.localdate(e.starts_at) >= start and e.starts_at <= timezone.now()
        ),
        "sms_sent": Message.objects.filter(kind="reminder", channel="sms", status="sent").count(),
    }


def test_overview_figures_equal_counts_from_the_rows(client, district_staff_a, world):
    client.force_login(district_staff_a)
    figures = by_label(table(client, "", "figures"))
    want = expected(district_staff_a.staff_roles.get().district)
    assert figures["RSVPs (going)"][0] == str(want["going"])
    assert figures["Attended (checked in)"][0] == str(want["attended"])
    assert figures["Events held"][0] == str(want["events"])
    assert figures["Interpreter requests"][0] == str(want["interpreter"])
    # 3 requests (Haitian Creole) were not met: a small count, so "met" is hidden with it,
    # or the total would give it away.
    assert want["interpreter"] - want["interpreter_met"] == 3
    assert figures["Interpreter requests met"][0] == "<10"
    assert figures["Reminders sent"][0] == str(want["sms_sent"] + 12)  # + 12 voice
    rate = round(100 * want["attended"] / want["going"])
    assert figures["Attendance rate"][0] == f"{rate}%"
    # 11 families registered 400 days ago took part in the previous period only.
    assert figures["RSVPs (going)"][1] == "11"
    assert (
        figures["RSVPs (going)"][2]
        == f"{want['going'] - 11:+d} ({round(100 * (want['going'] - 11) / 11):+d}%)"
    )
    # Families: 30 + 12 + 3 + 11 at school A, 15 at A2.
    assert figures["Families registered"][0] == "71"
    # Childcare: 4 asked, all met: below 10, so hidden, with what would give it away.
    assert figures["Childcare requests"][0] == "<10"
    html = client.get("/en/reports/").content.decode()
    assert f">{want['going']}<" in html


def test_same_figure_everywhere(client, district_staff_a, world):
    client.force_login(district_staff_a)
    figures = by_label(table(client, "", "figures"))
    schools = table(client, "schools/", "schools")
    events = table(client, "events/", "events")
    # Schools table: RSVPs column (3) summed over rows equals its total and the overview.
    school_rows, school_total = schools[1:-1], schools[-1]
    assert sum(int(r[3]) for r in school_rows) == int(school_total[3])
    assert school_total[3] == figures["RSVPs (going)"][0]
    assert school_total[4] == figures["Attended (checked in)"][0]
    # Events table: each event's RSVPs add up to the same total.
    event_rows, event_total = events[1:-1], events[-1]
    assert sum(int(r[3]) for r in event_rows) == int(event_total[3])
    assert event_total[3] == figures["RSVPs (going)"][0]
    assert event_total[4] == figures["Attended (checked in)"][0]
    # Per-event report of the family night: totals equal its row in the events table.
    night = world["night"]
    detail = table(client, f"events/{night.pk}/", "by_language")
    row = next(r for r in event_rows if r[0] == night.title)
    # Where both tables show a number, it is the same number. (Each table is suppressed on
    # its own: a total shown in one may be hidden in the other; see the module notes.)
    for here, there in zip(detail[-1][1:4], row[3:6], strict=True):
        if "<10" not in (here, there):
            assert here == there
    # And the languages page's RSVP column total is the overview's figure too.
    languages = table(client, "languages/", "participation")
    assert languages[-1][3] == figures["RSVPs (going)"][0]


def test_three_rsvps_in_one_language_are_hidden_with_a_complement(client, district_staff_a, world):
    client.force_login(district_staff_a)
    rows = by_label(table(client, "languages/", "participation"))
    assert rows["Haitian Creole"][2] == "<10"  # 3 RSVPs
    # Another count of the column is hidden with it, and its share is hidden too.
    assert [r[2] for r in rows.values()].count("<10") >= 2
    assert rows["Haitian Creole"][3] == ""
    # One event's split by language with a group that small is not shown at all: hidden
    # cells would still tell which languages came, and add sums to solve.
    night = world["night"]
    detail = table(client, f"events/{night.pk}/", "by_language")
    assert [row[0] for row in detail[1:]] == ["Total"]
    html = client.get(f"/en/reports/events/{night.pk}/").content.decode()
    assert "Not shown by language: at least one language group here has fewer than 10." in html
    assert ">3<" not in html
    # A split with no count under 10 is shown (the district summit: 14 Spanish, all came).
    summit = by_label(table(client, f"events/{world['district_event'].pk}/", "by_language"))
    assert summit["Spanish"][:3] == ["14", "14", "0"]


def test_small_language_group_hidden_in_html_and_csv(client, district_staff_a, world):
    client.force_login(district_staff_a)
    rows = by_label(table(client, "", "families_by_language"))
    assert rows["Haitian Creole"][0] == "<10"
    assert rows["Haitian Creole"][1] == ""  # its share
    column = [r[0] for r in rows.values()]
    assert column.count("<10") >= 2


def test_no_personal_data_in_any_page_or_csv(client, district_staff_a, world):
    client.force_login(district_staff_a)
    pages = [
        "",
        "languages/",
        "schools/",
        "events/",
        "committees/",
        "coverage/",
        f"events/{world['night'].pk}/",
    ]
    for page in pages:
        response = client.get(f"/en/reports/{page}")
        body = response.content.decode()
        assert SENTINEL not in body and "+1555" not in body, page
        for key in (
            "figures",
            "families_by_language",
            "weekly",
            "help",
            "reminders",
            "families_by_school",
            "participation",
            "schools",
            "events",
            "by_language",
            "interpreters",
            "committees",
            "members_by_language",
            "coverage",
        ):
            csv_response = client.get(f"/en/reports/{page}?csv={key}")
            if csv_response.status_code == 200:
                text = csv_response.content.decode()
                assert SENTINEL not in text and "+1555" not in text, (page, key)


def test_bad_dates_give_a_clear_message_not_an_error(client, district_staff_a, world):
    client.force_login(district_staff_a)
    for query in (
        "start=nonsense",
        "start=2026-13-45",
        "start=2020-01-01&end=2019-01-01",
        "end=2999-01-01",
        "start=1900-01-01",
    ):
        response = client.get(f"/en/reports/?{query}")
        assert response.status_code == 200, query
        assert 'role="alert"' in response.content.decode(), query
    response = client.get("/es/reports/?start=2020-01-01&end=2019-01-01")
    assert response.status_code == 200


def test_a_chosen_range_changes_the_figures(client, district_staff_a, world):
    client.force_login(district_staff_a)
    today = timezone.localdate()
    last_week = by_label(
        table(
            client,
            "",
            "figures",
            start=(today - timedelta(days=7)).isoformat(),
            end=today.isoformat(),
        )
    )
    assert last_week["RSVPs (going)"][0] == "14"  # the district summit only


def test_the_overview_has_charts_with_text_alternatives(client, district_staff_a, world):
    client.force_login(district_staff_a)
    html = client.get("/ar/reports/").content.decode()
    assert html.count('role="img"') == 2
    assert html.count("<title id=") == 2 and html.count("<desc id=") == 2
    assert 'dir="rtl"' in html
    assert html.count('class="csv-download"') >= 5


@pytest.mark.parametrize(
    "page", ["", "languages/", "schools/", "events/", "committees/", "coverage/", "event"]
)
def test_query_count_does_not_grow_with_the_data(
    client, district_staff_a, world, page, django_assert_max_num_queries
):
    client.force_login(district_staff_a)
    url = f"/en/reports/events/{world['night'].pk}/" if page == "event" else f"/en/reports/{page}"
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    assert len(small) <= 30
    school = world["school_a2"]
    for index in range(6):
        event = past_event(school, 3 + index, title=f"More {index}")
        for family in make_families(school, "uk", 12, prefix=f"m{index}-"):
            rsvp(event, family, arrived=True, interpreter="uk")
    # Six more events, 72 more families and RSVPs: not one query more.
    with django_assert_max_num_queries(len(small)):
        assert client.get(url).status_code == 200


def test_school_staff_overview_is_their_school(client, staff_a, world):
    client.force_login(staff_a)
    figures = by_label(table(client, "", "figures"))
    assert figures["Families registered"][0] == "56"  # school A only
    assert "A2 evening" not in client.get("/en/reports/events/").content.decode()


def test_the_events_page_shows_fifty_a_page_and_the_csv_all(client, district_staff_a, world):
    school = world["school_a2"]
    for index in range(55):
        past_event(school, 30 + index % 40, title=f"Workshop {index}")
    client.force_login(district_staff_a)
    rows = table(client, "events/", "events")[1:-1]
    assert len(rows) == 58  # the world's 3 events of the period and 55 workshops

    def page(number):
        html = client.get(f"/en/reports/events/?page={number}").content.decode()
        return html, html.count('<tr><th scope="row"><a href=')

    first, shown = page(1)
    assert shown == 50
    assert "Events 1 to 50 of 58" in first and 'rel="next"' in first
    second, shown = page(2)
    assert shown == 8
    assert "Events 51 to 58 of 58" in second and 'rel="prev"' in second
    assert 'rel="next"' not in second
    # The totals are the period's on every page, and the CSV's.
    total = table(client, "events/", "events")[-1]
    for html in (first, second):
        assert f'<td class="num">{total[3]}</td>' in html
    # One page only (school A's one event): no page links.
    one = client.get(f"/en/reports/events/?school={world['night'].school.slug}").content.decode()
    assert world["night"].title in one and "Events 1 to" not in one


def test_previous_period_reminders_and_partners_come_from_its_rows(
    client, district_staff_a, world, partner_a
):
    """Both periods come from one query each: this one's figures stay, the previous one's
    count only its own events' reminders and partners."""
    before = world["before"]
    for answer in before.rsvps.select_related("family"):
        reminder(before, answer.family, "sms", "sent")
    before.partners.add(partner_a)
    helped = make_families(world["school_a2"], "es", 1, prefix="helped-")[0]
    Family.objects.filter(pk=helped.pk).update(registered_by_partner=partner_a)
    client.force_login(district_staff_a)
    figures = by_label(table(client, "", "figures"))
    assert figures["Reminders sent"][:2] == [str(12 + 12), "11"]
    assert figures["Active community partners"][:2] == ["1", "1"]
    # Without the help to register this period's family, the partner is active before only.
    Family.objects.update(registered_by_partner=None)
    figures = by_label(table(client, "", "figures"))
    assert figures["Active community partners"][:2] == ["0", "1"]
