"""Translation coverage: how much of what each school publishes families can read in each
language it publishes in, and for one school what is missing."""

from django.utils.translation import gettext as _

from portal.languages import LANGUAGES
from reports import coverage as translations
from reports.pages.common import language_name, query, report_page, respond
from reports.scope import Scope
from reports.tables import Cell, Table


@report_page("coverage")
def coverage(request, scope, form, period):
    data = translations.coverage(scope)
    codes = [code for code, _name in LANGUAGES]
    table = Table(
        "coverage",
        _("Translation coverage"),
        [_("School"), _("Guides, sections and upcoming events"), *(str(n) for _c, n in LANGUAGES)],
        note=_(
            "Share of the school's published guides, guide sections and upcoming events that "
            "families can read in each language it publishes in: their titles and texts are "
            "in that language. An event's place is shown as written, like an address, and "
            "is not counted. Empty: the school does not publish in that language."
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
        link = f"?{query(Scope(scope.district, school), period)}"
        table.rows.append([Cell.label(school.name, link), Cell.plain(total), *cells])
    kinds = {"guide": _("Guide"), "section": _("Guide section"), "event": _("Event")}
    missing_table = Table(
        "missing",
        _("What is missing"),
        [_("Kind"), _("Title"), _("Missing languages")],
        empty=_("Nothing is missing: families can read everything in each of these languages."),
    )
    for item in translations.missing_items(scope):
        missing_table.rows.append(
            [
                Cell.label(kinds[item["kind"]]),
                Cell.label(item["obj"].title),
                Cell.label(", ".join(language_name(code) for code in item["missing"])),
            ]
        )
    tables = [table] + ([missing_table] if scope.school else [])
    return respond(request, "coverage", scope, form, period, tables)
