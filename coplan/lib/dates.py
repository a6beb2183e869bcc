"""Dates and times shared by the stages."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

NOT_YET_HAPPENED = "A record cannot describe something that has not happened yet."
# A phone's clock may run a little ahead of the server's.
CLOCK_SLACK = timedelta(minutes=5)


def occurred(occurred_at: datetime | None) -> datetime:
    """When a record's event happened: now if not given; never in the future."""
    now = timezone.now()
    if occurred_at is None:
        return now
    if occurred_at > now + CLOCK_SLACK:
        raise ValidationError({"occurred_at": NOT_YET_HAPPENED})
    return occurred_at
