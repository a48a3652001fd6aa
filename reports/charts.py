"""Geometry for server-rendered SVG charts (templates/reports/_bar_chart.html and
_line_chart.html). No JavaScript; each chart sits next to a table with the same numbers.
Right-to-left pages get mirrored charts: labels on the right, bars and time growing left.
Hidden (suppressed) values draw nothing and are labelled "<10"."""

from dataclasses import dataclass, field

from reports.suppression import threshold

# Two series colours with at least 4.5:1 contrast on white, told apart by pattern too
# (the second series is drawn lighter-edged and labelled in the legend).
COLOURS = ("#0b5394", "#a84300")
WIDTH = 640


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
    label: str
    label_x: float
    label_anchor: str
    label_y: float
    bars: list[Bar] = field(default_factory=list)


def bar_chart(
    title: str,
    description: str,
    rows: list[tuple[str, list[tuple[float | None, str]]]],
    series: list[str],
    rtl: bool,
) -> dict:
    """rows: (label, [(value or None when hidden, text shown next to the bar), ...])."""
    label_width, gap, bar_height, row_gap = 170, 8, 14, 10
    area = WIDTH - label_width - 2 * gap - 70
    biggest = max((v for _label, values in rows for v, _t in values if v), default=0) or 1
    groups = []
    y = 34 if len(series) > 1 else 8
    for label, values in rows:
        group_height = bar_height * len(values)
        group = BarGroup(
            label=label,
            label_x=WIDTH - 4 if rtl else label_width - 4,
            label_anchor="end" if not rtl else "end",
            label_y=y + group_height / 2 + 4,
        )
        if rtl:
            group.label_x, group.label_anchor = WIDTH - 4, "end"
        else:
            group.label_x, group.label_anchor = label_width - 4, "end"
        for index, (value, text) in enumerate(values):
            length = (value or 0) / biggest * area
            by = y + index * bar_height
            if rtl:
                x = WIDTH - label_width - gap - length
                text_x, anchor = x - 4, "end"
            else:
                x = label_width + gap
                text_x, anchor = x + length + 4, "start"
            group.bars.append(
                Bar(
                    x=round(x, 1),
                    y=by,
                    width=round(length, 1),
                    height=bar_height - 2,
                    colour=COLOURS[index % 2],
                    text=text if value is not None else f"<{threshold()}",
                    text_x=round(text_x, 1),
                    anchor=anchor,
                )
            )
        groups.append(group)
        y += group_height + row_gap
    legend = []
    for index, name in enumerate(series if len(series) > 1 else []):
        lx = WIDTH - 10 - index * 200 if rtl else 10 + index * 200
        legend.append(
            {
                "name": name,
                "colour": COLOURS[index % 2],
                "x": lx - 12 if rtl else lx,
                "text_x": lx - 18 if rtl else lx + 18,
                "anchor": "end" if rtl else "start",
            }
        )
    return {
        "title": title,
        "description": description,
        "width": WIDTH,
        "height": y + 4,
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
    height, left, right, top, bottom = 240, 50, 20, 36, 40
    if rtl:
        left, right = right, left
    plot_w = WIDTH - left - right
    plot_h = height - top - bottom
    biggest = max((v for _n, values in series for v in values if v), default=0) or 1
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
        lx = WIDTH - 10 - index * 200 if rtl else 10 + index * 200
        lines.append(
            {
                "name": name,
                "colour": COLOURS[index % 2],
                "segments": segments,
                "points": points,
                "dash": "" if index == 0 else "6 3",
                "legend_x": lx - 12 if rtl else lx,
                "legend_text_x": lx - 18 if rtl else lx + 18,
            }
        )
    step = max(1, n // 6)
    ticks = [{"x": x_at(i), "label": labels[i]} for i in range(0, n, step)]
    axis_x = WIDTH - left + 6 if rtl else left - 6
    grid = [
        {"y": y_at(v), "label": str(v), "x": axis_x}
        for v in sorted({0, round(biggest / 2), biggest})
    ]
    return {
        "title": title,
        "description": description,
        "width": WIDTH,
        "height": height,
        "lines": lines,
        "ticks": ticks,
        "grid": grid,
        "plot_left": min(left, WIDTH - left) if not rtl else right,
        "plot_right": WIDTH - right if not rtl else WIDTH - left,
        "axis_anchor": "start" if rtl else "end",
        "legend_anchor": "end" if rtl else "start",
        "tick_y": height - bottom + 18,
    }
