"""Dates in texts that cannot be misread: the month by its name, in the family's language.

A minimal version: long_when names the weekday and the month ("Thursday, January 4, 6:30
p.m."), short_when only the month ("January 4, 6:30 p.m."), both in the time zone given.
"""

import zoneinfo

from django.utils import formats, timezone, translation


def _local(dt, time_zone):
    zone = zoneinfo.ZoneInfo(time_zone) if isinstance(time_zone, str) else time_zone
    return timezone.localtime(dt, zone)


def long_when(dt, language: str, time_zone) -> str:
    local = _local(dt, time_zone)
    with translation.override(language):
        weekday = formats.date_format(local, "l")
        day = formats.date_format(local, "MONTH_DAY_FORMAT")
        hour = formats.time_format(local, "TIME_FORMAT")
    return f"{weekday}, {day}, {hour}"


def short_when(dt, language: str, time_zone) -> str:
    local = _local(dt, time_zone)
    with translation.override(language):
        day = formats.date_format(local, "MONTH_DAY_FORMAT")
        hour = formats.time_format(local, "TIME_FORMAT")
    return f"{day}, {hour}"
