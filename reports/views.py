"""District and school reports: read-only, aggregate-only, suppressed (RELIABILITY C3, F5).

Each view resolves the scope (404 for another's district or school), reads the period,
builds its tables from reports.queries, and renders them as HTML or, with ?csv=<table>, as
a CSV of that one table. Both come from the same Table objects."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from accounts.scoping import districts_for, schools_for
from events.models import Event
from messaging.models import Message
from portal.languages import LANGUAGES, is_rtl
from reports import charts
from reports import queries as q
from reports.access import audit, resolve_scope, scope_choices
from reports.forms import period_from
from reports.suppression import Entry, percent, suppress, threshold
from reports.tables import Cell, Table, change, total_label

PAGES = [
    ("overview", gettext_lazy("Overview")),
    ("languages", gettext_lazy("Languages")),
    ("schools", gettext_lazy("Schools")),
    ("events", gettext_lazy("Events")),
    ("committees", gettext_lazy("Committees")),
    ("coverage", gettext_lazy("Translations")),
]


def language_name(key: str) -> str:
    if key == q.OTHER:
        return _("Other or not given")
    return str(dict(LANGUAGES)[key])


def single(value: int) -> Entry:
    """A figure shown alone (no total to solve against): only the primary rule applies."""
    return Entry(value, 0 < value < threshold())


def _query(scope, period, **extra) -> str:
    key, _sep, value = scope.query_string().partition("=")
    params = {key: value, "start": period.first.isoformat(), "end": period.last.isoformat()}
    params.update(extra)
    return urlencode(params)


def _respond(request, name, scope, form, period, tables, template=None, **context):
    csv_key = request.GET.get("csv")
    object_type = "school" if scope.school else "district"
    if csv_key:
        table = next((t for t in tables if t.key == csv_key), None)
        if table is None:
            raise Http404
        audit(request, f"report.{name}.csv", object_type, scope.obj.pk)
        response = HttpResponse(table.to_csv(), content_type="text/csv; charset=utf-8")
        filename = f"{name}-{table.key}-{period.first}-{period.last}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    audit(request, f"report.{name}", object_type, scope.obj.pk)
    query = _query(scope, period)
    for table in tables:
        table.csv_url = f"?{query}&csv={table.key}"
    return render(
        request,
        template or f"reports/{name}.html",
        {
            "page": name,
            "pages": PAGES,
            "scope": scope,
            "scope_choices": scope_choices(request.user),
            "scope_value": scope.query_string(),
            "form": form,
            "period": period,
            "previous": period.previous(),
            "query": query,
            "tables": {t.key: t for t in tables},
            "threshold": threshold(),
            **context,
        },
    )


def _rtl() -> bool:
    return is_rtl(translation.get_language() or "en")


@require_safe
@login_required
def overview(request):
    scope = resolve_scope(request, "report.overview")
    form, period = period_from(request)
    previous = period.previous()
    limit = threshold()

    families = q.families_by_language(scope, period)
    fam = suppress(
        [
            [families[key]["now"], families[key]["new"], families[key]["before"]]
            for key in q.LANGUAGE_KEYS
        ],
        col_totals=True,
    )
    weeks, now, before = q.weekly_rsvps(scope, period)
    weekly = suppress(
        [[w["attended"], w["going"] - w["attended"]] for w in weeks],
        row_totals=True,
        col_totals=True,
    )
    help_grid = suppress(
        [
            [now["interpreter_met"], now["interpreter_asked"] - now["interpreter_met"]],
            [now["childcare_met"], now["childcare_asked"] - now["childcare_met"]],
        ],
        row_totals=True,
    )
    reminders = q.reminders_by_channel(scope, period)
    channels = list(Message.Channel)
    rem = suppress(
        [[reminders[c]["sent"], reminders[c]["failed"], reminders[c]["unknown"]] for c in channels],
        row_totals=True,
        col_totals=True,
    )
    events = q.events_held_by_school(scope, period)
    events_now = sum(v["now"] for v in events.values())
    events_before = sum(v["before"] for v in events.values())
    walk = q.walk_ins(scope, period)
    partners = q.active_partners(scope, period)
    before_new = sum(families[key]["before_new"] for key in q.LANGUAGE_KEYS)
    rsvps_total = weekly.grand or Entry(0)
    attended_total = (weekly.col_totals or [Entry(0)])[0]
    before_going, before_attended = single(before["going"]), single(before["attended"])

    def rate_cells():
        rate_now = percent(attended_total, rsvps_total)
        rate_before = percent(before_attended, before_going)
        diff = ""
        if rate_now and rate_before:
            points = round(
                100 * attended_total.value / rsvps_total.value
                - 100 * before_attended.value / before_going.value
            )
            diff = _("%(points)+d points") % {"points": points}
        return [Cell(rate_now or "", -1), Cell(rate_before or "", -1), Cell(diff, 0)]

    def figure(label, now_entry, before_entry):
        return [
            Cell.label(label),
            Cell.count(now_entry),
            Cell.count(before_entry),
            change(now_entry, before_entry),
        ]

    def plain(label, now_value, before_value):
        return [
            Cell.label(label),
            Cell.plain(now_value),
            Cell.plain(before_value),
            change(Entry(now_value), Entry(before_value)),
        ]

    key_table = Table(
        "figures",
        _("Key figures"),
        [
            _("Figure"),
            _("This period"),
            _("Previous period"),
            _("Change"),
        ],
        note=_("Previous period: %(first)s to %(last)s, the same number of days just before.")
        % {"first": date_format(previous.first), "last": date_format(previous.last)},
    )
    key_table.rows = [
        figure(_("Families registered"), fam.col_totals[0], fam.col_totals[2]),
        figure(_("New families in the period"), fam.col_totals[1], single(before_new)),
        plain(_("Events held"), events_now, events_before),
        figure(_("RSVPs (going)"), rsvps_total, before_going),
        figure(_("Attended (checked in)"), attended_total, before_attended),
        [Cell.label(_("Attendance rate")), *rate_cells()],
        figure(_("Walk-ins (people)"), single(walk["now"]), single(walk["before"])),
        figure(
            _("Interpreter requests"),
            help_grid.row_totals[0],
            single(before["interpreter_asked"]),
        ),
        figure(
            _("Interpreter requests met"),
            help_grid.cells[0][0],
            single(before["interpreter_met"]),
        ),
        figure(_("Childcare requests"), help_grid.row_totals[1], single(before["childcare_asked"])),
        figure(_("Childcare requests met"), help_grid.cells[1][0], single(before["childcare_met"])),
        figure(
            _("Reminders sent"),
            rem.col_totals[0],
            single(sum(r["before_sent"] for r in reminders.values())),
        ),
        figure(
            _("Reminders failed"),
            rem.col_totals[1],
            single(sum(r["before_failed"] for r in reminders.values())),
        ),
        plain(_("Active community partners"), partners["now"], partners["before"]),
    ]

    lang_table = Table(
        "families_by_language",
        _("Families by preferred language"),
        [_("Language"), _("Registered"), _("Share"), _("New in the period")],
    )
    for key, row in zip(q.LANGUAGE_KEYS, fam.cells, strict=True):
        lang_table.rows.append(
            [
                Cell.label(language_name(key)),
                Cell.count(row[0]),
                Cell.share(row[0], fam.col_totals[0]),
                Cell.count(row[1]),
            ]
        )
    lang_table.foot = [
        [
            total_label(),
            Cell.count(fam.col_totals[0]),
            Cell("100%" if not fam.col_totals[0].hidden and fam.col_totals[0].value else ""),
            Cell.count(fam.col_totals[1]),
        ]
    ]

    week_table = Table(
        "weekly",
        _("RSVPs and attendance by week"),
        [_("Week starting"), _("RSVPs (going)"), _("Attended"), _("Attendance rate")],
    )
    for week, cells, total in zip(weeks, weekly.cells, weekly.row_totals, strict=True):
        week_table.rows.append(
            [
                Cell.label(date_format(week["week"], "SHORT_DATE_FORMAT")),
                Cell.count(total),
                Cell.count(cells[0]),
                Cell.share(cells[0], total),
            ]
        )
    week_table.foot = [
        [
            total_label(),
            Cell.count(rsvps_total),
            Cell.count(attended_total),
            Cell.share(attended_total, rsvps_total),
        ]
    ]

    help_table = Table(
        "help",
        _("Help asked for at events"),
        [_("Help"), _("Asked for"), _("Met"), _("Not met"), _("Share met")],
    )
    for label, cells, total in zip(
        [_("Interpreter"), _("Childcare")], help_grid.cells, help_grid.row_totals, strict=True
    ):
        help_table.rows.append(
            [
                Cell.label(label),
                Cell.count(total),
                Cell.count(cells[0]),
                Cell.count(cells[1]),
                Cell.share(cells[0], total),
            ]
        )

    rem_table = Table(
        "reminders",
        _("Reminders by channel"),
        [_("Channel"), _("Sent"), _("Failed"), _("In doubt"), _("Total")],
    )
    for channel, cells, total in zip(channels, rem.cells, rem.row_totals, strict=True):
        rem_table.rows.append(
            [Cell.label(channel.label), *(Cell.count(c) for c in cells), Cell.count(total)]
        )
    rem_table.foot = [
        [total_label(), *(Cell.count(c) for c in rem.col_totals), Cell.count(rem.grand)]
    ]

    tables = [key_table, lang_table, week_table, help_table, rem_table]
    if scope.is_district:
        by_school = q.families_by_school_and_language(scope, period)
        schools = list(scope.district.schools.order_by("name", "pk"))
        school_grid = suppress([[sum(by_school.get(s.pk, {}).values())] for s in schools])
        school_table = Table(
            "families_by_school",
            _("Families by school"),
            [_("School"), _("Families registered")],
            note=_("A family with children at two schools counts at each."),
        )
        for school, cells in zip(schools, school_grid.cells, strict=True):
            school_table.rows.append([Cell.label(school.name), Cell.count(cells[0])])
        tables.append(school_table)

    rtl = _rtl()
    bar = charts.bar_chart(
        _("Families by preferred language"),
        _(
            "Bars show the number of families registered in each language; the table below "
            "gives the same numbers."
        ),
        [
            (language_name(key), [(None if row[0].hidden else row[0].value, str(row[0]))])
            for key, row in zip(q.LANGUAGE_KEYS, fam.cells, strict=True)
            if row[0].value or row[0].hidden
        ],
        [_("Families")],
        rtl,
    )
    line = charts.line_chart(
        _("RSVPs and attendance by week"),
        _(
            "Two lines over the weeks of the period: RSVPs and families checked in. "
            "A gap is a week with fewer than %(n)s."
        )
        % {"n": limit},
        [date_format(w["week"], "SHORT_DATE_FORMAT") for w in weeks],
        [
            (_("RSVPs (going)"), [None if t.hidden else t.value for t in weekly.row_totals]),
            (_("Attended"), [None if c[0].hidden else c[0].value for c in weekly.cells]),
        ],
        rtl,
    )
    return _respond(request, "overview", scope, form, period, tables, bar=bar, line=line)


@require_safe
@login_required
def languages(request):
    scope = resolve_scope(request, "report.languages")
    form, period = period_from(request)
    families = q.families_by_language(scope, period)
    facts = q.rsvp_facts(scope, period)
    seats = q.seat_holders_by_language(scope, period)
    per_language = {key: q.sum_facts(facts, when="now", language=key) for key in q.LANGUAGE_KEYS}
    grid = suppress(
        [
            [
                families[key]["now"],
                per_language[key]["going"],
                per_language[key]["attended"],
                seats[key],
            ]
            for key in q.LANGUAGE_KEYS
        ],
        col_totals=True,
    )
    totals = grid.col_totals
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
    for key, row in zip(q.LANGUAGE_KEYS, grid.cells, strict=True):
        shares = [Cell.share(cell, total) for cell, total in zip(row, totals, strict=True)]
        gap = ""
        if shares[0].text and shares[2].text:
            gap = _("%(points)+d points") % {
                "points": round(100 * (shares[2].sort - shares[0].sort))
            }
        cells = [Cell.label(language_name(key))]
        for cell, share in zip(row, shares, strict=True):
            cells += [Cell.count(cell), share]
        table.rows.append([*cells, Cell(gap, shares[2].sort - shares[0].sort if gap else -1)])
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
    foot = [total_label()]
    for total in totals:
        foot += [Cell.count(total), Cell("100%" if total.value and not total.hidden else "")]
    table.foot = [[*foot, Cell("")]]
    tables = [table]

    if scope.is_district:
        by_school = q.families_by_school_and_language(scope, period)
        schools = list(scope.district.schools.order_by("name", "pk"))
        used = [k for k in q.LANGUAGE_KEYS if any(by_school.get(s.pk, {}).get(k) for s in schools)]
        cross = suppress(
            [[by_school.get(s.pk, {}).get(k, 0) for k in used] for s in schools],
            row_totals=True,
            col_totals=True,
        )
        cross_table = Table(
            "families_by_school_and_language",
            _("Families by school and language"),
            [_("School"), *(language_name(k) for k in used), _("Total")],
            note=_(
                "A family with children at two schools counts at each, so the total can be "
                "more than the number of families."
            ),
        )
        for school, cells, total in zip(schools, cross.cells, cross.row_totals, strict=True):
            link = f"?{_query(q.Scope(scope.district, school), period)}"
            cross_table.rows.append(
                [Cell.label(school.name, link), *(Cell.count(c) for c in cells), Cell.count(total)]
            )
        cross_table.foot = [
            [
                total_label(),
                *(Cell.count(c) for c in cross.col_totals or []),
                Cell.count(cross.grand),
            ]
        ]
        tables.append(cross_table)
    chart = charts.bar_chart(
        _("Share of families and share of attendance, by language"),
        _(
            "For each language, the first bar is its share of families and the second its share "
            "of attendance; the table below gives the same numbers."
        ),
        bars,
        [_("Share of families"), _("Share of attendance")],
        _rtl(),
    )
    return _respond(request, "languages", scope, form, period, tables, bar=chart)


def _school_rows(scope, period):
    """Rows of the schools table: the scope's schools, and district-wide events."""
    schools = list(
        [scope.school] if scope.school else scope.district.schools.order_by("name", "pk")
    )
    rows = [(s.pk, s.name, s) for s in schools]
    if scope.is_district:
        rows.append((None, _("District-wide events"), None))
    return rows


