"""District and school reports: read-only, aggregate-only, suppressed (RELIABILITY C3, F5).

Each view resolves the scope (404 for another's district or school), reads the period,
builds its tables from reports.queries, and renders them as HTML or, with ?csv=<table>, as
a CSV of that one table. Both come from the same Table objects."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from events.models import Event
from messaging.models import Message
from portal.languages import LANGUAGES, is_rtl
from reports import charts
from reports import queries as q
from reports.access import audit, resolve_scope, scope_choices
from reports.forms import period_from
from reports.linked import (
    EventFacts,
    needs_are_public,
    report_for,
    rsvp_figures,
    rsvp_key,
    split_is_public,
)
from reports.suppression import Entry, percent, threshold
from reports.tables import Cell, Table, change, total_label
from schools.access import districts_for, schools_for

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


MEASURE_NAMES = ("going", "attended", "no_shows")


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
    report = report_for(request, scope, period)
    fam, rsvp, need, rem = report.family, report.rsvp, report.help, report.reminders.entry

    events = q.events_held_by_school(scope, period)
    events_now = sum(v["now"] for v in events.values())
    events_before = sum(v["before"] for v in events.values())
    partners = q.active_partners(scope, period)
    rsvps_total, attended_total = rsvp("going", "all"), rsvp("attended", "all")
    before_going = report.rsvps.entry(("before", "going"))
    before_attended = report.rsvps.entry(("before", "attended"))

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
        figure(_("Families registered"), fam("now", "all"), fam("before", "all")),
        figure(_("New families in the period"), fam("new", "all"), fam("before_new", "all")),
        plain(_("Events held"), events_now, events_before),
        figure(_("RSVPs (going)"), rsvps_total, before_going),
        figure(_("Attended (checked in)"), attended_total, before_attended),
        [Cell.label(_("Attendance rate")), *rate_cells()],
        figure(_("Walk-ins (people)"), rem(("walk_ins", "now")), rem(("walk_ins", "before"))),
        figure(
            _("Interpreter requests"),
            need("asked", "all"),
            need("asked", "before", "interpreter"),
        ),
        figure(
            _("Interpreter requests met"),
            need("met", "all"),
            need("met", "before", "interpreter"),
        ),
        figure(
            _("Childcare requests"),
            need("asked", "childcare"),
            need("asked", "before", "childcare"),
        ),
        figure(
            _("Childcare requests met"),
            need("met", "childcare"),
            need("met", "before", "childcare"),
        ),
        figure(
            _("Reminders sent"),
            rem(("reminders", None, "sent")),
            rem(("reminders", "before", "sent")),
        ),
        figure(
            _("Reminders failed"),
            rem(("reminders", None, "failed")),
            rem(("reminders", "before", "failed")),
        ),
        plain(_("Active community partners"), partners["now"], partners["before"]),
    ]

    lang_table = Table(
        "families_by_language",
        _("Families by preferred language"),
        [_("Language"), _("Registered"), _("Share"), _("New in the period")],
    )
    registered = fam("now", "all")
    for key in q.LANGUAGE_KEYS:
        lang_table.rows.append(
            [
                Cell.label(language_name(key)),
                Cell.count(fam("now", "lang", key)),
                Cell.share(fam("now", "lang", key), registered),
                Cell.count(fam("new", "lang", key)),
            ]
        )
    lang_table.foot = [
        [
            total_label(),
            Cell.count(registered),
            Cell("100%" if not registered.hidden and registered.value else ""),
            Cell.count(fam("new", "all")),
        ]
    ]

    week_table = Table(
        "weekly",
        _("RSVPs and attendance by week"),
        [_("Week starting"), _("RSVPs (going)"), _("Attended"), _("Attendance rate")],
    )
    for week in report.weeks:
        going, came = rsvp("going", "week", week), rsvp("attended", "week", week)
        week_table.rows.append(
            [
                Cell.label(date_format(week, "SHORT_DATE_FORMAT")),
                Cell.count(going),
                Cell.count(came),
                Cell.share(came, going),
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
    for label, name in ((_("Interpreter"), "all"), (_("Childcare"), "childcare")):
        asked, met = need("asked", name), need("met", name)
        help_table.rows.append(
            [
                Cell.label(label),
                Cell.count(asked),
                Cell.count(met),
                Cell.count(need("not_met", name)),
                Cell.share(met, asked),
            ]
        )

    rem_table = Table(
        "reminders",
        _("Reminders by channel"),
        [_("Channel"), _("Sent"), _("Failed"), _("In doubt"), _("Total")],
    )
    statuses = ("sent", "failed", "unknown")
    for channel in Message.Channel:
        rem_table.rows.append(
            [
                Cell.label(channel.label),
                *(Cell.count(rem(("reminders", channel.value, s))) for s in statuses),
                Cell.count(rem(("reminders", channel.value, None))),
            ]
        )
    rem_table.foot = [
        [
            total_label(),
            *(Cell.count(rem(("reminders", None, s))) for s in statuses),
            Cell.count(rem(("reminders", None, None))),
        ]
    ]

    tables = [key_table, lang_table, week_table, help_table, rem_table]
    if scope.is_district and report.families.members_shown:
        school_table = Table(
            "families_by_school",
            _("Families by school"),
            [_("School"), _("Families registered")],
            note=_("A family with children at two schools counts at each."),
        )
        for school in report.schools:
            school_table.rows.append(
                [Cell.label(school.name), Cell.count(fam("members", school.pk))]
            )
        tables.append(school_table)

    rtl = _rtl()
    bars = []
    for key in q.LANGUAGE_KEYS:
        entry = fam("now", "lang", key)
        if entry.value or entry.hidden:
            bars.append((language_name(key), [(None if entry.hidden else entry.value, str(entry))]))
    bar = charts.bar_chart(
        _("Families by preferred language"),
        _(
            "Bars show the number of families registered in each language; the table below "
            "gives the same numbers."
        ),
        bars,
        [_("Families")],
        rtl,
    )
    weekly = [(rsvp("going", "week", w), rsvp("attended", "week", w)) for w in report.weeks]
    line = charts.line_chart(
        _("RSVPs and attendance by week"),
        _(
            "Two lines over the weeks of the period: RSVPs and families checked in. "
            "A gap is a week with fewer than %(n)s."
        )
        % {"n": limit},
        [date_format(w, "SHORT_DATE_FORMAT") for w in report.weeks],
        [
            (_("RSVPs (going)"), [None if g.hidden else g.value for g, _a in weekly]),
            (_("Attended"), [None if a.hidden else a.value for _g, a in weekly]),
        ],
        rtl,
    )
    return _respond(request, "overview", scope, form, period, tables, bar=bar, line=line)


@require_safe
@login_required
def languages(request):
    scope = resolve_scope(request, "report.languages")
    form, period = period_from(request)
    report = report_for(request, scope, period)
    seats = report.committees.entry

    def figures(key):
        """Families, RSVPs, attended and committee seats of one language (None: all)."""
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

    totals = figures(None)
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
    for key in q.LANGUAGE_KEYS:
        row = figures(key)
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

    if scope.is_district and report.families.members_shown:
        fam = report.family
        used = [
            k
            for k in q.LANGUAGE_KEYS
            if any(
                report.families.figures[("families", "members", s.pk, k)].value
                for s in report.schools
            )
        ]
        cross_table = Table(
            "families_by_school_and_language",
            _("Families by school and language"),
            [_("School"), *(language_name(k) for k in used), _("Total")],
            note=_(
                "A family with children at two schools counts at each, so the total can be "
                "more than the number of families."
            ),
        )
        for school in report.schools:
            link = f"?{_query(q.Scope(scope.district, school), period)}"
            cross_table.rows.append(
                [
                    Cell.label(school.name, link),
                    *(Cell.count(fam("members", school.pk, k)) for k in used),
                    Cell.count(fam("members", school.pk)),
                ]
            )
        cross_table.foot = [
            [
                total_label(),
                *(Cell.count(fam("members", "lang", k)) for k in used),
                Cell.count(fam("members", "all")),
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


def _school_rows(scope, report):
    """Rows of the schools table: (group, name, school): the scope's schools and the
    district-wide events (group None), or the one school of a school's report ("all": its
    figures are the report's totals)."""
    if scope.school:
        return [("all", scope.school.name, scope.school)]
    rows = [(s.pk, s.name, s) for s in report.schools]
    rows.append((None, _("District-wide events"), None))
    return rows


