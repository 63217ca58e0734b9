"""The one shape of a table of counts (decision 0022).

Every figure the product shows or publishes is a `Table`: the dashboards render it as a chart
and a data table, downloads write it as CSV or XLSX, disclosure control suppresses its cells,
differential privacy adds noise to it. A cell is a count, or None where it is suppressed.
Labels are already translated and never hold a person, a case number or a worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Row:
    label: str
    values: tuple[int | None, ...]


@dataclass(frozen=True)
class Table:
    key: str  # a slug, stable across languages: the file name of a download
    title: str  # translated: the chart's accessible title and the table's caption
    row_heading: str  # the first column's heading ("Month", "Citizenship")
    columns: tuple[str, ...]  # the headings of the value columns
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = field(default=())  # method, suppression applied, noise scale

    @property
    def empty(self) -> bool:
        return not any(value for row in self.rows for value in row.values)

    def column(self, index: int) -> tuple[int | None, ...]:
        return tuple(row.values[index] for row in self.rows)
