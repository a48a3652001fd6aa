"""Report tables build their cells' markup in Python (reports.tables.Cell.html): what staff
typed (an event's title, a school's name) reaches the page escaped, as the template did."""

import pytest

from tests.reports.conftest import past_event

pytestmark = pytest.mark.django_db


def test_a_title_with_markup_is_shown_as_typed_not_run(client, district_staff_a, world):
    title = '<img src=x onerror="alert(1)"> Night & Day'
    event = past_event(world["school_a2"], 5, title=title)
    client.force_login(district_staff_a)
    page = client.get("/en/reports/events/").content.decode()
    assert "<img src=x" not in page
    escaped = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; Night &amp; Day"
    # The row's label links to the event's own report (its query's "&" escaped too), the
    # title escaped inside the link.
    assert f'<th scope="row"><a href="{event.pk}/?district=district-a&amp;start=' in page
    assert f'">{escaped}</a></th><td>School A2</td>' in page
