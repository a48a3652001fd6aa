"""The figures of one period and scope, suppressed together (RELIABILITY C3).

Every page and CSV of the reports for a period and scope (overview, languages, schools,
events, each event's page, committees) takes its people-counts from one `Report`
(reports.report), whose figures this module builds into networks: built from
the same rows, suppressed in one pass per group of figures that add up to one another
(reports.suppression explains the pass), memoised on the request. So a figure hidden on one
page is hidden on all, and no page shows a figure that, with the others, works out a hidden
one. The groups, each one network of sums, share no figure, so each is solved on its own:

- RSVPs: by event, school, week, language and in total; going = attended + no-shows at each
  level; the previous period's total beside it (the change column is shown only when both
  are). Three networks (reports.suppression, "One RSVP figure...").
- Help asked for: interpreter requests by school, met and not met; childcare; the previous
  period's.
- Families: by language, registered before the previous period, in it and in this one (so
  "registered" now and before and "new" are one table); in a district also by school and
  language, tied to the count by language through the families at two schools (how many,
  a reader does not know).
- Committees: seats filled and open by committee, members by language, tied through the
  seats held by a family holding more than one; applications.
- Reminders by channel and status; walk-ins.

An event's own page adds the event's figures by language and its interpreter requests by
language. A per-language split of one event adds a third dimension (event × language ×
attended) that no network can hold, so it is shown only when none of its counts is between 1
and the threshold, and then it is public: the event's totals are kept shown, and what it
shows is a known part of each language's figure (a lower bound, `low`, for the reader). When
a split has a small count it is not shown at all: "hidden" cells would still tell which
languages came and add equations.

What one `Report` does not cover: two different periods, or a district and one of its schools,
opened side by side. Their figures overlap (a one-day period isolates one day's events), and
suppression alone cannot make every pair of periods a person may choose consistent.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from reports.scope import LANGUAGE_KEYS, language_key
from reports.suppression import Linked, grid

MEASURES = ("going", "attended", "no_shows")
# How a cycle may move an RSVP figure (reports.suppression): one more came and one fewer
# stayed away; one more came (and answered); one more stayed away (and answered).
PATTERNS = (
    (("attended", 1), ("no_shows", -1)),
    (("attended", 1), ("going", 1)),
    (("no_shows", 1), ("going", 1)),
)
# What hiding a figure with a small one costs, besides its count: a total is on several pages
# and is what people read first; an event whose split by language is public costs more than
# another (its page then loses the split), less than a total.
TOTAL_WEIGHT = 100
SHOWN_WEIGHT = 10


@dataclass
class EventFacts:
    """One event held in the period, with its counts: plain values, no model objects."""

    pk: int
    week: date
    school: int | None = None  # None: a district-wide event
    by_language: dict = field(default_factory=dict)  # language -> [going, attended]
    interpreters: dict = field(default_factory=dict)  # language asked -> [asked, met]
    childcare_asked: int = 0
    childcare: bool = False
    offered: set = field(default_factory=set)
    local_start: object = None

    def totals(self) -> dict[str, int]:
        going = sum(g for g, _a in self.by_language.values())
        attended = sum(a for _g, a in self.by_language.values())
        return {"going": going, "attended": attended, "no_shows": going - attended}

    def interpreter_totals(self) -> dict[str, int]:
        asked = sum(n for n, _m in self.interpreters.values())
        met = sum(m for _n, m in self.interpreters.values())
        return {"asked": asked, "met": met, "not_met": asked - met}


def public(count: int, limit: int) -> bool:
    return count == 0 or count >= limit


def split_is_public(event: EventFacts, limit: int) -> bool:
    """Whether the event's per-language split has no count between 1 and limit-1."""
    return all(
        public(going, limit) and public(attended, limit) and public(going - attended, limit)
        for going, attended in event.by_language.values()
    )


def needs_are_public(event: EventFacts, limit: int) -> bool:
    return all(public(asked, limit) for asked, _met in event.interpreters.values())


