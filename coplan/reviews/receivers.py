"""What the reviews stage does when an earlier stage commits a care record."""

from __future__ import annotations

from typing import Any

from coplan.delivery.models import ActivityRecord, Incident, PracticalityFlag, RoutineRun
from coplan.reviews import alerts
from coplan.reviews.tasks import scan_person_task
from coplan.risk.models import IncidentLink

# The records the trigger rules read: each may cross a threshold or start a mini-review.
WATCHED = {ActivityRecord, Incident, IncidentLink, PracticalityFlag, RoutineRun}


def scan_after_record(sender: type, *, person_id: int, record_id: int, **_: Any) -> None:
    """Tell who is responsible at once of an incident or a flag, then look for triggers for
    this person in the background (immediately in tests)."""
    if sender is Incident:
        incident = Incident.objects.select_related("person__key_worker", "recorded_by").get(
            pk=record_id
        )
        alerts.incident_recorded(incident)
    elif sender is PracticalityFlag:
        alerts.flag_recorded(PracticalityFlag.objects.select_related("person").get(pk=record_id))
    if sender in WATCHED:
        scan_person_task.enqueue(person_id)
