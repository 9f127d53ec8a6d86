"""Bar charts as inline SVG: a report prints and opens offline, with nothing fetched from
elsewhere. Every text is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

#: GOV.UK colours, one per series; distinguishable in greyscale print by their lightness order.
SERIES_COLOURS = ("#1d70b8", "#00703c", "#f47738", "#d4351c", "#4c2c92", "#505a5f")
LABEL_WIDTH, VALUE_WIDTH, BAR_HEIGHT, GAP, TOP = 230, 40, 14, 10, 8
#: Longer category names wrap onto more lines (never cut); a line holds about this many.
LABEL_CHARS = 34
LINE_HEIGHT = 14

Series = Sequence[tuple[str, Sequence[int]]]


@dataclass(frozen=True)
class _Layout:
    width: int
    top: int
    group_height: int
    height: int
    biggest: int

    @property
    def plot_width(self) -> int:
        return self.width - LABEL_WIDTH - VALUE_WIDTH


def _colour(i: int) -> str:
    return SERIES_COLOURS[i % len(SERIES_COLOURS)]


def bar_chart(title: str, categories: Sequence[str], series: Series, width: int = 680) -> Markup:
    """A horizontal bar chart: one group of bars per category, one bar per series, each
    labelled with its value; a legend when there is more than one series."""
    legend = len(series) > 1
    top = TOP + (22 if legend else 0)
    lines = max([len(wrap(c)) for c in categories] + [1])
    group_height = max(BAR_HEIGHT * len(series), LINE_HEIGHT * lines) + GAP
    layout = _Layout(
        width=width,
        top=top,
        group_height=group_height,
        height=top + max(len(categories), 1) * group_height + 6,
        biggest=max([v for _, values in series for v in values] + [1]),
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
        f'viewBox="0 0 {width} {layout.height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    ]
    if legend:
        out += _legend(series)
    if not categories:
        out.append(
            f'<text x="{LABEL_WIDTH}" y="{top + 12}" font-size="13" fill="#505a5f">Nothing to '
            "show</text>"
        )
    for row, category in enumerate(categories):
        out += _group(layout, row, category, series)
    out.append(
        f'<line x1="{LABEL_WIDTH}" y1="{top - 2}" x2="{LABEL_WIDTH}" y2="{layout.height - 4}" '
        'stroke="#505a5f" stroke-width="1"/></svg>'
    )
    return Markup("".join(out))


def _legend(series: Series) -> list[str]:
    out = []
    x = LABEL_WIDTH
    for i, (name, _) in enumerate(series):
        out.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{_colour(i)}"/>')
        out.append(f'<text x="{x + 16}" y="14" font-size="12" fill="#0b0c0c">{escape(name)}</text>')
        x += 24 + 7 * len(name)
    return out


def wrap(category: str, width: int = LABEL_CHARS) -> list[str]:
    """The category's name in lines of about ``width`` characters, broken between words."""
    lines: list[str] = []
    for word in category.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _group(layout: _Layout, row: int, category: str, series: Series) -> list[str]:
    """The label of one category (wrapped, whole) and its bar in each series."""
    y0 = layout.top + row * layout.group_height
    lines = wrap(category)
    first = y0 + (layout.group_height - GAP) / 2 - (len(lines) - 1) * LINE_HEIGHT / 2
    spans = "".join(
        f'<tspan x="{LABEL_WIDTH - 8}" y="{first + i * LINE_HEIGHT}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    out = [
        f'<text font-size="12" text-anchor="end" dominant-baseline="middle" '
        f'fill="#0b0c0c">{spans}</text>'
    ]
    for i, (name, values) in enumerate(series):
        value = values[row] if row < len(values) else 0
        w = round(layout.plot_width * value / layout.biggest, 1)
        y = y0 + i * BAR_HEIGHT
        out.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{w}" height="{BAR_HEIGHT - 2}" '
            f'fill="{_colour(i)}"><title>{escape(category)}: {escape(name)} {value}</title></rect>'
        )
        out.append(
            f'<text x="{LABEL_WIDTH + w + 4}" y="{y + BAR_HEIGHT - 4}" font-size="11" '
            f'fill="#0b0c0c">{value}</text>'
        )
    return out
