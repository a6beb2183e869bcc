"""Risk plans over the API: plans and their stages, practice sessions, travel logs and
check-ins, incidents on a plan, progression proposals and their confirmation.

Every shift record needs an `Idempotency-Key` header (a new UUID per record): the same key
and body again answers the first record; the same key with a different body answers 409.
Same access rules and the same services as the web pages."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.delivery.models import Incident
from coplan.planning.models import Decision, Domain, TakingPart
from coplan.risk import selectors
from coplan.risk.models import PracticeSession, RiskPlan, RiskStage, TravelCheckIn, TravelLog
from coplan.risk.services import plans as risk_services
from coplan.risk.services import practice as practice_services

router = Router(tags=["risk"])


# Schemas -------------------------------------------------------------------------------


class CheckInPointSchema(Schema):
    point: str
    minutes: int


class CompetencyOut(Schema):
    id: int
    text: str
    position: int


class StageOut(Schema):
    id: int
    number: int
    title: str
    description: str
    is_independent: bool
    shown_in: int
    of_last: int
    safeguards: str
    check_in_points: list[CheckInPointSchema]
    check_in_grace_minutes: int
    missed_check_in_action: str
    competencies: list[CompetencyOut]

    @staticmethod
    def resolve_competencies(obj) -> list:
        return list(obj.competencies.all())


class StageChangeOut(Schema):
    id: int
    from_stage_id: int | None
    to_stage_id: int
    direction: str
    decision_id: int
    changed_at: datetime
    changed_by_id: int


class PlanSummaryOut(Schema):
    id: int
    uid: UUID
    version: int
    person_id: int
    decision_id: int
    title: str
    goal_kept: str
    current_stage_id: int | None
    is_active: bool


class PlanOut(PlanSummaryOut):
    safeguards: str
    stages: list[StageOut]
    stage_changes: list[StageChangeOut]

    @staticmethod
    def resolve_stages(obj) -> list:
        return list(obj.stages.prefetch_related("competencies").order_by("number"))

    @staticmethod
    def resolve_stage_changes(obj) -> list:
        return list(obj.stage_changes.order_by("-changed_at", "-id"))


class StageIn(Schema):
    title: str = Field(min_length=1, max_length=150)
    description: str = ""
    competencies: list[str] = Field(min_length=1)
    shown_in: int = 3
    of_last: int = 4
    is_independent: bool = False
    safeguards: str = ""
    check_in_points: list[CheckInPointSchema] = []
    check_in_grace_minutes: int = 10
    missed_check_in_action: str = ""


class PlanIn(Schema):
    decision_id: int
    title: str = Field(min_length=1, max_length=150)
    safeguards: str | None = None
    stages: list[StageIn] = Field(min_length=1)


class CompetencyProgressOut(Schema):
    competency_id: int
    text: str
    shown_without_prompt: int
    met: bool


class ProgressionOut(Schema):
    stage_id: int
    stage_number: int
    shown_in: int
    of_last: int
    sessions_counted: int
    since: datetime | None
    competencies: list[CompetencyProgressOut]
    met: bool
    propose_moving_on_to: int | None = Field(
        None, description="The next stage's id when the criteria are met."
    )


class StageChangeIn(Schema):
    to_stage_id: int
    expected_stage_id: int | None = Field(
        None, description="The stage you saw as current; 409 if it has changed since."
    )
    reason: str = Field(min_length=1)
    persons_words: str = ""
    person_agrees: Decision.PersonAgrees | None = None
    person_took_part: TakingPart | None = TakingPart.IN_PERSON
    more_restrictive_reason: str = ""
    staying_workable: bool = True
    review_by: date | None = None


class ResultIn(Schema):
    competency_id: int
    shown: bool
    prompted: bool = False


class ResultOut(Schema):
    competency_id: int
    shown: bool
    prompted: bool


class RecordOut(Schema):
    id: int
    uid: UUID
    version: int
    person_id: int
    plan_id: int
    stage_id: int
    occurred_at: datetime
    created_at: datetime
    recorded_by_id: int
    booking_id: int | None


class PracticeSessionIn(Schema):
    route: str = Field(min_length=1, max_length=200)
    results: list[ResultIn]
    prompts_verbal: int = Field(0, ge=0, le=99)
    prompts_gestural: int = Field(0, ge=0, le=99)
    prompts_physical: int = Field(0, ge=0, le=99)
    how_felt: PracticeSession.Feeling | None = None
    persons_words: str = ""
    notes: str = ""
    occurred_at: datetime | None = None


class PracticeSessionOut(RecordOut):
    route: str
    prompts_verbal: int
    prompts_gestural: int
    prompts_physical: int
    prompts_total: int
    how_felt: str
    persons_words: str
    notes: str
    results: list[ResultOut]

    @staticmethod
    def resolve_results(obj) -> list:
        return list(obj.results.all())


class CheckInOut(Schema):
    id: int
    log_id: int
    point: str
    due_at: datetime
    missed_after: datetime
    made_at: datetime | None
    status: str
    follow_up: str
    followed_up_at: datetime | None


class TravelLogIn(Schema):
    planned_route: str = Field(min_length=1, max_length=300)
    occurred_at: datetime | None = None


class TravelLogOut(RecordOut):
    planned_route: str
    returned_at: datetime | None
    what_happened: str
    check_ins: list[CheckInOut]

    @staticmethod
    def resolve_check_ins(obj) -> list:
        return list(obj.check_ins.all())


class TripFinishIn(Schema):
    returned_at: datetime | None = None
    what_happened: str = ""


class CheckInMadeIn(Schema):
    made_at: datetime | None = None


class FollowUpIn(Schema):
    follow_up: str = Field(min_length=1)


class RiskIncidentIn(Schema):
    incident_type: Incident.Type = Incident.Type.TRAVEL
    severity: Incident.Severity
    what_happened: str = Field(min_length=1)
    actions_taken: str = Field(min_length=1)
    occurred_at: datetime | None = None


class IncidentLinkOut(Schema):
    id: int
    incident_id: int
    plan_id: int
    stage_id: int
    stage_unchanged: bool = True


class AlertOut(Schema):
    check_in: CheckInOut
    person_id: int
    plan_id: int
    planned_route: str
    set_off_at: datetime
    agreed_action: str


# Helpers -------------------------------------------------------------------------------


def _plan(
    request: HttpRequest, person_id: int, plan_id: int, action: Action, what: str | None = None
) -> RiskPlan:
    return access.get_object_for_user(
        request,
        RiskPlan.objects.select_related("current_stage"),
        plan_id,
        action,
        person_id=person_id,
        what=what,
    )


def _key(request: HttpRequest) -> str | None:
    return request.headers.get("Idempotency-Key")


def _progression(plan: RiskPlan) -> dict:
    progress = selectors.stage_progress(plan)
    following = selectors.next_stage(plan, progress.stage)
    return {
        "stage_id": progress.stage.pk,
        "stage_number": progress.stage.number,
        "shown_in": progress.stage.shown_in,
        "of_last": progress.stage.of_last,
        "sessions_counted": len(progress.sessions),
        "since": progress.since,
        "competencies": [
            {
                "competency_id": row.competency.pk,
                "text": row.competency.text,
                "shown_without_prompt": row.independent,
                "met": row.met,
            }
            for row in progress.competencies
        ],
        "met": progress.met,
        "propose_moving_on_to": following.pk if progress.met and following else None,
    }


# Plans ---------------------------------------------------------------------------------


@router.get("/people/{person_id}/plans", response=list[PlanSummaryOut])
@paginate(PageNumberPagination)
def list_plans(request: HttpRequest, person_id: int):
    person = access.get_person_for_user(request, person_id, Action.VIEW_PLAN, what="Risk plans")
    return selectors.plans_for_person(person).order_by("-created_at", "-id")


@router.post("/people/{person_id}/plans", response={201: PlanOut})
def create_plan(request: HttpRequest, person_id: int, payload: PlanIn):
    person = access.get_person_for_user(request, person_id, Action.PLAN)
    decision = get_object_or_404(
        Decision, pk=payload.decision_id, person=person, domain=Domain.RISK
    )
    stages = [s.dict() for s in payload.stages]
    plan = risk_services.risk_plan_create(
        decision=decision,
        by=request.user,
        title=payload.title,
        safeguards=payload.safeguards,
        stages=stages,
    )
    return Status(201, plan)


@router.get("/people/{person_id}/plans/{plan_id}", response=PlanOut)
def get_plan(request: HttpRequest, person_id: int, plan_id: int):
    return _plan(request, person_id, plan_id, Action.VIEW_PLAN)


@router.get("/people/{person_id}/plans/{plan_id}/progression", response=ProgressionOut)
def get_progression(request: HttpRequest, person_id: int, plan_id: int):
    """Whether the current stage's criteria are met, and the stage to propose if so."""
    plan = _plan(request, person_id, plan_id, Action.VIEW_PLAN, what="Risk plan progression")
    return _progression(plan)


