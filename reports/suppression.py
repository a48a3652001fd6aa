"""Small-cell suppression for the reports (promise C3: no count under 10, nor one that can be
worked out): a count from 1 to REPORTS_MIN_COUNT-1 is shown as "<10", and so many other figures
are hidden with it that no hidden figure can be worked out from what is shown, on any page or
CSV of the same period and scope.

The reader we protect against
-----------------------------
Reads every figure of every page and CSV for a period and scope at once, knows how they add up
(which events make a school's figure, which languages a total), knows that every count is a
whole number ≥ 0, and is assumed to know which hidden figures are small counts (1..9) and which
were hidden with them (≥ 0): the page marks both the same way, so this is the worst case. A
hidden figure is safe when that reader cannot narrow it to one value. (We do not promise a
wider interval: a small count is already only "<10", and what matters is that no figure, and so
no family, is pinned down.) The tests check this with an exact integer solver
(tests/reports/exact.py), page by page and on random linked tables.

The model: figures are edges of a flow network
----------------------------------------------
All the figures of one period and scope that add up to one another form a *linked system*.
Each sum a reader can check ("a row's cells add up to its total", "the schools add up to the
district") is an equation; written Σ left = Σ right, every equation is a node of a graph and
every figure an edge: it leaves the node where it stands on one side and enters the one where
it stands on the other (a figure in one equation only hangs from a shared "ground" node). A
table with its totals, two tables sharing a total, the families counted by language and by
school, the events grouped both by school and by week: each is such a network when it is
written with one equation too few (the rest follow) -- `Net` finds the sides itself and refuses
a system that is not one.

In a network, the changes that leave every equation true are exactly the circulations, sums of
cycles. So a hidden figure can take another value, with everything shown unchanged, exactly
when it lies on a cycle of hidden figures that can all move one step the way the cycle goes: a
small count stays within 1..9, any hidden count ≥ 0 (and ≥ what is already public of it). The
check is one strongly-connected-components pass over those possible steps (and, for a figure
free to move both ways, whether its edge is a bridge of its component: see _bridges), and it
is exact for a network: when no such cycle exists, every solution a reader can find agrees on
the figure.

One RSVP figure takes part in three sums (its school, its week, and attended + no-shows =
RSVPs). There an edge moves two figures at once: an event's attended up and its no-shows down
(RSVPs unchanged), or attended and RSVPs together, or no-shows and RSVPs together; one network
for each of the three. A cycle in any of them is a change a reader cannot rule out. This only
misses changes that mix the three kinds, so it may hide a little more than needed, never less.

The pass
--------
1. Primary: every count from 1 to threshold-1 is hidden.
2. While some hidden figure lies on no cycle, hide the shown figures of the cheapest path that
   closes one through it (a shown figure costs its count, so small ones go first; a zero costs
   most: it protects little, since a reader may know the group is empty). A figure that what
   was hidden before it in the same round already put on a cycle is passed over: its
   cheapest cycle would cost nothing and hide nothing more.

Zero is shown: a zero says nothing about a person. A share is shown only when both its count
and the total it is taken from are; a change from the previous period only when both figures
are (reports.tables).

Linked pages
------------
reports.linked builds one system per period and scope from the same counts for every page and
CSV (overview, languages, schools, events, each event's page, committees), so a figure hidden
on one is hidden on all. What the system covers and what it does not (another period or scope
opened next to this one) is written there.
"""

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings

ZERO_COST = 10**9
GROUND = -1


def threshold() -> int:
    return settings.REPORTS_MIN_COUNT


@dataclass
class Entry:
    value: int
    hidden: bool = False

    def __str__(self):
        return f"<{threshold()}" if self.hidden else str(self.value)


@dataclass
class Figure:
    value: int
    displayed: bool = True  # False: no page shows it, but it follows from those that do
    low: int = 0  # what a reader knows besides the sums (counts that are public elsewhere)
    high: float = math.inf
    weight: int = 1  # how much more it costs to hide it with others


