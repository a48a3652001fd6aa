"""Calls with an interpreter in the reports (issue 15 part 2/3): counted by language, each
count below REPORTS_MIN_COUNT hidden as "<N"."""

import re

import pytest

from conversations.models import CallbackRequest
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db


def rows_of(page, key):
    start = page.index(f'id="table-{key}"')
    table = page[start : page.index("</table>", start)]
    return table


def test_interpreter_calls_are_counted_by_language_and_small_counts_hidden(
    client, settings, school_a, district_staff_a
):
    settings.REPORTS_MIN_COUNT = 3
    settings.REPORTS_CACHE_SECONDS = 0
    for index in range(4):
        family = make_family(f"ZZ ht {index}", school_a, language="ht")
        CallbackRequest.objects.create(
            family=family, school=school_a, language="ht", status="done" if index else "open"
        )
    family = make_family("ZZ ar", school_a, language="ar")
    CallbackRequest.objects.create(family=family, school=school_a, language="ar")
    client.force_login(district_staff_a)
    page = client.get("/en/reports/languages/").content.decode()
    table = rows_of(page, "interpreter_calls")
    assert "Calls with an interpreter asked for, by language" in page
    assert "Haitian Creole" in table and "Arabic" in table
    assert "ZZ" not in page  # counts, never names
    rows = {
        re.sub(r"<[^>]+>", "", row.split("</th>")[0]).strip(): re.findall(r"<td[^>]*>([^<]*)<", row)
        for row in table.split("<tr>")[1:]
    }
    # Asked, called. Arabic's 1 is below the threshold; Haitian Creole's 4 is hidden too, or
    # the total (5) would give Arabic's away. A 0 tells nothing about anyone.
    assert rows["Arabic"] == ["&lt;3", "0"]
    assert rows["Haitian Creole"] == ["&lt;3", "3"]
    assert rows["Total"] == ["5", "3"]
