"""The events held in the period, a page at a time, with their RSVPs and attendance."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from reports.access import resolve_scope
from reports.forms import period_from
from reports.pages.common import query, respond
from reports.report import report_for
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


@require_safe
@login_required
def events(request):
    scope = resolve_scope(request, "report.events")
    form, period = period_from(request)
    report = report_for(request, scope, period)
    rows = report.events
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
    )
    base = query(scope, period)
    page = None
    shown = range(len(rows))
    if not request.GET.get("csv"):
        # Suppressed over the whole period, so every page, the totals and the CSV show the
        # same cells; the HTML shows one page of them (thousands of rows help nobody).
        page = Paginator(shown, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
        shown = page.object_list

    def cells(row):
        kind, pk = ("all", None) if row is None else ("event", row.pk)
        going, came = report.rsvp("going", kind, pk), report.rsvp("attended", kind, pk)
        if row is None:
            where = [Cell(""), Cell("")]
        else:
            where = [
                Cell.label(row.school_name or _("District-wide")),
                Cell.label(date_format(row.local_start, "SHORT_DATE_FORMAT")),
            ]
        return [
            *where,
            Cell.count(going),
            Cell.count(came),
            Cell.count(report.rsvp("no_shows", kind, pk)),
            Cell.share(came, going),
        ]

    listed = [(Cell.label(rows[i].title, f"{rows[i].pk}/?{base}"), rows[i]) for i in shown]
    table.fill(listed, cells, total=None if rows else NO_TOTAL)
    return respond(request, "events", scope, form, period, [table], paging=_paging(page, base))
