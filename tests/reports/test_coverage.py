"""Translation coverage counts what families read (issue 12, point 6): an event whose title
and description are in a language counts in it, whatever its place says; the report and the
event's own page ("shown in English") agree."""

import pytest

from events.models import Event
from tests.events.conftest import make_event
from tests.reports.test_figures import table

pytestmark = pytest.mark.django_db


def translated_event(school, title, **fields):
    texts = {
        "title_es": f"{title} (es)",
        "title_ar": f"{title} (ar)",
        "description": "What we will do.",
        "description_en": "What we will do.",
        "description_es": "Lo que haremos.",
        "description_ar": "ما سنفعله.",
    }
    return make_event(school, title=title, **{**texts, **fields})


def test_an_untranslated_place_does_not_make_an_event_untranslated(client, staff_a, school_a):
    # Every event translated, its place only in English (a room or a building, like an address).
    event = translated_event(school_a, "Family night")
    online = make_event(school_a, title="Open day", title_es="Jornada", title_ar="يوم")
    Event.objects.filter(pk=online.pk).update(place="", place_en="")
    client.force_login(staff_a)
    coverage = table(client, "coverage/", "coverage")
    header, row = coverage[0], coverage[1]
    assert row[header.index("Spanish")] == "100%"
    assert row[header.index("Arabic")] == "100%"
    assert table(client, "coverage/", "missing") == [["Kind", "Title", "Missing languages"]]
    assert "Nothing is missing" in client.get("/en/reports/coverage/").content.decode()
    # What the family sees agrees: the page in Spanish says nothing is shown in English.
    page = client.get(f"/es/events/{event.pk}/").content.decode()
    assert "Lo que haremos." in page and 'class="fallback"' not in page


def test_a_missing_description_is_missing(client, staff_a, school_a):
    translated_event(school_a, "Family night")
    late = translated_event(school_a, "Science fair", description_ar="")
    client.force_login(staff_a)
    coverage = table(client, "coverage/", "coverage")
    header, row = coverage[0], coverage[1]
    assert row[header.index("Spanish")] == "100%"
    assert row[header.index("Arabic")] == "50%"
    assert table(client, "coverage/", "missing")[1:] == [["Event", "Science fair", "Arabic"]]
    page = client.get(f"/ar/events/{late.pk}/").content.decode()
    assert 'class="fallback"' in page  # the family is told, and so is the school