def rsvp_key(measure, kind, name=None):
    return ("rsvp", measure, kind, name)


def rsvp_figures(events, weeks, schools, public_splits, before, limit=None) -> Linked:
    """The RSVP figures of a period: events (public_splits: the pks of events whose split by
    language is shown), weeks, schools (None in one school's own report: then its figures
    are the totals), languages, totals, and the previous period's totals (before)."""
    linked = Linked(limit)
    langs = LANGUAGE_KEYS

    def add(kind, name, counts, displayed_no_shows=True, bounds=None, weight=1):
        for measure in MEASURES:
            low, high = (bounds or {}).get(measure, (0, float("inf")))
            linked.add(
                rsvp_key(measure, kind, name),
                counts[measure],
                displayed=displayed_no_shows or measure != "no_shows",
                low=low,
                high=high,
                weight=weight,
            )

    # Each event's totals once, and the events of each school and week in one pass: a
    # district has thousands of events and hundreds of schools (bench/reports.py).
    totals = {event.pk: event.totals() for event in events}
    of_school, of_week = defaultdict(list), defaultdict(list)
    for event in events:
        of_school[event.school].append(event)
        of_week[event.week].append(event)

    def summed(group):
        total = dict.fromkeys(MEASURES, 0)
        for event in group:
            for measure, count in totals[event.pk].items():
                total[measure] += count
        return total

    for event in events:
        add(
            "event",
            event.pk,
            totals[event.pk],
        )
    for school in schools or ():
        add("school", school, summed(of_school[school]))
    for week in weeks:
        add("week", week, summed(of_week[week]), displayed_no_shows=False)
    per_language = {lang: dict.fromkeys(MEASURES, 0) for lang in langs}
    for event in events:
        for lang, (going, attended) in event.by_language.items():
            counts = {"going": going, "attended": attended, "no_shows": going - attended}
            for measure in MEASURES:
                per_language[lang][measure] += counts[measure]
    for lang in langs:
        add("lang", lang, per_language[lang], displayed_no_shows=False)
    add("all", None, summed(events), weight=TOTAL_WEIGHT)
    public_splits_of(linked, events, public_splits)
    # The three patterns' networks have the same sums over the same edges: built and
    # oriented once (a year of a district has tens of thousands of edges).
    first, pattern = linked.net(), PATTERNS[0]

    def edge(kind, name=None):
        first.edge((kind, name), *pattern_moves((kind, name), pattern))
        return (kind, name)

    events_of = defaultdict(list)
    by_week = defaultdict(list)
    for event in events:
        edge("event", event.pk)
        events_of[event.school].append(("event", event.pk))
        by_week[event.week].append(("event", event.pk))
    total = edge("all")
    if schools is not None:
        for school in schools:
            first.equation([edge("school", school)], events_of[school])
        first.equation([total], [("school", school) for school in schools])
    else:
        first.equation([total], [("event", event.pk) for event in events])
    for week in weeks:
        first.equation([edge("week", week)], by_week[week])
    # Languages and weeks both add up to the total: chained through a free link so that
    # each figure stays in two sums (reports.suppression: a network).
    first.edge(("link", None))
    first.equation([total], [edge("lang", lang) for lang in langs])
    first.equation([("link", None)], [("lang", lang) for lang in langs])
    first.equation([("link", None)], [("week", week) for week in weeks])
    for other in PATTERNS[1:]:
        linked.nets.append(
            first.with_moves(lambda edge_id, other=other: pattern_moves(edge_id, other))
        )

    # The previous period: RSVPs = attended + no-shows (no-shows not shown, but implied).
    keys = [
        linked.add(("before", "attended"), before["attended"]),
        linked.add(("before", "no_shows"), before["going"] - before["attended"], displayed=False),
    ]
    grid(linked, [keys], [linked.add(("before", "going"), before["going"])])
    return linked


def pattern_moves(edge_id, pattern) -> tuple:
    """The RSVP figures one edge of a pattern's network moves (none for the free link)."""
    kind, name = edge_id
    if kind == "link":
        return ()
    return tuple((rsvp_key(m, kind, name), sign) for m, sign in pattern)


