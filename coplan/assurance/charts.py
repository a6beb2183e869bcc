"""A trend as an SVG chart (matplotlib, no pyplot state): a text title, axis labels, one line
per series line, and each agreed decision as a labelled vertical line. Text stays text
(`svg.fonttype: none`), so a screen reader, a search and the PDF's text layer can read it;
every chart sits beside a table with the same numbers."""

from __future__ import annotations

import io
import re
from datetime import datetime, time

import matplotlib

matplotlib.use("Agg")

from matplotlib import dates as mdates  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from coplan.assurance.trends import Series  # noqa: E402

# Colours that keep 3:1 against white and apart from each other for common colour blindness
# (Okabe and Ito), with a dash pattern each so colour is never the only difference.
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000"]
DASHES = ["-", "--", "-.", ":", "-", "--", "-."]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
MARK_COLOUR = "#6b2c91"

_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)
_STYLE = re.compile(r"<style[^>]*>.*?</style>", re.S)
# matplotlib names every element (figure_1, axes_1...): the same names in each chart, so
# two charts on a page would repeat ids. Nothing refers to them; they go.
_NAMED = re.compile(
    r'\s+id="(?:figure|patch|axes|matplotlib\.axis|xtick|ytick|line2d|text|legend)_\d+"'
)
_SIZE = re.compile(r'<svg([^>]*?)\s(width|height)="[^"]*"')


def _day(d) -> float:
    return float(mdates.date2num(datetime.combine(d, time(12))))


def series_svg(series: Series, *, chart_id: str) -> str:
    """The chart as an inline <svg> element, labelled by its title for assistive tech."""
    # About phone width at 1:1, so its text stays readable at 390 px; it scales up on wider screens.
    fig = Figure(figsize=(5.2, 3.6), dpi=72)
    ax = fig.add_subplot()
    xs = [_day(b) for b in series.buckets]
    for i, line in enumerate(series.lines):
        ax.plot(
            xs,
            line.values,
            label=line.label,
            color=COLOURS[i % len(COLOURS)],
            linestyle=DASHES[i % len(DASHES)],
            marker=MARKERS[i % len(MARKERS)],
            markersize=4,
            linewidth=1.8,
        )
    top = max([max(line.values, default=0) for line in series.lines] + [1])
    ax.set_ylim(0, top * 1.25 + 0.5)
    for n, marker in enumerate(series.markers):
        x = _day(marker.on)
        ax.axvline(x, color=MARK_COLOUR, linewidth=1.4, linestyle="--")
        ax.annotate(
            f"Decision {marker.decision_id}, {marker.on:%d %b}",
            xy=(x, top * (1.2 - 0.12 * (n % 3)) + 0.4),
            xytext=(3, 0),
            textcoords="offset points",
            fontsize=8,
            color=MARK_COLOUR,
        )
    ax.set_title(series.title, fontsize=11, loc="left")
    ax.set_xlabel(series.x_label, fontsize=9)
    ax.set_ylabel(series.y_label, fontsize=9)
    ax.xaxis.set_major_formatter(
        mdates.DateFormatter("%d %b" if series.bucket == "week" else "%b %Y")
    )
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=8))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    if series.lines:
        ax.legend(fontsize=8, loc="upper left", frameon=False, ncols=2)
    fig.tight_layout()
    out = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": chart_id}):
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    svg = _PROLOGUE.sub("", out.getvalue(), count=1)
    svg = _STYLE.sub("", svg)
    svg = _NAMED.sub("", svg)
    # Scales to its container; the viewBox keeps its shape.
    svg = _SIZE.sub(r"<svg\1", svg, count=1)
    svg = _SIZE.sub(r"<svg\1", svg, count=1)
    return svg.replace(
        "<svg",
        f'<svg role="img" aria-labelledby="{chart_id}-title" class="trend-chart"',
        1,
    ).replace(
        ">",
        f'><title id="{chart_id}-title">{_escape(series.title)}, chart; '
        "the same figures are in the table below</title>",
        1,
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
