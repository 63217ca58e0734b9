"""``{% table_figure table chart="bar" %}``: one Table as a chart beside its data table, with
its notes and download links (stats/_table.html).

A stats page passes its tables to the template and answers their download links first::

    tables = [cases_by_month(scope), people_by_citizenship(scope)]
    return download_response(request, tables) or render(request, "...", {"tables": tables})

    {% load stats_tables %}{% table_figure tables.0 chart="column" %}
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from opennrm.stats.charts import (
    bar_chart,
    column_chart,
    count_display,
    flow_diagram,
    line_chart,
    no_data_message,
    nothing_to_draw,
    suppressed_marker,
)
from opennrm.stats.downloads import download_url
from opennrm.stats.tables import Table

register = template.Library()

CHARTS = {
    "bar": lambda table, column, marker: bar_chart(table, column, marker=marker),
    "column": lambda table, column, marker: column_chart(table, marker=marker),
    "line": lambda table, column, marker: line_chart(table, marker=marker),
    "flow": lambda table, column, marker: flow_diagram(table),
}


def _without_total(table: Table) -> Table:
    """The table as its chart draws it: without the total row that suppression publishes (a bar
    "Total" beside its parts, or a month "Total", would be read as one more category)."""
    if len(table.rows) > 1 and table.rows[-1].label == _("Total"):
        return replace(table, rows=table.rows[:-1])
    return table


def figure_context(
    table: Table,
    *,
    chart: str = "bar",
    column: int = 0,
    marker: str | None = None,
    csv_url: str = "",
    xlsx_url: str = "",
) -> dict[str, Any]:
    """What stats/_table.html needs to show ``table``: the chart drawn as ``chart`` ("bar",
    "column", "line", "flow" or "" for none), or why there is nothing to show."""
    marker = marker or suppressed_marker()
    message = nothing_to_draw([v for row in table.rows for v in row.values]) or ""
    svg: SafeString | str = ""
    if chart not in CHARTS and chart:
        raise ValueError(f"unknown chart {chart!r}: one of {', '.join(CHARTS)} or empty")
    if chart and not message:
        svg = CHARTS[chart](_without_total(table), column, marker)
    return {
        "table": table,
        "chart": svg,
        "message": message,
        "show_table": bool(table.rows) and message != no_data_message(),
        "marker": marker,
        "csv_url": csv_url,
        "xlsx_url": xlsx_url,
    }


@register.filter
def stats_count(value: int) -> str:
    """A count as the charts write it: grouped as the reader's language groups digits."""
    return count_display(value)


@register.inclusion_tag("stats/_table.html", takes_context=True)
def table_figure(
    context: template.Context,
    table: Table,
    chart: str = "bar",
    column: int = 0,
    marker: str | None = None,
    downloads: bool = True,
) -> dict[str, Any]:
    """The figure of ``table``; its download links are the page's own URL (filters kept) with
    ``?download=<key>&format=``, which the page's view answers with ``download_response``."""
    request = context.get("request")
    csv_url = xlsx_url = ""
    if downloads and request is not None:
        csv_url, xlsx_url = (
            download_url(request, table, "csv"),
            download_url(request, table, "xlsx"),
        )
    return figure_context(
        table, chart=chart, column=column, marker=marker, csv_url=csv_url, xlsx_url=xlsx_url
    )
