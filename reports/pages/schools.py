"""Schools side by side (or the one school of a school's report): families, events held,
RSVPs, attendance and interpreter requests; sortable by any column."""

from django.utils.translation import gettext as _

from reports.pages.common import query, report_page, respond
from reports.report import report_for
from reports.scope import Scope
from reports.tables import Cell, Table


def _school_rows(scope, report):
    """Rows of the schools table: (group, name, school): the scope's schools and the
    district-wide events (group None), or the one school of a school's report ("all": its
    figures are the report's totals)."""
    if scope.school:
        return [("all", scope.school.name, scope.school)]
    rows = [(s.pk, s.name, s) for s in report.schools]
    rows.append((None, _("District-wide events"), None))
    return rows


@report_page("schools")
def schools(request, scope, form, period):
    report = report_for(request, scope, period)
    events = report.events_held
    table = Table(
        "schools",
        _("Schools"),
        [
            _("School"),
            _("Families registered"),
            _("Events held"),
            _("RSVPs (going)"),
            _("Attended"),
            _("Attendance rate"),
            _("No-shows"),
            _("Interpreter requests"),
            _("Interpreter requests not met"),
        ],
        sortable=True,
    )

    def cells(row):
        """A school's row, or the Total row (row None: the report's totals)."""
        group, school = row if row else ("all", None)
        kind, name = ("all", None) if group == "all" else ("school", group)
        going, came, away = (report.rsvp(m, kind, name) for m in ("going", "attended", "no_shows"))
        asked, unmet = (report.help(m, kind, name) for m in ("asked", "not_met"))
        if row is None:
            families = Cell("")
            held = Cell.plain(sum(v["now"] for v in events.values()))
        else:
            if school is None or not (scope.school or report.families.members_shown):
                families = Cell("", -1)
            elif scope.school:
                families = Cell.count(report.family("now", "all"))
            else:
                families = Cell.count(report.family("members", school.pk))
            held = Cell.plain(events.get(school.pk if school else None, {}).get("now", 0))
        return [
            families,
            held,
            Cell.count(going),
            Cell.count(came),
            Cell.share(came, going),
            Cell.count(away),
            Cell.count(asked),
            Cell.count(unmet),
        ]

    rows = [
        (
            Cell.label(name, f"?{query(Scope(scope.district, school), period)}" if school else ""),
            (group, school),
        )
        for group, name, school in _school_rows(scope, report)
    ]
    table.fill(rows, cells, total=None)
    sort = request.GET.get("sort", "")
    if sort.isdigit():
        table.sort_by(int(sort), request.GET.get("dir") == "desc")
    table.headers = [
        {
            "label": label,
            "asc": f"?{query(scope, period, sort=i, dir='asc')}",
            "desc": f"?{query(scope, period, sort=i, dir='desc')}",
        }
        for i, label in enumerate(table.columns)
    ]
    return respond(request, "schools", scope, form, period, [table])
