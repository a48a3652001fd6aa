"""One event's page: its RSVPs and attendance by language and its interpreter requests,
suppressed with the figures of the period and scope it is counted in."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from events.models import Event
from reports import queries as q
from reports.access import audit, resolve_scope
from reports.forms import period_from
from reports.linked import (
    MEASURES,
    EventFacts,
    needs_are_public,
    rsvp_figures,
    rsvp_key,
    split_is_public,
)
from reports.pages.common import language_name, respond
from reports.replica import build_report
from reports.report import report_for
from reports.scope import LANGUAGE_KEYS, Period, Scope
from reports.suppression import Entry, threshold
from reports.tables import NO_TOTAL, Cell, Table
from schools.access import districts_for, partners_for, schools_for


def _event_report(request, event, period):
    """The scope the page is shown in, and the Report it takes its figures from: the period
    and scope asked for (those of the events table the person came from) when the event is
    in them, else the event's own school (or district) and the day it was held."""
    shown = resolve_scope(request, "report.event")
    if shown.partner:
        # Partner staff keep their own scope in the page's menus; the figures are those of
        # the event's school, as on the events page they came from.
        scope = Scope(event.district, event.school)
    else:
        inside = (
            event.school_id == shown.school.pk
            if shown.school
            else event.district_id == shown.district.pk
        )
        scope = shown if inside else Scope(event.district, event.school)
        shown = scope
    day = timezone.localtime(event.starts_at, timezone.get_default_timezone()).date()
    if not period.first <= day <= period.last:
        period = Period(day, day)
    report = report_for(request, scope, period)
    facts = next((e for e in report.events if e.pk == event.pk), None)
    return shown, period, report, facts


def _figures_on_its_own(event, period, limit):
    """Facts, public splits, totals and whether the interpreter requests are shown, of an
    event no other page counts (a draft, cancelled or future event): suppressed alone."""
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
    totals = {m: linked.entry(rsvp_key(m, "event", event.pk)) for m in MEASURES}
    return facts, splits, totals, needs_are_public(facts, limit)


def _by_language(event, facts, splits, totals, limit) -> Table:
    table = Table(
        "by_language",
        _("RSVPs and attendance by language"),
        [_("Language"), _("RSVPs (going)"), _("Attended"), _("No-shows"), _("Attendance rate")],
    )

    def cells(key):
        if key is None:
            going, came, away = (totals[m] for m in MEASURES)
        else:
            going, came = (Entry(n) for n in facts.by_language[key])
            away = Entry(going.value - came.value)
        return [Cell.count(going), Cell.count(came), Cell.count(away), Cell.share(came, going)]

    languages = []
    if event.pk in splits:
        languages = [(language_name(k), k) for k in LANGUAGE_KEYS if k in facts.by_language]
    elif facts.by_language:
        table.empty = _(
            "Not shown by language: at least one language group here has fewer than %(n)s."
        ) % {"n": limit}
    table.fill(languages, cells, total=None)
    return table


def _interpreters(facts, offered, shown, limit) -> Table:
    table = Table(
        "interpreters",
        _("Interpreters asked for"),
        [_("Language"), _("RSVPs asking"), _("Offered at the event")],
    )
    if not shown:
        table.empty = _(
            "Not shown by language: at least one language group here has fewer than %(n)s."
        ) % {"n": limit}
        return table

    def cells(key):
        if key is None:
            return [Cell.count(Entry(facts.interpreter_totals()["asked"])), Cell("")]
        return [
            Cell.count(Entry(facts.interpreters[key][0])),
            Cell.label(_("Yes") if key in offered else _("No")),
        ]

    languages = [(language_name(k), k) for k in LANGUAGE_KEYS if k in facts.interpreters]
    table.fill(languages, cells, total=None if facts.interpreters else NO_TOTAL)
    return table


@require_safe
@login_required
def event(request, pk):
    found = Event.objects.select_related("school", "district").filter(pk=pk).first()
    user = request.user
    allowed = found is not None and (
        user.is_superuser
        or (found.school_id and schools_for(user).filter(pk=found.school_id).exists())
        or districts_for(user).filter(pk=found.district_id).exists()
        or partners_for(user).filter(events=found).exists()
    )
    if not allowed:
        audit(request, "report.event", "event", pk, allowed=False)
        raise Http404
    # The access check above reads the primary; the figures may come from the replica.
    return build_report(_event_page, request, found)


def _event_page(request, event):
    form, period = period_from(request)
    scope, period, report, facts = _event_report(request, event, period)
    limit = threshold()
    if facts is None:
        facts, splits, totals, needs_public = _figures_on_its_own(event, period, limit)
    else:
        splits = report.rsvps.public_splits
        totals = {m: report.rsvp(m, "event", event.pk) for m in MEASURES}
        needs_public = event.pk in report.needs.public_needs
    offered = set(event.interpreter_languages or [])
    tables = [
        _by_language(event, facts, splits, totals, limit),
        _interpreters(facts, offered, needs_public, limit),
    ]
    return respond(
        request,
        "event",
        scope,
        form,
        period,
        tables,
        template="reports/event.html",
        event=event,
        offered=[language_name(k) for k in LANGUAGE_KEYS if k in offered],
    )
