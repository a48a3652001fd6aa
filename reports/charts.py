"""Geometry for server-rendered SVG charts (templates/reports/_bar_chart.html and
_line_chart.html). No JavaScript; each chart sits next to a table with the same numbers.
Right-to-left pages get mirrored charts: labels on the right, bars and time growing left.
Hidden (suppressed) values draw nothing and are labelled "<10".

Drawn for a phone: the charts are WIDTH units wide and shown at that many CSS pixels (never
scaled down on a 390 px screen), so a 13-unit label is 13 px on the phone. Each bar's label
sits on its own line above the bar, wrapped rather than cut, and the time axis shows only as
many dates as fit, none of them past the edge."""

import math
import unicodedata
from dataclasses import dataclass, field

from django.utils import translation

from reports.suppression import threshold

# Two series colours with at least 4.5:1 contrast on white, told apart by pattern too
# (the second series is drawn lighter-edged and labelled in the legend).
COLOURS = ("#0b5394", "#a84300")
# Fits a 390 px phone inside the page's margins (354 px) without scaling.
WIDTH = 340
LABEL_SIZE = 13  # labels and legend
VALUE_SIZE = 12  # the figure at a bar's end, the axes
LINE_GAP = 17  # between two lines of one wrapped label
# Nastaliq, the way Urdu is written (and the font phones show it in), stands about twice as
# tall as other scripts at one size: its labels need more room above their first line and
# between lines, or their tops are cut at the chart's edge.
TALL_SCRIPTS = {"ur"}


def _leading() -> tuple[int, int, int]:
    """(first baseline below a label's top, gap between its lines, room below it) for the
    language the chart is drawn in."""
    if (translation.get_language() or "").split("-")[0] in TALL_SCRIPTS:
        return 24, 30, 12
    return LABEL_SIZE, LINE_GAP, 5


def text_width(text: str, size: float) -> float:
    """A generous guess of a text's width: wide (CJK) characters are a full em, others
    about 0.62 em (wider than most Latin, Arabic and Bengali letters)."""
    wide = sum(1 for ch in text if unicodedata.east_asian_width(ch) in ("W", "F"))
    return (wide + 0.62 * (len(text) - wide)) * size


def wrap(text: str, width: float, size: float) -> list[str]:
    """Lines no wider than `width`: broken between words, or between characters for a
    word (or a script without spaces) longer than a line."""
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
            current = ""
        while text_width(word, size) > width:
            cut = len(word)
            while cut > 1 and text_width(word[:cut], size) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current or not lines:
        lines.append(current)
    return lines


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    text: str
    text_x: float
    anchor: str


@dataclass
class BarGroup:
    label_lines: list[str]
    label_x: float
    label_anchor: str
    label_y: float
    line_gap: int = LINE_GAP
    bars: list[Bar] = field(default_factory=list)


def _legend(series: list[str], rtl: bool) -> tuple[list[dict], float]:
    """One row per series (two side by side would run past a phone's edge); the y where the
    chart itself starts."""
    if len(series) < 2:
        return [], 4
    rise, _gap, below = _leading()
    row = rise + below + 2
    legend = []
    for index, name in enumerate(series):
        y = 4 + index * row
        legend.append(
            {
                "name": name,
                "colour": COLOURS[index % 2],
                "y": y + rise - 13,
                "mark_y": y + rise - 5,
                "text_y": y + rise,
                "x": WIDTH - 14 if rtl else 2,
                "mark_x1": WIDTH - 14 if rtl else 2,
                "mark_x2": WIDTH - 2 if rtl else 14,
                "text_x": WIDTH - 20 if rtl else 20,
                "anchor": "end" if rtl else "start",
            }
        )
    return legend, 4 + len(series) * row + 6


