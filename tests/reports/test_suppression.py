"""The suppression pass on its own: every small count hidden, and no hidden figure can be
worked out by a reader who solves every shown figure together (tests/reports/exact.py, an
integer program per hidden figure, independent of the networks reports.suppression uses).
Random tables up to 8 x 6, two tables sharing their totals, and the real builders of the
linked RSVP and family figures on random data."""

import itertools
from datetime import date, timedelta

import hypothesis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import scope as q
from reports.linked import (
    MEASURES,
    EventFacts,
    committee_figures,
    family_key,
    rsvp_key,
    solve_families,
    solve_rsvps,
    split_is_public,
)
from reports.suppression import Linked, grid, percent, suppress
from tests.reports.exact import Reader

LIMIT = 10
# Many ones and nines: a hidden count at the edge of 1..9 is where a weak rule gives way.
counts = st.one_of(st.sampled_from([0, 1, 1, 2, 8, 9]), st.integers(0, 12), st.integers(10, 60))
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))


def table_reader(cells, row_totals, flags, result):
    n_rows, n_cols = len(cells), len(cells[0])
    reader = Reader(LIMIT)
    atom = {(r, c): reader.atom((r, c)) for r in range(n_rows) for c in range(n_cols)}
    for r, c in atom:
        reader.figure(f"cell {r},{c}", [atom[r, c]], cells[r][c], result.cells[r][c].hidden)
    if row_totals:
        for r in range(n_rows):
            atoms = [atom[r, c] for c in range(n_cols)]
            reader.figure(f"row {r}", atoms, sum(cells[r]), result.row_totals[r].hidden)
    for c in range(n_cols):
        if flags[c]:
            atoms = [atom[r, c] for r in range(n_rows)]
            total = sum(row[c] for row in cells)
            reader.figure(f"column {c}", atoms, total, result.col_totals[c].hidden)
    if result.grand is not None:
        reader.figure("grand", list(atom.values()), sum(map(sum, cells)), result.grand.hidden)
    return reader


def check_table(cells, row_totals, flags):
    result = suppress(cells, row_totals=row_totals, col_totals=flags, min_count=LIMIT)
    reader = table_reader(cells, row_totals, flags, result)
    for figure in reader.figures:
        if 0 < figure.value < LIMIT:
            assert figure.hidden, figure.name
    assert reader.worked_out() == [], (cells, row_totals, flags)
    return result


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.integers(1, 6).flatmap(
        lambda n_cols: st.tuples(
            st.lists(st.lists(counts, min_size=n_cols, max_size=n_cols), min_size=1, max_size=8),
            st.booleans(),
            st.lists(st.booleans(), min_size=n_cols, max_size=n_cols),
        )
    )
)
def test_no_hidden_figure_of_a_table_can_be_worked_out(table):
    cells, row_totals, flags = table
    check_table(cells, row_totals, flags)