@require_safe
@login_required
def schools(request):
    scope = resolve_scope(request, "report.schools")
    form, period = period_from(request)
    facts = q.rsvp_facts(scope, period)
    events = q.events_held_by_school(scope, period)
    families = q.families_by_school_and_language(scope, period)
    rows = _school_rows(scope, period)
    sums = [q.sum_facts(facts, when="now", school=pk) for pk, _n, _s in rows]
    attendance = suppress(
        [[s["attended"], s["going"] - s["attended"]] for s in sums],
        row_totals=True,
        col_totals=True,
    )
    interpreters = suppress(
        [[s["interpreter_met"], s["interpreter_asked"] - s["interpreter_met"]] for s in sums],
        row_totals=True,
        col_totals=True,
    )
    fam = suppress([[sum(families.get(pk, {}).values())] for pk, _n, _s in rows])
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
    for index, (pk, name, school) in enumerate(rows):
        att, total = attendance.cells[index], attendance.row_totals[index]
        link = f"?{_query(q.Scope(scope.district, school), period)}" if school else ""
        table.rows.append(
            [
                Cell.label(name, link),
                Cell.count(fam.cells[index][0]) if school else Cell("", -1),
                Cell.plain(events.get(pk, {}).get("now", 0)),
                Cell.count(total),
                Cell.count(att[0]),
                Cell.share(att[0], total),
                Cell.count(att[1]),
                Cell.count(interpreters.row_totals[index]),
                Cell.count(interpreters.cells[index][1]),
            ]
        )
    table.foot = [
        [
            total_label(),
            Cell(""),
            Cell.plain(sum(v["now"] for v in events.values())),
            Cell.count(attendance.grand),
            Cell.count(attendance.col_totals[0]),
            Cell.share(attendance.col_totals[0], attendance.grand),
            Cell.count(attendance.col_totals[1]),
            Cell.count(interpreters.grand),
            Cell.count(interpreters.col_totals[1]),
        ]
    ]
    sort = request.GET.get("sort", "")
    if sort.isdigit():
        table.sort_by(int(sort), request.GET.get("dir") == "desc")
    table.headers = [
        {
            "label": label,
            "asc": f"?{_query(scope, period, sort=i, dir='asc')}",
            "desc": f"?{_query(scope, period, sort=i, dir='desc')}",
        }
        for i, label in enumerate(table.columns)
    ]
    return _respond(request, "schools", scope, form, period, [table])


