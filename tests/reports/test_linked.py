"""Suppression holds across every page and CSV a person can open for one period and scope
(RELIABILITY C3): the tables of issue 11's review, and the demo world, read through the real
pages by an exact reader (tests/reports/readers.py) that solves every shown figure together.
"""

import pytest

from reports.scope import Scope
from tests.conftest import make_school
from tests.reports.conftest import make_families, past_event, rsvp
from tests.reports.readers import family_reader, rsvp_reader
from tests.reports.test_figures import by_label, table

pytestmark = pytest.mark.django_db


def spanish_event(school, days_ago, title, going, arrived):
    event = past_event(school, days_ago, title=title)
    for index, family in enumerate(make_families(school, "es", going, prefix=f"{title}-")):
        rsvp(event, family, arrived=index < arrived)
    return event


def test_new_families_are_not_registered_now_minus_before(client, district_staff_a, school_a):
    # The review: "Families registered 16 | 11 | +5" above "New families <10" (so it is 5).
    make_families(school_a, "es", 11, created_days_ago=200, prefix="old-")
    make_families(school_a, "es", 5, created_days_ago=30, prefix="new-")
    client.force_login(district_staff_a)
    figures = by_label(table(client, "", "figures"))
    assert figures["New families in the period"][0] == "<10"
    registered = figures["Families registered"]
    assert "<10" in registered[:2] and registered[2] == ""
    assert family_reader(client, Scope(school_a.district)).worked_out() == []


def test_two_hidden_ones_beside_a_count_and_its_total(client, district_staff_a, school_a):
    # The review: "Arabic 14 of 16" beside two hidden cells (so each is 1).
    make_families(school_a, "ar", 14)
    make_families(school_a, "ht", 1, prefix="ht-")
    make_families(school_a, "bn", 1, prefix="bn-")
    client.force_login(district_staff_a)
    rows = by_label(table(client, "", "families_by_language"))
    assert rows["Haitian Creole"][0] == rows["Bangla"][0] == "<10"
    assert "<10" in (rows["Arabic"][0], rows["Total"][0])
    languages = by_label(table(client, "languages/", "participation"))
    assert "<10" in (languages["Arabic"][0], languages["Total"][0])
    assert family_reader(client, Scope(school_a.district)).worked_out() == []


def test_an_events_page_and_the_events_table_hide_the_same_cells(
    client, district_staff_a, school_a
):
    # The review: an event's own page showed 28 attended and 12 no-shows, the events table
    # hid them but showed the totals 55 and 14: another event's no-shows are 14 - 0 - 12 = 2.
    big = spanish_event(school_a, 10, "Big night", 40, 28)
    spanish_event(school_a, 20, "Small night", 17, 15)
    spanish_event(school_a, 5, "Workshop", 12, 12)
    client.force_login(district_staff_a)
    events = by_label(table(client, "events/", "events"))
    assert events["Small night"][4] == "<10"
    page = by_label(table(client, f"events/{big.pk}/", "by_language"))
    assert page["Total"][0:3] == events["Big night"][2:5]
    assert rsvp_reader(client, Scope(school_a.district)).worked_out() == []


def test_the_schools_table_and_an_events_page_hide_the_same_cells(
    client, district_staff_a, school_a, district_a
):
    # The same through the schools table: school A's only event shows its 28 and 12 on its
    # page while the schools table hid school A's cells to protect School A2's 3 no-shows.
    school_a2 = make_school(district_a, "school-a2", "School A2")
    big = spanish_event(school_a, 10, "Big night", 40, 28)
    spanish_event(school_a2, 12, "A2 evening", 16, 13)
    client.force_login(district_staff_a)
    schools = by_label(table(client, "schools/", "schools"))
    assert schools["School A2"][5] == "<10"
    page = by_label(table(client, f"events/{big.pk}/", "by_language"))
    assert page["Total"][1:3] == [schools["School A"][3], schools["School A"][5]]
    assert rsvp_reader(client, Scope(district_a)).worked_out() == []


def test_no_figure_of_the_demo_world_can_be_worked_out(client, district_staff_a, world):
    client.force_login(district_staff_a)
    district = world["night"].district
    for scope in (Scope(district), Scope(district, world["night"].school)):
        assert rsvp_reader(client, scope).worked_out() == [], scope
        assert family_reader(client, scope).worked_out() == [], scope
