"""Dates and times shared by the stages."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from coplan.lib import input as policy

NOT_YET_HAPPENED = policy.NOT_YET_HAPPENED
CLOCK_SLACK = policy.CLOCK_SLACK


def occurred(occurred_at: datetime | None, field: str = "occurred_at") -> datetime:
    """When a record's event happened: now if not given; never in the future, nor before
    the input policy's floor."""
    if occurred_at is None:
        return timezone.now()
    return policy.moment(field, occurred_at)


def day_label(value: date | datetime | None) -> str:
    """One way to write a date on every page and notification: "8 Dec 2026" (the day with
    no leading zero, the month short). Templates use it as `{{ value|day }}` (`{% load
    dates %}`)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.day} {value:%b %Y}"
