"""Charts of a `Table`, drawn on the server as SVG strings (issue 12, decision 0022).

No JavaScript and no web font: the page's own font, a viewBox 300 units wide that scales to the
width of its box (on a 320 px phone the text stays about 12 px, the stylesheet caps the chart's
width on a wide screen), and the stylesheet's palette, whose colours pass WCAG AA on white.
Series and suppressed cells differ by pattern and by label as well as by colour. Every chart is
an `<svg role="img">` named by its `<title>` and described by its `<desc>`; the data table that
`stats/_table.html` puts beside it holds every value.

A suppressed cell (None) is never drawn as zero: a hatched stub with the suppression marker. The
marker is "suppressed" unless the caller names another: a cell hidden by secondary suppression
may hold any count, so "<11" would say something false of it. A table with nothing to draw gives
a chart that says why instead of empty axes.

Every label is escaped (and stripped of what XML cannot hold) before the string is marked safe.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from .tables import Table

# The stylesheet's palette (opennrm/static/opennrm/opennrm.css, :root): on white, the text
# colours FG (16:1) and MUTED (5.9:1) pass AA for text; ACCENT (6.6:1) and WARN (5.6:1) pass the
# 3:1 asked of graphics; LINE is for grid lines only.
FG = "#1d232a"
MUTED = "#5b6570"
LINE = "#d9dde2"
ACCENT = "#0b5cad"
WARN = "#8a5a00"
CARD = "#fff"
PALETTE = (FG, MUTED, LINE, ACCENT, WARN)

WIDTH = 300
FONT = 14  # labels
SMALL = 13  # ticks, legends, notes
# A character's advance in ems, to estimate label widths: DejaVu Sans (Debian's default, what
# the browser tests see) is wide, Cyrillic wider than Latin.
EM = 0.64

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_NOT_ID = re.compile(r"[^a-z0-9_-]+")
ARROW = "→"
DIRECT = "\x00"  # the transit of a route without one: no node is drawn for it


def suppressed_marker() -> str:
    """What a suppressed cell shows in charts, tables and downloads unless the caller says."""
    return _("suppressed")


def _t(text: object) -> str:
    """Text for the SVG: what XML 1.0 cannot hold dropped, then escaped."""
    return escape(_NOT_XML.sub("", str(text)))


def _n(x: float) -> str:
    """A coordinate, short: at most one decimal."""
    s = f"{x:.1f}"
    return s[:-2] if s.endswith(".0") else s


def count_display(value: int) -> str:
    """A count as the reader's language writes it (1 000 in Russian, 1,000 in English)."""
    return str(number_format(value, force_grouping=True))


def _width(text: str, size: float = FONT) -> float:
    return len(text) * size * EM


def _clip(text: str, chars: int) -> str:
    chars = max(chars, 2)
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def _wrap(text: str, chars: int, lines: int = 2) -> list[str]:
    """``text`` in at most ``lines`` lines of about ``chars`` characters, the last clipped."""
    out: list[str] = []
    rest = text.split()
    while rest and len(out) < lines:
        line = rest.pop(0)
        while rest and len(line) + 1 + len(rest[0]) <= chars:
            line += " " + rest.pop(0)
        out.append(line)
    if rest:
        out[-1] = out[-1] + " " + " ".join(rest)
    return [_clip(line, chars) for line in out] or [""]


def _ident(key: str, kind: str) -> str:
    slug = _NOT_ID.sub("-", key.lower()).strip("-") or "table"
    return f"chart-{slug}-{kind}"


def _svg(ident: str, title: str, desc: str, height: float, body: Iterable[str]) -> SafeString:
    """The chart's frame: accessible name and description, the patterns, the body."""
    defs = (
        # Suppressed: grey hatching on white, outlined dashed by the caller.
        f'<pattern id="{ident}-x" width="5" height="5" patternUnits="userSpaceOnUse"'
        f' patternTransform="rotate(45)"><rect width="5" height="5" fill="{CARD}"/>'
        f'<path d="M0 0V5" stroke="{MUTED}" stroke-width="1.5"/></pattern>'
        # The second series: brown hatching the other way, so print in grey still tells it.
        f'<pattern id="{ident}-b" width="4" height="4" patternUnits="userSpaceOnUse"'
        f' patternTransform="rotate(-45)"><rect width="4" height="4" fill="{CARD}"/>'
        f'<path d="M0 0V4" stroke="{WARN}" stroke-width="2"/></pattern>'
    )
    return mark_safe(  # noqa: S308 (every text above and in body went through _t)
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"'
        f' aria-labelledby="{ident}-t {ident}-d" viewBox="0 0 {WIDTH} {_n(height)}"'
        f' width="100%" font-family="system-ui, sans-serif" font-size="{FONT}" fill="{FG}">'
        f'<title id="{ident}-t">{_t(title)}</title><desc id="{ident}-d">{_t(desc)}</desc>'
        f"<defs>{defs}</defs>{''.join(body)}</svg>"
    )


