"""Parent-teacher conferences held in the period: meetings by the family's language, and
meetings with an interpreter by the interpreter's language (issue 16).

Its own table, suppressed on its own (reports.suppression.suppress): no count from 1 to
REPORTS_MIN_COUNT-1 is shown, nor one that the column totals would give away. These counts
are not part of the linked system of the other pages: no sum ties them to the families,
RSVP or committee figures there."""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.pages.common import language_name, report_page, respond
from reports.scope import LANGUAGE_KEYS, language_key
from reports.suppression import suppress
from reports.tables import Cell, Table, total_label
from signups.models import Booking, ConferenceDay


def meetings_by_language(scope, period) -> dict[str, list[int]]:
    """language key -> [meetings held (by the family's language), with an interpreter (by
    the interpreter's language)]. Two queries."""
    held = Booking.objects.filter(
        scope.school_filter("slot__day__"),
        starts_at__gte=period.start,
        starts_at__lt=min(period.end, timezone.now()),
    ).exclude(slot__day__status=ConferenceDay.Status.CANCELLED)
    counts = {key: [0, 0] for key in LANGUAGE_KEYS}
    for language, n in held.values_list("family__language").annotate(n=Count("pk")).order_by():
        counts[language_key(language)][0] += n
    interpreted = (
        held.filter(~Q(interpreter=None))
        .values_list("interpreter_language")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for language, n in interpreted:
        counts[language_key(language)][1] += n
    return counts


@report_page("conferences")
def conferences(request, scope, form, period):
    counts = meetings_by_language(scope, period)
    keys = list(LANGUAGE_KEYS)
    result = suppress([counts[k] for k in keys], col_totals=True)
    table = Table(
        "conferences",
        _("Parent-teacher conferences held"),
        [_("Language"), _("Meetings held"), _("With an interpreter")],
        note=_(
            "Meetings by the family's language; meetings with an interpreter by the "
            "interpreter's language."
        ),
    )
    for key, row in zip(keys, result.cells, strict=True):
        table.rows.append([Cell.label(language_name(key)), *(Cell.count(e) for e in row)])
    table.foot = [[total_label(), *(Cell.count(e) for e in result.col_totals)]]
    return respond(request, "conferences", scope, form, period, [table])
