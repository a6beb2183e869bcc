"""A trend as an SVG chart, drawn by hand (as the risk plan's charts are): axis labels, one
line per series line, and each agreed decision as a numbered vertical line. The title, the
legend and the key to the numbered decisions are HTML beside the chart (`chart()` gives them
to the template), so they wrap on a phone instead of overlapping the plot. Text is text, so
a screen reader, a search and the PDF's text layer can read it; every chart sits beside a
table with the same numbers. matplotlib drew these until it was measured at about 300 ms a
chart, most of an evidence pack's time; this takes about a millisecond."""

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

# Drawn at about the width a 390 px phone gives it (324 px), so FONT_SIZE units are about
# that many pixels there: at least 12 px, as the trial on a phone asked. Wider screens
# scale it up only to the figure's max-width in app.css.
WIDTH, HEIGHT = 340, 250
LEFT, RIGHT, BOTTOM = 46, 14, 46
FONT_SIZE = 13
TEXT_EM = 0.62  # DejaVu Sans's average character width, in ems, to keep labels inside
X_TICKS = 4  # at most; a 13-unit "10 Sep" is about 45 units wide
MARK_ROW = 17  # each row of decision numbers above the plot
MARK_GAP = 18  # the least distance between two numbers in one row
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


def swatch_svg(i: int) -> str:
    """A sample of line i's stroke and marker, for the HTML legend (hidden from assistive
    tech: the label beside it says which line it is)."""
    colour = COLOURS[i % len(COLOURS)]
    return (
        '<svg class="trend-swatch" width="30" height="12" viewBox="0 0 30 12" '
        'aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">'
        f'<line x1="1" y1="6" x2="29" y2="6" stroke="{colour}" stroke-width="2"{_stroke(i)}/>'
        + _marker(MARKERS[i % len(MARKERS)], 15, 6, colour)
        + "</svg>"
    )


def marker_rows(xs: list[float]) -> list[int]:
    """The row above the plot for each decision's number, xs in order: the first row where it
    keeps MARK_GAP from the number before it, so two decisions days apart never overlap."""
    last_x_in_row: list[float] = []
    rows = []
    for x in xs:
        row = next(
            (r for r, last in enumerate(last_x_in_row) if x - last >= MARK_GAP),
            len(last_x_in_row),
        )
        if row == len(last_x_in_row):
            last_x_in_row.append(x)
        last_x_in_row[row] = x
        rows.append(row)
    return rows


def series_svg(series: Series, *, chart_id: str) -> str:
    """The chart as an inline <svg> element, named by its <title> for assistive tech."""
    plot_w = WIDTH - LEFT - RIGHT
    buckets = series.buckets
    first = buckets[0] if buckets else date.today()
    span = max((buckets[-1] - first).days, 1) if len(buckets) > 1 else 0
    top, step = _nice_top(max([max(line.values, default=0) for line in series.lines] + [1]))

    def x_of(day: date) -> float:
        if not span:
            return LEFT + plot_w / 2
        return LEFT + plot_w * min(max((day - first).days / span, 0), 1)

    mark_xs = [x_of(mark.on) for mark in series.markers]
    rows = marker_rows(mark_xs)
    plot_top = 8 + MARK_ROW * (max(rows) + 1 if rows else 0)
    height = HEIGHT + plot_top
    plot_h = height - plot_top - BOTTOM
    bottom = plot_top + plot_h

    def y_of(value: float) -> float:
        return plot_top + plot_h * (1 - value / top)

    fmt = "%d %b" if series.bucket == "week" else "%b %Y"
    text = f'font-size="{FONT_SIZE}"'
    parts = [
        f'<svg role="img" aria-labelledby="{chart_id}-title" class="trend-chart" '
        f'viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg" '
        'font-family="DejaVu Sans, Arial, sans-serif">',
        f'<title id="{chart_id}-title">{_escape(series.title)}, chart; '
        "the same figures are in the table below</title>",
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        # Axes, the y ticks with their grid, the x ticks.
        f'<path d="M{LEFT} {plot_top}V{bottom:.1f}H{LEFT + plot_w}" fill="none" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>',
    ]
    for value in range(0, top + 1, step):
        y = y_of(value)
        parts.append(
            f'<line x1="{LEFT - 4}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" '
            f'stroke="#e3e3e3" stroke-width="1"/>'
            f'<text x="{LEFT - 7}" y="{y + 4:.1f}" {text} text-anchor="end" '
            f'fill="{AXIS_COLOUR}">{value}</text>'
        )
    if buckets:
        every = max(1, math.ceil(len(buckets) / X_TICKS))
        for day in buckets[::every]:
            x, label = x_of(day), day.strftime(fmt)
            # Kept whole inside the chart: the first and last labels would be cut at its edges.
            half = TEXT_EM * FONT_SIZE * len(label) / 2
            centre = min(max(x, half + 2), WIDTH - half - 2)
            parts.append(
                f'<line x1="{x:.1f}" y1="{bottom:.1f}" x2="{x:.1f}" y2="{bottom + 4:.1f}" '
                f'stroke="{AXIS_COLOUR}"/><text x="{centre:.1f}" y="{bottom + 18:.1f}" '
                f'{text} text-anchor="middle" fill="{AXIS_COLOUR}">{label}</text>'
            )
    parts.append(
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{height - 6}" {text} '
        f'text-anchor="middle" fill="#111111">{_escape(series.x_label)}</text>'
        f'<text transform="translate(14 {plot_top + plot_h / 2:.1f}) rotate(-90)" {text} '
        f'text-anchor="middle" fill="#111111">{_escape(series.y_label)}</text>'
    )
    # Each agreed decision: a dashed line on the day it was agreed, numbered as in the key
    # below the chart, the numbers staggered into rows so near ones stay apart.
    numbers = []
    for n, (x, row) in enumerate(zip(mark_xs, rows, strict=True), start=1):
        y = 8 + MARK_ROW * row + FONT_SIZE - 1
        parts.append(
            f'<line x1="{x:.1f}" y1="{y + 3:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" '
            f'stroke="{MARK_COLOUR}" stroke-width="1.4" stroke-dasharray="5 3"/>'
        )
        # On a white patch, drawn after every line, so a neighbour's line never crosses it.
        cx, half = min(max(x, 10), WIDTH - 10), TEXT_EM * FONT_SIZE * len(str(n)) / 2 + 2
        numbers.append(
            f'<rect x="{cx - half:.1f}" y="{y - FONT_SIZE + 1:.1f}" width="{2 * half:.1f}" '
            f'height="{FONT_SIZE + 2}" fill="#ffffff"/>'
            f'<text x="{cx:.1f}" y="{y:.1f}" {text} font-weight="bold" '
            f'text-anchor="middle" fill="{MARK_COLOUR}">{n}</text>'
        )
    parts.extend(numbers)
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


def chart(series: Series, *, chart_id: str) -> dict:
    """What templates/assurance/_trend.html draws: the series, its chart and its legend."""
    return {
        "series": series,
        "svg": "" if series.is_empty else series_svg(series, chart_id=chart_id),
        "legend": [
            {"label": line.label, "swatch": swatch_svg(i)} for i, line in enumerate(series.lines)
        ],
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
