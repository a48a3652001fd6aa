"""The overview: key figures against the previous period, families by language, RSVPs and
attendance by week, help asked for, reminders, and in a district families by school."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from messaging.models import Message
from reports import charts
from reports.pages.common import language_name, report_page, respond, rtl
from reports.report import report_for
from reports.scope import LANGUAGE_KEYS
from reports.suppression import Entry, percent, threshold
from reports.tables import Cell, Table, change


def _key_figures(report, scope, period) -> Table:
    fam, rsvp, need, rem = report.family, report.rsvp, report.help, report.reminders.entry
    previous = period.previous()
    events, partners = report.events_held, report.partners
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

    table = Table(
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
    table.rows = [
        figure(_("Families registered"), fam("now", "all"), fam("before", "all")),
        figure(_("New families in the period"), fam("new", "all"), fam("before_new", "all")),
        plain(
            _("Events held"),
            sum(v["now"] for v in events.values()),
            sum(v["before"] for v in events.values()),
        ),
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
    return table


def _by_language(report) -> Table:
    registered = report.family("now", "all")
    table = Table(
        "families_by_language",
        _("Families by preferred language"),
        [_("Language"), _("Registered"), _("Share"), _("New in the period")],
    )

    def cells(key):
        if key is None:
            return [
                Cell.count(registered),
                Cell.whole(registered),
                Cell.count(report.family("new", "all")),
            ]
        now = report.family("now", "lang", key)
        return [
            Cell.count(now),
            Cell.share(now, registered),
            Cell.count(report.family("new", "lang", key)),
        ]

    table.fill([(language_name(k), k) for k in LANGUAGE_KEYS], cells, total=None)
    return table


def _weekly(report) -> Table:
    table = Table(
        "weekly",
        _("RSVPs and attendance by week"),
        [_("Week starting"), _("RSVPs (going)"), _("Attended"), _("Attendance rate")],
    )

    def cells(week):
        kind = "all" if week is None else "week"
        going, came = report.rsvp("going", kind, week), report.rsvp("attended", kind, week)
        return [Cell.count(going), Cell.count(came), Cell.share(came, going)]

    weeks = [(date_format(w, "SHORT_DATE_FORMAT"), w) for w in report.weeks]
    table.fill(weeks, cells, total=None)
    return table


def _help(report) -> Table:
    table = Table(
        "help",
        _("Help asked for at events"),
        [_("Help"), _("Asked for"), _("Met"), _("Not met"), _("Share met")],
    )

    def cells(name):
        asked, met = report.help("asked", name), report.help("met", name)
        return [
            Cell.count(asked),
            Cell.count(met),
            Cell.count(report.help("not_met", name)),
            Cell.share(met, asked),
        ]

    table.fill([(_("Interpreter"), "all"), (_("Childcare"), "childcare")], cells)
    return table


def _reminders(report) -> Table:
    rem = report.reminders.entry
    table = Table(
        "reminders",
        _("Reminders by channel"),
        [_("Channel"), _("Sent"), _("Failed"), _("In doubt"), _("Total")],
    )

    def cells(channel):
        return [
            *(Cell.count(rem(("reminders", channel, s))) for s in ("sent", "failed", "unknown")),
            Cell.count(rem(("reminders", channel, None))),
        ]

    table.fill([(c.label, c.value) for c in Message.Channel], cells, total=None)
    return table


def _by_school(report) -> Table:
    table = Table(
        "families_by_school",
        _("Families by school"),
        [_("School"), _("Families registered")],
        note=_("A family with children at two schools counts at each."),
    )
    table.fill(
        [(s.name, s.pk) for s in report.schools],
        lambda pk: [Cell.count(report.family("members", pk))],
    )
    return table


def _charts(report):
    fam, rsvp = report.family, report.rsvp
    bars = []
    for key in LANGUAGE_KEYS:
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
        rtl(),
    )
    weekly = [(rsvp("going", "week", w), rsvp("attended", "week", w)) for w in report.weeks]
    line = charts.line_chart(
        _("RSVPs and attendance by week"),
        _(
            "Two lines over the weeks of the period: RSVPs and families checked in. "
            "A gap is a week with fewer than %(n)s."
        )
        % {"n": threshold()},
        [date_format(w, "SHORT_DATE_FORMAT") for w in report.weeks],
        [
            (_("RSVPs (going)"), [None if g.hidden else g.value for g, _a in weekly]),
            (_("Attended"), [None if a.hidden else a.value for _g, a in weekly]),
        ],
        rtl(),
    )
    return bar, line


@report_page("overview")
def overview(request, scope, form, period):
    report = report_for(request, scope, period)
    tables = [
        _key_figures(report, scope, period),
        _by_language(report),
        _weekly(report),
        _help(report),
        _reminders(report),
    ]
    if scope.is_district and report.families.members_shown:
        tables.append(_by_school(report))
    bar, line = _charts(report)
    return respond(request, "overview", scope, form, period, tables, bar=bar, line=line)
