"""The demo a newcomer gets from `make run` (portal/management/commands/seed_demo.py): reports
with real figures rather than "<10", families named in their own language, and a second run
that adds nothing."""

import csv
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.models import User
from committees.models import Committee, Seat, SeatApplication
from conversations.models import Announcement, Version
from events.models import Event, Rsvp, WalkIn
from families.models import Family, FamilyPass, Membership
from messaging.models import Message
from portal.languages import LANGUAGE_CODES, LANGUAGES
from schools.models import School

pytestmark = pytest.mark.django_db

LANGUAGE_NAMES = [str(name) for _code, name in LANGUAGES]

# How a family's name reads in each language: the script it is written in, or the words for
# "mother of" / "father of" (checked on the names, whatever module made them).
WRITTEN = {
    "en": r"\((mother|father) of \w",
    "es": r"\((mamá|papá) de \w",
    "fr": r"\((mère|père) de \w",
    "ht": r"\((manman|papa) \w",
    "tl": r"\((nanay|tatay) ni \w",
    "sq": r"\((nëna e|babai i) \w",
    "uz": r"\(\w+ning (onasi|otasi)\)",
    "ar": r"^[\u0600-\u06ff ()]+$",
    "ur": r"^[\u0600-\u06ff ()]+$",
    "bn": r"^[\u0980-\u09ff ()]+$",
    "ko": r"^[\uac00-\ud7af ()]+$",
    "ru": r"^[А-яЁё .()]+$",
    "uk": r"^[А-яЁёІіЇїЄєҐґ' .()]+$",
    "zh-hans": r"^[\u4e00-\u9fff（）]+$",
    "zh-hant": r"^[\u4e00-\u9fff（）]+$",
}


def seed():
    # The demo runs only with DEBUG (it makes a superuser with a published password).
    with override_settings(DEBUG=True):
        call_command("seed_demo", "--no-audio", stdout=io.StringIO())


def table(client, page, key):
    """A table of a report page as its CSV download: (header, rows)."""
    response = client.get(f"/en/reports/{page}?csv={key}")
    assert response.status_code == 200, (page, key)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    return rows[0], rows[1:]


def counts(rows, columns):
    return [row[c] for row in rows for c in columns]


def hidden(cells):
    return [cell for cell in cells if cell.startswith("<")]


def test_a_newcomer_reads_figures_in_the_reports_not_hidden_counts(client):
    seed()
    client.force_login(User.objects.get(email="district@example.org"))

    header, rows = table(client, "", "figures")
    figures = {row[0]: row[1] for row in rows}
    assert not hidden(figures.values()), figures
    assert int(figures["Families registered"]) >= 1000
    assert int(figures["RSVPs (going)"]) >= 1000
    assert int(figures["Attended (checked in)"]) >= 500
    assert int(figures["Reminders failed"]) >= 10

    # Every language has families, in the district and new ones in the period: the bar
    # chart has a bar per language, not a gap.
    header, rows = table(client, "", "families_by_language")
    languages = {row[0]: row for row in rows if row[0] in LANGUAGE_NAMES}
    assert len(languages) == 15
    for row in languages.values():
        assert int(row[1]) >= 10 and int(row[3]) >= 10, row

    # Every week of the period had events: the line chart has no gap.
    header, rows = table(client, "", "weekly")
    weeks = [row for row in rows if row[0] != "Total"]
    assert len(weeks) >= 12
    assert not hidden(counts(weeks, (1, 2))), weeks

    header, rows = table(client, "languages/", "participation")
    assert not hidden(counts(rows, (1, 3, 5))), rows
    header, rows = table(client, "languages/", "families_by_school_and_language")
    cells = counts(rows, range(1, len(header)))
    assert len(cells) >= 3 * 15 and not hidden(cells), rows

    for page, key in [("", "help"), ("", "reminders"), ("committees/", "committees")]:
        header, rows = table(client, page, key)
        assert not hidden(counts(rows, range(1, len(header)))), (key, rows)

    # A school's staff see their own school's figures, not hidden either.
    client.force_login(User.objects.get(email="staff.lincoln@example.org"))
    header, rows = table(client, "", "families_by_language")
    assert not hidden(counts(rows, (1, 3))), rows
    response = client.get("/en/reports/")
    assert response.status_code == 200
    assert School.objects.get(slug="lincoln-elementary").name in response.content.decode()


def test_demo_families_are_named_in_their_own_language_and_a_second_run_adds_nothing():
    seed()
    rina = Family.objects.get(user__phone="+12125550100")
    assert rina.display_name == "Rina (mamá de Ana)" and rina.language == "es"
    for code in LANGUAGE_CODES:
        names = list(Family.objects.filter(language=code).values_list("display_name", flat=True))
        assert len(names) >= 25, code
        wrong = [name for name in names if not re.search(WRITTEN[code], name)]
        assert not wrong, (code, wrong[:5])
        assert code == "en" or not [n for n in names if "mother of" in n or "father of" in n]
    # Each language's families are not all one name either.
    assert Family.objects.filter(language="ko").values("display_name").distinct().count() >= 10

    models = [
        User,
        Family,
        FamilyPass,
        Membership,
        Event,
        Rsvp,
        WalkIn,
        Message,
        Committee,
        Seat,
        SeatApplication,
        Announcement,
        Version,
    ]
    # An announcement in several languages, sent once to Lincoln's families.
    announcement = Announcement.objects.get()
    assert len(announcement.versions.all()) >= 5 and announcement.status == "sent"
    assert Message.objects.filter(kind="announcement", recipient=f"family:{rina.pk}").count() == 1
    before = {model.__name__: model.objects.count() for model in models}
    seed()
    assert {model.__name__: model.objects.count() for model in models} == before
    assert before["Rsvp"] >= 10_000  # the history was there to be repeated


def test_the_demo_never_runs_on_a_real_portal(db):
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", "--no-audio", stdout=io.StringIO())
    assert not User.objects.filter(email="admin@example.org").exists()


def test_demo_places_are_written_in_every_language(client):
    """ "Library" was English on the demo's pages in all 15 languages."""
    from modeltranslation.utils import build_localized_fieldname

    seed()
    events = Event.objects.all()
    assert events.count() > 10  # the upcoming ones and the history
    for event in events:
        places = {c: getattr(event, build_localized_fieldname("place", c)) for c in LANGUAGE_CODES}
        assert all(places.values()), (event.pk, places)
        assert len(set(places.values())) >= 14, places  # only Chinese may share a word
    lincoln = Event.objects.filter(school__slug="lincoln-elementary", place_en="Library")
    upcoming = lincoln.order_by("-starts_at").first()
    page = client.get(f"/ko/events/{upcoming.pk}/").content.decode()
    assert "도서관" in page and "Library" not in page
    # The conference day's place too, the same words as the events'.
    from signups.models import ConferenceDay

    day = ConferenceDay.objects.get(school__slug="lincoln-elementary")
    assert [getattr(day, build_localized_fieldname("place", c)) for c in LANGUAGE_CODES] == [
        getattr(upcoming, build_localized_fieldname("place", c)) for c in LANGUAGE_CODES
    ]
