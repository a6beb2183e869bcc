"""What the reviews stage does when an earlier stage commits a care record."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from coplan.delivery.models import ActivityRecord, Incident, PracticalityFlag, RoutineRun
from coplan.reviews import alerts
from coplan.reviews.tasks import missed_check_ins_task, scan_person_task
from coplan.risk.models import IncidentLink, TravelCheckIn, TravelLog

# The records the trigger rules read: each may cross a threshold or start a mini-review.
WATCHED = {ActivityRecord, Incident, IncidentLink, PracticalityFlag, RoutineRun}


def _may_open_a_trigger(sender: type, record: object | None) -> bool:
    """Only a refusal adds to a refusal count and only a decline to a decline count (see
    reviews/sources.py), so a routine done or an activity taken part in needs no scan: on a
    busy shift that is most records, and each scan is a task and a dozen queries."""
    if isinstance(record, RoutineRun):
        return record.outcome == RoutineRun.Outcome.REFUSED
    if isinstance(record, ActivityRecord):
        return record.outcome == ActivityRecord.Outcome.DECLINED
    return True


def scan_after_record(
    sender: type, *, person_id: int, record_id: int, record: object | None = None, **_: Any
) -> None:
    """Tell who is responsible at once of an incident or a flag, then look for triggers for
    this person in the background (immediately in tests)."""
    if sender is Incident:
        incident = Incident.objects.select_related("person__key_worker", "recorded_by").get(
            pk=record_id
        )
        alerts.incident_recorded(incident)
    elif sender is PracticalityFlag:
        alerts.flag_recorded(PracticalityFlag.objects.select_related("person").get(pk=record_id))
    elif sender is TravelLog:
        schedule_missed_check_in_alerts(record_id)
    if sender in WATCHED and _may_open_a_trigger(sender, record):
        scan_person_task.enqueue(person_id)


# A check-in counts as missed a moment after its grace time has passed.
MISSED_CHECK_IN_LAG = timedelta(seconds=5)


def schedule_missed_check_in_alerts(log_id: int) -> int:
    """A trip has set off: queue the missed check-in alert for the moment each of its
    check-ins would become missed (made check-ins are not told of). A backend that cannot
    run a task later (the immediate one of the tests) queues nothing: `send_alerts`, run
    every few minutes, finds them. Returns how many were queued."""
    if not missed_check_ins_task.get_backend().supports_defer:
        return 0
    times = TravelCheckIn.objects.filter(log_id=log_id).values_list("missed_after", flat=True)
    for missed_after in times:
        missed_check_ins_task.using(run_after=missed_after + MISSED_CHECK_IN_LAG).enqueue()
    return len(times)
