"""Dates that cannot be misread: the month by its name, in the reader's language, at the
reader's time zone. Every text, call and e-mail about a date goes through these two, so
no family ever gets "01/04/2027" (4 January to one reader, 1 April to another).

The forms are in the language's format module (portal/formats/<locale>/formats.py, through
settings.FORMAT_MODULE_PATH), written as a careful native speaker writes a date.
"""

import zoneinfo
from datetime import datetime, tzinfo

from django.utils import dateformat, formats, timezone, translation


def _format(name: str, language: str) -> str:
    for module in formats.get_format_modules(language):
        if hasattr(module, name):
            return getattr(module, name)
    # A language without a module of ours: English's, which still names the month.
    return getattr(formats.get_format_modules("en")[0], name)


def _render(dt: datetime, language: str, time_zone: str | tzinfo, name: str) -> str:
    zone = time_zone if isinstance(time_zone, tzinfo) else zoneinfo.ZoneInfo(time_zone)
    local = timezone.localtime(dt, zone)
    with translation.override(language):
        return dateformat.format(local, _format(name, language))


def long_when(dt: datetime, language: str, time_zone: str | tzinfo) -> str:
    """Weekday, day, month and time: "jeudi 4 janvier, 18 h 30". For calls (which say the
    weekday) and e-mails."""
    return _render(dt, language, time_zone, "WHEN_FORMAT")


def short_when(dt: datetime, language: str, time_zone: str | tzinfo) -> str:
    """Day, month and time, short enough for a text: "4 janvier, 18 h 30"."""
    return _render(dt, language, time_zone, "SHORT_WHEN_FORMAT")


def weekday_date(dt: datetime, language: str, time_zone: str | tzinfo | None = None) -> str:
    """Weekday, day, month and year (no time): the date at the top of a page."""
    zone = time_zone or timezone.get_current_timezone()
    return _render(dt, language, zone, "WEEKDAY_DATE_FORMAT")
