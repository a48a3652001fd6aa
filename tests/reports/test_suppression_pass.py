"""The suppression pass's shortcuts hide exactly what the plain pass hides: it weighs only the
edges of hidden figures, tells an edge on a cycle by its bridges rather than a search per
edge, passes over a figure a cycle found earlier in the round already protects, solves the
RSVP figures again in place when splits are lost, and builds the three RSVP networks'
shared sums once (bench/reports.py: a year of a district). The plain pass is kept here as
the reference: every edge weighed every round, one search per hidden figure's edge, and a
cheapest cycle looked for for every figure exposed at the start of a round."""

from collections import defaultdict
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.linked import (
    PATTERNS,
    EventFacts,
    committee_figures,
    pattern_moves,
    rsvp_figures,
    solve_rsvps,
    split_is_public,
)
from reports.scope import LANGUAGE_KEYS
from reports.suppression import Linked, Net, _components, _Steps, grid

LIMIT = 10
LANGS = ["es", "ar", "ht", "bn"]


def plain_pass(linked: Linked) -> tuple[set, list]:
    """(hidden, exposed) as the pass was first written: no edge left out, every figure
    looked at in every round."""
    hidden = {k for k, f in linked.figures.items() if not f.displayed or linked.primary(k)}
    linked._step = _Steps(linked)
    graphs = [net.graph() for net in linked.nets]
    adjacency = [net.adjacency() for net in linked.nets]
    where = defaultdict(list)
    for g, edges in enumerate(graphs):
        for index, (_id, _t, _h, moves) in enumerate(edges):
            for key, _sign in moves:
                where[key].append((g, index))
    exposed = []
    for _round in range(len(linked.figures) + 1):
        arcs = []
        for edges in graphs:
            found = defaultdict(list)
            for index, (_id, tail, head, moves) in enumerate(edges):
                if linked._step_cost(moves, 1, hidden) == 0:
                    found[tail].append((head, index))
                if linked._step_cost(moves, -1, hidden) == 0:
                    found[head].append((tail, index))
            arcs.append(found)
        components = [_components(a) for a in arcs]
        exposed = [
            key
            for key in sorted(linked.figures, key=repr)
            if linked._needs_cycle(key, hidden)
            and not plain_safe(linked, key, where.get(key), graphs, arcs, components, hidden)
        ]
        if not exposed:
            break
        added = False
        for key in exposed:
            options = [
                linked._cheapest(graphs[g], adjacency[g], index, hidden)
                for g, index in where.get(key, ())
            ]
            options = [o for o in options if o is not None]
            if options:
                extra = set(min(options, key=lambda o: o[0])[1]) - hidden
                if extra:
                    hidden |= extra
                    added = True
        if not added:
            break
    return hidden, exposed


def plain_safe(linked, key, places, graphs, arcs, components, hidden) -> bool:
    if not places:
        low, high = linked._bounds(key)
        return high > low
    return any(
        plain_on_cycle(linked, graphs[g], arcs[g], components[g], index, hidden)
        for g, index in places
    )


def plain_on_cycle(linked, edges, arcs, component, index, hidden) -> bool:
    """Whether an edge lies on a cycle of free steps: a search from one end to the other."""
    _id, tail, head, moves = edges[index]
    ways = [d for d in (1, -1) if linked._step_cost(moves, d, hidden) == 0]
    if not ways:
        return False
    if tail == head:
        return True
    if component.get(tail, tail) != component.get(head, head):
        return False
    if len(ways) == 1:
        return True
    here = component.get(head, head)
    for start, goal in ((head, tail), (tail, head)):
        queue, seen = [start], {start}
        while queue:
            node = queue.pop()
            for other, via in arcs.get(node, ()):
                if via == index or other in seen or component.get(other, other) != here:
                    continue
                if other == goal:
                    return True
                seen.add(other)
                queue.append(other)
    return False


