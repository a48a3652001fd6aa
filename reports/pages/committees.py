"""Committees: seats filled and open, applications, and members by language beside the
families."""

from django.utils.translation import gettext as _

from reports.pages.common import language_name, report_page, respond
from reports.report import report_for
from reports.scope import LANGUAGE_KEYS
from reports.tables import NO_TOTAL, Cell, Table


@report_page("committees")
def committees(request, scope, form, period):
    report = report_for(request, scope, period)
    seats = report.committees.entry
    table = Table(
        "committees",
        _("Committees"),
        [_("Committee"), _("Seats"), _("Filled"), _("Open"), _("Applications in the period")],
        note=_("Seats whose term overlaps the period."),
    )
    table.fill(
        [(row["committee"].name, row["committee"].pk) for row in report.committee_rows],
        lambda pk: [
            *(Cell.count(seats(("seats", kind, pk))) for kind in ("all", "filled", "open")),
            Cell.count(seats(("applications", pk))),
        ],
        total=None if report.committee_rows else NO_TOTAL,
    )
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

    def cells(key):
        if key is None:
            return [Cell.count(members), Cell(""), Cell.count(families), Cell("")]
        member, family = seats(("members", key)), report.family("now", "lang", key)
        return [
            Cell.count(member),
            Cell.share(member, members),
            Cell.count(family),
            Cell.share(family, families),
        ]

    lang_table.fill([(language_name(k), k) for k in LANGUAGE_KEYS], cells, total=None)
    return respond(request, "committees", scope, form, period, [table, lang_table])
