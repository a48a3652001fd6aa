"""The suppression pass's shortcuts hide exactly what the plain pass hides: it weighs only the
edges of hidden figures, solves the RSVP figures again in place when splits are lost, and
builds the three RSVP networks' shared sums once (bench/reports.py: a year of a district).
The plain pass is kept here as the reference: every edge weighed every round."""

from collections import defaultdict
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.linked import (
    PATTERNS,
    EventFacts,
    pattern_moves,
    rsvp_figures,
    solve_rsvps,
    split_is_public,
)
from reports.suppression import Linked, Net, _components, _Steps

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
            and not linked._safe(key, where.get(key), graphs, arcs, components, hidden)
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
