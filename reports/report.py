"""`Report`: the figures of one period and scope, read with reports.queries, put into the
networks of reports.linked and suppressed there, each group on first use; kept for the
request, and in the shared cache for every page and CSV of the same period and scope."""

import gc
import logging
import time
import zoneinfo
from bisect import bisect_right
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from itertools import accumulate

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from messaging.models import Message
from reports import queries as q
from reports.linked import (
    EventFacts,
    committee_figures,
    family_key,
    help_figures,
    help_key,
    needs_are_public,
    reminder_figures,
    rsvp_key,
    solve_families,
    solve_rsvps,
    split_is_public,
)
from reports.scope import Period, Scope, default_period, language_key
from reports.suppression import Entry, Linked, threshold


def weeks_of(period) -> list[date]:
    monday = period.first - timedelta(days=period.first.weekday())
    weeks = []
    while monday <= period.last:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


log = logging.getLogger("portal.reports")


@contextmanager
def collector_paused():
    """Python's cycle collector paused while figures are built. Suppressing a district's
    figures makes hundreds of thousands of small objects that all live until the page is
    sent, and the collector walked them again and again: a third of the time of a report at
    1 M RSVPs (bench/reports.py). They form no cycle that needs collecting; memory is freed
    as usual, and the collector runs again as soon as the figures are built."""
    if not gc.isenabled():
        yield  # an outer build paused it and will start it again
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def shared(build):
    """Like cached_property, and kept REPORTS_CACHE_SECONDS in the shared cache for every
    page and CSV of the same period and scope: a district's figures take seconds to
    suppress, and pages read from one snapshot cannot be differenced through an answer that
    arrived between two downloads. A cache that does not answer is skipped."""
    name = build.__name__
    every_period = getattr(build, "every_period", False)

    def get(self):
        if name in self.__dict__:
            return self.__dict__[name]
        seconds = settings.REPORTS_CACHE_SECONDS
        key = self.cache_key(name, every_period)
        value = None
        if seconds and not self.refresh:
            try:
                value = cache.get(key)
            except Exception:  # noqa: BLE001 - Redis down: compute afresh
                log.warning("reports.cache_unavailable")
        if not self.refresh:
            self.note_reader()
        if value is None:
            with collector_paused():
                value = build(self)
            if seconds:
                try:
                    cache.set(key, value, seconds)
                except Exception:  # noqa: BLE001
                    log.warning("reports.cache_unavailable")
        self.__dict__[name] = value
        return value

    get.shared = True
    return property(get, doc=build.__doc__)


def every_period(build):
    """Under @shared: kept once for the scope, read by every period's report (and built by
    beat with the default one), so the first reader of another period does not read it."""
    build.every_period = True
    return build


@dataclass
class FamilyDays:
    """The scope's families now, counted by the day they registered, with running totals:
    the families figures of any period without reading the families again."""

    days: dict[str, tuple[list[date], list[int]]]  # language: days ascending, running totals
    newest: date | None  # the last day a family of the scope registered
    # In a district: {school id: {language: families}} registered now.
    by_school: dict[int, dict[str, int]] | None

    @classmethod
    def of(cls, by_day: dict[str, dict[date, int]], by_school) -> "FamilyDays":
        days = {}
        for language, counts in by_day.items():
            order = sorted(counts)
            days[language] = (order, list(accumulate(counts[day] for day in order)))
        newest = max((order[-1] for order, _totals in days.values() if order), default=None)
        return cls(days, newest, by_school)

    def registered_by(self, last: date) -> dict[str, int]:
        """{language: families registered on or before that day (and not erased since)}."""
        found = {}
        for language, (order, totals) in self.days.items():
            index = bisect_right(order, last)
            found[language] = totals[index - 1] if index else 0
        return found

    def by_language(self, period) -> dict[str, dict[str, int]]:
        """{language: {"now", "before", "new", "before_new"}}: registered by the end of the
        period and of the previous one, and new in each."""
        now = self.registered_by(period.last)
        before = self.registered_by(period.first - timedelta(days=1))
        earlier = self.registered_by(period.previous().first - timedelta(days=1))
        return {
            key: {
                "now": now[key],
                "before": before[key],
                "new": now[key] - before[key],
                "before_new": before[key] - earlier[key],
            }
            for key in self.days
        }

    def by_school_at_end(self, period) -> dict[int, dict[str, int]] | None:
        """The counts by school when no family registered after the period (a period that
        ends today, or after the newest registration); else None: read them for the period."""
        if self.by_school is None or (self.newest is not None and self.newest > period.last):
            return None
        return self.by_school


