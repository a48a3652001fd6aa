"""Participation by language: each language's share of families, RSVPs, attendance and
committee seats, and in a district families by school and language."""

from django.utils.translation import gettext as _

from reports import charts
from reports.pages.common import language_name, query, report_page, respond, rtl
from reports.report import report_for
from reports.scope import LANGUAGE_KEYS, Scope, language_key
from reports.suppression import suppress
from reports.tables import Cell, Table
from signups.volunteering.models import VolunteerSignup


def _figures(report, key):
    """Families, RSVPs, attended and committee seats of one language (None: all)."""
    seats = report.committees.entry
    if key is None:
        return [
            report.family("now", "all"),
            report.rsvp("going", "all"),
            report.rsvp("attended", "all"),
            seats(("members", None)),
        ]
    return [
        report.family("now", "lang", key),
        report.rsvp("going", "lang", key),
        report.rsvp("attended", "lang", key),
        seats(("members", key)),
    ]


def _participation(report):
    """The table, and the chart's bars: each language's share of families and of
    attendance."""
    totals = _figures(report, None)
    table = Table(
        "participation",
        _("Participation by language"),
        [
            _("Language"),
            _("Families"),
            _("Share of families"),
            _("RSVPs"),
            _("Share of RSVPs"),
            _("Attended"),
            _("Share of attendance"),
            _("Committee seats"),
            _("Share of seats"),
            _("Attendance share minus family share"),
        ],
        note=_("A negative gap means the language group attends less than its share of families."),
    )
    bars = []

    def cells(key):
        if key is None:
            cells = []
            for total in totals:
                cells += [Cell.count(total), Cell.whole(total)]
            return [*cells, Cell("")]
        row = _figures(report, key)
        shares = [Cell.share(cell, total) for cell, total in zip(row, totals, strict=True)]
        gap = ""
        if shares[0].text and shares[2].text:
            gap = _("%(points)+d points") % {
                "points": round(100 * (shares[2].sort - shares[0].sort))
            }
        cells = []
        for cell, share in zip(row, shares, strict=True):
            cells += [Cell.count(cell), share]
        if row[0].value or row[0].hidden:
            bars.append(
                (
                    language_name(key),
                    [
                        (shares[0].sort * 100 if shares[0].text else None, shares[0].text),
                        (shares[2].sort * 100 if shares[2].text else None, shares[2].text),
                    ],
                )
            )
        return [*cells, Cell(gap, shares[2].sort - shares[0].sort if gap else -1)]

    table.fill([(language_name(k), k) for k in LANGUAGE_KEYS], cells, total=None)
    return table, bars


def _by_school_and_language(report, scope, period) -> Table:
    fam = report.family
    used = [
        k
        for k in LANGUAGE_KEYS
        if any(
            report.families.figures[("families", "members", s.pk, k)].value for s in report.schools
        )
    ]
    table = Table(
        "families_by_school_and_language",
        _("Families by school and language"),
        [_("School"), *(language_name(k) for k in used), _("Total")],
        note=_(
            "A family with children at two schools counts at each, so the total can be "
            "more than the number of families."
        ),
    )

    def cells(pk):
        if pk is None:
            by_language = [fam("members", "lang", k) for k in used]
            return [*map(Cell.count, by_language), Cell.count(fam("members", "all"))]
        by_language = [fam("members", pk, k) for k in used]
        return [*map(Cell.count, by_language), Cell.count(fam("members", pk))]

    schools = [
        (Cell.label(s.name, f"?{query(Scope(scope.district, s), period)}"), s.pk)
        for s in report.schools
    ]
    table.fill(schools, cells, total=None)
    return table


def _interpreter_calls(report) -> Table:
    """Calls with an interpreter that families asked for from their conversations with a
    school ("I don't understand — call me with an interpreter"), by language; suppressed
    on their own like every count of families."""
    calls = report.interpreter_calls
    used = [k for k in LANGUAGE_KEYS if calls[k][0]]
    table = Table(
        "interpreter_calls",
        _("Calls with an interpreter asked for, by language"),
        [_("Language"), _("Asked"), _("Called")],
        note=_("Families ask for them from a school's message they do not understand."),
    )
    if not used:
        return table
    grid = suppress([list(calls[k]) for k in used], col_totals=True)
    rows = dict(zip(used, grid.cells, strict=True))
    table.fill(
        [(language_name(k), k) for k in used],
        lambda k: [Cell.count(entry) for entry in (rows[k] if k else grid.col_totals)],
        total=None,
    )
    return table


@report_page("languages")
def languages(request, scope, form, period):
    report = report_for(request, scope, period)
    table, bars = _participation(report)
    tables = [table]
    if scope.is_district and report.families.members_shown:
        tables.append(_by_school_and_language(report, scope, period))
    tables.append(_interpreter_calls(report))
    tables.append(_volunteers(scope, period))
    chart = charts.bar_chart(
        _("Share of families and share of attendance, by language"),
        _(
            "For each language, the first bar is its share of families and the second its share "
            "of attendance; the table below gives the same numbers."
        ),
        bars,
        [_("Share of families"), _("Share of attendance")],
        rtl(),
    )
    return respond(request, "languages", scope, form, period, tables, bar=chart)


def _volunteers(scope, period) -> Table:
    """Families coming to help at the schools' volunteer shifts held in the period, and the
    places they filled (people, summed over shifts), by the family's language. Its own
    table, suppressed on its own (no figure of it adds up with another page's): counts
    under REPORTS_MIN_COUNT are "<10", and enough others with them that none can be worked
    out from the totals."""
    rows = (
        VolunteerSignup.objects.filter(
            scope.school_filter("shift__opportunity__"),
            status=VolunteerSignup.Status.GOING,
            shift__starts_at__gte=period.start,
            shift__starts_at__lt=period.end,
        )
        .values_list("family_id", "family__language", "people")
        .order_by()
    )
    families: dict[str, set] = {key: set() for key in LANGUAGE_KEYS}
    people = dict.fromkeys(LANGUAGE_KEYS, 0)
    for family_id, language, count in rows:
        key = language_key(language)
        families[key].add(family_id)
        people[key] += count
    grid = suppress(
        [[len(families[key]), people[key]] for key in LANGUAGE_KEYS], col_totals=[True, True]
    )
    table = Table(
        "volunteers_by_language",
        _("Volunteers by language"),
        [_("Language"), _("Families helping"), _("Places filled (people)")],
        note=_("Families coming to help at volunteer shifts held in the period."),
    )
    cells = dict(zip(LANGUAGE_KEYS, grid.cells, strict=True))
    table.fill(
        [(language_name(key), key) for key in LANGUAGE_KEYS],
        lambda key: [Cell.count(entry) for entry in (cells[key] if key else grid.col_totals)],
        total=None,
    )
    return table
