"""Charts of a Table as SVG: well-formed XML with an accessible title and description, a few KB,
suppressed cells drawn as suppressed (never as zero), a message instead of an empty chart, every
label escaped, and only the stylesheet's colours."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from opennrm.stats import charts
from opennrm.stats.tables import Row, Table

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = [f"2005-{m:02d}" for m in range(1, 13)]


def months(*, suppressed: tuple[int, ...] = (), two: bool = True) -> Table:
    rows = []
    for i, month in enumerate(MONTHS):
        now = None if i in suppressed else 40 + i * 7
        rows.append(Row(month, (now, 20 + i * 3) if two else (now,)))
    return Table(
        key="cases-by-month",
        title="Cases opened by month",
        row_heading="Month",
        columns=("2005", "2004") if two else ("2005",),
        rows=tuple(rows),
        notes=("Counts under 11 suppressed.",),
    )


def thirty_bars(*, suppressed: tuple[int, ...] = ()) -> Table:
    rows = tuple(
        Row(
            f"Гражданство номер {i} с длинным названием" if i % 4 == 0 else f"Страна {i}",
            (None if i in suppressed else 1000 + i * 37,),
        )
        for i in range(30)
    )
    return Table("citizenship", "Люди по гражданству", "Гражданство", ("Люди",), rows)


ROUTES = [
    ("Uzbekistan", "Kazakhstan", "Russia", 40),
    ("Uzbekistan", "", "Kazakhstan", 20),
    ("Tajikistan", "Kazakhstan", "Russia", 15),
    ("Tajikistan", "Uzbekistan", "Turkey", 12),
    ("Kyrgyzstan", "Kazakhstan", "Kazakhstan", None),
]


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def svg_text(root: ET.Element) -> str:
    """The visible text, lines joined by spaces."""
    lines = (" ".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    return re.sub(r"\s+", " ", " ".join(lines))


def assert_accessible(root: ET.Element, title: str) -> None:
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("viewBox", "").startswith("0 0 300 ")
    title_el = root.find(f"{SVG}title")
    desc_el = root.find(f"{SVG}desc")
    assert title_el is not None and title_el.text == title
    assert desc_el is not None and (desc_el.text or "").strip()
    assert root.get("aria-labelledby") == f"{title_el.get('id')} {desc_el.get('id')}"
    # title and desc come first, as the SVG accessibility mapping expects
    assert [child.tag for child in root][:2] == [f"{SVG}title", f"{SVG}desc"]


def test_column_and_line_charts_of_twelve_months_are_valid_accessible_and_small():
    for draw in (charts.column_chart, charts.line_chart):
        svg = draw(months())
        root = parse(svg)
        assert_accessible(root, "Cases opened by month")
        assert len(svg.encode()) < 8 * 1024, (draw.__name__, len(svg.encode()))
        shown = texts(root)
        assert "2005" in shown and "2004" in shown  # the legend names both series
        assert all(month in shown for month in MONTHS)


def test_the_second_series_differs_by_pattern_not_colour_alone():
    svg = charts.column_chart(months())
    # the second series is hatched: its bars are filled by a pattern, the first series' are not
    assert svg.count('fill="url(#chart-cases-by-month-column-b)"') == 12 + 1  # bars + legend
    line = charts.line_chart(months())
    assert "stroke-dasharray" in line and "<circle" in line and 'fill="#fff" stroke=' in line


def test_a_bar_chart_of_thirty_rows_in_cyrillic_is_valid_and_under_12_kb():
    svg = charts.bar_chart(thirty_bars())
    root = parse(svg)
    assert_accessible(root, "Люди по гражданству")
    assert len(svg.encode()) < 12 * 1024, len(svg.encode())
    shown = texts(root)
    assert "Страна 1" in shown
    # each value is written at its bar's end
    assert "1,037" in shown and "2,073" in shown
    assert len(root.findall(f".//{SVG}rect[@fill='{charts.ACCENT}']")) == 30


def test_counts_are_written_as_the_readers_language_writes_them():
    with translation.override("ru"):
        shown = texts(parse(charts.bar_chart(thirty_bars())))
    assert "1\xa0037" in shown


def test_suppressed_cells_are_hatched_and_marked_never_zero():
    table = thirty_bars(suppressed=(3, 7))
    root = parse(charts.bar_chart(table))
    hatched = root.findall(f".//{SVG}rect[@fill='url(#chart-citizenship-bar-x)']")
    assert len(hatched) == 2
    shown = texts(root)
    assert shown.count("suppressed") == 2
    assert "0" not in shown
    assert "2 counts are suppressed" in (root.find(f"{SVG}desc").text or "")
    # the caller may name the marker (when it knows only small counts were suppressed)
    assert texts(parse(charts.bar_chart(table, marker="<11"))).count("<11") == 2


def test_a_suppressed_month_is_hatched_and_named_in_the_legend():
    for draw in (charts.column_chart, charts.line_chart):
        svg = draw(months(suppressed=(4,)))
        root = parse(svg)
        hatched = [
            r
            for r in root.iter(f"{SVG}rect")
            if r.get("fill") == f"url(#chart-cases-by-month-{draw.__name__[:-6]}-x)"
        ]
        assert len(hatched) == 2  # the month's mark and the legend's swatch
        assert "suppressed" in texts(root)
    # the line is broken at the suppressed month, not drawn down to zero
    line = parse(charts.line_chart(months(suppressed=(4,)), columns=[0]))
    assert len(line.findall(f".//{SVG}polyline")) == 2


def test_an_empty_table_gives_a_message_not_an_empty_chart():
    empty = Table("empty", "Referrals received", "Month", ("Referrals",), ())
    zeros = Table("zeros", "Referrals", "Month", ("Referrals",), (Row("2005-01", (0,)),))
    for draw in (charts.bar_chart, charts.column_chart, charts.line_chart):
        for table in (empty, zeros):
            root = parse(draw(table))
            assert_accessible(root, table.title)
            assert "No data for this period." in texts(root)
            assert root.find(f".//{SVG}polyline") is None
    hidden = Table("hidden", "Sex", "Sex", ("People",), (Row("F", (None,)), Row("M", (None,))))
    root = parse(charts.bar_chart(hidden))
    assert root.find(f"{SVG}desc").text == (
        "Every count of this table is suppressed to protect the people counted."
    )
    assert "No data" not in svg_text(root)
    assert charts.flow_diagram([]).count("No data for this period.") == 2  # desc and text


def test_every_label_is_escaped():
    evil = '<script>alert("x")</script> & </text><text>'
    table = Table('evil"key', evil, evil, (evil,), (Row(evil, (3,)), Row("ok\x0bstill", (None,))))
    for svg in (
        charts.bar_chart(table),
        charts.column_chart(table),
        charts.line_chart(table),
        charts.flow_diagram([(evil, evil, evil, 5)], title=evil, key=evil),
    ):
        root = parse(svg)  # the control character is dropped: still XML
        assert "<script" not in svg
        assert root.find(f"{SVG}title").text == evil
        assert root.find(f".//{SVG}script") is None


def test_the_flow_diagram_draws_bands_by_count_and_counts_what_it_leaves_out():
    svg = charts.flow_diagram(ROUTES)
    root = parse(svg)
    assert_accessible(root, "Routes: origin, transit, exploitation")
    assert len(svg.encode()) < 8 * 1024
    shown = svg_text(root)
    # each node's name, then its count (the direct routes' transit is no node)
    nodes = (
        "Uzbekistan 60 Tajikistan 27 Kazakhstan 55 Uzbekistan 12 Russia 55 Kazakhstan 20 Turkey 12"
    )
    assert nodes in shown
    assert "Kyrgyzstan" not in shown  # its only route is suppressed: no band shows its size
    assert "1 route with a suppressed count is not drawn" in shown
    # bands: origin → transit pairs (4) and transit → exploitation pairs (Kazakhstan → Russia
    # joins two routes: 3)
    assert len(root.findall(f".//{SVG}path[@fill-opacity]")) == 7
    assert "Uzbekistan → Kazakhstan → Russia, 40" in (root.find(f"{SVG}desc").text or "")


def test_the_flow_diagram_reads_a_table_of_routes():
    table = Table(
        "routes",
        "Маршруты",
        "Маршрут",
        ("Люди",),
        (
            Row("Узбекистан → Казахстан → Россия", (30,)),
            Row("Таджикистан → Россия", (12,)),
            Row("Кыргызстан → Казахстан → Узбекистан → Турция", (11,)),
        ),
    )
    routes = charts.routes_of(table)
    assert routes[1] == charts.Route("Таджикистан", "", "Россия", 12)
    assert routes[2].transit == "Казахстан → Узбекистан"
    root = parse(charts.flow_diagram(table))
    assert_accessible(root, "Маршруты")
    assert "Россия 42" in svg_text(root)
    assert "Казахстан →… 11" in svg_text(root)  # clipped in the drawing, whole in the table


@pytest.mark.parametrize("count", [1, 40])
def test_the_flow_diagram_stays_small_with_many_routes(count):
    routes = [
        (f"Origin {i % 9}", f"Transit {i % 5}", f"Country {i % 11}", i + 1) for i in range(count)
    ]
    svg = charts.flow_diagram(routes)
    parse(svg)
    assert len(svg.encode()) < 16 * 1024


def test_charts_use_only_the_stylesheets_colours():
    css = Path(settings.BASE_DIR, "opennrm/static/opennrm/opennrm.css").read_text()
    root_vars = css[css.index(":root") : css.index("}")]
    for colour in charts.PALETTE:
        assert colour in root_vars, colour
    used = set()
    for svg in (
        charts.bar_chart(thirty_bars(suppressed=(1,))),
        charts.column_chart(months(suppressed=(2,))),
        charts.line_chart(months()),
        charts.flow_diagram(ROUTES),
    ):
        used |= set(re.findall(r'(?:fill|stroke)="(#[0-9a-f]{3,6})"', svg))
    assert used <= {*charts.PALETTE, charts.CARD}, used


def test_routes_may_be_written_with_an_ascii_arrow():
    table = Table("r", "Routes", "Route", ("People",), (Row("UZ -> KZ -> RU", (12,)),))
    assert charts.routes_of(table) == [charts.Route("UZ", "KZ", "RU", 12)]