class Report:
    """The suppressed figures of one period and scope, each group built on first use."""

    def __init__(self, scope, period, refresh: bool = False):
        self.scope = scope
        self.period = period
        self.limit = threshold()
        # Build every figure afresh and replace the snapshot (reports.tasks.warm_snapshots).
        self.refresh = refresh
        self._noted = False

    def note_reader(self) -> None:
        """Once per report: a reader looks at this view, so beat keeps it built (read_views)."""
        if self._noted:
            return
        self._noted = True
        if settings.REPORTS_CACHE_SECONDS and isinstance(self.scope, Scope):
            note_view(self.scope, self.period)

    def build_all(self) -> None:
        """Build (or read) every figure kept in the snapshot."""
        for name, value in vars(type(self)).items():
            if isinstance(value, property) and getattr(value.fget, "shared", False):
                getattr(self, name)

    def cache_key(self, name, every_period=False) -> str:
        where = f"school:{self.scope.school.pk}" if self.scope.school else "district"
        when = "every" if every_period else f"{self.period.first}:{self.period.last}"
        return f"reports:1:{self.scope.district.pk}:{where}:{when}:{self.limit}:{name}"

    @cached_property
    def schools(self) -> list:
        """The scope's schools (objects, by name) in a district; [] in one school's report."""
        if self.scope.school:
            return []
        return list(self.scope.district.schools.order_by("name", "pk"))

    @cached_property
    def school_groups(self):
        """The groups RSVP figures are split by: schools and district-wide events (None), or
        None in one school's report (its figures are the totals)."""
        if self.scope.school:
            return None
        return [s.pk for s in self.schools] + [None]

    @shared
    def events(self) -> list[EventFacts]:
        zone = timezone.get_default_timezone()
        facts = {}
        for row in q.held_events(self.scope, self.period):
            day = timezone.localtime(row["starts_at"], zone).date()
            name = row["school__time_zone"] or settings.TIME_ZONE
            facts[row["pk"]] = EventFacts(
                pk=row["pk"],
                week=day - timedelta(days=day.weekday()),
                school=row["school_id"],
                childcare=row["childcare"],
                local_start=timezone.localtime(row["starts_at"], zoneinfo.ZoneInfo(name)),
                offered=set(row["interpreter_languages"] or []),
            )
        for row in q.counts_of_held_events(self.scope, self.period):
            event = facts[row["event_id"]]
            lang = language_key(row["language"])
            counts = event.by_language.setdefault(lang, [0, 0])
            counts[0] += row["going"]
            counts[1] += row["attended"]
            if row["interpreter_asked"]:
                asked = event.interpreters.setdefault(language_key(row["asked"]), [0, 0])
                asked[0] += row["interpreter_asked"]
                if row["asked"] in event.offered:
                    asked[1] += row["interpreter_asked"]
            event.childcare_asked += row["childcare_asked"]
        for event in facts.values():
            event.by_language = {k: v for k, v in event.by_language.items() if v[0]}
        return list(facts.values())

    @cached_property
    def weeks(self) -> list[date]:
        return weeks_of(self.period)

    @shared
    def before(self) -> dict[str, int]:
        return q.rsvp_totals(self.scope, self.period.previous())

    @shared
    def rsvps(self) -> Linked:
        """Solved, with public_splits: the events whose split by language is shown."""
        splits = {e.pk for e in self.events if split_is_public(e, self.limit)}
        return solve_rsvps(
            self.events, self.weeks, self.school_groups, splits, self.before, self.limit
        )

    @shared
    def needs(self) -> Linked:
        public = {e.pk for e in self.events if needs_are_public(e, self.limit)}
        linked = help_figures(self.events, self.school_groups, public, self.before, self.limit)
        linked.solve()
        if linked.exposed and public:
            # What the public tables tell leaves a hidden figure no way to move: show none.
            public = set()
            linked = help_figures(self.events, self.school_groups, public, self.before, self.limit)
            linked.solve()
        linked.public_needs = public
        return linked

    @shared
    @every_period
    def family_days(self) -> FamilyDays:
        by_school = None
        if self.scope.is_district:
            by_school = q.families_by_school_and_language(self.scope)
        return FamilyDays.of(q.families_by_day(self.scope), by_school)

    @shared
    def families(self) -> Linked:
        """Solved; members_shown on the result: whether the counts by school are shown."""
        counts = self.family_days
        memberships = None
        if self.scope.is_district:
            by_school = counts.by_school_at_end(self.period)
            if by_school is None:
                by_school = q.families_by_school_and_language(self.scope, self.period)
            memberships = {s.pk: by_school.get(s.pk, {}) for s in self.schools}
        return solve_families(counts.by_language(self.period), memberships, self.limit)

    @shared
    def committee_rows(self) -> list[dict]:
        return q.committee_rows(self.scope, self.period)

    @shared
    def committees(self) -> Linked:
        rows = [
            {
                "pk": r["committee"].pk,
                "filled": r["filled"],
                "open": r["open"],
                "applications": r["applications"],
            }
            for r in self.committee_rows
        ]
        linked = committee_figures(rows, self.members_by_language, self.limit)
        linked.solve()
        return linked

    @shared
    def members_by_language(self) -> dict[str, int]:
        return q.seat_holders_by_language(self.scope, self.period)

    @shared
    def reminders(self) -> Linked:
        linked = reminder_figures(
            q.reminders_by_channel(self.scope, self.period),
            Message.Channel.values,
            q.walk_ins(self.scope, self.period),
            self.limit,
        )
        linked.solve()
        return linked

    @shared
    def events_held(self) -> dict:
        """Events held by school, this period and the previous one (not about people, so
        not suppressed): kept in the snapshot with the rest, one query fewer per page."""
        return q.events_held_by_school(self.scope, self.period)

    @shared
    def partners(self) -> dict[str, int]:
        """Active community partners, this period and the previous one (not suppressed)."""
        return q.active_partners(self.scope, self.period)

    @shared
    def interpreter_calls(self) -> dict[str, tuple[int, int]]:
        """Calls with an interpreter asked for and made, by language (not yet suppressed:
        reports.pages.languages suppresses the table on its own)."""
        return q.interpreter_calls_by_language(self.scope, self.period)

    def rsvp(self, measure, kind, name=None) -> Entry:
        return self.rsvps.entry(rsvp_key(measure, kind, name))

    def help(self, measure, kind, name=None) -> Entry:
        return self.needs.entry(help_key(measure, kind, name))

    def family(self, measure, kind, name=None) -> Entry:
        return self.families.entry(family_key(measure, kind, name))