@router.post("/people/{person_id}/plans/{plan_id}/stage-changes", response={201: StageChangeOut})
def change_stage(request: HttpRequest, person_id: int, plan_id: int, payload: StageChangeIn):
    """Confirm moving on (criteria met) or step back: recorded as an agreed risk decision."""
    plan = _plan(request, person_id, plan_id, Action.SIGN_OFF)
    target = get_object_or_404(RiskStage, pk=payload.to_stage_id, plan=plan)
    expected = None
    if payload.expected_stage_id is not None:
        expected = get_object_or_404(RiskStage, pk=payload.expected_stage_id, plan=plan)
    change = risk_services.risk_stage_change(
        plan=plan,
        to_stage=target,
        expected_stage=expected,
        by=request.user,
        reason=payload.reason,
        persons_words=payload.persons_words,
        person_agrees=payload.person_agrees or "",
        person_took_part=payload.person_took_part or "",
        more_restrictive_reason=payload.more_restrictive_reason,
        staying_workable=payload.staying_workable,
        review_by=payload.review_by,
    )
    return Status(201, change)


# Shift records -------------------------------------------------------------------------


@router.get(
    "/people/{person_id}/plans/{plan_id}/practice-sessions",
    response=list[PracticeSessionOut],
)
@paginate(PageNumberPagination)
def list_practice_sessions(request: HttpRequest, person_id: int, plan_id: int):
    plan = _plan(request, person_id, plan_id, Action.VIEW_RECORDS, what="Practice sessions")
    return (
        PracticeSession.objects.filter(plan=plan)
        .prefetch_related("results")
        .order_by("-occurred_at", "-id")
    )


