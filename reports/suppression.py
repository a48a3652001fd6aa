"""Small-cell suppression for report tables (RELIABILITY C3, DESIGN.md "Data the portal does
not collect").

A table is a grid of counts with, optionally, a total for each row and for each column and a
grand total. Every total is the sum of its cells, so each shown total is an equation a reader
can solve. The rules:

1. Primary: a count from 1 to threshold-1 (cells and totals alike) is hidden.
2. Complementary: the hidden entries of the full grid (cells plus the margins that are shown)
   are seen as edges of a graph whose nodes are the rows and columns that have an equation
   (a shown total). A hidden entry can be worked out from the totals exactly when it is a
   bridge of that graph: one alone in its row, or joining two otherwise separate groups. So
   while there is a bridge, one more entry next to it is hidden (the smallest shown count of
   its row or column, which costs readers least). A row or column with one hidden cell is
   the simplest bridge; the loop removes the rest too.

Zero is shown: a zero says nothing about a person. A percentage is shown only when both the
count and the total it is taken from are shown.
"""

import heapq
from dataclasses import dataclass, field

from django.conf import settings


def threshold() -> int:
    return settings.REPORTS_MIN_COUNT


@dataclass
class Entry:
    value: int
    hidden: bool = False

    def __str__(self):
        return f"<{threshold()}" if self.hidden else str(self.value)


@dataclass
class Grid:
    """The result: cells[r][c], row_totals[r], col_totals[c] and grand as Entry objects, or
    None for a margin that is not shown."""

    cells: list[list[Entry]]
    row_totals: list[Entry] | None
    col_totals: list[Entry | None] | None
    grand: Entry | None
    rounds: int = field(default=0)

    def hidden_count(self) -> int:
        entries = [e for row in self.cells for e in row]
        entries += self.row_totals or []
        entries += [e for e in (self.col_totals or []) if e is not None]
        entries += [self.grand] if self.grand else []
        return sum(e.hidden for e in entries)


def suppress(
    cells: list[list[int]],
    *,
    row_totals: bool = False,
    col_totals: bool | list[bool] = False,
    min_count: int | None = None,
) -> Grid:
    """Suppress a table of counts. col_totals may name, column by column, which columns have a
    shown total (a column of rates or of a count that does not add up has none). The grand
    total is shown when the row totals are and every column has a total."""
    limit = threshold() if min_count is None else min_count
    n_rows = len(cells)
    n_cols = len(cells[0]) if cells else 0
    if isinstance(col_totals, bool):
        col_flags = [col_totals] * n_cols
    else:
        col_flags = list(col_totals)
        assert len(col_flags) == n_cols
    has_grand = row_totals and n_cols > 0 and all(col_flags)

    # The full grid: rows 0..n_rows-1, then the totals row at index n_rows; columns likewise.
    total_row, total_col = n_rows, n_cols
    values: dict[tuple[int, int], int] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            values[(r, c)] = cells[r][c]
    if row_totals:
        for r in range(n_rows):
            values[(r, total_col)] = sum(cells[r])
    for c in range(n_cols):
        if col_flags[c]:
            values[(total_row, c)] = sum(cells[r][c] for r in range(n_rows))
    if has_grand:
        values[(total_row, total_col)] = sum(sum(row) for row in cells)

    # Which lines carry an equation: a data row when its total is shown, a data column when
    # its total is shown, the totals row when the grand total is shown (sum of column totals),
    # the totals column likewise.
    row_eq = dict.fromkeys(range(n_rows), row_totals)
    row_eq[total_row] = has_grand
    col_eq = {c: col_flags[c] for c in range(n_cols)}
    col_eq[total_col] = has_grand

    hidden = {key for key, value in values.items() if 0 < value < limit}

    rounds = 0
    while True:
        bridge = _find_bridge(hidden, row_eq, col_eq)
        if bridge is None:
            break
        rounds += 1
        extra = _complement(bridge, hidden, values, row_eq, col_eq)
        if not extra:
            # Nothing shown is left next to it (tiny tables): hide the whole table rather
            # than publish a number that can be worked out.
            hidden = set(values)
            break
        hidden.update(extra)

    def entry(key):
        return Entry(values[key], key in hidden)

    return Grid(
        cells=[[entry((r, c)) for c in range(n_cols)] for r in range(n_rows)],
        row_totals=[entry((r, total_col)) for r in range(n_rows)] if row_totals else None,
        col_totals=[entry((total_row, c)) if col_flags[c] else None for c in range(n_cols)]
        if any(col_flags)
        else None,
        grand=entry((total_row, total_col)) if has_grand else None,
        rounds=rounds,
    )


