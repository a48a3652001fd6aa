"""Dates that cannot be misread: every date a family reads names the month in the family's
language, in texts, calls, e-mails, calendar files and pages; calls say the weekday; no
date is ever written in digits alone ("01/04/2027" is 4 January to one reader and 1 April
to another)."""

import re
import zoneinfo
from datetime import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import dates, formats, translation

from events import services
from events.calendar import calendar_for
from events.services import Party
from messaging import sms
from messaging.dates import long_when, short_when
from messaging.models import Message
from portal.languages import LANGUAGE_CODES
from tests.conftest import deliver_now
from tests.events.conftest import make_event
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
# Monday 4 January 2027, 18:30 in New York; the messages are sent a month before.
STARTS = datetime(2027, 1, 4, 18, 30, tzinfo=NEW_YORK)
TODAY = datetime(2026, 12, 1, 12, 0, tzinfo=NEW_YORK)
# 01/04/2027, 04.01.2027, 2027-01-04, 1/4/27: any date of digits and separators alone.
DIGIT_DATE = re.compile(r"\b\d{1,4}\s?[/.\-]\s?\d{1,2}\s?[/.\-]\s?\d{2,4}\b")
# Chinese and Korean name a month with its number and the character for month.
MONTH_CHARACTER = {"zh-hans": "1月", "zh-hant": "1月", "ko": "1월"}


def january(language: str) -> set[str]:
    """January as the language's catalogs name it (Django's, or ours in locale_django/)."""
    if language in MONTH_CHARACTER:
        return {MONTH_CHARACTER[language]}
    with translation.override(language):
        names = {dates.MONTHS[1], dates.MONTHS_ALT[1], dates.MONTHS_AP[1], dates.MONTHS_3[1]}
        return {str(name).lower() for name in names}


def monday(language: str) -> str:
    with translation.override(language):
        return str(dates.WEEKDAYS[0]).lower()


def assert_named_month(text: str, language: str, what: str):
    lowered = text.lower()
    assert any(name in lowered for name in january(language)), (language, what, text)
    assert not DIGIT_DATE.search(text), (language, what, text)
    if language not in ("en", "tl"):  # Filipino writes "Enero", never "January"
        assert "january" not in lowered, (language, what, text)


def test_every_language_has_its_own_format_module():
    """Django has none for some of ours (Urdu, Filipino) and digits-only short dates in
    most: a new language must say how it writes a date (docs/translating.md)."""
    for language in LANGUAGE_CODES:
        modules = formats.get_format_modules(language)
        assert modules and modules[0].__name__.startswith("portal.formats."), language
        module = modules[0]
        assert {"WHEN_FORMAT", "SHORT_WHEN_FORMAT", "WEEKDAY_DATE_FORMAT"} <= set(dir(module))


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_the_date_forms_name_the_month_and_the_call_says_the_weekday(language):
    short = short_when(STARTS, language, "America/New_York")
    long = long_when(STARTS, language, "America/New_York")
    assert_named_month(short, language, "short")
    assert_named_month(long, language, "long")
    assert monday(language) in long.lower(), (language, long)
    assert len(short) <= 22, (language, short)  # room left for the title in a text
    # The time is the one at the given place, in the language's own clock.
    assert "6:30" in short or "18:30" in short or "18 h 30" in short, (language, short)
    assert long_when(STARTS, language, "America/Los_Angeles") != long


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_texts_calls_emails_and_calendar_files_name_the_month(school_a, language):
    """Through the worker's own path: the send task switches to the family's language."""
    with time_machine.travel(TODAY, tick=False):
        event = make_event(school_a, starts_at=STARTS, title="Reading night")
        by_text = make_family("Text", school_a, phone="+12125550123", language=language)
        by_mail = make_family("Mail", school_a, email="mail@example.org", language=language)
        by_call = make_family("Call", school_a, phone="+12125550124", language=language)
        by_call.channel = "voice"
        by_call.save()
        for family in (by_text, by_mail, by_call):
            services.rsvp(family=family, event=event, party=Party(True))
        sms.calls.clear()
        deliver_now()

    assert Message.objects.filter(kind="rsvp_going", status="sent").count() == 3
    (text,) = [m["text"] for m in sms.outbox if m["to"] == "+12125550123"]
    (call,) = [c["text"] for c in sms.calls if c["to"] == "+12125550124"]
    (email,) = mail.outbox
    ((html, _mimetype),) = email.alternatives
    # The text takes the long date when it fits, else the short one: both name the month.
    assert any(
        when(STARTS, language, "America/New_York") in text for when in (long_when, short_when)
    ), text
    assert_named_month(text, language, "sms")
    assert_named_month(call, language, "call")
    assert monday(language) in call.lower(), (language, call)
    assert_named_month(email.body, language, "email")
    assert_named_month(html, language, "email html")

    with translation.override(language):
        ics = calendar_for([event], lambda e: "https://example.org/e").decode()
    description = "".join(
        line[1:] if line.startswith(" ") else "\n" + line for line in ics.splitlines()
    )
    (description,) = [line for line in description.split("\n") if line.startswith("DESCRIPTION")]
    assert_named_month(description.replace("\\,", ","), language, "ics")


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_pages_name_the_month(client, school_a, language):
    event = make_event(school_a, starts_at=STARTS, title="Reading night")
    family = make_family("Rina", school_a, email="rina@example.org", language=language)
    with time_machine.travel(TODAY, tick=False):
        services.rsvp(family=family, event=event, party=Party(True))
        pages = {
            "event page": client.get(f"/{language}/events/{event.pk}/"),
            "school page cards": client.get(f"/{language}/schools/{school_a.slug}/"),
        }
        client.force_login(family.user)
        pages["family's answers"] = client.get(f"/{language}/my/")
    for what, response in pages.items():
        assert response.status_code == 200, (what, response.status_code)
        html = response.content.decode()
        assert "Reading night" in html, what
        # The visible text only: the machine-readable datetime="…" attributes stay ISO.
        visible = re.sub(r'datetime="[^"]*"', "", html)
        assert_named_month(visible, language, what)
    assert monday(language) in pages["event page"].content.decode().lower()
