"""Small drawings for planning pages: the picture beside each choice (drawn by
coplan/pictures) and a progress chart as inline SVG."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from coplan.pictures.templatetags import pictures as pictures_tags

register = template.Library()


@register.simple_tag(takes_context=True)
def picture_box(
    context: template.Context, picture: str, label: str, size: int = 96, person: Any = None
) -> SafeString:
    """The choice's or step's picture, drawn by the pictures app: the pictogram, library
    image or photo it names (the person's own photo for it when drawn for `person`), the
    word in a box for a name with no picture, a dashed box where none is set."""
    return pictures_tags.picture(context, picture, label, size, person)


@register.simple_tag
def progress_chart(points: list[dict[str, Any]], scale: int, title: str) -> SafeString:
    """A bar for each progress entry, tallest at `scale`. The page shows the same numbers in
    a table, which screen readers use; the chart is a summary."""
    if not points:
        return mark_safe("")
    bar, gap, height, top, bottom, left = 34, 10, 140, 18, 22, 30
    width = left + len(points) * (bar + gap) + gap
    scale = max(scale, 1)
    bars = []
    for i, point in enumerate(points):
        value = point["value"]
        h = round((min(value, scale) / scale) * height)
        x = left + gap + i * (bar + gap)
        y = top + height - h
        bars.append(
            (
                x,
                y,
                bar,
                h,
                x + bar / 2,
                y - 4,
                value,
                x + bar / 2,
                top + height + 16,
                f"{point['entry'].recorded_on.day}/{point['entry'].recorded_on.month}",
            )
        )
    body = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="#0b5394"/>'
        '<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="#1b1f23">{}</text>'
        '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="#4a5560">{}</text>',
        bars,
    )
    return format_html(
        '<svg class="progress-chart" viewBox="0 0 {w} {vh}" width="{w}" height="{vh}" '
        'role="img" aria-labelledby="chart-title"><title id="chart-title">{title}</title>'
        '<line x1="{left}" y1="{top}" x2="{left}" y2="{base}" stroke="#4a5560"/>'
        '<line x1="{left}" y1="{base}" x2="{w}" y2="{base}" stroke="#4a5560"/>'
        '<text x="{lx}" y="{ty}" text-anchor="end" font-size="11" fill="#4a5560">{scale}</text>'
        '<text x="{lx}" y="{base}" text-anchor="end" font-size="11" fill="#4a5560">0</text>'
        "{body}</svg>",
        w=width,
        vh=top + height + bottom + 4,
        title=title,
        left=left,
        top=top,
        base=top + height,
        lx=left - 4,
        ty=top + 4,
        scale=scale,
        body=body,
    )
