"""An exact reader for the suppression tests: what can a person who reads every shown figure
work out about each hidden one?

The reader's model (reports.suppression explains why it is the one we protect against):
- the published figures are sums of unknown counts ("atoms", integers ≥ 0) that the reader
  knows the structure of: which event, school, week, language and so on each figure adds up;
- every shown figure is known exactly;
- a hidden figure whose true value is a small count (1 .. limit-1) is known to be one (the
  reader is assumed to tell the small counts from the cells hidden with them, which the page
  does not say: the worst case), any other hidden figure only to be ≥ 0.

For each hidden figure the reader's range is [min, max] of its sum over all integer atoms that
satisfy these constraints, found with an integer program (scipy's milp, HiGHS). A figure is
worked out when min == max. Integer, not linear, programming: an LP's bounds would only show
that a figure is *not* determined when the LP optimum is integral, which these systems do not
promise once tables are linked (they stop being network matrices).
"""

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp


@dataclass
class Figure:
    name: str
    atoms: dict  # atom index -> coefficient (1 for a plain sum)
    value: int
    hidden: bool
    primary: bool = False  # a hidden small count: the reader knows it is 1 .. limit-1


@dataclass
class Reader:
    limit: int
    atoms: list = field(default_factory=list)  # names, for messages
    figures: list[Figure] = field(default_factory=list)
    fixed_atoms: dict = field(default_factory=dict)  # atom index -> value known exactly

    def atom(self, name) -> int:
        self.atoms.append(name)
        return len(self.atoms) - 1

    def figure(self, name, atoms, value, hidden):
        atoms = dict(Counter(atoms)) if not isinstance(atoms, dict) else atoms
        primary = hidden and 0 < value < self.limit
        self.figures.append(Figure(name, atoms, value, hidden, primary))

    def _constraints(self):
        n = len(self.atoms)
        rows, lower, upper = [], [], []
        for figure in self.figures:
            if figure.hidden and not figure.primary:
                continue  # ≥ 0 already follows from the atoms
            row = np.zeros(n)
            for atom, coefficient in figure.atoms.items():
                row[atom] += coefficient
            rows.append(row)
            if figure.hidden:
                lower.append(1)
                upper.append(self.limit - 1)
            else:
                lower.append(figure.value)
                upper.append(figure.value)
        lo = np.zeros(n)
        hi = np.full(n, np.inf)
        for atom, value in self.fixed_atoms.items():
            lo[atom] = hi[atom] = value
        return rows, lower, upper, Bounds(lo, hi)

    def ranges(self) -> dict[str, tuple[float, float]]:
        """{hidden figure: (min, max)} over every table of atoms the reader cannot rule out."""
        n = len(self.atoms)
        rows, lower, upper, bounds = self._constraints()
        constraints = [LinearConstraint(np.array(rows), lower, upper)] if rows else []
        result = {}
        for figure in self.figures:
            if not figure.hidden:
                continue
            c = np.zeros(n)
            for atom, coefficient in figure.atoms.items():
                c[atom] += coefficient
            found = []
            for sign in (1, -1):
                solved = milp(
                    sign * c,
                    constraints=constraints,
                    integrality=np.ones(n),
                    bounds=bounds,
                )
                if solved.status != 0:
                    # HiGHS may not tell "unbounded" from "infeasible": the true counts are
                    # a solution and every count is ≥ 0, so only a maximum can be missing.
                    assert sign == -1 and solved.status in (2, 3, 4), (figure.name, solved.message)
                    found.append(np.inf)
                    continue
                found.append(round(sign * solved.fun))
            result[figure.name] = (found[0], found[1])
        return result

    def worked_out(self) -> list[tuple[str, int]]:
        """Hidden figures whose value the reader can work out exactly."""
        return [(name, int(low)) for name, (low, high) in self.ranges().items() if low == high]