@PROPERTY
@given(
    st.integers(1, 6),
    st.integers(1, 3),
    st.integers(1, 3),
    st.data(),
)
def test_two_tables_sharing_their_totals(n_rows, n_a, n_b, data):
    """Rows split two ways (say languages by when they registered, and by school): the two
    tables share their row totals and grand total; what the reader does not see is how the
    two splits cross (atoms: row x a x b)."""
    values = st.sampled_from([0, 0, 1, 2, 5, 9, 12, 30])
    cube = [[[data.draw(values) for _b in range(n_b)] for _a in range(n_a)] for _r in range(n_rows)]
    linked = Linked(LIMIT)
    a_cells = [
        [linked.add(("a", r, a), sum(cube[r][a])) for a in range(n_a)] for r in range(n_rows)
    ]
    b_cells = [
        [linked.add(("b", r, b), sum(cube[r][a][b] for a in range(n_a))) for b in range(n_b)]
        for r in range(n_rows)
    ]
    rows = [linked.add(("r", r), sum(map(sum, cube[r]))) for r in range(n_rows)]
    a_cols = [
        linked.add(("ac", a), sum(sum(cube[r][a]) for r in range(n_rows))) for a in range(n_a)
    ]
    b_cols = [
        linked.add(("bc", b), sum(cube[r][a][b] for r in range(n_rows) for a in range(n_a)))
        for b in range(n_b)
    ]
    grand = linked.add(("g",), sum(linked.figures[k].value for k in rows))
    # A network needs each total in two sums at most: rows shared, grand from the columns.
    net = linked.net()
    grid(linked, a_cells, rows, a_cols, net=net)
    grid(linked, b_cells, rows, b_cols, net=net)
    net.equation([grand], a_cols)
    net.equation([grand], b_cols)
    linked.solve()

    reader = Reader(LIMIT)
    atom = {
        (r, a, b): reader.atom((r, a, b))
        for r in range(n_rows)
        for a in range(n_a)
        for b in range(n_b)
    }

    def show(key, atoms):
        reader.figure(repr(key), atoms, linked.figures[key].value, key in linked.hidden)

    for r in range(n_rows):
        show(rows[r], [atom[r, a, b] for a in range(n_a) for b in range(n_b)])
        for a in range(n_a):
            show(a_cells[r][a], [atom[r, a, b] for b in range(n_b)])
        for b in range(n_b):
            show(b_cells[r][b], [atom[r, a, b] for a in range(n_a)])
    for a in range(n_a):
        show(a_cols[a], [atom[r, a, b] for r in range(n_rows) for b in range(n_b)])
    for b in range(n_b):
        show(b_cols[b], [atom[r, a, b] for r in range(n_rows) for a in range(n_a)])
    show(grand, list(atom.values()))
    assert reader.worked_out() == []