def public_splits_of(linked, events, public_splits):
    """What the events whose split by language is shown change in the RSVP figures: hiding
    their totals costs more, and a language's figure is what those splits show of it
    (known: a lower bound) plus an unknown part from the other events (that it is at most
    their whole count follows from the sums). Set apart so that solve_rsvps can solve the
    same figures again with fewer splits, without building a district's networks again."""
    known = {lang: dict.fromkeys(MEASURES, 0) for lang in LANGUAGE_KEYS}
    for event in events:
        shown = event.pk in public_splits
        for measure in MEASURES:
            linked.figures[rsvp_key(measure, "event", event.pk)].weight = (
                SHOWN_WEIGHT if shown else 1
            )
        if not shown:
            continue
        for lang, (going, attended) in event.by_language.items():
            counts = {"going": going, "attended": attended, "no_shows": going - attended}
            for measure in MEASURES:
                known[lang][measure] += counts[measure]
    for lang in LANGUAGE_KEYS:
        for measure in MEASURES:
            linked.figures[rsvp_key(measure, "lang", lang)].low = known[lang][measure]


def solve_rsvps(events, weeks, schools, splits, before, limit=None) -> Linked:
    """rsvp_figures, solved; public_splits on the result: the events whose split by language
    stays shown. An event whose totals had to be hidden after all loses its public split
    (its part of each language is then no longer known), and so do all of them when what
    they tell leaves a hidden figure no way to move; then it is solved again."""
    splits = set(splits)
    linked = rsvp_figures(events, weeks, schools, splits, before, limit)
    while True:
        linked.solve()
        lost = {pk for pk in splits for m in MEASURES if rsvp_key(m, "event", pk) in linked.hidden}
        if linked.exposed and not lost:
            lost = set(splits)
        if not lost:
            linked.public_splits = splits
            return linked
        splits -= lost
        public_splits_of(linked, events, splits)
        linked.hidden = None


def help_key(measure, kind, name=None):
    return ("help", measure, kind, name)


def help_figures(events, schools, public_needs, before, limit=None) -> Linked:
    """Interpreter requests by school (met and not met) and in total, childcare requests,
    and the previous period's: public_needs are the events whose interpreter requests by
    language are shown on their page (known parts of their school's figures)."""
    linked = Linked(limit)
    groups = list(schools) if schools is not None else []

    everything = set(LANGUAGE_KEYS)

    asked_of = {event.pk: event.interpreter_totals() for event in events}
    of_school = defaultdict(list)
    for event in events:
        of_school[event.school].append(event)

    def add_group(kind, name, group, displayed_met, weight=1):
        known = {"asked": 0, "met": 0, "not_met": 0}
        counts = dict(known)
        # Can the events whose requests are not public hold more? Met ones only where an
        # event offers an interpreter, unmet ones only where it does not offer every
        # language (what an event offers is public).
        more = dict.fromkeys(known, False)
        for event in group:
            for measure, count in asked_of[event.pk].items():
                counts[measure] += count
                if event.pk in public_needs:
                    known[measure] += count
            if event.pk not in public_needs:
                more["met"] |= bool(event.offered)
                more["not_met"] |= not everything <= {language_key(c) for c in event.offered}
        more["asked"] = more["met"] or more["not_met"]
        for measure in ("asked", "met", "not_met"):
            linked.add(
                help_key(measure, kind, name),
                counts[measure],
                displayed=displayed_met or measure != "met",
                low=known[measure],
                high=float("inf") if more[measure] else known[measure],
                weight=weight,
            )
        return [help_key(m, kind, name) for m in ("met", "not_met", "asked")]

    total = add_group("all", None, events, True, TOTAL_WEIGHT)
    if groups:
        rows = [add_group("school", s, of_school[s], False) for s in groups]
        grid(linked, [r[:2] for r in rows], [r[2] for r in rows], total[:2], total[2])
    else:
        grid(linked, [total[:2]], [total[2]])
    asked = sum(e.childcare_asked for e in events)
    met = sum(e.childcare_asked for e in events if e.childcare)
    cells = [
        linked.add(help_key("met", "childcare"), met, weight=TOTAL_WEIGHT),
        linked.add(help_key("not_met", "childcare"), asked - met, weight=TOTAL_WEIGHT),
    ]
    asked = linked.add(help_key("asked", "childcare"), asked, weight=TOTAL_WEIGHT)
    grid(linked, [cells], [asked])
    for kind, asked_key, met_key in (
        ("interpreter", "interpreter_asked", "interpreter_met"),
        ("childcare", "childcare_asked", "childcare_met"),
    ):
        cells = [
            linked.add(help_key("met", "before", kind), before[met_key]),
            linked.add(
                help_key("not_met", "before", kind),
                before[asked_key] - before[met_key],
                displayed=False,
            ),
        ]
        grid(linked, [cells], [linked.add(help_key("asked", "before", kind), before[asked_key])])
    return linked


