"""Chart geometry for a risk plan's trends, drawn by hand as inline SVG in the template
(no script, scales to any width). Every chart sits beside a data table with the same
numbers, so nothing is shown only as a picture."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 360
HEIGHT = 180
LEFT, RIGHT, TOP, BOTTOM = 34, 8, 10, 28


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    kind: str  # verbal / gestural / physical
    label: str


@dataclass
class Tick:
    y: float
    label: str


@dataclass
class StageMark:
    x: float
    label: str


def _plot() -> tuple[float, float]:
    return WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


def _stage_marks(points, step: float) -> list[StageMark]:
    marks: list[StageMark] = []
    last = None
    for i, p in enumerate(points):
        if p.stage_number != last:
            marks.append(StageMark(x=round(LEFT + i * step, 1), label=f"Stage {p.stage_number}"))
            last = p.stage_number
    return marks


def prompts_chart(points) -> dict:
    """Stacked bars: prompts per session by kind (verbal, gestural, physical)."""
    plot_w, plot_h = _plot()
    top = max([p.prompts for p in points] + [4])
    top = top + (-top % 2)  # an even top, so the middle tick is a whole number
    step = plot_w / max(len(points), 1)
    bar_w = max(min(step * 0.7, 24), 2)
    bars: list[Bar] = []
    for i, p in enumerate(points):
        base = TOP + plot_h
        x = round(LEFT + i * step + (step - bar_w) / 2, 1)
        for kind, value in (
            ("verbal", p.verbal),
            ("gestural", p.gestural),
            ("physical", p.physical),
        ):
            if not value:
                continue
            h = plot_h * value / top
            base -= h
            bars.append(
                Bar(x, round(base, 1), round(bar_w, 1), round(h, 1), kind, f"{value} {kind}")
            )
    ticks = [Tick(round(TOP + plot_h - plot_h * v / top, 1), str(v)) for v in (0, top // 2, top)]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "bars": bars,
        "ticks": ticks,
        "marks": _stage_marks(points, step),
        "axis_x1": LEFT,
        "axis_x2": WIDTH - RIGHT,
        "axis_y": TOP + plot_h,
        "label_y": HEIGHT - 8,
    }


def competency_chart(points) -> dict:
    """A line: the share of the stage's competencies shown with no prompt, per session."""
    plot_w, plot_h = _plot()
    n = len(points)
    step = plot_w / max(n - 1, 1)
    coords = [
        (
            round(LEFT + (i * step if n > 1 else plot_w / 2), 1),
            round(TOP + plot_h * (1 - p.percent / 100), 1),
        )
        for i, p in enumerate(points)
    ]
    ticks = [Tick(round(TOP + plot_h * (1 - v / 100), 1), f"{v}%") for v in (0, 50, 100)]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "polyline": " ".join(f"{x},{y}" for x, y in coords),
        "dots": [
            {"x": x, "y": y, "label": f"{p.percent}%"}
            for (x, y), p in zip(coords, points, strict=True)
        ],
        "ticks": ticks,
        "marks": _stage_marks(points, step if n > 1 else 0),
        "axis_x1": LEFT,
        "axis_x2": WIDTH - RIGHT,
        "axis_y": TOP + plot_h,
        "label_y": HEIGHT - 8,
    }
