"""What the reviews stage does when an earlier stage commits a care record."""

from __future__ import annotations

from typing import Any

from coplan.delivery.models import ActivityRecord, Incident, PracticalityFlag, RoutineRun
from coplan.reviews.tasks import scan_person_task
from coplan.risk.models import IncidentLink

# The records the trigger rules read: each may cross a threshold or start a mini-review.
WATCHED = {ActivityRecord, Incident, IncidentLink, PracticalityFlag, RoutineRun}


def scan_after_record(sender: type, *, person_id: int, **_: Any) -> None:
    """Look for triggers for this person in the background (immediately in tests)."""
    if sender in WATCHED:
        scan_person_task.enqueue(person_id)