def family_key(measure, kind, name=None):
    return ("families", measure, kind, name)


def family_figures(by_language, memberships=None, limit=None) -> Linked:
    """Families by language: registered before the previous period ("older"), in it
    ("previous") and in this one ("new"); "now" = all, "before" = older + previous. In a
    district, memberships {school: {language: n}} too: a family at two schools counts at
    each, so a language's memberships = its families + those extra memberships
    ("overlap")."""
    linked = Linked(limit)
    langs = LANGUAGE_KEYS

    def add(measure, kind, name, value, displayed=True):
        weight = TOTAL_WEIGHT if kind == "all" else 1
        return linked.add(
            family_key(measure, kind, name), value, displayed=displayed, weight=weight
        )

    now, before, new = [], [], []
    for lang in langs:
        counts = by_language[lang]
        now.append(add("now", "lang", lang, counts["now"]))
        before.append(add("before", "lang", lang, counts["before"], displayed=False))
        new.append(add("new", "lang", lang, counts["new"]))
        linked.equation(now[-1], [before[-1], new[-1]])
    total = {
        measure: add(measure, "all", None, sum(by_language[lang][measure] for lang in langs))
        for measure in ("now", "before", "new")
    }
    previous = add("before_new", "all", None, sum(by_language[k]["before_new"] for k in langs))
    older = add(
        "older",
        "all",
        None,
        sum(by_language[k]["before"] - by_language[k]["before_new"] for k in langs),
        displayed=False,
    )
    linked.equation(total["new"], new)
    linked.equation(total["now"], [total["before"], total["new"]])
    linked.equation(total["before"], [older, previous])
    linked.equation([older, previous], before)
    if memberships is not None:
        schools = list(memberships)
        cells = [
            [add("members", school, lang, memberships[school].get(lang, 0)) for lang in langs]
            for school in schools
        ]
        rows = [add("members", s, None, sum(memberships[s].values())) for s in schools]
        columns = [
            add("members", "lang", lang, sum(memberships[s].get(lang, 0) for s in schools))
            for lang in langs
        ]
        grand = add(
            "members", "all", None, sum(map(sum, (m.values() for m in memberships.values())))
        )
        grid(linked, cells, rows, None, grand)
        for index, lang in enumerate(langs):
            linked.equation(columns[index], [row[index] for row in cells])
            extra = linked.figures[columns[index]].value - by_language[lang]["now"]
            # How many extra memberships (families at several schools): unknown to readers,
            # ≥ 0, and 0 where there is one school. What else they know: a school counts
            # at most all the language's families. Kept as bounds that one step of a cycle
            # cannot cross: schools at most the largest school's count, the families at
            # least that.
            several = len(schools) > 1
            overlap = linked.add(
                family_key("overlap", "lang", lang),
                extra,
                displayed=False,
                high=float("inf") if several else 0,
            )
            linked.equation(columns[index], [now[index], overlap])
            if several:
                most = max(linked.figures[row[index]].value for row in cells)
                for row in cells:
                    linked.figures[row[index]].high = most
                linked.figures[now[index]].low = most
    return linked