class Net:
    """One flow network: equations over edges, each edge moving one or two figures."""

    def __init__(self):
        self.moves: dict = {}  # edge id -> ((figure key, +1 or -1), ...)
        self.equations: list[tuple[list, list]] = []
        self._graph = None

    def edge(self, edge_id, *moves):
        """An edge that moves several figures (or none: a link that is always free)."""
        self.moves[edge_id] = tuple(moves)
        self._graph = self._oriented = None

    def equation(self, left, right):
        """Σ left = Σ right, over edge ids (a figure key names the edge moving that figure)."""
        for edge_id in (*left, *right):
            self.moves.setdefault(edge_id, ((edge_id, 1),))
        self.equations.append((list(left), list(right)))
        self._graph = self._oriented = None

    def with_moves(self, moves) -> "Net":
        """The same sums over the same edges, each edge moving moves(edge id) instead: the
        three networks of the RSVP figures (reports.linked), oriented once. Add no
        equation to either afterwards."""
        other = Net()
        other.equations = self.equations
        other.moves = {edge_id: tuple(moves(edge_id)) for edge_id in self.moves}
        other._oriented = self._orient()
        return other

    def graph(self) -> list[tuple]:
        """The edges (see _build), and what a pass reads of them, built once: a network does
        not depend on the figures' values or bounds, so a group solved again with other
        bounds (reports.linked.solve_rsvps) reuses it."""
        if self._graph is None:
            self._graph = self._build()
        return self._graph

    def adjacency(self) -> dict:
        """node -> [(other node, edge index, direction, moves)], both ways."""
        edges = self.graph()
        if self._adjacency_of is not edges:
            links = defaultdict(list)
            for index, (_id, tail, head, moves) in enumerate(edges):
                links[tail].append((head, index, 1, moves))
                links[head].append((tail, index, -1, moves))
            self._adjacency, self._adjacency_of = links, edges
        return self._adjacency

    def where(self) -> dict:
        """figure key -> [edge indices moving it], ascending; and None -> the edges that
        move no figure (always free)."""
        edges = self.graph()
        if self._where_of is not edges:
            found = defaultdict(list)
            for index, (_id, _t, _h, moves) in enumerate(edges):
                if not moves:
                    found[None].append(index)
                for key, _sign in moves:
                    found[key].append(index)
            self._where, self._where_of = dict(found), edges
        return self._where

    def nodes(self) -> list:
        edges = self.graph()
        if self._nodes_of is not edges:
            nodes = {GROUND}
            for _id, tail, head, _m in edges:
                nodes.update((tail, head))
            self._nodes, self._nodes_of = sorted(nodes), edges
        return self._nodes

    _graph = _oriented = _adjacency_of = _where_of = _nodes_of = None

    def _build(self) -> list[tuple]:
        """[(edge id, tail, head, moves)]: each edge leaves the equation where it stands on
        the left and enters the one where it stands on the right, after flipping whole
        equations so that no edge is on the same side twice."""
        return [
            (edge_id, tail, head, self.moves[edge_id]) for edge_id, tail, head in self._orient()
        ]

    def _orient(self) -> list[tuple]:
        """[(edge id, tail, head)], in the order of the edge ids' repr."""
        if self._oriented is None:
            self._oriented = self._orientation()
        return self._oriented

    def _orientation(self) -> list[tuple]:
        seen: dict = defaultdict(list)
        for index, (left, right) in enumerate(self.equations):
            for edge_id in left:
                seen[edge_id].append((index, -1))
            for edge_id in right:
                seen[edge_id].append((index, 1))
        sign = {}
        links = defaultdict(list)
        for edge_id, places in seen.items():
            if len(places) > 2 or (len(places) == 2 and places[0][0] == places[1][0]):
                raise ValueError(f"{edge_id!r} is in more than two sums: not a network")
            if len(places) == 2:
                (a, role_a), (b, role_b) = places
                links[a].append((b, -role_a * role_b))
                links[b].append((a, -role_a * role_b))
        for start in range(len(self.equations)):
            if start in sign:
                continue
            sign[start] = 1
            stack = [start]
            while stack:
                node = stack.pop()
                for other, relation in links[node]:
                    want = sign[node] * relation
                    if other not in sign:
                        sign[other] = want
                        stack.append(other)
                    elif sign[other] != want:
                        raise ValueError("the sums cannot be oriented: not a network")
        edges = []
        for edge_id in sorted(self.moves, key=repr):
            tail = head = GROUND
            for index, role in seen.get(edge_id, ()):
                if sign[index] * role < 0:
                    tail = index
                else:
                    head = index
            edges.append((edge_id, tail, head))
        return edges