@st.composite
def periods(draw):
    """Events of a period over a few schools and weeks, and the previous period's totals."""
    weeks = [date(2026, 1, 5) + timedelta(days=7 * i) for i in range(draw(st.integers(1, 3)))]
    schools = [*range(1, draw(st.integers(1, 3)) + 1), None]
    events = []
    for pk in range(1, draw(st.integers(1, 8)) + 1):
        by_language = {}
        for lang in draw(st.lists(st.sampled_from(LANGS), min_size=1, max_size=3, unique=True)):
            going = draw(st.sampled_from([1, 2, 3, 9, 10, 12, 14, 25]))
            attended = draw(st.sampled_from([0, 1, going - 1, going, going // 2]))
            by_language[lang] = [going, max(0, min(going, attended))]
        events.append(
            EventFacts(
                pk=pk,
                week=draw(st.sampled_from(weeks)),
                school=draw(st.sampled_from(schools)),
                by_language=by_language,
            )
        )
    groups = None if draw(st.booleans()) else schools
    going = draw(st.sampled_from([0, 3, 12, 40]))
    before = {"going": going, "attended": draw(st.integers(0, going))}
    return events, weeks, groups, before


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(periods())
def test_the_pass_hides_what_the_plain_pass_hides(period):
    events, weeks, groups, before = period
    splits = {e.pk for e in events if split_is_public(e, LIMIT)}
    linked = rsvp_figures(events, weeks, groups, splits, before, LIMIT)
    expected = plain_pass(linked)
    linked.solve()
    assert (linked.hidden, linked.exposed) == expected


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(periods())
def test_solving_again_in_place_is_solving_the_final_splits_afresh(period):
    events, weeks, groups, before = period
    splits = {e.pk for e in events if split_is_public(e, LIMIT)}
    solved = solve_rsvps(events, weeks, groups, splits, before, LIMIT)
    fresh = rsvp_figures(events, weeks, groups, solved.public_splits, before, LIMIT)
    assert fresh.figures == solved.figures
    assert plain_pass(fresh)[0] == solved.hidden


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(periods())
def test_the_three_rsvp_networks_are_those_built_one_by_one(period):
    events, weeks, groups, before = period
    linked = rsvp_figures(events, weeks, groups, set(), before, LIMIT)
    first = linked.nets[0]
    for index, pattern in enumerate(PATTERNS):
        alone = Net()
        for edge_id in first.moves:
            alone.edge(edge_id, *pattern_moves(edge_id, pattern))
        for left, right in first.equations:
            alone.equation(left, right)
        assert linked.nets[index].graph() == alone.graph()


@st.composite
def committees(draw):
    """Committees' seats filled and open, applications, and members by language: small
    counts, zeros and large ones. The members are mostly as many as a district can have
    (at least the largest committee's seats, at most all the seats filled), sometimes any
    number (then the seats held twice are negative: a figure free to move)."""
    counts = st.sampled_from([0, 0, 1, 2, 3, 6, 9, 10, 11, 14, 30])
    rows = [
        {"pk": pk, "filled": draw(counts), "open": draw(counts), "applications": draw(counts)}
        for pk in range(1, draw(st.integers(0, 8)) + 1)
    ]
    langs = draw(st.lists(st.sampled_from(LANGUAGE_KEYS), min_size=1, max_size=5, unique=True))
    members = dict.fromkeys(LANGUAGE_KEYS, 0)
    if draw(st.booleans()):
        for lang in langs:
            members[lang] = draw(counts)
        return rows, members
    filled = [r["filled"] for r in rows]
    left = draw(st.integers(max(filled, default=0), sum(filled)))
    for lang in langs[:-1]:
        members[lang] = draw(st.integers(0, left))
        left -= members[lang]
    members[langs[-1]] = left
    return rows, members


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(committees())
def test_the_pass_hides_what_the_plain_pass_hides_on_committees(figures):
    rows, members = figures
    linked = committee_figures(rows, members, LIMIT)
    expected = plain_pass(linked)
    linked.solve()
    assert (linked.hidden, linked.exposed) == expected


@st.composite
def tables(draw):
    """A table with its totals, some figures not shown and some free to hide (weight 0):
    no builder of reports.linked makes a shown figure free, the pass allows it."""
    counts = st.sampled_from([0, 0, 1, 2, 3, 6, 9, 10, 11, 14, 30])
    n_rows, n_cols = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    cells = [[draw(counts) for _c in range(n_cols)] for _r in range(n_rows)]
    linked = Linked(LIMIT)

    def add(key, value):
        displayed = draw(st.integers(0, 9)) > 0
        return linked.add(
            key, value, displayed=displayed, weight=draw(st.sampled_from([0, 1, 1, 100]))
        )

    keys = [[add(("c", r, c), cells[r][c]) for c in range(n_cols)] for r in range(n_rows)]
    rows = [add(("r", r), sum(row)) for r, row in enumerate(cells)]
    cols = [add(("k", c), sum(row[c] for row in cells)) for c in range(n_cols)]
    grid(linked, keys, rows, cols, add(("g",), sum(map(sum, cells))))
    return linked


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(tables())
def test_the_pass_hides_what_the_plain_pass_hides_on_tables(linked):
    expected = plain_pass(linked)
    linked.solve()
    assert (linked.hidden, linked.exposed) == expected


def test_one_cycle_through_many_committees_is_searched_for_once(monkeypatch):
    """The bench district's shape (bench/reports.py): every committee's seats are small, and
    the first cheapest cycle, through the totals, protects them all; the figures after it
    in the round are passed over, not searched for one by one."""
    rows = [{"pk": pk, "filled": 6, "open": 2, "applications": 18} for pk in range(1, 41)]
    members = dict.fromkeys(LANGUAGE_KEYS, 0) | {"es": 120, "fr": 40}
    searches = []
    cheapest = Linked._cheapest
    monkeypatch.setattr(
        Linked, "_cheapest", lambda self, *args: searches.append(args) or cheapest(self, *args)
    )
    linked = committee_figures(rows, members, LIMIT)
    linked.solve()
    assert len(searches) == 1
    assert linked.exposed == []
    assert all(("seats", "filled", row["pk"]) in linked.hidden for row in rows)
