"""Dates and times shared by the stages."""

from __future__ import annotations

from datetime import datetime

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
