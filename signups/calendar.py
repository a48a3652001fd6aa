"""A booking as a calendar file (.ics), in the reader's language (see events/calendar.py)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from portal.languages import ENDONYMS


def booking_calendar(booking, url: str) -> bytes:
    day = booking.slot.day
    calendar = Calendar()
    calendar.add("prodid", "-//School portal for families//EN")
    calendar.add("version", "2.0")
    entry = CalendarEvent()
    # One UID per booking and start: a moved meeting is a new entry, the old file's is gone.
    entry.add("uid", f"conference-{booking.pk}-{booking.starts_at.timestamp():.0f}@school-portal")
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", booking.slot.local_start)
    entry.add("dtend", booking.slot.local_end)
    summary = gettext("Meeting with %(host)s") % {"host": booking.host.name}
    if day.status == day.Status.CANCELLED:
        # A file saved before the school called the day off, opened again, updates the
        # entry (same UID) to cancelled, as an event's does.
        summary = gettext("Cancelled: meeting with %(host)s") % {"host": booking.host.name}
        entry.add("status", "CANCELLED")
    entry.add("summary", summary + f" · {day.school.name}")
    if booking.by_phone:
        place = gettext("by phone")
    else:
        place = ", ".join(p for p in (day.place, booking.host.room) if p)
    entry.add("location", place)
    lines = []
    if booking.interpreter_id:
        language = ENDONYMS.get(booking.interpreter_language, booking.interpreter_language)
        lines.append(gettext("Interpreter: %(language)s") % {"language": language})
    if booking.child_name:
        lines.append(booking.child_name)
    lines.append(url)
    entry.add("description", "\n".join(lines))
    entry.add("url", url)
    calendar.add_component(entry)
    start = booking.slot.local_start.date()
    calendar.add_missing_timezones(
        first_date=start - timedelta(days=366), last_date=start + timedelta(days=366)
    )
    return calendar.to_ical()
