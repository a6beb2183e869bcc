"""Records made on shift for a risk plan, each saved once per idempotency key (see
idempotency.py): practice sessions, travel logs and their check-ins, and incidents on a
risk plan, which start a mini-review and never change the plan's stage."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coplan.accounts.models import User
from coplan.delivery import idempotency
from coplan.delivery import services as delivery_services
from coplan.delivery.models import Incident
from coplan.lib import events
from coplan.lib.dates import occurred
from coplan.lib.errors import Conflict
from coplan.lib.services import apply_and_save
from coplan.risk.models import (
    CompetencyResult,
    IncidentLink,
    PracticeSession,
    RiskPlan,
    RiskStage,
    TravelCheckIn,
    TravelLog,
)

PLAN_NOT_ACTIVE = "This risk plan is no longer in force."
NOT_INDEPENDENT = "Trips are logged at an independent stage. Record a practice session instead."
PROMPTED_NEEDS_COUNT = "A competency needed a prompt: give how many prompts, and of what kind."


def _in_force(plan: RiskPlan) -> RiskStage:
    """The stage in force now, read afresh: a record always belongs to the current stage."""
    fresh = RiskPlan.objects.filter(pk=plan.pk).values("is_active", "current_stage_id").get()
    if not fresh["is_active"] or fresh["current_stage_id"] is None:
        raise ValidationError(PLAN_NOT_ACTIVE)
    return RiskStage.objects.get(pk=fresh["current_stage_id"])


@transaction.atomic
def practice_session_record(
    *,
    plan: RiskPlan,
    route: str,
    results: Iterable[dict[str, Any]],
    prompts_verbal: int = 0,
    prompts_gestural: int = 0,
    prompts_physical: int = 0,
    how_felt: str = "",
    persons_words: str = "",
    notes: str = "",
    occurred_at: datetime | None = None,
    idempotency_key: Any,
    by: User,
) -> PracticeSession:
    """A practice session at the plan's current stage. `results` holds one row per
    competency of that stage: {"competency": id, "shown": bool, "prompted": bool}."""
    person = plan.person
    rows = [
        {
            "competency": int(r["competency"]),
            "shown": bool(r.get("shown")),
            "prompted": bool(r.get("prompted")),
        }
        for r in results
    ]
    body = {
        "plan": plan.pk,
        "route": route,
        "results": sorted(rows, key=lambda r: r["competency"]),
        "prompts": [prompts_verbal, prompts_gestural, prompts_physical],
        "how_felt": how_felt,
        "persons_words": persons_words,
        "notes": notes,
        "occurred_at": occurred_at,
    }

    def create() -> PracticeSession:
        booking = delivery_services.recording_booking(person=person, by=by)
        stage = _in_force(plan)
        competencies = {c.pk for c in stage.competencies.all()}
        given = [r["competency"] for r in rows]
        if given and not set(given) & competencies:
            raise ValidationError(
                f"The plan is now at {stage}: open the form again to record at this stage."
            )
        if sorted(given) != sorted(competencies):
            raise ValidationError(
                {"results": "Say for every competency of this stage whether it was shown."}
            )
        if any(r["prompted"] for r in rows) and not (
            prompts_verbal + prompts_gestural + prompts_physical
        ):
            raise ValidationError({"prompts_verbal": PROMPTED_NEEDS_COUNT})
        session = PracticeSession(
            person=person,
            plan=plan,
            stage=stage,
            route=route.strip(),
            prompts_verbal=prompts_verbal,
            prompts_gestural=prompts_gestural,
            prompts_physical=prompts_physical,
            how_felt=how_felt,
            persons_words=persons_words.strip(),
            notes=notes.strip(),
            occurred_at=occurred(occurred_at),
            recorded_by=by,
            booking=booking,
        )
        session.full_clean()
        session.save()
        CompetencyResult.objects.bulk_create(
            CompetencyResult(
                session=session,
                competency_id=r["competency"],
                shown=r["shown"],
                prompted=r["prompted"] and r["shown"],
            )
            for r in rows
        )
        return session

    session, _ = idempotency.save_once(
        key=idempotency_key,
        user=by,
        model=PracticeSession,
        body={"person": person.pk, **body},
        create=create,
    )
    return session


@transaction.atomic
def travel_log_start(
    *,
    plan: RiskPlan,
    planned_route: str,
    occurred_at: datetime | None = None,
    idempotency_key: Any,
    by: User,
) -> TravelLog:
    """The person sets off on an independent trip: the log, with the stage's agreed check-in
    points due at their times after setting off."""
    person = plan.person
    body = {"plan": plan.pk, "planned_route": planned_route, "occurred_at": occurred_at}

    def create() -> TravelLog:
        booking = delivery_services.recording_booking(person=person, by=by)
        stage = _in_force(plan)
        if not stage.is_independent:
            raise ValidationError(NOT_INDEPENDENT)
        log = TravelLog(
            person=person,
            plan=plan,
            stage=stage,
            planned_route=planned_route.strip(),
            occurred_at=occurred(occurred_at),
            recorded_by=by,
            booking=booking,
        )
        log.full_clean()
        log.save()
        grace = timedelta(minutes=stage.check_in_grace_minutes)
        for point in stage.check_in_points:
            due = log.occurred_at + timedelta(minutes=int(point["minutes"]))
            TravelCheckIn.objects.create(
                log=log, point=point["point"], due_at=due, missed_after=due + grace
            )
        # The reviews stage schedules the missed check-in alerts once this is committed.
        events.record_committed(model=TravelLog, person_id=person.pk, record_id=log.pk)
        return log

    log, _ = idempotency.save_once(
        key=idempotency_key,
        user=by,
        model=TravelLog,
        body={"person": person.pk, **body},
        create=create,
    )
    return log


def _locked_check_in(check_in: TravelCheckIn) -> TravelCheckIn:
    return (
        TravelCheckIn.objects.select_for_update()
        .select_related("log__person", "log__stage")
        .get(pk=check_in.pk)
    )


@transaction.atomic
def check_in_record(
    *,
    check_in: TravelCheckIn,
    made_at: datetime | None = None,
    idempotency_key: Any,
    by: User,
) -> TravelCheckIn:
    """The person checked in (a text, a call): when. On time or late follows from the time."""
    body = {"check_in": check_in.pk, "made_at": made_at}

    def create() -> TravelCheckIn:
        locked = _locked_check_in(check_in)
        delivery_services.recording_booking(person=locked.log.person, by=by)
        if locked.made_at is not None:
            raise Conflict("This check-in has already been recorded.", code="already_recorded")
        return apply_and_save(locked, {"made_at": occurred(made_at), "made_recorded_by": by})

    row, _ = idempotency.save_once(
        key=idempotency_key, user=by, model=TravelCheckIn, body=body, create=create
    )
    return row


@transaction.atomic
def check_in_follow_up(
    *,
    check_in: TravelCheckIn,
    follow_up: str,
    idempotency_key: Any,
    by: User,
) -> TravelCheckIn:
    """What staff did about a missed check-in, following the stage's agreed action."""
    body = {"check_in": check_in.pk, "follow_up": follow_up}

    def create() -> TravelCheckIn:
        locked = _locked_check_in(check_in)
        delivery_services.recording_booking(person=locked.log.person, by=by)
        if locked.status != "missed" and not (
            locked.made_at and locked.made_at > locked.missed_after
        ):
            raise ValidationError("This check-in is not missed, so there is nothing to follow up.")
        if not follow_up.strip():
            raise ValidationError({"follow_up": "Say what you did, and when."})
        return apply_and_save(
            locked,
            {
                "follow_up": follow_up.strip(),
                "followed_up_at": timezone.now(),
                "followed_up_by": by,
            },
        )

    row, _ = idempotency.save_once(
        key=idempotency_key, user=by, model=TravelCheckIn, body=body, create=create
    )
    return row


