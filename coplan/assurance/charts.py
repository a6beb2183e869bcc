"""A trend as an SVG chart, drawn by hand (as the risk plan's charts are): a text title, axis
labels, one line per series line, and each agreed decision as a labelled vertical line. Text
is text, so a screen reader, a search and the PDF's text layer can read it; every chart sits
beside a table with the same numbers. matplotlib drew these until it was measured at about
300 ms a chart, most of an evidence pack's time; this takes about a millisecond."""

from __future__ import annotations

import math
from datetime import date

from coplan.assurance.trends import Series

# Colours that keep 3:1 against white and apart from each other for common colour blindness
# (Okabe and Ito), with a dash pattern and a marker shape each so colour is never the only
# difference.
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000"]
DASHES = ["", "7 4", "9 3 2 3", "2 3", "", "7 4", "9 3 2 3"]
MARKERS = ["circle", "square", "triangle", "diamond", "circle", "square", "triangle"]
MARK_COLOUR = "#6b2c91"
AXIS_COLOUR = "#444444"

# About phone width at 1:1, so its text stays readable at 390 px; it scales up on wider screens.
WIDTH, HEIGHT = 520, 360
LEFT, RIGHT, TOP, BOTTOM = 56, 18, 84, 50
MARKED_POINTS = 60  # above this many points a line has no point markers (they would merge)


def _nice_top(value: int) -> tuple[int, int]:
    """The y axis's top and tick step: whole numbers, about five ticks."""
    top = max(value, 1)
    step = max(1, math.ceil(top / 5))
    magnitude = 10 ** max(0, len(str(step)) - 1)
    step = math.ceil(step / magnitude) * magnitude
    return step * math.ceil(top * 1.15 / step), step


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" fill="{colour}"/>'
    if kind == "triangle":
        return (
            f'<path d="M{x:.1f} {y - 4:.1f}L{x + 4:.1f} {y + 3:.1f}L{x - 4:.1f} {y + 3:.1f}Z" '
            f'fill="{colour}"/>'
        )
    if kind == "diamond":
        return (
            f'<path d="M{x:.1f} {y - 4:.1f}L{x + 4:.1f} {y:.1f}L{x:.1f} {y + 4:.1f}'
            f'L{x - 4:.1f} {y:.1f}Z" fill="{colour}"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>'


def _stroke(i: int) -> str:
    dash = DASHES[i % len(DASHES)]
    return f' stroke-dasharray="{dash}"' if dash else ""


def series_svg(series: Series, *, chart_id: str) -> str:
    """The chart as an inline <svg> element, labelled by its title for assistive tech."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    buckets = series.buckets
    first = buckets[0] if buckets else date.today()
    span = max((buckets[-1] - first).days, 1) if len(buckets) > 1 else 0
    top, step = _nice_top(max([max(line.values, default=0) for line in series.lines] + [1]))

    def x_of(day: date) -> float:
        if not span:
            return LEFT + plot_w / 2
        return LEFT + plot_w * min(max((day - first).days / span, 0), 1)

    def y_of(value: float) -> float:
        return TOP + plot_h * (1 - value / top)

    bottom = TOP + plot_h
    fmt = "%d %b" if series.bucket == "week" else "%b %Y"
    parts = [
        f'<svg role="img" aria-labelledby="{chart_id}-title" class="trend-chart" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg" '
        'font-family="DejaVu Sans, Arial, sans-serif">',
        f'<title id="{chart_id}-title">{_escape(series.title)}, chart; '
        "the same figures are in the table below</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="8" y="22" font-size="16" fill="#111111">{_escape(series.title)}</text>',
    ]
    # Legend: a sample of each line's stroke and marker, then its label.
    lx, ly = 8.0, 44.0
    for i, line in enumerate(series.lines):
        width = 34 + 7.2 * len(line.label)
        if lx + width > WIDTH - 8 and lx > 8:
            lx, ly = 8.0, ly + 18
        colour = COLOURS[i % len(COLOURS)]
        parts.append(
            f'<line x1="{lx:.1f}" y1="{ly - 4:.1f}" x2="{lx + 24:.1f}" y2="{ly - 4:.1f}" '
            f'stroke="{colour}" stroke-width="2"{_stroke(i)}/>'
            + _marker(MARKERS[i % len(MARKERS)], lx + 12, ly - 4, colour)
            + f'<text x="{lx + 30:.1f}" y="{ly:.1f}" font-size="12" fill="#111111">'
            f"{_escape(line.label)}</text>"
        )
        lx += width + 12
    # Axes, the y ticks with their grid, the x ticks.
    parts.append(
        f'<path d="M{LEFT} {TOP}V{bottom:.1f}H{LEFT + plot_w}" fill="none" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    for value in range(0, top + 1, step):
        y = y_of(value)
        parts.append(
            f'<line x1="{LEFT - 4}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" '
            f'stroke="#e3e3e3" stroke-width="1"/>'
            f'<text x="{LEFT - 7}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="{AXIS_COLOUR}">{value}</text>'
        )
    if buckets:
        every = max(1, math.ceil(len(buckets) / 6))
        for day in buckets[::every]:
            x = x_of(day)
            parts.append(
                f'<line x1="{x:.1f}" y1="{bottom:.1f}" x2="{x:.1f}" y2="{bottom + 4:.1f}" '
                f'stroke="{AXIS_COLOUR}"/><text x="{x:.1f}" y="{bottom + 17:.1f}" '
                f'font-size="11" text-anchor="middle" fill="{AXIS_COLOUR}">'
                f"{day.strftime(fmt)}</text>"
            )
    parts.append(
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 8}" font-size="12" '
        f'text-anchor="middle" fill="#111111">{_escape(series.x_label)}</text>'
        f'<text transform="translate(15 {TOP + plot_h / 2:.1f}) rotate(-90)" font-size="12" '
        f'text-anchor="middle" fill="#111111">{_escape(series.y_label)}</text>'
    )
    # Each agreed decision, a labelled dashed line on the day it was agreed.
    for n, mark in enumerate(series.markers):
        x = x_of(mark.on)
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{bottom:.1f}" '
            f'stroke="{MARK_COLOUR}" stroke-width="1.4" stroke-dasharray="5 3"/>'
            f'<text x="{min(x + 3, WIDTH - 150):.1f}" y="{TOP + 6 + 13 * (n % 3)}" '
            f'font-size="11" fill="{MARK_COLOUR}">'
            f"Decision {mark.decision_id}, {mark.on:%d %b}</text>"
        )
    # The lines, with a marker at each point while there are few enough to tell apart.
    for i, line in enumerate(series.lines):
        colour = COLOURS[i % len(COLOURS)]
        points = [(x_of(day), y_of(v)) for day, v in zip(buckets, line.values, strict=False)]
        if not points:
            continue
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.8"'
            f"{_stroke(i)}/>"
        )
        if len(points) <= MARKED_POINTS:
            kind = MARKERS[i % len(MARKERS)]
            parts.extend(_marker(kind, x, y, colour) for x, y in points)
    parts.append("</svg>")
    return "".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