EVENTS_PER_PAGE = 50


@require_safe
@login_required
def events(request):
    scope = resolve_scope(request, "report.events")
    form, period = period_from(request)
    rows = q.event_rows(scope, period)
    # Suppressed over the whole period, so every page, the totals and the CSV show the same
    # cells; the HTML shows one page of them (thousands of rows help nobody), the CSV all.
    attendance = suppress(
        [[r["attended"], r["going"] - r["attended"]] for r in rows],
        row_totals=True,
        col_totals=True,
    )
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
    base = _query(scope, period)
    page = None
    shown = range(len(rows))
    if not request.GET.get("csv"):
        page = Paginator(shown, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
        shown = page.object_list
    for index in shown:
        row = rows[index]
        att, total = attendance.cells[index], attendance.row_totals[index]
        table.rows.append(
            [
                Cell.label(row["title"], f"{row['pk']}/?{base}"),
                Cell.label(row["school"] or _("District-wide")),
                Cell.label(date_format(row["local_start"], "SHORT_DATE_FORMAT")),
                Cell.count(total),
                Cell.count(att[0]),
                Cell.count(att[1]),
                Cell.share(att[0], total),
            ]
        )
    if rows:
        table.foot = [
            [
                total_label(),
                Cell(""),
                Cell(""),
                Cell.count(attendance.grand),
                Cell.count(attendance.col_totals[0]),
                Cell.count(attendance.col_totals[1]),
                Cell.share(attendance.col_totals[0], attendance.grand),
            ]
        ]
    paging = None
    if page is not None and page.paginator.num_pages > 1:
        paging = {
            "first": page.start_index(),
            "last": page.end_index(),
            "count": page.paginator.count,
            "previous": f"?{base}&page={page.previous_page_number()}"
            if page.has_previous()
            else "",
            "next": f"?{base}&page={page.next_page_number()}" if page.has_next() else "",
        }
    return _respond(request, "events", scope, form, period, [table], paging=paging)


@require_safe
@login_required
def event(request, pk):
    found = Event.objects.select_related("school", "district").filter(pk=pk).first()
    user = request.user
    allowed = found is not None and (
        user.is_superuser
        or (found.school_id and schools_for(user).filter(pk=found.school_id).exists())
        or districts_for(user).filter(pk=found.district_id).exists()
    )
    if not allowed:
        audit(request, "report.event", "event", pk, allowed=False)
        raise Http404
    event = found
    scope = q.Scope(event.district, event.school)
    form, period = period_from(request)
    by_language = q.event_by_language(event)
    keys = [k for k in q.LANGUAGE_KEYS if by_language[k]["going"]]
    grid = suppress(
        [
            [by_language[k]["attended"], by_language[k]["going"] - by_language[k]["attended"]]
            for k in keys
        ],
        row_totals=True,
        col_totals=True,
    )
    table = Table(
        "by_language",
        _("RSVPs and attendance by language"),
        [_("Language"), _("RSVPs (going)"), _("Attended"), _("No-shows"), _("Attendance rate")],
    )
    for key, cells, total in zip(keys, grid.cells, grid.row_totals or [], strict=True):
        table.rows.append(
            [
                Cell.label(language_name(key)),
                Cell.count(total),
                Cell.count(cells[0]),
                Cell.count(cells[1]),
                Cell.share(cells[0], total),
            ]
        )
    if keys:
        table.foot = [
            [
                total_label(),
                Cell.count(grid.grand),
                *(Cell.count(c) for c in grid.col_totals),
                Cell.share(grid.col_totals[0], grid.grand),
            ]
        ]
    needs = q.event_interpreter_needs(event)
    asked = [k for k in q.LANGUAGE_KEYS if needs[k]]
    need_grid = suppress([[needs[k]] for k in asked], col_totals=True)
    offered = set(event.interpreter_languages or [])
    need_table = Table(
        "interpreters",
        _("Interpreters asked for"),
        [_("Language"), _("RSVPs asking"), _("Offered at the event")],
    )
    for key, cells in zip(asked, need_grid.cells, strict=True):
        need_table.rows.append(
            [
                Cell.label(language_name(key)),
                Cell.count(cells[0]),
                Cell.label(_("Yes") if key in offered else _("No")),
            ]
        )
    if asked:
        need_table.foot = [[total_label(), Cell.count(need_grid.col_totals[0]), Cell("")]]
    return _respond(
        request,
        "event",
        scope,
        form,
        period,
        [table, need_table],
        template="reports/event.html",
        event=event,
        offered=[language_name(k) for k in q.LANGUAGE_KEYS if k in offered],
    )


@require_safe
@login_required
def committees(request):
    scope = resolve_scope(request, "report.committees")
    form, period = period_from(request)
    rows = q.committee_rows(scope, period)
    seats = suppress([[r["filled"], r["open"]] for r in rows], row_totals=True, col_totals=True)
    apps = suppress([[r["applications"]] for r in rows], col_totals=True)
    table = Table(
        "committees",
        _("Committees"),
        [_("Committee"), _("Seats"), _("Filled"), _("Open"), _("Applications in the period")],
        note=_("Seats whose term overlaps the period."),
    )
    for index, row in enumerate(rows):
        committee = row["committee"]
        table.rows.append(
            [
                Cell.label(committee.name),
                Cell.count(seats.row_totals[index]),
                Cell.count(seats.cells[index][0]),
                Cell.count(seats.cells[index][1]),
                Cell.count(apps.cells[index][0]),
            ]
        )
    if rows:
        table.foot = [
            [
                total_label(),
                Cell.count(seats.grand),
                *(Cell.count(c) for c in seats.col_totals),
                Cell.count(apps.col_totals[0]),
            ]
        ]
    members = q.seat_holders_by_language(scope, period)
    families = q.families_by_language(scope, period)
    grid = suppress([[members[k], families[k]["now"]] for k in q.LANGUAGE_KEYS], col_totals=True)
    lang_table = Table(
        "members_by_language",
        _("Committee members by language, compared with families"),
        [
            _("Language"),
            _("Members"),
            _("Share of members"),
            _("Families"),
            _("Share of families"),
        ],
    )
    for key, cells in zip(q.LANGUAGE_KEYS, grid.cells, strict=True):
        lang_table.rows.append(
            [
                Cell.label(language_name(key)),
                Cell.count(cells[0]),
                Cell.share(cells[0], grid.col_totals[0]),
                Cell.count(cells[1]),
                Cell.share(cells[1], grid.col_totals[1]),
            ]
        )
    lang_table.foot = [
        [
            total_label(),
            Cell.count(grid.col_totals[0]),
            Cell(""),
            Cell.count(grid.col_totals[1]),
            Cell(""),
        ]
    ]
    return _respond(request, "committees", scope, form, period, [table, lang_table])


@require_safe
@login_required
def coverage(request):
    scope = resolve_scope(request, "report.coverage")
    form, period = period_from(request)
    data = q.coverage(scope)
    codes = [code for code, _name in LANGUAGES]
    table = Table(
        "coverage",
        _("Translation coverage"),
        [_("School"), _("Guides, sections and upcoming events"), *(str(n) for _c, n in LANGUAGES)],
        note=_(
            "Share of the school's published guides, guide sections and upcoming events that "
            "exist in each language it publishes in. Empty: the school does not publish in "
            "that language."
        ),
    )
    for school in data["schools"]:
        counts = data["counts"][school.pk]
        total = sum(c["total"] for c in counts.values())
        cells = []
        for code in codes:
            if code not in school.languages:
                cells.append(Cell("", -1))
            elif not total:
                cells.append(Cell("—", -1))
            else:
                have = sum(c.get(code, 0) for c in counts.values())
                cells.append(Cell(f"{round(100 * have / total)}%", have / total))
        link = f"?{_query(q.Scope(scope.district, school), period)}"
        table.rows.append([Cell.label(school.name, link), Cell.plain(total), *cells])
    missing = q.missing_items(scope)
    kinds = {"guide": _("Guide"), "section": _("Guide section"), "event": _("Event")}
    missing_table = Table(
        "missing",
        _("What is missing"),
        [_("Kind"), _("Title"), _("Missing languages")],
    )
    for item in missing:
        missing_table.rows.append(
            [
                Cell.label(kinds[item["kind"]]),
                Cell.label(item["obj"].title),
                Cell.label(", ".join(language_name(code) for code in item["missing"])),
            ]
        )
    tables = [table] + ([missing_table] if scope.school else [])
    return _respond(request, "coverage", scope, form, period, tables)
