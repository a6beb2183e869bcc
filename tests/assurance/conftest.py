"""A known fixture for the assurance tests: Sam's plan in Elm House (a morning routine, an
activity rhythm, a travel risk plan) and records over a fixed period, so every figure of the
index can be worked out by hand (see test_index.py)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    AgreedDecisionFactory,
    RhythmFactory,
    RoutineFactory,
)


def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


@pytest.fixture
def plan(world):
    """Sam's routine (3 steps) and rhythm in force, from agreed decisions."""
    routine = RoutineFactory(person=world.person, by=world.manager)
    rhythm = RhythmFactory(person=world.person, by=world.manager)
    return {"routine": routine, "rhythm": rhythm}


@pytest.fixture
def period():
    today = timezone.localdate()
    return today - timedelta(days=27), today


__all__ = ["AgreedDecisionFactory", "at"]