def _nodes(key, row_eq, col_eq):
    """The equations an entry takes part in: ("r", row) and/or ("c", column)."""
    r, c = key
    nodes = []
    if row_eq.get(r):
        nodes.append(("r", r))
    if col_eq.get(c):
        nodes.append(("c", c))
    return nodes


def _find_bridge(hidden, row_eq, col_eq):
    """A hidden entry that the shown totals determine, or None.

    Each hidden entry is an edge between the equations it takes part in. An entry in only
    one equation is an edge to a shared "ground" node with no equation of its own. Summing
    the equations of one side of a cut (rows added, columns subtracted) leaves exactly the
    entries crossing it, so an entry is determined exactly when it is a bridge."""
    adjacency: dict[tuple, list[tuple]] = {}
    for key in sorted(hidden):
        nodes = _nodes(key, row_eq, col_eq)
        if not nodes:
            continue  # in no equation at all: nothing can work it out
        a, b = nodes if len(nodes) == 2 else (nodes[0], ("ground",))
        adjacency.setdefault(a, []).append((b, key))
        adjacency.setdefault(b, []).append((a, key))

    # Tarjan's bridge search, iterative; parallel edges are told apart by their key.
    index: dict[tuple, int] = {}
    low: dict[tuple, int] = {}
    counter = 0
    for start in adjacency:
        if start in index:
            continue
        index[start] = low[start] = counter
        counter += 1
        stack = [(start, None, iter(adjacency[start]))]
        while stack:
            node, via, neighbours = stack[-1]
            advanced = False
            for neighbour, key in neighbours:
                if key == via:
                    continue
                if neighbour not in index:
                    index[neighbour] = low[neighbour] = counter
                    counter += 1
                    stack.append((neighbour, key, iter(adjacency[neighbour])))
                    advanced = True
                    break
                low[node] = min(low[node], index[neighbour])
            if advanced:
                continue
            stack.pop()
            if stack:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[node])
                if low[node] > index[parent]:
                    return via
    return None


def _complement(bridge, hidden, values, row_eq, col_eq):
    """The cheapest set of shown entries to hide so that the determined entry lies on a cycle
    (then no sum of equations isolates it): a shortest path between its two ends, where a
    hidden entry costs nothing and a shown one its count. A zero costs most: a hidden zero
    protects little, since a reader may know the group is empty."""
    ends = _nodes(bridge, row_eq, col_eq)
    a, b = ends if len(ends) == 2 else (ends[0], ("ground",))
    adjacency: dict[tuple, list[tuple]] = {}
    biggest = max(values.values(), default=0) + 1
    for key, value in values.items():
        if key == bridge:
            continue
        nodes = _nodes(key, row_eq, col_eq)
        if not nodes:
            continue
        u, v = nodes if len(nodes) == 2 else (nodes[0], ("ground",))
        cost = 0 if key in hidden else (value if value else biggest * 10)
        adjacency.setdefault(u, []).append((v, key, cost))
        adjacency.setdefault(v, []).append((u, key, cost))
    best = {a: 0}
    came: dict[tuple, tuple] = {}
    queue = [(0, a)]
    while queue:
        cost, node = heapq.heappop(queue)
        if node == b:
            break
        if cost > best.get(node, cost):
            continue
        for neighbour, key, step in adjacency.get(node, ()):
            new = cost + step
            if new < best.get(neighbour, new + 1):
                best[neighbour] = new
                came[neighbour] = (node, key)
                heapq.heappush(queue, (new, neighbour))
    if b not in came:
        return None
    path = []
    node = b
    while node != a:
        node, key = came[node]
        path.append(key)
    return [key for key in path if key not in hidden]


def percent(part: Entry | None, whole: Entry | None) -> str:
    """A share as text, or "" when either number is hidden (it would give the count away)."""
    if part is None or whole is None or part.hidden or whole.hidden or not whole.value:
        return ""
    return f"{round(100 * part.value / whole.value)}%"