class Linked:
    """Figures and the networks they form; solve() decides which are hidden."""

    def __init__(self, min_count: int | None = None):
        self.limit = threshold() if min_count is None else min_count
        self.figures: dict = {}
        self.nets: list[Net] = []
        self.hidden: set | None = None
        self.exposed: list = []  # hidden figures no cycle can reach (see solve)
        self._plain: Net | None = None

    def add(self, key, value: int, **options) -> str:
        self.figures[key] = Figure(int(value), **options)
        return key

    def net(self) -> Net:
        self.nets.append(Net())
        return self.nets[-1]

    def equation(self, total, parts):
        """total = Σ parts (total may be a list: Σ total = Σ parts), in the network shared by
        plain tables."""
        if self._plain is None:
            self._plain = self.net()
        self._plain.equation(total if isinstance(total, list) else [total], parts)

    def __getstate__(self):
        """What the shared cache keeps (reports.report.shared): once solved, the figures and
        what is hidden, not the networks they were solved on (most of the bytes, and of the
        time to read them back)."""
        state = self.__dict__.copy()
        if self.hidden is not None:
            state.update(nets=[], _plain=None)
            state.pop("_step", None)
        return state

    def primary(self, key) -> bool:
        return 0 < self.figures[key].value < self.limit

    def entry(self, key) -> Entry:
        if self.hidden is None:
            self.solve()
        return Entry(self.figures[key].value, key in self.hidden)

    # --- the pass ------------------------------------------------------------------------

    def _bounds(self, key):
        figure = self.figures[key]
        if self.primary(key):
            return max(1, figure.low), min(self.limit - 1, figure.high)
        return figure.low, figure.high

    def _step_cost(self, moves, direction, hidden) -> float:
        """What it costs to move these figures one step (0: all hidden already; inf: a
        figure cannot move that way, shown or hidden)."""
        cost = 0
        for key, sign in moves:
            up, down, price = self._step[key]
            if not (up if direction * sign > 0 else down):
                return math.inf
            if key not in hidden:
                cost += price
        return cost

    def _residual(self, edges, where, candidates, hidden):
        """Arcs a hidden cycle may use: (from, to, edge index), both ways where allowed.
        Only edges that move candidates (hidden or free figures) or nothing can: the others
        cost something to move (where: Net.where of the edges)."""
        arcs = defaultdict(list)
        indices = set(where.get(None, ()))
        for key in candidates:
            indices.update(where.get(key, ()))
        for index in sorted(indices):
            _id, tail, head, moves = edges[index]
            if self._step_cost(moves, 1, hidden) == 0:
                arcs[tail].append((head, index))
            if self._step_cost(moves, -1, hidden) == 0:
                arcs[head].append((tail, index))
        return arcs

    def _on_cycle(self, edges, cycles, index, hidden) -> bool:
        _id, tail, head, moves = edges[index]
        _arcs, component, bridges = cycles
        ways = [d for d in (1, -1) if self._step_cost(moves, d, hidden) == 0]
        if not ways:
            return False
        if tail == head:
            return True  # in no sum at all: it can move on its own
        if component.get(tail, tail) != component.get(head, head):
            return False
        if len(ways) == 1:
            return True
        # Both ways open: the way back must not be this very edge taken backwards. In a
        # strongly connected component, some path joins its ends one way or the other
        # without it exactly when it is no bridge of the component (see _bridges).
        return index not in bridges

    def _cheapest(self, edges, adjacency, index, hidden):
        """(cost, figures to hide) of the cheapest cycle through edge index, or None."""
        _id, tail, head, moves = edges[index]
        best = None
        for direction in (1, -1):
            own = self._step_cost(moves, direction, hidden)
            if own == math.inf:
                continue
            start, goal = (head, tail) if direction == 1 else (tail, head)
            if start == goal:
                found = (own, [])
            else:
                found = self._path(adjacency, start, goal, hidden, index)
                if found is None:
                    continue
                found = (found[0] + own, found[1])
            extra = [key for key, _s in moves if key not in hidden]
            candidate = (found[0], sorted(set(found[1] + extra), key=repr))
            if best is None or candidate[0] < best[0]:
                best = candidate
        return best

    def _path(self, adjacency, start, goal, hidden, avoid):
        steps = self._step
        costs = {start: 0}
        came = {}
        queue = [(0, 0, start)]
        counter = 0
        while queue:
            cost, _n, node = heapq.heappop(queue)
            if node == goal:
                break
            if cost > costs.get(node, math.inf):
                continue
            for other, via, direction, moves in adjacency.get(node, ()):
                if via == avoid:
                    continue
                # _step_cost, inline: this loop is most of a pass on a mostly hidden table.
                step = 0
                for key, sign in moves:
                    up, down, price = steps[key]
                    if not (up if direction * sign > 0 else down):
                        step = math.inf
                        break
                    if key not in hidden:
                        step += price
                if step == math.inf:
                    continue
                if cost + step < costs.get(other, math.inf):
                    costs[other] = cost + step
                    came[other] = (node, moves)
                    counter += 1
                    heapq.heappush(queue, (cost + step, counter, other))
        if goal not in came:
            return None
        keys = []
        node = goal
        while node != start:
            node, moves = came[node]
            keys += [key for key, _s in moves if key not in hidden]
        return costs[goal], keys

    def _needs_cycle(self, key, hidden) -> bool:
        figure = self.figures[key]
        return key in hidden and (figure.displayed or self.primary(key))

    def solve(self) -> set:
        hidden = {k for k, f in self.figures.items() if not f.displayed or self.primary(k)}
        self._step = _Steps(self)
        graphs = [net.graph() for net in self.nets]
        adjacency = [net.adjacency() for net in self.nets]
        in_net = [net.where() for net in self.nets]
        # Figures a step of which costs nothing though shown (none, unless a weight is 0):
        # their edges may join a hidden cycle as hidden figures' do.
        free = [k for k, f in self.figures.items() if f.weight * (f.value or ZERO_COST) <= 0]

        def where(key) -> list:
            """[(graph, edge index)] of the edges moving a figure."""
            return [(g, index) for g, found in enumerate(in_net) for index in found.get(key, ())]

        def cycles() -> list:
            """Per network: (arcs, components, bridges) of the steps that cost nothing."""
            found = []
            for edges, places in zip(graphs, in_net, strict=True):
                arcs = self._residual(edges, places, (*hidden, *free), hidden)
                component = _components(arcs)
                found.append((arcs, component, _bridges(arcs, component)))
            return found

        # Hidden figures are only ever added: while as many are hidden, the cycles stand.
        now, seen = None, -1
        for _round in range(len(self.figures) + 1):
            if len(hidden) != seen:
                now, seen = cycles(), len(hidden)
            # Only hidden figures need a cycle; in the order of their repr, as every pass.
            exposed = [
                key
                for key in sorted(hidden, key=repr)
                if self._needs_cycle(key, hidden)
                and not self._safe(key, where(key), graphs, now, hidden)
            ]
            self.exposed = exposed
            if not exposed:
                break
            added = False
            for key in exposed:
                if added and all(k in hidden for k in free):
                    # What was hidden for the figures before may close a cycle through this
                    # one. Every shown figure costs something to hide, so its cheapest cycle
                    # would then cost nothing and hide nothing more: pass over it.
                    if len(hidden) > seen:
                        now, seen = cycles(), len(hidden)
                    if self._safe(key, where(key), graphs, now, hidden):
                        continue
                options = [
                    self._cheapest(graphs[g], adjacency[g], index, hidden)
                    for g, index in where(key)
                ]
                options = [o for o in options if o is not None]
                if not options:
                    # No cycle can be made, whatever else is hidden: what readers know
                    # besides the sums (the bounds) pins it. The caller must tell less.
                    continue
                extra = set(min(options, key=lambda o: o[0])[1]) - hidden
                if extra:
                    hidden |= extra
                    added = True
            if not added:
                break  # nothing more to hide: leave what is hidden hidden
        self.hidden = hidden
        return hidden

    def _safe(self, key, places, graphs, cycles, hidden) -> bool:
        if not places:
            low, high = self._bounds(key)
            return high > low  # in no sum: only its own bounds
        return any(self._on_cycle(graphs[g], cycles[g], index, hidden) for g, index in places)