@router.post(
    "/people/{person_id}/plans/{plan_id}/practice-sessions",
    response={201: PracticeSessionOut},
)
def record_practice_session(
    request: HttpRequest, person_id: int, plan_id: int, payload: PracticeSessionIn
):
    plan = _plan(request, person_id, plan_id, Action.RECORD)
    data = payload.dict()
    results = [
        {"competency": r["competency_id"], "shown": r["shown"], "prompted": r["prompted"]}
        for r in data.pop("results")
    ]
    data["how_felt"] = data["how_felt"] or ""
    session = practice_services.practice_session_record(
        plan=plan, results=results, idempotency_key=_key(request), by=request.user, **data
    )
    return Status(201, session)


@router.get("/people/{person_id}/plans/{plan_id}/travel-logs", response=list[TravelLogOut])
@paginate(PageNumberPagination)
def list_travel_logs(request: HttpRequest, person_id: int, plan_id: int):
    plan = _plan(request, person_id, plan_id, Action.VIEW_RECORDS, what="Travel logs")
    return (
        TravelLog.objects.filter(plan=plan)
        .prefetch_related("check_ins")
        .order_by("-occurred_at", "-id")
    )


@router.post("/people/{person_id}/plans/{plan_id}/travel-logs", response={201: TravelLogOut})
def start_trip(request: HttpRequest, person_id: int, plan_id: int, payload: TravelLogIn):
    plan = _plan(request, person_id, plan_id, Action.RECORD)
    log = practice_services.travel_log_start(
        plan=plan, idempotency_key=_key(request), by=request.user, **payload.dict()
    )
    return Status(201, log)