LANGS = ["es", "ar", "ht", "bn"]  # the others stay at zero


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_linked_rsvp_figures_of_a_period(data):
    """The RSVP figures of every page of a period: events (some with a public split by
    language), schools, weeks, languages, totals, the previous period; the reader's unknowns
    are each event's RSVPs by language, attended or not."""
    n_schools = data.draw(st.integers(1, 3))
    weeks = [date(2026, 1, 5) + timedelta(days=7 * i) for i in range(data.draw(st.integers(1, 3)))]
    schools = [*range(1, n_schools + 1), None]
    events = []
    for pk in range(1, data.draw(st.integers(1, 7)) + 1):
        by_language = {}
        for lang in data.draw(
            st.lists(st.sampled_from(LANGS), min_size=1, max_size=3, unique=True)
        ):
            going = data.draw(st.sampled_from([1, 2, 3, 9, 10, 12, 14, 25]))
            attended = data.draw(st.sampled_from([0, 1, going - 1, going, going // 2]))
            by_language[lang] = [going, max(0, min(going, attended))]
        events.append(
            EventFacts(
                pk=pk,
                week=data.draw(st.sampled_from(weeks)),
                school=data.draw(st.sampled_from(schools)),
                by_language=by_language,
            )
        )
    scoped = data.draw(st.booleans())  # one school's own report: no split by school
    groups = None if scoped else schools
    before = {"going": data.draw(counts), "attended": 0}
    before["attended"] = data.draw(st.integers(0, before["going"]))
    public = {e.pk for e in events if split_is_public(e, LIMIT)}
    linked = solve_rsvps(events, weeks, groups, public, before, LIMIT)
    public = linked.public_splits

    reader = Reader(LIMIT)
    atom = {}
    for event in events:
        for lang in q.LANGUAGE_KEYS:
            going, came = event.by_language.get(lang, [0, 0])
            for measure, value in (("attended", came), ("no_shows", going - came)):
                atom[event.pk, lang, measure] = reader.atom((event.pk, lang, measure))
                if event.pk in public:
                    reader.fixed_atoms[atom[event.pk, lang, measure]] = value
    before_atoms = {"attended": reader.atom("before attended"), "no_shows": reader.atom("b")}

    def atoms(group, langs=q.LANGUAGE_KEYS, measures=("attended", "no_shows")):
        return [atom[e.pk, lang, m] for e in group for lang in langs for m in measures]

    def show(measure, kind, name, group, langs=q.LANGUAGE_KEYS):
        key = rsvp_key(measure, kind, name)
        if not linked.figures[key].displayed:
            return
        measures = ("attended", "no_shows") if measure == "going" else (measure,)
        reader.figure(
            repr(key),
            atoms(group, langs, measures),
            linked.figures[key].value,
            key in linked.hidden,
        )

    for measure in MEASURES:
        show(measure, "all", None, events)
        for event in events:
            show(measure, "event", event.pk, [event])
        for school in groups or ():
            show(measure, "school", school, [e for e in events if e.school == school])
        for week in weeks:
            show(measure, "week", week, [e for e in events if e.week == week])
        for lang in q.LANGUAGE_KEYS:
            show(measure, "lang", lang, events, [lang])
    for key, parts in (
        (("before", "going"), ["attended", "no_shows"]),
        (("before", "attended"), ["attended"]),
    ):
        reader.figure(
            repr(key),
            [before_atoms[p] for p in parts],
            linked.figures[key].value,
            key in linked.hidden,
        )
    assert reader.worked_out() == []


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_linked_family_figures(data):
    """Families by language and when they registered, and (in a district) by school; the
    reader's unknowns are the families by language, registration time and set of schools."""
    n_schools = data.draw(st.integers(0, 3))  # 0: one school's own report
    schools = list(range(1, n_schools + 1))
    # A reader does not know which schools a family at several schools is at: any set.
    sets = [
        frozenset(c) for n in range(1, n_schools + 1) for c in itertools.combinations(schools, n)
    ] or [frozenset()]
    buckets = ("older", "previous", "new")
    truth = {}
    for lang in q.LANGUAGE_KEYS:
        for bucket in buckets:
            for school_set in sets:
                small = lang in LANGS and (len(school_set) < 2 or data.draw(st.booleans()))
                small = small and len(school_set) < 3
                truth[lang, bucket, school_set] = (
                    data.draw(st.sampled_from([0, 0, 1, 2, 9, 11, 20])) if small else 0
                )
    by_language = {}
    for lang in q.LANGUAGE_KEYS:
        count = {b: sum(truth[lang, b, s] for s in sets) for b in buckets}
        by_language[lang] = {
            "now": sum(count.values()),
            "before": count["older"] + count["previous"],
            "new": count["new"],
            "before_new": count["previous"],
        }
    memberships = None
    if n_schools:
        memberships = {
            school: {
                lang: sum(truth[lang, b, s] for b in buckets for s in sets if school in s)
                for lang in q.LANGUAGE_KEYS
            }
            for school in schools
        }
    linked = solve_families(by_language, memberships, LIMIT)
    if memberships is not None:
        hypothesis.event(f"counts by school shown: {linked.members_shown}")
    if not linked.members_shown:
        schools = []

    reader = Reader(LIMIT)
    atom = {key: reader.atom(key) for key in truth}

    def show(key, keys):
        if linked.figures[key].displayed:
            reader.figure(
                repr(key), [atom[k] for k in keys], linked.figures[key].value, key in linked.hidden
            )

    def pick(langs=q.LANGUAGE_KEYS, bs=buckets, school=None):
        return [
            (lang, b, s)
            for lang in langs
            for b in bs
            for s in sets
            if school is None or school in s
        ]

    for lang in q.LANGUAGE_KEYS:
        show(family_key("now", "lang", lang), pick([lang]))
        show(family_key("new", "lang", lang), pick([lang], ("new",)))
        for school in schools:
            show(family_key("members", school, lang), pick([lang], school=school))
        if schools:
            show(
                family_key("members", "lang", lang),
                [k for s in schools for k in pick([lang], school=s)],
            )
    show(family_key("now", "all"), pick())
    show(family_key("before", "all"), pick(bs=("older", "previous")))
    show(family_key("new", "all"), pick(bs=("new",)))
    show(family_key("before_new", "all"), pick(bs=("previous",)))
    for school in schools:
        show(family_key("members", school), pick(school=school))
    if schools:
        show(family_key("members", "all"), [k for s in schools for k in pick(school=s)])
    assert reader.worked_out() == [], (
        {k: v for k, v in truth.items() if v},
        [(f.name, f.value, f.hidden) for f in reader.figures if f.value or f.hidden],
    )


def test_committee_seats_and_members_are_suppressed_together():
    rows = [
        {"pk": 1, "filled": 3, "open": 20, "applications": 12},
        {"pk": 2, "filled": 15, "open": 5, "applications": 0},
    ]
    members = dict.fromkeys(q.LANGUAGE_KEYS, 0) | {"es": 15, "ar": 3}
    linked = committee_figures(rows, members, LIMIT)
    linked.solve()
    assert linked.exposed == []
    hidden = {k for k in linked.hidden if linked.figures[k].displayed}
    assert {("seats", "filled", 1), ("members", "ar")} <= hidden
    # Each small count has company in its column and in its row.
    assert len(hidden & {("seats", "filled", 2), ("seats", "filled", None)}) >= 1
    assert len(hidden & {("members", "es"), ("members", None)}) >= 1
    assert len(hidden & {("seats", "open", 1), ("seats", "all", 1)}) >= 1


def test_every_two_by_two_table_of_small_and_large_counts():
    # Exhaustive over a small alphabet: zero, the two edges of 1..9, a safe count.
    for values in itertools.product([0, 1, 9, 25], repeat=4):
        check_table([list(values[:2]), list(values[2:])], True, [True, True])


def test_two_ones_beside_a_shown_count_and_its_total():
    # The review's "Arabic 14 of 16": two hidden ones in a column with a shown total.
    grid = check_table([[14], [1], [1]], False, [True])
    assert grid.cells[1][0].hidden and grid.cells[2][0].hidden
    assert grid.cells[0][0].hidden or grid.col_totals[0].hidden


def test_one_small_cell_hides_a_rectangle_of_four():
    grid = check_table([[3, 20, 30], [40, 50, 60], [70, 80, 90]], True, [True] * 3)
    hidden = [(r, c) for r, row in enumerate(grid.cells) for c, e in enumerate(row) if e.hidden]
    assert hidden == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert not any(e.hidden for e in grid.row_totals + grid.col_totals)


def test_small_total_is_hidden_with_its_cells():
    grid = check_table([[4, 0], [30, 40]], True, [True, True])
    assert grid.row_totals[0].hidden
    assert grid.cells[0][0].hidden


def test_zero_is_shown_and_a_hidden_share_is_empty():
    grid = suppress([[0], [5], [50], [60]], col_totals=True, min_count=LIMIT)
    assert not grid.cells[0][0].hidden
    assert grid.cells[1][0].hidden and grid.cells[2][0].hidden  # the complement: 50 < 60
    assert percent(grid.cells[1][0], grid.col_totals[0]) == ""
    assert percent(grid.cells[3][0], grid.col_totals[0]) == "52%"


def test_a_system_that_is_not_a_network_is_refused():
    linked = Linked(LIMIT)
    for key in "abcd":
        linked.add(key, 20)
    linked.equation("a", ["b", "c"])
    linked.equation("a", ["d"])
    linked.equation("a", ["c"])
    with pytest.raises(ValueError, match="more than two sums"):
        linked.solve()


@pytest.mark.parametrize("threshold", [5, 10, 20])
def test_threshold_comes_from_settings(settings, threshold):
    settings.REPORTS_MIN_COUNT = threshold
    grid = suppress([[7], [100], [100]], col_totals=True)
    assert grid.cells[0][0].hidden == (threshold > 7)
    assert str(grid.cells[0][0]) == (f"<{threshold}" if threshold > 7 else "7")