class _Steps(dict):
    """key -> (can go up, can go down, what hiding it costs), fixed for a pass, worked out
    for the figures a pass asks about only: a district's RSVP networks have tens of
    thousands of figures and a pass reads a few of them. It keeps the figures and the
    limit, not the Linked: no reference cycle keeps a district's figures alive after the
    request."""

    def __init__(self, linked):
        super().__init__()
        self.figures, self.limit = linked.figures, linked.limit

    def __missing__(self, key):
        figure = self.figures[key]
        low, high = figure.low, figure.high
        if 0 < figure.value < self.limit:  # Linked._bounds of a primary figure
            low, high = max(1, low), min(self.limit - 1, high)
        cost = (figure.value or ZERO_COST) * figure.weight
        self[key] = (low <= figure.value + 1 <= high, low <= figure.value - 1 <= high, cost)
        return self[key]


def _components(arcs) -> dict:
    """Strongly connected components (Tarjan's, iterative): node -> component number, for
    the nodes arcs leave (a node no arc leaves is its own component: absent here)."""
    nodes = [node for node, out in arcs.items() if out]
    index, low, component = {}, {}, {}
    stack, on_stack = [], set()
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(arcs.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, neighbours = work[-1]
            advanced = False
            for other, _via in neighbours:
                if other not in index:
                    index[other] = low[other] = counter
                    counter += 1
                    stack.append(other)
                    on_stack.add(other)
                    work.append((other, iter(arcs.get(other, ()))))
                    advanced = True
                    break
                if other in on_stack:
                    low[node] = min(low[node], index[other])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = node
                    if member == node:
                        break
    return component


def _bridges(arcs, component) -> set:
    """The edge indices that are bridges of their strongly connected component, its arcs
    taken as undirected edges (an edge's two arcs are one edge). An edge with both arcs in
    a component C lies on a cycle without being taken back exactly when it is no bridge:
    without it, C falls into strongly connected parts that it joins both ways, so each
    part with no arc in from the others (or none out) holds one of its ends; when no path
    joins its ends one way or the other, those two parts are all of C and nothing joins
    them."""
    links = defaultdict(list)
    for node, out in arcs.items():
        here = component.get(node, node)
        for other, via in out:
            if other != node and component.get(other, other) == here:
                links[node].append((other, via))
                links[other].append((node, via))
    order, low, bridges = {}, {}, set()
    for root in links:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        work = [(root, None, iter(links[root]))]
        while work:
            node, entry, neighbours = work[-1]
            for other, via in neighbours:
                if via == entry:
                    continue  # the edge we came by, whichever of its arcs
                if other in order:
                    if order[other] < low[node]:
                        low[node] = order[other]
                else:
                    order[other] = low[other] = len(order)
                    work.append((other, via, iter(links[other])))
                    break
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    if low[node] < low[parent]:
                        low[parent] = low[node]
                    elif low[node] > order[parent]:
                        bridges.add(entry)
    return bridges


# --- one table on its own -----------------------------------------------------------------


@dataclass
class Grid:
    """The result of suppress(): cells[r][c], row_totals[r], col_totals[c] and grand as
    Entry objects, or None for a margin that is not shown."""

    cells: list[list[Entry]]
    row_totals: list[Entry] | None
    col_totals: list[Entry | None] | None
    grand: Entry | None


def grid(linked: Linked, cells, row_totals=None, col_totals=None, grand=None, net=None):
    """The equations of a table of figure keys: each row adds up to its total, each column to
    its own, the row totals to the grand total (the column totals then add up to it too, so
    that equation is left out: a network needs one equation too few). col_totals may hold
    None for a column without a total."""

    def add(total, parts):
        if net is None:
            linked.equation(total, parts)
        else:
            net.equation([total], parts)

    for r, row in enumerate(cells):
        if row_totals is not None:
            add(row_totals[r], row)
    for c in range(len(cells[0]) if cells else 0):
        if col_totals is not None and col_totals[c] is not None:
            add(col_totals[c], [row[c] for row in cells])
    if grand is not None:
        if row_totals is not None:
            add(grand, row_totals)
        elif col_totals is not None and all(t is not None for t in col_totals):
            add(grand, col_totals)


def suppress(
    cells: list[list[int]],
    *,
    row_totals: bool = False,
    col_totals: bool | list[bool] = False,
    min_count: int | None = None,
) -> Grid:
    """Suppress one table of counts on its own. col_totals may name, column by column, which
    columns have a shown total. The grand total is shown when the row totals are and every
    column has a total."""
    linked = Linked(min_count)
    n_rows, n_cols = len(cells), len(cells[0]) if cells else 0
    flags = [col_totals] * n_cols if isinstance(col_totals, bool) else list(col_totals)
    assert len(flags) == n_cols
    has_grand = row_totals and n_cols > 0 and all(flags)
    keys = [[linked.add(("c", r, c), cells[r][c]) for c in range(n_cols)] for r in range(n_rows)]
    rows = [linked.add(("r", r), sum(cells[r])) for r in range(n_rows)] if row_totals else None
    cols = [
        linked.add(("k", c), sum(row[c] for row in cells)) if flags[c] else None
        for c in range(n_cols)
    ]
    total = linked.add(("g",), sum(map(sum, cells))) if has_grand else None
    grid(linked, keys, rows, cols if any(flags) else None, total)
    linked.solve()
    return Grid(
        cells=[[linked.entry(k) for k in row] for row in keys],
        row_totals=[linked.entry(k) for k in rows] if rows else None,
        col_totals=[linked.entry(k) if k else None for k in cols] if any(flags) else None,
        grand=linked.entry(total) if total else None,
    )


def percent(part: Entry | None, whole: Entry | None) -> str:
    """A share as text, or "" when either number is hidden (it would give the count away)."""
    if part is None or whole is None or part.hidden or whole.hidden or not whole.value:
        return ""
    return f"{round(100 * part.value / whole.value)}%"