def _message(ident: str, title: str, message: str) -> SafeString:
    """A chart that says why there is nothing to draw."""
    lines = _wrap(message, int(WIDTH / (FONT * EM)), lines=3)
    text = "".join(
        f'<tspan x="{WIDTH / 2}" dy="{0 if i == 0 else FONT * 1.3}">{_t(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    height = 40 + FONT * 1.3 * len(lines)
    body = [
        f'<rect x="0.5" y="0.5" width="{WIDTH - 1}" height="{_n(height - 1)}" fill="{CARD}"'
        f' stroke="{LINE}" rx="4"/>',
        f'<text x="{WIDTH / 2}" y="28" text-anchor="middle" fill="{MUTED}">{text}</text>',
    ]
    return _svg(ident, title, message, height, body)


def no_data_message() -> str:
    return _("No data for this period.")


def all_suppressed_message() -> str:
    return _("Every count of this table is suppressed to protect the people counted.")


def nothing_to_draw(values: Sequence[int | None]) -> str | None:
    """The message for values with nothing to draw, or None when there is something."""
    if not any(v is not None for v in values):
        return all_suppressed_message() if values else no_data_message()
    if not any(values):
        return no_data_message() if None not in values else all_suppressed_message()
    return None


def _text_lines(x: float, y: float, lines: list[str], anchor: str, size: float = FONT) -> str:
    """A text of one or more lines, vertically centred on ``y``."""
    step = size * 1.2
    first = y - step * (len(lines) - 1) / 2 + size * 0.35
    spans = "".join(
        f'<tspan x="{_n(x)}" dy="{0 if i == 0 else _n(step)}">{_t(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    size_attr = "" if size == FONT else f' font-size="{size}"'
    return f'<text x="{_n(x)}" y="{_n(first)}" text-anchor="{anchor}"{size_attr}>{spans}</text>'


def _legend(items: list[tuple[str, str]], top: float) -> tuple[list[str], float]:
    """Swatches and their names in lines across the width; returns the parts and the height."""
    parts: list[str] = []
    x, y = 0.0, top
    for swatch, name in items:
        label = _clip(name, int((WIDTH - 18) / (SMALL * EM)))
        w = 18 + _width(label, SMALL) + 12
        if x > 0 and x + w > WIDTH:
            x, y = 0.0, y + SMALL * 1.5
        parts.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="12" height="12" {swatch}/>')
        parts.append(
            f'<text x="{_n(x + 17)}" y="{_n(y + 10.5)}" font-size="{SMALL}">{_t(label)}</text>'
        )
        x += w
    return parts, (y - top) + SMALL * 1.5 if items else 0.0


def _suppressed_fill(ident: str) -> str:
    return f'fill="url(#{ident}-x)" stroke="{MUTED}" stroke-dasharray="2 2"'


def _series_fill(ident: str, index: int) -> str:
    if index == 0:
        return f'fill="{ACCENT}"'
    return f'fill="url(#{ident}-b)" stroke="{WARN}"'


def bar_chart(table: Table, column: int = 0, *, marker: str | None = None) -> SafeString:
    """Horizontal bars of one column: labels on the left, each value at its bar's end."""
    marker = marker or suppressed_marker()
    ident = _ident(table.key, "bar")
    values = table.column(column) if table.rows else ()
    why = nothing_to_draw(values)
    if why:
        return _message(ident, table.title, why)
    most = max(v for v in values if v is not None) or 1
    value_w = max(_width(count_display(most), SMALL), _width(marker, SMALL)) + 6
    longest = max(_width(row.label) for row in table.rows)
    label_w = min(longest, WIDTH * 0.45)
    chars = round(label_w / (FONT * EM))  # not int(): 5.999… would clip "Female"
    bar_x = label_w + 6
    room = WIDTH - bar_x - value_w - 2
    body: list[str] = []
    y = 4.0
    for row, value in zip(table.rows, values, strict=True):
        lines = _wrap(row.label, chars)
        h = 24 if len(lines) == 1 else 36
        mid = y + h / 2
        body.append(_text_lines(label_w, mid, lines, "end"))
        if value is None:
            end = bar_x + 16
            body.append(
                f'<rect x="{_n(bar_x)}" y="{_n(mid - 7)}" width="16" height="14"'
                f" {_suppressed_fill(ident)}/>"
            )
            shown, colour = marker, MUTED
        else:
            end = bar_x + room * max(value, 0) / most
            if value:
                body.append(
                    f'<rect x="{_n(bar_x)}" y="{_n(mid - 7)}" width="{_n(end - bar_x)}"'
                    f' height="14" fill="{ACCENT}"/>'
                )
            shown, colour = count_display(value), FG
        body.append(
            f'<text x="{_n(end + 4)}" y="{_n(mid + SMALL * 0.35)}" font-size="{SMALL}"'
            f' fill="{colour}">{_t(shown)}</text>'
        )
        y += h
    body.append(f'<path d="M{_n(bar_x - 0.5)} 2V{_n(y + 2)}" stroke="{MUTED}" stroke-width="1"/>')
    top = max(v for v in values if v is not None)
    top_label = table.rows[values.index(top)].label
    desc = " ".join(
        [
            _("Bar chart: %(column)s by %(heading)s.")
            % {"column": table.columns[column], "heading": table.row_heading},
            _("Largest: %(label)s, %(value)s.") % {"label": top_label, "value": count_display(top)},
            _suppressed_sentence(values),
        ]
    ).strip()
    return _svg(ident, table.title, desc, y + 6, body)


def _suppressed_sentence(values: Iterable[int | None]) -> str:
    hidden = sum(1 for v in values if v is None)
    if not hidden:
        return ""
    return ngettext(
        "%(count)d count is suppressed (hatched).",
        "%(count)d counts are suppressed (hatched).",
        hidden,
    ) % {"count": hidden}


def _nice_step(most: int, ticks: int = 4) -> int:
    """A step of 1, 2 or 5 times a power of ten giving about ``ticks`` grid lines."""
    raw = max(most / ticks, 1)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power)
    return int(10 * power)  # pragma: no cover


@dataclass
class _Frame:
    """The plot area of a chart over time (months along x, counts up y)."""

    left: float
    top: float
    width: float
    height: float
    most: int
    slot: float

    def x(self, i: int) -> float:
        return self.left + self.slot * (i + 0.5)

    def y(self, value: float) -> float:
        return self.top + self.height - self.height * value / self.most


def _time_frame(
    ident: str, table: Table, series: Sequence[int], kind: str, marker: str
) -> tuple[list[str], _Frame, float, list[tuple[int, int | None]]] | SafeString:
    """Axes, grid, x labels and the legend of a column or line chart; or the message chart."""
    cells = [(i, table.rows[r].values[i]) for r in range(len(table.rows)) for i in series]
    values = [v for _i, v in cells]
    why = nothing_to_draw(values)
    if why:
        return _message(ident, table.title, why)
    peak = max(v for v in values if v is not None) or 1
    step = _nice_step(peak)
    most = step * math.ceil(peak / step)
    tick_w = _width(count_display(most), SMALL) + 6
    items = [(_series_fill(ident, n), table.columns[i]) for n, i in enumerate(series)]
    if kind == "line":
        items = [
            (f'fill="{ACCENT}"', table.columns[series[0]]),
            *([(_series_fill(ident, 1), table.columns[series[1]])] if len(series) > 1 else []),
        ]
    if None in values:
        items.append((_suppressed_fill(ident), marker))
    legend, legend_h = _legend(items, 2)
    n = len(table.rows)
    left = tick_w
    plot_w = WIDTH - left - 4
    slot = plot_w / n
    every = max(1, math.ceil(n / 12))
    labels = [row.label for row in table.rows]
    flat = all(_width(label, SMALL) <= slot * every - 3 for label in labels)
    shown = [_clip(label, 10) for label in labels]
    slant = max(_width(s, SMALL) for s in shown) * 0.72  # a label's reach at 45 degrees
    bottom = SMALL * 1.8 if flat else slant + SMALL + 4
    if not flat:  # the first label leans left of the plot: make room for it
        left = max(tick_w, slant - slot / 2 + 2)
        plot_w = WIDTH - left - 4
        slot = plot_w / n
    top = legend_h + 10
    height = 150.0
    frame = _Frame(left, top, plot_w, height, most, slot)
    body = list(legend)
    for tick in range(0, most + 1, step):
        y = frame.y(tick)
        body.append(
            f'<path d="M{_n(left)} {_n(y)}H{_n(left + plot_w)}" stroke="{LINE}"'
            f' stroke-width="{1.5 if tick == 0 else 1}"/>'
        )
        body.append(
            f'<text x="{_n(left - 4)}" y="{_n(y + SMALL * 0.35)}" text-anchor="end"'
            f' font-size="{SMALL}" fill="{MUTED}">{_t(count_display(tick))}</text>'
        )
    base = top + height
    for i, label in enumerate(shown):
        if i % every:
            continue
        x = frame.x(i)
        if flat:
            body.append(
                f'<text x="{_n(x)}" y="{_n(base + SMALL * 1.3)}" text-anchor="middle"'
                f' font-size="{SMALL}">{_t(labels[i])}</text>'
            )
        else:
            y = base + 10
            body.append(
                f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="end" font-size="{SMALL}"'
                f' transform="rotate(-45 {_n(x)} {_n(y)})">{_t(label)}</text>'
            )
    return body, frame, base + bottom + 4, cells


def _time_desc(table: Table, series: Sequence[int], kind: str) -> str:
    sentences = [
        (
            _("Column chart: %(heading)s along the bottom.")
            if kind == "column"
            else _("Line chart: %(heading)s along the bottom.")
        )
        % {"heading": table.row_heading}
    ]
    for i in series:
        column = table.column(i)
        known = [v for v in column if v is not None]
        sentences.append(
            _("%(series)s: %(total)s in all, at most %(most)s.")
            % {
                "series": table.columns[i],
                "total": count_display(sum(known)),
                "most": count_display(max(known, default=0)),
            }
        )
    sentences.append(_suppressed_sentence(v for i in series for v in table.column(i)))
    return " ".join(sentences).strip()


def _series(table: Table, columns: Sequence[int] | None) -> list[int]:
    chosen = list(columns) if columns is not None else list(range(min(2, len(table.columns))))
    return chosen[:2]


def column_chart(
    table: Table, *, columns: Sequence[int] | None = None, marker: str | None = None
) -> SafeString:
    """Counts by period as columns: one series, or two side by side (this period and the one
    compared), the second hatched. ``columns`` picks the table's columns (the first two)."""
    marker = marker or suppressed_marker()
    ident = _ident(table.key, "column")
    series = _series(table, columns)
    framed = _time_frame(ident, table, series, "column", marker)
    if isinstance(framed, SafeString):
        return framed
    body, frame, height, cells = framed
    bar_w = min(frame.slot * 0.8 / len(series), 24)
    per_row = len(series)
    for k, (_i, value) in enumerate(cells):
        row, n = divmod(k, per_row)
        x = frame.x(row) - bar_w * per_row / 2 + n * bar_w
        if value is None:
            body.append(
                f'<rect x="{_n(x + 0.5)}" y="{_n(frame.y(0) - 10)}" width="{_n(bar_w - 1)}"'
                f' height="10" {_suppressed_fill(ident)}/>'
            )
        elif value > 0:
            top = frame.y(value)
            body.append(
                f'<rect x="{_n(x + 0.5)}" y="{_n(top)}" width="{_n(bar_w - 1)}"'
                f' height="{_n(frame.y(0) - top)}" {_series_fill(ident, n)}/>'
            )
    return _svg(ident, table.title, _time_desc(table, series, "column"), height, body)


def line_chart(
    table: Table, *, columns: Sequence[int] | None = None, marker: str | None = None
) -> SafeString:
    """Counts by period as lines: the first series solid with round points, the second dashed
    with square points; a suppressed point breaks the line and is a hatched mark on the axis."""
    marker = marker or suppressed_marker()
    ident = _ident(table.key, "line")
    series = _series(table, columns)
    framed = _time_frame(ident, table, series, "line", marker)
    if isinstance(framed, SafeString):
        return framed
    body, frame, height, _cells = framed
    for n, i in enumerate(series):
        colour = ACCENT if n == 0 else WARN
        dash = "" if n == 0 else ' stroke-dasharray="6 3"'
        runs: list[list[tuple[float, float]]] = [[]]
        for r, value in enumerate(table.column(i)):
            x = frame.x(r)
            if value is None:
                runs.append([])
                body.append(
                    f'<rect x="{_n(x - 4)}" y="{_n(frame.y(0) - 9 - n * 10)}" width="8"'
                    f' height="8" {_suppressed_fill(ident)}/>'
                )
                continue
            runs[-1].append((x, frame.y(value)))
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{_n(x)},{_n(y)}" for x, y in run)
                body.append(
                    f'<polyline points="{points}" fill="none" stroke="{colour}"'
                    f' stroke-width="2.5"{dash}/>'
                )
        for run in runs:
            for x, y in run:
                if n == 0:
                    body.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3.5" fill="{colour}"/>')
                else:
                    body.append(
                        f'<rect x="{_n(x - 3.5)}" y="{_n(y - 3.5)}" width="7" height="7"'
                        f' fill="{CARD}" stroke="{colour}" stroke-width="2"/>'
                    )
    return _svg(ident, table.title, _time_desc(table, series, "line"), height, body)


# Routes: origin → transit → exploitation


@dataclass(frozen=True)
class Route:
    origin: str
    transit: str
    exploitation: str
    count: int | None


def routes_of(routes: Table | Iterable[tuple[str, str, str, int | None]]) -> list[Route]:
    """Routes from a Table whose row labels read "origin → transit → exploitation" ("->" too;
    two parts: no transit; more than three: the middle ones are the transit) or from 4-tuples."""
    if not isinstance(routes, Table):
        return [Route(o, t, e, c) for o, t, e, c in routes]
    out = []
    for row in routes.rows:
        parts = [p.strip() for p in re.split(f"{ARROW}|->", row.label)]
        if len(parts) >= 3:
            origin, transit, exploitation = parts[0], f" {ARROW} ".join(parts[1:-1]), parts[-1]
        elif len(parts) == 2:
            origin, transit, exploitation = parts[0], "", parts[1]
        else:
            origin, transit, exploitation = parts[0], "", ""
        out.append(Route(origin, transit, exploitation, row.values[0] if row.values else None))
    return out


def flow_diagram(
    routes: Table | Iterable[tuple[str, str, str, int | None]],
    *,
    title: str | None = None,
    key: str = "routes",
) -> SafeString:
    """A three-column flow (Sankey-like): countries of origin, transit and exploitation as
    bars, bands between them as wide as the number of people on them. Suppressed routes are
    not drawn (a band would show their size): a line under the diagram counts them."""
    if isinstance(routes, Table):
        title, key = title or routes.title, routes.key
    title = title or _("Routes: origin, transit, exploitation")
    ident = _ident(key, "flow")
    every = routes_of(routes)
    unknown = _("unknown")
    drawn = [
        Route(r.origin or unknown, r.transit or DIRECT, r.exploitation or unknown, r.count)
        for r in every
        if r.count
    ]
    hidden = sum(1 for r in every if r.count is None)
    if not drawn:
        values = [r.count for r in every]
        return _message(ident, title, nothing_to_draw(values) or no_data_message())
    total = sum(r.count or 0 for r in drawn)
    columns: list[dict[str, int]] = [defaultdict(int), defaultdict(int), defaultdict(int)]
    for r in drawn:
        for c, name in enumerate((r.origin, r.transit, r.exploitation)):
            columns[c][name] += r.count or 0
    orders = [sorted(col, key=lambda name: (-col[name], name)) for col in columns]
    most_nodes = max(len(order) for order in orders)
    gap = SMALL * 1.5 + 4  # room for a node's label above it
    bands_h = min(max(26.0 * most_nodes, 120.0), 420.0)
    scale = bands_h / total
    head = SMALL * 1.6
    top = head + 4
    height = top + bands_h + gap * most_nodes + 4
    node_w = 8
    xs = (0.0, WIDTH / 2 - node_w / 2, WIDTH - node_w)
    anchors = ("start", "middle", "end")
    label_x = (0.0, WIDTH / 2, float(WIDTH))
    # A third of the width each; country names are mostly short, so the estimate is closer.
    label_chars = int((WIDTH / 3 - 4) / (SMALL * 0.58))
    node_y: list[dict[str, float]] = [{}, {}, {}]
    body: list[str] = []
    headings = (pgettext("route flow", "Origin"), _("Transit"), _("Exploitation"))
    for c, heading in enumerate(headings):
        body.append(
            f'<text x="{_n(label_x[c])}" y="{_n(SMALL)}" text-anchor="{anchors[c]}"'
            f' font-size="{SMALL - 1}" font-weight="700" fill="{MUTED}">'
            f"{_t(_clip(heading, label_chars))}</text>"
        )
    labels: list[str] = []
    for c, order in enumerate(orders):
        # Each column centred in the height, its nodes stacked with a label's room above each.
        used = sum(columns[c][name] * scale for name in order) + gap * len(order)
        y = top + (height - top - 4 - used) / 2
        for name in order:
            y += gap
            h = max(columns[c][name] * scale, 2)
            node_y[c][name] = y
            y += h
            if name == DIRECT:  # no stop: the bands pass straight through, no node or label
                body.append(
                    f'<rect x="{_n(xs[c])}" y="{_n(y - h)}" width="{node_w}" height="{_n(h)}"'
                    f' fill="{ACCENT}" fill-opacity="0.35"/>'
                )
                continue
            body.append(
                f'<rect x="{_n(xs[c])}" y="{_n(y - h)}" width="{node_w}" height="{_n(h)}"'
                f' fill="{FG}"/>'
            )
            # The name above the node, the count beside it on the bands' side.
            labels.append(
                f'<text x="{_n(label_x[c])}" y="{_n(y - h - 4)}" text-anchor="{anchors[c]}"'
                f' font-size="{SMALL}">{_t(_clip(name, label_chars))}</text>'
            )
            side = xs[c] - 3 if c == 2 else xs[c] + node_w + 3
            labels.append(
                f'<text x="{_n(side)}" y="{_n(y - h / 2 + SMALL * 0.35)}"'
                f' text-anchor="{"end" if c == 2 else "start"}" font-size="{SMALL}"'
                f' font-weight="700">{_t(count_display(columns[c][name]))}</text>'
            )
    # Bands from each column to the next, ordered within a node by the other end's position
    # so they do not cross inside it.
    for c in (0, 1):
        pairs: dict[tuple[str, str], int] = defaultdict(int)
        for r in drawn:
            ends = (r.origin, r.transit, r.exploitation)
            pairs[(ends[c], ends[c + 1])] += r.count or 0
        out_y = dict(node_y[c])
        in_y = dict(node_y[c + 1])
        rank = [{name: k for k, name in enumerate(order)} for order in orders]
        ordered_out = sorted(pairs, key=lambda p: (rank[c][p[0]], rank[c + 1][p[1]]))
        ordered_in = sorted(pairs, key=lambda p: (rank[c + 1][p[1]], rank[c][p[0]]))
        starts: dict[tuple[str, str], float] = {}
        for pair in ordered_out:
            starts[pair] = out_y[pair[0]]
            out_y[pair[0]] += pairs[pair] * scale
        for pair in ordered_in:
            h = pairs[pair] * scale
            x0, x1 = xs[c] + node_w, xs[c + 1]
            y0, y1 = starts[pair], in_y[pair[1]]
            in_y[pair[1]] += h
            mid = (x0 + x1) / 2
            body.append(
                f'<path d="M{_n(x0)} {_n(y0)}C{_n(mid)} {_n(y0)} {_n(mid)} {_n(y1)} {_n(x1)}'
                f" {_n(y1)}V{_n(y1 + h)}C{_n(mid)} {_n(y1 + h)} {_n(mid)} {_n(y0 + h)}"
                f' {_n(x0)} {_n(y0 + h)}Z" fill="{ACCENT}" fill-opacity="0.35"/>'
            )
    # Labels last, over the bands: dark text on the light bands needs no halo (a stroked halo
    # with paint-order is ignored by WeasyPrint's PDF, which paints it over the letters).
    body.append("<g>" + "".join(labels) + "</g>")
    if hidden:
        note = ngettext(
            "%(count)d route with a suppressed count is not drawn; the table lists it.",
            "%(count)d routes with a suppressed count are not drawn; the table lists them.",
            hidden,
        ) % {"count": hidden}
        lines = _wrap(note, int(WIDTH / (SMALL * EM)), lines=3)
        y = height + 4
        for line in lines:
            y += SMALL * 1.3
            body.append(
                f'<text x="0" y="{_n(y)}" font-size="{SMALL}" fill="{MUTED}">{_t(line)}</text>'
            )
        height = y + 6
    largest = max(drawn, key=lambda r: r.count or 0)
    desc = " ".join(
        [
            ngettext(
                "Flow of %(count)d route from country of origin through transit to country of"
                " exploitation.",
                "Flow of %(count)d routes from country of origin through transit to country of"
                " exploitation.",
                len(every),
            )
            % {"count": len(every)},
            _("Largest: %(label)s, %(value)s.")
            % {
                "label": f" {ARROW} ".join((largest.origin, largest.transit, largest.exploitation)),
                "value": count_display(largest.count or 0),
            },
        ]
    )
    return _svg(ident, title, desc, height, body)