# Not under "reports:": what a snapshot's end deletes is the figures, not who read them.
READ_KEY = "reports-read:1:{}"
NOTE_EVERY = 60  # seconds: a reader going through the pages writes the list once a minute


def _view(scope: Scope, period: Period) -> tuple:
    """(school id or None, (first, last) or None for the default period, which moves with
    the days): one view of a district's reports, as kept in the list of views read."""
    dates = None if period == default_period() else (period.first, period.last)
    return scope.school.pk if scope.school else None, dates


def note_view(scope: Scope, period: Period) -> None:
    """Remember that a reader looked at a view (beat rebuilds it before its snapshot ends).
    A lost update between two readers at once only leaves one view unwarmed for a while."""
    view = _view(scope, period)
    if view == (None, None):
        return  # the district's default view: beat builds it anyway
    key = READ_KEY.format(scope.district.pk)
    now = time.time()
    try:
        views = cache.get(key) or {}
        if now - views.get(view, 0) < NOTE_EVERY:
            return
        views[view] = now
        newest = sorted(views.items(), key=lambda item: item[1], reverse=True)
        kept = dict(newest[: settings.REPORTS_WARM_MOST])
        cache.set(key, kept, settings.REPORTS_WARM_RECENT_SECONDS)
    except Exception:  # noqa: BLE001 - Redis down: the page is served, the view not kept
        log.warning("reports.cache_unavailable")


def read_views(district) -> list[tuple[Scope, Period]]:
    """The views of a district's reports read in the last REPORTS_WARM_RECENT_SECONDS, the
    most recent first (at most REPORTS_WARM_MOST); not the default view of the district."""
    try:
        views = cache.get(READ_KEY.format(district.pk)) or {}
    except Exception:  # noqa: BLE001
        log.warning("reports.cache_unavailable")
        return []
    since = time.time() - settings.REPORTS_WARM_RECENT_SECONDS
    recent = sorted(
        ((t, v) for v, t in views.items() if t >= since), key=lambda item: item[0], reverse=True
    )
    schools = {s.pk: s for s in district.schools.filter(pk__in={v[0] for _t, v in recent})}
    found = []
    for _read, (school_pk, dates) in recent[: settings.REPORTS_WARM_MOST]:
        if school_pk is not None and school_pk not in schools:
            continue  # the school left the district, or was deleted
        period = Period(*dates) if dates else default_period()
        found.append((Scope(district, schools.get(school_pk)), period))
    return found


def report_for(request, scope, period) -> Report:
    """One Report per request, period and scope."""
    cache = request.__dict__.setdefault("_reports", {})
    key = (scope, period)
    if key not in cache:
        cache[key] = Report(scope, period)
    return cache[key]


def forget_reports(request) -> None:
    """The page is written: let the request's reports go (see report_page)."""
    request.__dict__.pop("_reports", None)
