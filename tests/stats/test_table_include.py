"""stats/_table.html through {% table_figure %}: a figure with its chart, the data table beside
it (caption, header scopes, suppressed cells marked), the notes and download links keeping the
page's filters; a table with no data says so and shows no chart."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from opennrm.stats.tables import Row, Table
from opennrm.stats.templatetags.stats_tables import figure_context

TABLE = Table(
    key="people-by-sex",
    title="People assisted by sex",
    row_heading="Sex",
    columns=("2005", "2004"),
    rows=(Row("Women", (38, 30)), Row("Men", (11, None)), Row("<b>Other</b>", (0, None))),
    notes=("Counts under 11 are suppressed, with a second cell where a total would give them.",),
)


class Tags(HTMLParser):
    """The start tags with their attributes, and the text of the page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def render(table: Table, chart: str = "bar", path: str = "/stats/?year=2005", **kw) -> str:
    request = RequestFactory().get(path)
    template = Template(
        "{% load stats_tables %}{% table_figure table chart=chart "
        + " ".join(f"{k}={k}" for k in kw)
        + " %}"
    )
    return template.render(Context({"table": table, "chart": chart, "request": request, **kw}))


def test_a_table_renders_as_a_figure_with_chart_data_table_notes_and_downloads():
    html = render(TABLE)
    page = Tags(html)
    assert page.all("figure") == [{"class": "stats-figure", "id": "figure-people-by-sex"}]
    assert len(page.all("svg")) == 1
    assert "<figcaption>People assisted by sex</figcaption>" in html
    assert '<caption class="visually-hidden">People assisted by sex</caption>' in html
    assert [a["scope"] for a in page.all("th")] == ["col"] * 3 + ["row"] * 3
    assert '<th scope="row">&lt;b&gt;Other&lt;/b&gt;</th>' in html  # escaped in the table too
    assert html.count('<td class="num suppressed">suppressed</td>') == 2
    assert "Counts under 11 are suppressed" in html
    links = {a.get("href") for a in page.all("a")}
    assert "/stats/?year=2005&amp;download=people-by-sex&amp;format=csv" in html
    assert {"/stats/?year=2005&download=people-by-sex&format=xlsx"} <= links


def test_every_chart_kind_renders_and_none_leaves_the_table_alone():
    for chart in ("bar", "column", "line"):
        assert "<svg" in render(TABLE, chart)
    html = render(TABLE, "")
    assert "<svg" not in html and "<table" in html
    routes = Table("routes", "Routes", "Route", ("People",), (Row("UZ → KZ → RU", (12,)),))
    assert "chart-routes-flow" in render(routes, "flow")


def test_no_download_links_without_a_request_or_when_turned_off():
    context = figure_context(TABLE)
    assert context["csv_url"] == "" and context["xlsx_url"] == ""
    html = render(TABLE, downloads=False)
    assert "download=" not in html


def test_a_table_with_no_data_says_so_and_shows_no_chart():
    empty = Table("empty", "Returns", "Month", ("Returns",), ())
    zeros = Table("zeros", "Returns", "Month", ("Returns",), (Row("2005-01", (0,)),))
    for table in (empty, zeros):
        html = render(table)
        assert '<p class="stats-message">No data for this period.</p>' in html
        assert "<svg" not in html and "<table" not in html and "download=" not in html


def test_a_table_all_suppressed_says_so_and_shows_the_markers():
    hidden = Table("hidden", "Sex", "Sex", ("People",), (Row("Women", (None,)), Row("Men", (0,))))
    html = render(hidden)
    assert "Every count of this table is suppressed" in html
    assert "<svg" not in html
    assert '<td class="num suppressed">suppressed</td>' in html


def test_the_figure_speaks_the_readers_language():
    with translation.override("ru"):
        html = render(TABLE)
    assert "Скачать таблицу:" in html
    assert '<td class="num suppressed">скрыто</td>' in html


def test_the_data_table_groups_digits_as_the_chart_does():
    big = Table("big", "Signals", "Year", ("Signals",), (Row("2005", (12345,)),))
    html = render(big)
    assert '<td class="num">12,345</td>' in html and ">12,345</text>" in html
    with translation.override("ru"):
        assert '<td class="num">12\xa0345</td>' in render(big)


def test_an_unknown_chart_kind_is_refused_by_name():
    with pytest.raises(ValueError, match="unknown chart 'pie'"):
        figure_context(TABLE, chart="pie")
