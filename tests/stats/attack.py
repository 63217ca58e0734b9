"""What an attacker can work out of published tables: for every suppressed cell, the least and
the most it can be given every published count, the totals, and that no count is negative
(linear programming). The equations have a network matrix, so the bounds are whole numbers and a
suppressed cell whose least and most differ cannot be pinned to one value."""

from __future__ import annotations

import math
from collections.abc import Hashable

import numpy as np
from scipy.optimize import linprog

from opennrm.stats.tables import Table

Var = Hashable


class Knowledge:
    """Unknown cells (and hidden ones: counts never published) and the equations they obey."""

    def __init__(self) -> None:
        self.variables: list[Var] = []
        self.equations: list[tuple[dict[Var, float], float]] = []  # sum(c * x) = constant

    def variable(self, name: Var) -> Var:
        if name not in self.variables:
            self.variables.append(name)
        return name

    def equal(self, terms: list[tuple[Var | int, float]]) -> None:
        """sum(coefficient * term) = 0, where a term is a variable or a published count."""
        coefficients: dict[Var, float] = {}
        constant = 0.0
        for term, coefficient in terms:
            if isinstance(term, int):
                constant -= coefficient * term
            else:
                coefficients[term] = coefficients.get(term, 0.0) + coefficient
        self.equations.append((coefficients, constant))

    def bounds(self, combination: dict[Var, float]) -> tuple[float, float]:
        """The least and the most ``combination`` of unknowns can be."""
        index = {v: n for n, v in enumerate(self.variables)}
        a = np.zeros((len(self.equations), len(index)))
        b = np.zeros(len(self.equations))
        for row, (coefficients, constant) in enumerate(self.equations):
            for var, c in coefficients.items():
                a[row, index[var]] = c
            b[row] = constant
        c = np.zeros(len(index))
        for var, coefficient in combination.items():
            c[index[var]] = coefficient
        low = linprog(c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        high = linprog(-c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        assert low.status == 0 and high.status in (0, 3), (low.message, high.message)
        most = math.inf if high.status == 3 else round(-high.fun, 6)  # 3: unbounded
        return round(low.fun, 6), most


def cell_terms(table: Table, name: Hashable, knowledge: Knowledge) -> list[list[Var | int]]:
    """The published table (with a total row and column) as terms: counts, or unknowns."""
    grid: list[list[Var | int]] = []
    for i, row in enumerate(table.rows):
        grid.append(
            [
                value if value is not None else knowledge.variable((name, i, j))
                for j, value in enumerate(row.values)
            ]
        )
    return grid


def add_table(
    table: Table,
    name: Hashable,
    knowledge: Knowledge,
    *,
    row_totals: bool = True,
    column_totals: bool = True,
) -> list[list[Var | int]]:
    """The equations of a table published with its totals: a last column of row totals, a last
    row of column totals."""
    grid = cell_terms(table, name, knowledge)
    if row_totals:
        for row in grid:
            knowledge.equal([*((t, 1.0) for t in row[:-1]), (row[-1], -1.0)])
    if column_totals:
        for j in range(len(grid[0])):
            column = [row[j] for row in grid]
            knowledge.equal([*((t, 1.0) for t in column[:-1]), (column[-1], -1.0)])
    return grid


def unknowns(grid: list[list[Var | int]]) -> list[Var]:
    return [t for row in grid for t in row if not isinstance(t, int)]
