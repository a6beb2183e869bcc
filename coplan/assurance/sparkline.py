"""A small line chart of percentages over time, as inline SVG: drawn in Python (no
JavaScript, no image request), with a title and description for screen readers; every page
that shows one also shows the same numbers as a table."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, PAD = 300, 90, 8


def line_svg(
    points: list[tuple[str, int | None]], *, title: str, threshold: int | None = None
) -> SafeString:
    """`points` are (label, percent or None for no data), in time order."""
    known = [(n, p) for n, (_, p) in enumerate(points) if p is not None]
    span = max(len(points) - 1, 1)

    def x(n: int) -> float:
        return PAD + (WIDTH - 2 * PAD) * n / span

    def y(p: float) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * p / 100

    described = "; ".join(f"{label}: {'no data' if p is None else f'{p}%'}" for label, p in points)
    parts = [
        f'<svg class="sparkline" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title><desc>{escape(described)}</desc>",
        f'<line x1="{PAD}" y1="{y(0):.1f}" x2="{WIDTH - PAD}" y2="{y(0):.1f}" class="axis"/>',
        f'<line x1="{PAD}" y1="{y(100):.1f}" x2="{WIDTH - PAD}" y2="{y(100):.1f}" class="axis"/>',
    ]
    if threshold is not None:
        parts.append(
            f'<line x1="{PAD}" y1="{y(threshold):.1f}" x2="{WIDTH - PAD}" '
            f'y2="{y(threshold):.1f}" class="threshold"/>'
        )
    if len(known) > 1:
        path = " ".join(f"{x(n):.1f},{y(p):.1f}" for n, p in known)
        parts.append(f'<polyline points="{path}" class="line"/>')
    for n, p in known:
        parts.append(f'<circle cx="{x(n):.1f}" cy="{y(p):.1f}" r="3.5" class="dot"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text part is escaped above)
