"""{% load pictures %}{% picture ref label %} draws a picture reference (coplan/pictures/refs);
{% picture ref label size=56 person=person %} draws it for that person (their own photo
where they chose one for it). {% picture_attribution %} credits OpenMoji where the page
drew a pictogram; {% picture_attribution always=True %} credits it regardless (for PDFs)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from coplan.pictures import catalogue, render

register = template.Library()


@register.simple_tag(takes_context=True)
def picture(
    context: template.Context, ref: str, label: str = "", size: int = 96, person: Any = None
) -> SafeString:
    return render.picture_html(
        ref or "", label or "", int(size), person=person, request=context.get("request")
    )


@register.simple_tag(takes_context=True)
def picture_attribution(context: template.Context, always: bool = False) -> SafeString:
    request = context.get("request")
    if not always and not getattr(request, render.SHOWN_FLAG, False):
        return mark_safe("")
    return format_html(
        '<span class="picture-credit">{} (<a href="{}">licence</a>)</span>',
        catalogue.ATTRIBUTION,
        catalogue.LICENSE_URL,
    )