def _log(request: HttpRequest, person_id: int, plan_id: int, log_id: int) -> TravelLog:
    return access.get_object_for_user(
        request,
        TravelLog.objects.filter(plan_id=plan_id),
        log_id,
        Action.RECORD,
        person_id=person_id,
    )


@router.post(
    "/people/{person_id}/plans/{plan_id}/travel-logs/{log_id}/finish",
    response={200: TravelLogOut},
)
def finish_trip(
    request: HttpRequest, person_id: int, plan_id: int, log_id: int, payload: TripFinishIn
):
    log = _log(request, person_id, plan_id, log_id)
    return practice_services.travel_log_finish(
        log=log, idempotency_key=_key(request), by=request.user, **payload.dict()
    )


def _check_in(
    request: HttpRequest, person_id: int, plan_id: int, log_id: int, check_in_id: int
) -> TravelCheckIn:
    log = _log(request, person_id, plan_id, log_id)
    return get_object_or_404(TravelCheckIn, pk=check_in_id, log=log)


@router.post(
    "/people/{person_id}/plans/{plan_id}/travel-logs/{log_id}/check-ins/{check_in_id}/made",
    response={200: CheckInOut},
)
def check_in_made(
    request: HttpRequest,
    person_id: int,
    plan_id: int,
    log_id: int,
    check_in_id: int,
    payload: CheckInMadeIn,
):
    check_in = _check_in(request, person_id, plan_id, log_id, check_in_id)
    return practice_services.check_in_record(
        check_in=check_in, made_at=payload.made_at, idempotency_key=_key(request), by=request.user
    )


@router.post(
    "/people/{person_id}/plans/{plan_id}/travel-logs/{log_id}/check-ins/{check_in_id}/follow-up",
    response={200: CheckInOut},
)
def check_in_follow_up(
    request: HttpRequest,
    person_id: int,
    plan_id: int,
    log_id: int,
    check_in_id: int,
    payload: FollowUpIn,
):
    check_in = _check_in(request, person_id, plan_id, log_id, check_in_id)
    return practice_services.check_in_follow_up(
        check_in=check_in,
        follow_up=payload.follow_up,
        idempotency_key=_key(request),
        by=request.user,
    )


@router.post("/people/{person_id}/plans/{plan_id}/incidents", response={201: IncidentLinkOut})
def record_incident(request: HttpRequest, person_id: int, plan_id: int, payload: RiskIncidentIn):
    """An incident on the plan: starts a mini-review; the stage stays as it is."""
    plan = _plan(request, person_id, plan_id, Action.RECORD)
    link = practice_services.risk_incident_record(
        plan=plan, idempotency_key=_key(request), by=request.user, **payload.dict()
    )
    return Status(201, link)


@router.get("/alerts", response=list[AlertOut])
def alerts(request: HttpRequest):
    """Missed check-ins now, for everyone whose records you may see."""
    missed = selectors.missed_check_ins(access.people_for_user(request.user, Action.VIEW_RECORDS))
    for c in missed:
        access.log_read(
            request.user, c.log.person, "Missed check-in alert (API)", path=request.path
        )
    return [
        {
            "check_in": c,
            "person_id": c.log.person_id,
            "plan_id": c.log.plan_id,
            "planned_route": c.log.planned_route,
            "set_off_at": c.log.occurred_at,
            "agreed_action": c.log.stage.missed_check_in_action,
        }
        for c in missed
    ]