def solve_families(by_language, memberships=None, limit=None) -> Linked:
    """family_figures, solved. When a hidden figure has no way to move (what the counts by
    school tell of families at several schools pins it), the counts by school are not shown
    at all (members_shown is False) and the rest is solved again."""
    linked = family_figures(by_language, memberships, limit)
    linked.solve()
    linked.members_shown = memberships is not None
    if linked.exposed and memberships is not None:
        linked = family_figures(by_language, None, limit)
        linked.solve()
        linked.members_shown = False
    return linked


def committee_figures(rows, members, limit=None) -> Linked:
    """Seats filled and open by committee (rows: dicts with pk, filled, open, applications),
    applications, and members by language; filled seats = members + seats held by a family
    that holds more than one."""
    linked = Linked(limit)
    cells = [
        [
            linked.add(("seats", "filled", r["pk"]), r["filled"]),
            linked.add(("seats", "open", r["pk"]), r["open"]),
        ]
        for r in rows
    ]
    totals = [linked.add(("seats", "all", r["pk"]), r["filled"] + r["open"]) for r in rows]
    filled = linked.add(
        ("seats", "filled", None), sum(r["filled"] for r in rows), weight=TOTAL_WEIGHT
    )
    opened = linked.add(("seats", "open", None), sum(r["open"] for r in rows), weight=TOTAL_WEIGHT)
    columns = [filled, opened]
    grand = linked.add(
        ("seats", "all", None), sum(r["filled"] + r["open"] for r in rows), weight=TOTAL_WEIGHT
    )
    if rows:
        grid(linked, cells, totals, columns, grand)
    apps = [linked.add(("applications", r["pk"]), r["applications"]) for r in rows]
    applied = sum(r["applications"] for r in rows)
    linked.equation(linked.add(("applications", None), applied, weight=TOTAL_WEIGHT), apps)
    parts = [linked.add(("members", lang), members[lang]) for lang in LANGUAGE_KEYS]
    everyone = linked.add(("members", None), sum(members.values()), weight=TOTAL_WEIGHT)
    linked.equation(everyone, parts)
    # Seats held by a family that holds more than one: unknown to readers, ≥ 0. A committee's
    # seats may all be held by different families (a reader cannot rule it out): at most
    # the members, kept as bounds a step of a cycle cannot cross, as for families.
    more = linked.figures[filled].value - sum(members.values())
    extra = linked.add(("seats", "extra", None), more, displayed=False)
    if rows:
        most = max(linked.figures[row[0]].value for row in cells)
        for row in cells:
            linked.figures[row[0]].high = most
        linked.figures[everyone].low = most
    linked.equation(filled, [everyone, extra])
    return linked


def reminder_figures(reminders, channels, walk_ins, limit=None) -> Linked:
    linked = Linked(limit)
    statuses = ("sent", "failed", "unknown")
    cells = [[linked.add(("reminders", c, s), reminders[c][s]) for s in statuses] for c in channels]
    rows = [
        linked.add(("reminders", c, None), sum(reminders[c][s] for s in statuses)) for c in channels
    ]
    columns = [
        linked.add(
            ("reminders", None, s), sum(reminders[c][s] for c in channels), weight=TOTAL_WEIGHT
        )
        for s in statuses
    ]
    grand = linked.add(
        ("reminders", None, None),
        sum(map(sum, ((reminders[c][s] for s in statuses) for c in channels))),
        weight=TOTAL_WEIGHT,
    )
    grid(linked, cells, rows, columns, grand)
    for status in ("sent", "failed"):
        linked.add(
            ("reminders", "before", status), sum(r[f"before_{status}"] for r in reminders.values())
        )
    linked.add(("walk_ins", "now"), walk_ins["now"])
    linked.add(("walk_ins", "before"), walk_ins["before"])
    return linked