@transaction.atomic
def travel_log_finish(
    *,
    log: TravelLog,
    returned_at: datetime | None = None,
    what_happened: str = "",
    idempotency_key: Any,
    by: User,
) -> TravelLog:
    """The person is back: when, and anything that happened on the way."""
    body = {"log": log.pk, "returned_at": returned_at, "what_happened": what_happened}

    def create() -> TravelLog:
        locked = TravelLog.objects.select_for_update().select_related("person").get(pk=log.pk)
        delivery_services.recording_booking(person=locked.person, by=by)
        if locked.returned_at is not None:
            raise Conflict("This trip is already marked as back.", code="already_back")
        back = occurred(returned_at)
        if back < locked.occurred_at:
            raise ValidationError({"returned_at": "The time back is before setting off."})
        return apply_and_save(locked, {"returned_at": back, "what_happened": what_happened.strip()})

    row, _ = idempotency.save_once(
        key=idempotency_key, user=by, model=TravelLog, body=body, create=create
    )
    return row


@transaction.atomic
def incident_link(*, incident: Incident, plan: RiskPlan, by: User) -> IncidentLink:
    """Link an incident to the risk plan it happened under; the reviews stage then opens
    its mini-review. The stage does not change."""
    if incident.person_id != plan.person_id:
        raise ValidationError({"plan": "Pick a risk plan of the person the incident is about."})
    delivery_services.recording_booking(person=plan.person, by=by)
    link = IncidentLink.objects.filter(incident=incident).select_related("plan", "stage").first()
    if link is not None:
        if link.plan_id != plan.pk:
            raise Conflict("This incident is already linked to another risk plan.")
    else:
        stage = _in_force(plan)
        link = IncidentLink.objects.create(incident=incident, plan=plan, stage=stage, linked_by=by)
        # The reviews stage opens the mini-review once this is committed.
        events.record_committed(model=IncidentLink, person_id=plan.person_id, record_id=link.pk)
    return link


@transaction.atomic
def risk_incident_record(
    *,
    plan: RiskPlan,
    incident_type: str,
    severity: str,
    what_happened: str,
    actions_taken: str,
    occurred_at: datetime | None = None,
    idempotency_key: Any,
    by: User,
) -> IncidentLink:
    """An incident while following the plan: recorded through delivery (once per key),
    linked to the plan (which opens a mini-review). The stage does not change."""
    _in_force(plan)
    incident = delivery_services.incident_create(
        person=plan.person,
        incident_type=incident_type,
        severity=severity,
        what_happened=what_happened,
        actions_taken=actions_taken,
        other_plan_element=f"Risk plan: {plan.title}"[:200],
        occurred_at=occurred_at,
        idempotency_key=idempotency_key,
        by=by,
    )
    return incident_link(incident=incident, plan=plan, by=by)
