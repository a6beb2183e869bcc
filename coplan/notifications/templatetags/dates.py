"""One way to write a date across the pages and the notifications: "8 Dec 2026"."""

from __future__ import annotations

from datetime import date, datetime

from django import template

from coplan.lib.dates import day_label

register = template.Library()


@register.filter(name="day")
def day_filter(value: date | datetime | None) -> str:
    """`{{ trigger.due_on|day }}` -> "8 Dec 2026"."""
    return day_label(value)
