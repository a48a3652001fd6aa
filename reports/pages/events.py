"""The events held in the period, a page at a time, with their RSVPs and attendance; for
community partner staff, the events their organisation co-hosts."""

from django.core.paginator import Paginator
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reports import queries as q
from reports.pages.common import query, report_page, respond
from reports.report import report_for
from reports.scope import Scope
from reports.tables import NO_TOTAL, Cell, Table

EVENTS_PER_PAGE = 50


def _paging(page, base):
    if page is None or page.paginator.num_pages <= 1:
        return None
    return {
        "first": page.start_index(),
        "last": page.end_index(),
        "count": page.paginator.count,
        "previous": f"?{base}&page={page.previous_page_number()}" if page.has_previous() else "",
        "next": f"?{base}&page={page.next_page_number()}" if page.has_next() else "",
    }


def _cohosted(request, partner, period):
    """(facts, report) of each event the partner co-hosts: its figures are those of its own
    school's (or district's) report for the same days, suppressed with everything there, so
    a partner reads the very cells school and district staff read, and no total of its own
    (a sum over its events is a figure no other page suppresses with them)."""
    rows = []
    for event in q.cohosted_events(partner, period):
        report = report_for(request, Scope(event.district, event.school), period)
        facts = next((e for e in report.events if e.pk == event.pk), None)
        if facts is not None:
            rows.append((facts, report))
    return rows


@report_page("events")
def events(request, scope, form, period):
    if scope.partner:
        rows, total = _cohosted(request, scope.partner, period), NO_TOTAL
    else:
        report = report_for(request, scope, period)
        rows = [(facts, report) for facts in report.events]
        total = (None, report) if rows else NO_TOTAL
    table = Table(
        "events",
        _("Events held"),
        [
            _("Event"),
            _("School"),
            _("Date"),
            _("RSVPs (going)"),
            _("Attended"),
            _("No-shows"),
            _("Attendance rate"),
        ],
        note=_("The events your organisation co-hosts, with the figures of their school's report.")
        if scope.partner
        else "",
    )
    base = query(scope, period)
    page = None
    shown = range(len(rows))
    if not request.GET.get("csv"):
        # Suppressed over the whole period, so every page, the totals and the CSV show the
        # same cells; the HTML shows one page of them (thousands of rows help nobody).
        page = Paginator(shown, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
        shown = page.object_list

    # Names in the reader's language: the figures' snapshot is shared by every language.
    names = q.event_names(rows[i][0].pk for i in shown)
    # A date is written once per day, not once per event: the CSV of a district's period
    # has thousands of events on a few dozen days, and date_format was most of its time.
    days: dict = {}

    def day(moment) -> str:
        if moment.date() not in days:
            days[moment.date()] = date_format(moment, "SHORT_DATE_FORMAT")
        return days[moment.date()]

    def cells(pair):
        row, report = pair
        kind, pk = ("all", None) if row is None else ("event", row.pk)
        going, came = report.rsvp("going", kind, pk), report.rsvp("attended", kind, pk)
        if row is None:
            where = [Cell(""), Cell("")]
        else:
            where = [
                Cell.label(names[row.pk][1] or _("District-wide")),
                Cell.label(day(row.local_start)),
            ]
        return [
            *where,
            Cell.count(going),
            Cell.count(came),
            Cell.count(report.rsvp("no_shows", kind, pk)),
            Cell.share(came, going),
        ]

    listed = [
        (Cell.label(names[rows[i][0].pk][0], f"{rows[i][0].pk}/?{base}"), rows[i]) for i in shown
    ]
    table.fill(listed, cells, total=total)
    return respond(request, "events", scope, form, period, [table], paging=_paging(page, base))