def bar_chart(
    title: str,
    description: str,
    rows: list[tuple[str, list[tuple[float | None, str]]]],
    series: list[str],
    rtl: bool,
) -> dict:
    """rows: (label, [(value or None when hidden, text shown next to the bar), ...])."""
    bar_height, row_gap, edge = 16, 10, 2
    value_room = max(
        (
            text_width(t if v is not None else f"<{threshold()}", VALUE_SIZE)
            for _l, vs in rows
            for v, t in vs
        ),
        default=0,
    )
    area = WIDTH - 2 * edge - value_room - 6
    biggest = max((v for _label, values in rows for v, _t in values if v), default=0) or 1
    legend, y = _legend(series, rtl)
    rise, gap, below = _leading()
    groups = []
    for label, values in rows:
        lines = wrap(label, WIDTH - 2 * edge, LABEL_SIZE)
        group = BarGroup(
            label_lines=lines,
            label_x=WIDTH - edge if rtl else edge,
            label_anchor="end" if rtl else "start",
            label_y=y + rise,
            line_gap=gap,
        )
        y += rise + below + (len(lines) - 1) * gap
        for index, (value, text) in enumerate(values):
            # Any figure above zero draws a bar a thumb's width can see.
            length = max((value or 0) / biggest * area, 3 if value else 0)
            if rtl:
                x = WIDTH - edge - length
                text_x, anchor = x - 4, "end"
            else:
                x = edge
                text_x, anchor = x + length + 4, "start"
            group.bars.append(
                Bar(
                    x=round(x, 1),
                    y=y,
                    width=round(length, 1),
                    height=bar_height - 2,
                    colour=COLOURS[index % 2],
                    text=text if value is not None else f"<{threshold()}",
                    text_x=round(text_x, 1),
                    anchor=anchor,
                )
            )
            y += bar_height
        groups.append(group)
        y += row_gap
    return {
        "title": title,
        "description": description,
        "width": WIDTH,
        "height": y,
        "groups": groups,
        "legend": legend,
    }


def line_chart(
    title: str,
    description: str,
    labels: list[str],
    series: list[tuple[str, list[int | None]]],
    rtl: bool,
) -> dict:
    """Values per point in time; None (hidden) breaks the line."""
    biggest = max((v for _n, values in series for v in values if v), default=0) or 1
    legend, top = _legend([name for name, _v in series], rtl)
    top += 8
    axis_room = text_width(str(biggest), VALUE_SIZE) + 10
    height, bottom = top + 160, 26
    # Worked out left to right, then mirrored as a whole for right-to-left pages.
    left, right = axis_room, 8
    plot_w = WIDTH - left - right
    plot_h = height - top - bottom
    n = max(len(labels), 1)

    def x_at(i):
        x = left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)
        return round(WIDTH - x if rtl else x, 1)

    def y_at(v):
        return round(top + plot_h - v / biggest * plot_h, 1)

    lines = []
    for index, (name, values) in enumerate(series):
        segments, current, points = [], [], []
        for i, value in enumerate(values):
            if value is None:
                if current:
                    segments.append(" ".join(current))
                current = []
                continue
            current.append(f"{x_at(i)},{y_at(value)}")
            points.append({"x": x_at(i), "y": y_at(value)})
        if current:
            segments.append(" ".join(current))
        lines.append(
            {
                "name": name,
                "colour": COLOURS[index % 2],
                "segments": segments,
                "points": points,
                "dash": "" if index == 0 else "6 3",
            }
        )
    # As many dates as fit side by side with a gap, each kept inside the chart's edges.
    widest = max((text_width(label, VALUE_SIZE) for label in labels), default=0)
    fit = max(1, int((WIDTH - 4) // (widest + 12)))
    step = max(1, math.ceil(n / fit))
    ticks = []
    for i in range(0, n, step):
        half = text_width(labels[i], VALUE_SIZE) / 2
        x = min(max(x_at(i), half + 2), WIDTH - half - 2)
        ticks.append({"x": round(x, 1), "label": labels[i]})
    axis_x = WIDTH - (left - 6) if rtl else left - 6
    grid = [
        {"y": y_at(v), "label": str(v), "x": round(axis_x, 1)}
        for v in sorted({0, round(biggest / 2), biggest})
    ]
    return {
        "title": title,
        "description": description,
        "width": WIDTH,
        "height": height,
        "lines": lines,
        "legend": legend,
        "ticks": ticks,
        "grid": grid,
        "plot_left": round(right if rtl else left, 1),
        "plot_right": round(WIDTH - left if rtl else WIDTH - right, 1),
        "axis_anchor": "start" if rtl else "end",
        "tick_y": height - bottom + 18,
    }
