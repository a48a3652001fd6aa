"""Calendar files (.ics) in the reader's language, with the essentials in the text."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import get_language, gettext
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from events.models import Event
from messaging.dates import long_when


def event_summary_lines(event: Event, url: str) -> list[str]:
    lines = [
        # The phone shows the time from DTSTART; the text says it too, month by its name, for
        # the reader who opens the description or forwards it.
        gettext("When: %(when)s")
        % {"when": long_when(event.starts_at, get_language(), event.time_zone)},
        gettext("Where: %(place)s")
        % {"place": ", ".join(p for p in (event.place, event.address) if p)},
    ]
    help_offered = offered_help(event)
    if help_offered:
        lines.append(gettext("Help offered: %(help)s") % {"help": ", ".join(help_offered)})
    if event.online_link:
        lines.append(gettext("Online: %(link)s") % {"link": event.online_link})
    lines.append(gettext("Details and your answer: %(url)s") % {"url": url})
    return lines


def offered_help(event: Event, interpreters: bool = True) -> list[str]:
    from portal.languages import ENDONYMS

    items = []
    if interpreters and event.interpreter_languages:
        names = ", ".join(ENDONYMS.get(code, code) for code in event.interpreter_languages)
        items.append(gettext("interpreters (%(languages)s)") % {"languages": names})
    if event.childcare:
        items.append(gettext("childcare"))
    if event.food:
        items.append(gettext("food"))
    if event.accessible:
        items.append(gettext("accessible entrance"))
    return items


def calendar_for(events, url_for) -> bytes:
    """One calendar file that every phone accepts (RFC 5545): a VTIMEZONE for each time zone
    used, DTSTAMP when the file is made, and a SEQUENCE that grows when the event moves, so a
    phone that imported it before replaces the old time rather than keeping both
    (RELIABILITY E9)."""
    calendar = Calendar()
    calendar.add("prodid", "-//School portal for families//EN")
    calendar.add("version", "2.0")
    made = timezone.now()
    starts, ends = [], []
    for event in events:
        entry = CalendarEvent()
        entry.add("uid", f"event-{event.pk}@school-portal")
        entry.add("dtstamp", made)
        entry.add("sequence", event.sequence)
        starts.append(event.local_start.date())
        ends.append(event.local_end.date())
        entry.add("dtstart", event.local_start)
        entry.add("dtend", event.local_end)
        summary = event.title
        if event.status == Event.Status.CANCELLED:
            summary = gettext("Cancelled: %(event)s") % {"event": event.title}
            entry.add("status", "CANCELLED")
        entry.add("summary", summary)
        entry.add("location", ", ".join(p for p in (event.place, event.address) if p))
        url = url_for(event)
        entry.add(
            "description",
            "\n".join([event.description, "", *event_summary_lines(event, url)]).strip(),
        )
        entry.add("url", url)
        calendar.add_component(entry)
    if starts:
        # Only the transitions around the events: the default (1970-2038) makes a file of
        # tens of kilobytes that some phones refuse.
        calendar.add_missing_timezones(
            first_date=min(starts) - timedelta(days=366), last_date=max(ends) + timedelta(days=366)
        )
    return calendar.to_ical()
