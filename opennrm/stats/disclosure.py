"""Disclosure control of tables of counts: small-cell suppression (decision 0023).

Pure functions over ``Table``: nothing here reads the database.

- **Primary suppression**: every cell with ``0 < count < threshold`` (CTDC's 11 by default,
  ``settings.OPENNRM_STATS_SUPPRESSION_THRESHOLD``, or per call) is published as None.
- **Zeros are shown.** A zero counts nobody, so it names nobody; what it can say ("none of the 15
  people from X were men") is said by the other cells of the row just as well. A zero is never
  chosen as a complementary cell when a positive one will do: a hidden zero can only be guessed
  upward, so it protects less.
- **Secondary suppression**: the totals are published (or known), so a suppressed cell must not
  be recoverable from them. Each row and column of the table with its totals is an equation; the
  attacker knows every published cell. Complementary cells (the smallest positive counts first,
  the totals last) are suppressed until no suppressed cell is determined by the equations, checked
  exactly by linear algebra (a cell is determined when its unit vector lies in the row space of
  the equations over the unknown cells); the quick rule "no row or column with exactly one
  suppressed cell" runs first. As every suppressed cell is then positive and lies on a cycle of
  positive suppressed cells, moving one unit along the cycle keeps every count non-negative: no
  suppressed cell can be pinned to one value, bounds included.
- **Periods** (``suppress_consistently``): tables of several periods are suppressed together.
  Each period's table is the sum of the tables of the elementary periods between all the periods'
  boundaries; a suppressed cell must not be recoverable across periods (a year minus three of its
  quarters), nor a small count of any stretch of time that a combination of the periods gives
  (January to July minus January to June: the people of July).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opennrm.errors import ValidationFailed

from .tables import Row, Table

DEFAULT_THRESHOLD = 11  # CTDC publishes no count under 11 (its k-anonymity k)
MINIMUM_THRESHOLD = 2  # below 2 nothing would be suppressed: a count of 1 is a person

Key = Hashable
Period = tuple[date, date]  # first and last day, both included


def suppression_threshold(threshold: int | None = None) -> int:
    """The threshold of a call, else the setting; refused below 2 with a message saying why."""
    value = threshold
    if value is None:
        value = getattr(settings, "OPENNRM_STATS_SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed.of(
            {"threshold": [_("The suppression threshold must be a whole number.")]},
            _("The suppression threshold must be a whole number."),
        )
    if value < MINIMUM_THRESHOLD:
        message = _(
            "The suppression threshold must be at least %(minimum)d (it is %(value)d): "
            "a count of 1 is a person."
        ) % {"minimum": MINIMUM_THRESHOLD, "value": value}
        raise ValidationFailed.of({"threshold": [message]}, message)
    return value


# --- The problem: cells, what the attacker knows, what must stay unknown.


@dataclass
class _Problem:
    values: dict[Key, int] = field(default_factory=dict)  # every published (or known) cell
    fixed: set[Key] = field(default_factory=set)  # known to all, never suppressed
    equations: list[dict[Key, float]] = field(default_factory=list)  # sum(coefficient * x) = 0
    lines: list[list[Key]] = field(default_factory=list)  # published cells of one equation
    sensitive: list[dict[Key, float]] = field(default_factory=list)  # combinations kept unknown
    suppressed: set[Key] = field(default_factory=set)
    order: dict[Key, int] = field(default_factory=dict)  # a stable tie-break
    _nulls: dict[frozenset[Key], tuple[dict[Key, int], Any]] = field(default_factory=dict)

    def add_cell(self, key: Key, value: int, *, fixed: bool = False) -> None:
        self.order[key] = len(self.order)
        self.values[key] = value
        if fixed:
            self.fixed.add(key)

    def _null_space(self, suppressed: frozenset[Key]) -> tuple[dict[Key, int], Any]:
        """The unknowns' index and a basis of the null space of the equations over them: how the
        unknowns can move together without changing anything published."""
        if suppressed not in self._nulls:
            unknown = sorted(suppressed, key=self.order.__getitem__)
            index = {key: n for n, key in enumerate(unknown)}
            rows = []
            for equation in self.equations:
                row = np.zeros(len(unknown))
                for key, coefficient in equation.items():
                    if key in index:
                        row[index[key]] = coefficient
                if row.any():
                    rows.append(row)
            if not rows or not unknown:
                null = np.eye(len(unknown))
            else:
                known = np.array(rows)
                _u, singular, vt = np.linalg.svd(known)
                tolerance = singular.max() * max(known.shape) * np.finfo(float).eps
                rank = int((singular > tolerance).sum())
                null = vt[rank:].T
            if len(self._nulls) > 64:
                self._nulls.clear()
            self._nulls[suppressed] = (index, null)
        return self._nulls[suppressed]

    def determined(self, combination: Mapping[Key, float], suppressed: set[Key]) -> bool:
        """Whether the attacker can compute ``combination`` of cells from what is published: it
        is orthogonal to every way the unknowns can move."""
        index, null = self._null_space(frozenset(suppressed))
        target = np.zeros(len(index))
        for key, coefficient in combination.items():
            if key in index:
                target[index[key]] = coefficient
        if not target.any():
            return True  # only published cells
        if null.shape[1] == 0:
            return True
        return bool(np.linalg.norm(null.T @ target) <= 1e-9 * np.linalg.norm(target))

    def candidates(self, keys: Iterable[Key]) -> list[Key]:
        """Cells that may be suppressed as complements, best first: the smallest positive count,
        one whose lines already hide a cell (it closes a cycle), then zeros."""
        hiding: dict[Key, int] = {}
        for line in self.lines:
            count = sum(1 for key in line if key in self.suppressed)
            for key in line:
                hiding[key] = hiding.get(key, 0) + (1 if count else 0)
        free = {
            key
            for key in keys
            if key in self.values and key not in self.suppressed and key not in self.fixed
        }
        return sorted(
            free,
            key=lambda k: (self.values[k] == 0, self.values[k], -hiding.get(k, 0), self.order[k]),
        )

    def neighbours(self, combination: Mapping[Key, float]) -> list[Key]:
        """The cells of the equations that hold a cell of ``combination``: where to look first."""
        support = set(combination)
        found: list[Key] = list(combination)
        for equation in self.equations:
            if support & set(equation):
                found.extend(equation)
        return found

    def protect(self) -> int:
        """Suppress complementary cells until nothing sensitive can be computed; their count."""
        primary = len(self.suppressed)
        for _round in range(len(self.values) + 1):
            if self._line_rule() or self._exact_rule():
                continue
            break
        return len(self.suppressed) - primary

    def _line_rule(self) -> bool:
        for line in self.lines:
            if sum(1 for key in line if key in self.suppressed) == 1:
                choice = self.candidates(line)
                if choice:
                    self.suppressed.add(choice[0])
                    return True
        return False

    def _exact_rule(self) -> bool:
        targets: list[dict[Key, float]] = [
            {key: 1.0} for key in sorted(self.suppressed, key=self.order.__getitem__)
        ]
        for combination in [*targets, *self.sensitive]:
            if not self.determined(combination, self.suppressed):
                continue
            near = self.candidates(self.neighbours(combination))
            nearby = set(near)
            rest = [k for k in self.candidates(self.values) if k not in nearby]
            for key in [*near, *rest]:
                if not self.determined(combination, self.suppressed | {key}):
                    self.suppressed.add(key)
                    return True
            if near or rest:  # no single cell is enough: hide the nearest and go on
                self.suppressed.add((near or rest)[0])
                return True
        return False


# --- One table and its totals as cells.


@dataclass
class _Layout:
    rows: int
    columns: int
    row_totals: bool  # a total column: each row's sum
    column_totals: bool  # a total row: each column's sum

    @classmethod
    def of(cls, table: Table) -> _Layout:
        rows, columns = len(table.rows), len(table.columns)
        # A single row is its own column totals; a single column its own row totals.
        return cls(rows, columns, row_totals=columns > 1, column_totals=rows > 1)

    def cells(self) -> list[tuple[int, int]]:
        height = self.rows + (1 if self.column_totals else 0)
        width = self.columns + (1 if self.row_totals else 0)
        return [(i, j) for i in range(height) for j in range(width)]


def _values(table: Table, layout: _Layout) -> dict[tuple[int, int], int]:
    values: dict[tuple[int, int], int] = {}
    for i, row in enumerate(table.rows):
        if len(row.values) != layout.columns:
            raise ValueError(f"row {i} of table {table.key!r} has the wrong number of cells")
        for j, value in enumerate(row.values):
            if value is None or value < 0:
                raise ValueError(f"table {table.key!r} holds a suppressed or negative cell")
            values[(i, j)] = value
    for i in range(layout.rows):
        if layout.row_totals:
            values[(i, layout.columns)] = sum(values[(i, j)] for j in range(layout.columns))
    if layout.column_totals:
        for j in range(layout.columns + (1 if layout.row_totals else 0)):
            values[(layout.rows, j)] = sum(values[(i, j)] for i in range(layout.rows))
    return values


def _add_table(
    problem: _Problem, name: Key, table: Table, threshold: int, *, totals: bool
) -> _Layout:
    """The cells of ``table`` and its totals as cells ``(name, i, j)``, their equations and the
    primary suppression. Totals not published (``totals=False``) are known, never suppressed."""
    layout = _Layout.of(table)
    values = _values(table, layout)
    for (i, j), value in values.items():
        margin = i >= layout.rows or j >= layout.columns
        problem.add_cell((name, i, j), value, fixed=margin and not totals)
        if 0 < value < threshold and not (margin and not totals):
            problem.suppressed.add((name, i, j))
    lines: list[list[Key]] = []
    if layout.row_totals:
        for i in range(layout.rows + (1 if layout.column_totals else 0)):
            lines.append([(name, i, j) for j in range(layout.columns + 1)])
    if layout.column_totals:
        for j in range(layout.columns + (1 if layout.row_totals else 0)):
            lines.append([(name, i, j) for i in range(layout.rows + 1)])
    for line in lines:
        *parts, total = line
        problem.equations.append({**{key: 1 for key in parts}, total: -1})
        problem.lines.append(line)
    return layout


def _table_out(
    problem: _Problem,
    name: Key,
    table: Table,
    layout: _Layout,
    *,
    totals: bool,
    notes: list[str],
) -> Table:
    def cell(i: int, j: int) -> int | None:
        key = (name, i, j)
        return None if key in problem.suppressed else problem.values[key]

    width = layout.columns + (1 if totals and layout.row_totals else 0)
    rows = [
        Row(label=row.label, values=tuple(cell(i, j) for j in range(width)))
        for i, row in enumerate(table.rows)
    ]
    columns = table.columns
    if totals and layout.row_totals:
        columns = (*columns, _("Total"))
    if totals and layout.column_totals:
        rows.append(Row(label=_("Total"), values=tuple(cell(layout.rows, j) for j in range(width))))
    return replace(table, columns=columns, rows=tuple(rows), notes=(*table.notes, *notes))


def _notes(threshold: int, primary: int, secondary: int) -> list[str]:
    notes = [
        _(
            "Counts from 1 to %(largest)d are suppressed (shown as a dash) so that no one can be "
            "singled out; a zero is shown."
        )
        % {"largest": threshold - 1}
    ]
    if secondary:
        notes.append(
            ngettext(
                "%(count)d more cell is suppressed so that no suppressed count can be worked out "
                "from the totals.",
                "%(count)d more cells are suppressed so that no suppressed count can be worked out "
                "from the totals.",
                secondary,
            )
            % {"count": secondary}
        )
    return notes


def suppress(table: Table, *, threshold: int | None = None, totals: bool = True) -> Table:
    """``table`` with every count of 1 to ``threshold - 1`` suppressed (None), and the
    complementary cells that keep them from being worked out from the totals.

    ``totals=True`` publishes the row and column totals (a last column and a last row, "Total"),
    suppressed where needed too; ``totals=False`` publishes none but takes them as known to
    anyone (they are usually published elsewhere), so they are protected against all the same.
    """
    threshold = suppression_threshold(threshold)
    problem = _Problem()
    layout = _add_table(problem, "t", table, threshold, totals=totals)
    primary = len(problem.suppressed)
    secondary = problem.protect()
    notes = _notes(threshold, primary, secondary)
    return _table_out(problem, "t", table, layout, totals=totals, notes=notes)


# --- Several periods together.


def _atoms(periods: Iterable[Period]) -> list[Period]:
    """The elementary periods between every boundary of ``periods`` that some period covers."""
    spans = list(periods)
    cuts = sorted({start for start, _end in spans} | {end + timedelta(days=1) for _s, end in spans})
    atoms = []
    for start, following in zip(cuts, cuts[1:], strict=False):
        end = following - timedelta(days=1)
        if any(s <= start and end <= e for s, e in spans):
            atoms.append((start, end))
    return atoms


def _relate_periods(
    problem: _Problem, periods: list[Period], layouts: dict[Period, _Layout], threshold: int
) -> None:
    """What the periods tell together. Each period is a sum of elementary periods (``M``, periods
    by elementary periods); the combinations of periods that cancel out (the left null space of
    ``M``: a year minus its four quarters) are equations the published cells obey, cell by cell.
    Every run of consecutive elementary periods that a combination of periods gives (July =
    January–July minus January–June) is a count too: when it is from 1 to ``threshold - 1``,
    that combination must stay unknown."""
    atoms = _atoms(periods)
    incidence = np.array(
        [[1.0 if start <= a[0] and a[1] <= end else 0.0 for a in atoms] for start, end in periods]
    )
    cells = layouts[periods[0]].cells()
    _u, singular, vt = np.linalg.svd(incidence.T)
    tolerance = singular.max() * max(incidence.shape) * np.finfo(float).eps
    for relation in vt[int((singular > tolerance).sum()) :]:
        for i, j in cells:
            problem.equations.append(
                {
                    (period, i, j): float(weight)
                    for period, weight in zip(periods, relation, strict=True)
                    if abs(weight) > 1e-12
                }
            )
    for first in range(len(atoms)):
        for last in range(first, len(atoms)):
            run = np.zeros(len(atoms))
            run[first : last + 1] = 1.0
            weights, *_rest = np.linalg.lstsq(incidence.T, run, rcond=None)
            if np.linalg.norm(incidence.T @ weights - run) > 1e-9:
                continue  # no combination of the periods gives this run
            used = {p: float(w) for p, w in zip(periods, weights, strict=True) if abs(w) > 1e-9}
            if len(used) < 2:
                continue  # a period itself: its own cells are suppressed where small
            for i, j in cells:
                value = round(sum(w * problem.values[(p, i, j)] for p, w in used.items()))
                if 0 < value < threshold:
                    problem.sensitive.append({(p, i, j): w for p, w in used.items()})


def suppress_consistently(
    tables_by_period: Mapping[Period, Table],
    threshold: int | None = None,
    *,
    totals: bool = True,
) -> dict[Period, Table]:
    """Suppress the tables of several periods (first and last day) released together, so that no
    suppressed count can be worked out from any of them, their totals or their differences: a
    count of 1 to ``threshold - 1`` in a difference of two nested periods is kept unknown too.

    Every table must have the same rows and columns (the same categories, in the same order)."""
    threshold = suppression_threshold(threshold)
    periods = list(tables_by_period)
    for start, end in periods:
        if end < start:
            raise ValueError(f"period {start}..{end} ends before it starts")
    shapes = {(tuple(r.label for r in t.rows), t.columns) for t in tables_by_period.values()}
    if len(shapes) > 1:
        raise ValueError("the tables of the periods must have the same rows and columns")
    problem = _Problem()
    layouts = {
        period: _add_table(problem, period, table, threshold, totals=totals)
        for period, table in tables_by_period.items()
    }
    primary = len(problem.suppressed)
    _relate_periods(problem, periods, layouts, threshold)
    secondary = problem.protect()
    notes = _notes(threshold, primary, secondary)
    if len(periods) > 1:
        notes.append(
            _(
                "Suppressed together with the tables of the other periods released with it, so "
                "that no count can be worked out by subtracting one period from another."
            )
        )
    return {
        period: _table_out(problem, period, table, layouts[period], totals=totals, notes=notes)
        for period, table in tables_by_period.items()
    }