@require_safe
@login_required
def schools(request):
    scope = resolve_scope(request, "report.schools")
    form, period = period_from(request)
    report = report_for(request, scope, period)
    events = q.events_held_by_school(scope, period)

    def measures(group):
        if group == "all":
            return [report.rsvp(m, "all") for m in ("going", "attended", "no_shows")] + [
                report.help(m, "all") for m in ("asked", "not_met")
            ]
        return [report.rsvp(m, "school", group) for m in ("going", "attended", "no_shows")] + [
            report.help(m, "school", group) for m in ("asked", "not_met")
        ]

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
    for group, name, school in _school_rows(scope, report):
        going, came, away, asked, unmet = measures(group)
        link = f"?{_query(q.Scope(scope.district, school), period)}" if school else ""
        if school is None or not (scope.school or report.families.members_shown):
            families = Cell("", -1)
        elif scope.school:
            families = Cell.count(report.family("now", "all"))
        else:
            families = Cell.count(report.family("members", school.pk))
        table.rows.append(
            [
                Cell.label(name, link),
                families,
                Cell.plain(events.get(school.pk if school else None, {}).get("now", 0)),
                Cell.count(going),
                Cell.count(came),
                Cell.share(came, going),
                Cell.count(away),
                Cell.count(asked),
                Cell.count(unmet),
            ]
        )
    going, came, away, asked, unmet = measures("all")
    table.foot = [
        [
            total_label(),
            Cell(""),
            Cell.plain(sum(v["now"] for v in events.values())),
            Cell.count(going),
            Cell.count(came),
            Cell.share(came, going),
            Cell.count(away),
            Cell.count(asked),
            Cell.count(unmet),
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
    base = _query(scope, period)
    page = None
    shown = range(len(rows))
    if not request.GET.get("csv"):
        # Suppressed over the whole period, so every page, the totals and the CSV show the
        # same cells; the HTML shows one page of them (thousands of rows help nobody).
        page = Paginator(shown, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
        shown = page.object_list
    for index in shown:
        row = rows[index]
        going, came = (
            report.rsvp("going", "event", row.pk),
            report.rsvp("attended", "event", row.pk),
        )
        table.rows.append(
            [
                Cell.label(row.title, f"{row.pk}/?{base}"),
                Cell.label(row.school_name or _("District-wide")),
                Cell.label(date_format(row.local_start, "SHORT_DATE_FORMAT")),
                Cell.count(going),
                Cell.count(came),
                Cell.count(report.rsvp("no_shows", "event", row.pk)),
                Cell.share(came, going),
            ]
        )
    if rows:
        going, came = report.rsvp("going", "all"), report.rsvp("attended", "all")
        table.foot = [
            [
                total_label(),
                Cell(""),
                Cell(""),
                Cell.count(going),
                Cell.count(came),
                Cell.count(report.rsvp("no_shows", "all")),
                Cell.share(came, going),
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


def _event_report(request, event, form, period):
    """The Report an event's page takes its figures from: the period and scope asked for
    (those of the events table the person came from) when the event is in them, else the
    event's own school (or district) and the day it was held."""
    scope = resolve_scope(request, "report.event")
    inside = (
        event.school_id == scope.school.pk
        if scope.school
        else event.district_id == scope.district.pk
    )
    if not inside:
        scope = q.Scope(event.district, event.school)
    day = timezone.localtime(event.starts_at, timezone.get_default_timezone()).date()
    if not period.first <= day <= period.last:
        period = q.Period(day, day)
    report = report_for(request, scope, period)
    facts = next((e for e in report.events if e.pk == event.pk), None)
    return scope, period, report, facts


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
    form, period = period_from(request)
    scope, period, report, facts = _event_report(request, event, form, period)
    limit = threshold()
    if facts is None:
        # Not held (a draft, cancelled or future event): no other page counts it, so its
        # figures are suppressed on their own.
        facts = EventFacts(pk=event.pk, week=period.first)
        for key, counts in q.event_by_language(event).items():
            if counts["going"]:
                facts.by_language[key] = [counts["going"], counts["attended"]]
        offered = set(event.interpreter_languages or [])
        for key, asked in q.event_interpreter_needs(event).items():
            if asked:
                facts.interpreters[key] = [asked, asked if key in offered else 0]
        splits = {event.pk} if split_is_public(facts, limit) else set()
        linked = rsvp_figures(
            [facts], [facts.week], None, splits, dict.fromkeys(q.RSVP_MEASURES, 0), limit
        )
        linked.solve()
        if any(rsvp_key(m, "event", event.pk) in linked.hidden for m in ("going", "attended")):
            splits = set()
        totals = {m: linked.entry(rsvp_key(m, "event", event.pk)) for m in MEASURE_NAMES}
        needs_public = needs_are_public(facts, limit)
    else:
        splits = report.rsvps.public_splits
        totals = {m: report.rsvp(m, "event", event.pk) for m in MEASURE_NAMES}
        needs_public = event.pk in report.needs.public_needs
    table = Table(
        "by_language",
        _("RSVPs and attendance by language"),
        [_("Language"), _("RSVPs (going)"), _("Attended"), _("No-shows"), _("Attendance rate")],
    )
    if event.pk in splits:
        for key in q.LANGUAGE_KEYS:
            if key in facts.by_language:
                going, came = facts.by_language[key]
                going, came = Entry(going), Entry(came)
                table.rows.append(
                    [
                        Cell.label(language_name(key)),
                        Cell.count(going),
                        Cell.count(came),
                        Cell.count(Entry(going.value - came.value)),
                        Cell.share(came, going),
                    ]
                )
    elif facts.by_language:
        table.empty = _(
            "Not shown by language: at least one language group here has fewer than %(n)s."
        ) % {"n": limit}
    table.foot = [
        [
            total_label(),
            Cell.count(totals["going"]),
            Cell.count(totals["attended"]),
            Cell.count(totals["no_shows"]),
            Cell.share(totals["attended"], totals["going"]),
        ]
    ]
    offered = set(event.interpreter_languages or [])
    need_table = Table(
        "interpreters",
        _("Interpreters asked for"),
        [_("Language"), _("RSVPs asking"), _("Offered at the event")],
    )
    if needs_public:
        for key in q.LANGUAGE_KEYS:
            if key in facts.interpreters:
                need_table.rows.append(
                    [
                        Cell.label(language_name(key)),
                        Cell.count(Entry(facts.interpreters[key][0])),
                        Cell.label(_("Yes") if key in offered else _("No")),
                    ]
                )
        if facts.interpreters:
            need_table.foot = [
                [
                    total_label(),
                    Cell.count(Entry(facts.interpreter_totals()["asked"])),
                    Cell(""),
                ]
            ]
    else:
        need_table.empty = _(
            "Not shown by language: at least one language group here has fewer than %(n)s."
        ) % {"n": limit}
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
    report = report_for(request, scope, period)
    seats = report.committees.entry
    table = Table(
        "committees",
        _("Committees"),
        [_("Committee"), _("Seats"), _("Filled"), _("Open"), _("Applications in the period")],
        note=_("Seats whose term overlaps the period."),
    )
    for row in report.committee_rows:
        pk = row["committee"].pk
        table.rows.append(
            [
                Cell.label(row["committee"].name),
                Cell.count(seats(("seats", "all", pk))),
                Cell.count(seats(("seats", "filled", pk))),
                Cell.count(seats(("seats", "open", pk))),
                Cell.count(seats(("applications", pk))),
            ]
        )
    if report.committee_rows:
        table.foot = [
            [
                total_label(),
                Cell.count(seats(("seats", "all", None))),
                Cell.count(seats(("seats", "filled", None))),
                Cell.count(seats(("seats", "open", None))),
                Cell.count(seats(("applications", None))),
            ]
        ]
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
    members, families = seats(("members", None)), report.family("now", "all")
    for key in q.LANGUAGE_KEYS:
        member, family = seats(("members", key)), report.family("now", "lang", key)
        lang_table.rows.append(
            [
                Cell.label(language_name(key)),
                Cell.count(member),
                Cell.share(member, members),
                Cell.count(family),
                Cell.share(family, families),
            ]
        )
    lang_table.foot = [
        [total_label(), Cell.count(members), Cell(""), Cell.count(families), Cell("")]
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
