"""The planning stage's API: sessions, views before a session, decisions, goals and
progress. Same access rules and the same services as the web pages."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, ModelSchema, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.lib.services import version_sent
from coplan.people.models import CommunicationNeed, Person
from coplan.planning import selectors, services
from coplan.planning.models import (
    CoproductionSession,
    Decision,
    DecisionOption,
    DecisionParticipant,
    Domain,
    Goal,
    GoalAction,
    GoalProgress,
    ParticipantKind,
    SessionChoice,
    SessionInvitee,
    SessionView,
    TakingPart,
)

router = Router(tags=["planning"])


# Schemas -------------------------------------------------------------------------------


class ChoiceOut(ModelSchema):
    class Meta:
        model = SessionChoice
        fields = ["id", "label", "detail", "picture", "position"]


class ChoiceIn(Schema):
    id: int | None = None
    label: str = Field(min_length=1, max_length=80)
    detail: str = Field("", max_length=300)
    picture: str = Field("", max_length=40)


class InviteeOut(ModelSchema):
    class Meta:
        model = SessionInvitee
        fields = ["id", "kind", "name", "circle_member", "took_part", "how"]


class InviteeIn(Schema):
    id: int | None = None
    kind: ParticipantKind
    name: str = Field(min_length=1, max_length=150)
    circle_member_id: int | None = None
    took_part: bool | None = None
    how: TakingPart | None = None


class SessionViewOut(ModelSchema):
    uid: UUID
    recorded_by: str = Field(alias="recorded_by.name")

    class Meta:
        model = SessionView
        fields = [
            "id",
            "version",
            "author_kind",
            "author_name",
            "text",
            "how_given",
            "on_behalf",
            "created_at",
        ]


class SessionViewIn(Schema):
    text: str = Field(min_length=1)
    how_given: TakingPart | None = None
    on_behalf_of: str | None = Field(
        None, description='For staff: "person", "circle:<id>" or "self".'
    )


class SessionOut(ModelSchema):
    uid: UUID
    person_id: int
    prompts: list[str]
    information_formats: list[str]
    choices: list[ChoiceOut]
    invitees: list[InviteeOut]
    views: list[SessionViewOut]

    class Meta:
        model = CoproductionSession
        fields = [
            "id",
            "version",
            "purpose",
            "domain",
            "is_risk_workshop",
            "scheduled_for",
            "location",
            "prompts",
            "information_prepared",
            "information_formats",
            "status",
            "held_at",
            "notes",
        ]


class SessionSummaryOut(ModelSchema):
    uid: UUID
    person_id: int

    class Meta:
        model = CoproductionSession
        fields = ["id", "version", "purpose", "domain", "scheduled_for", "status"]


class SessionIn(Schema):
    purpose: str = Field(min_length=1, max_length=300)
    domain: Domain
    is_risk_workshop: bool = False
    scheduled_for: datetime
    location: str = Field("", max_length=200)
    prompts: list[str] = []
    information_prepared: str = ""
    information_formats: list[CommunicationNeed.Format] | None = Field(
        None, description="Left out: taken from the person's communication needs."
    )
    notes: str = ""
    choices: list[ChoiceIn] = []
    invitees: list[InviteeIn] = []


class SessionPatch(Schema):
    version: int | None = Field(
        None, ge=1, description="The version this change is based on (or send If-Match)."
    )
    purpose: str | None = Field(None, min_length=1, max_length=300)
    domain: Domain | None = None
    is_risk_workshop: bool | None = None
    scheduled_for: datetime | None = None
    location: str | None = Field(None, max_length=200)
    prompts: list[str] | None = None
    information_prepared: str | None = None
    information_formats: list[CommunicationNeed.Format] | None = None
    status: CoproductionSession.Status | None = None
    held_at: datetime | None = None
    notes: str | None = None
    choices: list[ChoiceIn] | None = Field(
        None, description="Replaces the list: rows with an id are kept and updated."
    )
    invitees: list[InviteeIn] | None = Field(
        None, description="Replaces the list: rows with an id are kept and updated."
    )


class OptionOut(ModelSchema):
    carried_over_from_id: int | None = Field(
        None, description="The decision this option was carried over from, if any."
    )

    class Meta:
        model = DecisionOption
        fields = [
            "id",
            "label",
            "description",
            "benefits",
            "risks",
            "safeguards",
            "proposed_by",
            "restrictiveness",
            "is_workable",
            "is_chosen",
            "position",
        ]


class OptionIn(Schema):
    id: int | None = None
    label: str = Field(min_length=1, max_length=200)
    description: str = ""
    benefits: str = ""
    risks: str = ""
    safeguards: str = ""
    proposed_by: str = Field("", max_length=150)
    restrictiveness: int | None = Field(None, ge=1, description="1 is the most restrictive.")
    is_workable: bool = True
    is_chosen: bool = False


class ParticipantOut(ModelSchema):
    class Meta:
        model = DecisionParticipant
        fields = ["id", "kind", "name", "role", "how", "circle_member"]


class ParticipantIn(Schema):
    id: int | None = None
    kind: ParticipantKind
    name: str = Field(min_length=1, max_length=150)
    role: str = Field("", max_length=100)
    how: TakingPart
    circle_member_id: int | None = None


DECISION_TEXT = [
    "what_matters",
    "agreed",
    "reason",
    "persons_words",
    "why_person_not_involved",
    "information_withheld",
    "more_restrictive_reason",
    "capacity_notes",
    "bi_practicable_steps",
    "bi_encouraged",
    "bi_wishes",
    "bi_others_views",
    "bi_least_restrictive",
    "review_triggers",
]


class DecisionOut(ModelSchema):
    uid: UUID
    person_id: int
    session_id: int | None
    supersedes_id: int | None
    superseded_by_id: int | None = None
    agreed_by_name: str | None = None
    options: list[OptionOut]
    participants: list[ParticipantOut]

    class Meta:
        model = Decision
        fields = [
            "id",
            "version",
            "domain",
            "question",
            "goal_kept",
            "person_agrees",
            "final_say",
            "capacity",
            "review_by",
            "status",
            "agreed_at",
            "created_at",
            *DECISION_TEXT,
        ]

    @staticmethod
    def resolve_superseded_by_id(obj: Decision) -> int | None:
        successor = getattr(obj, "superseded_by", None)
        return successor.pk if successor else None

    @staticmethod
    def resolve_agreed_by_name(obj: Decision) -> str | None:
        return obj.agreed_by.name if obj.agreed_by_id else None


class DecisionIn(Schema):
    session_id: int | None = None
    domain: Domain
    question: str = Field(min_length=1, max_length=300)
    goal_kept: str = Field("", max_length=300)
    person_agrees: Decision.PersonAgrees | None = None
    final_say: str | None = Field(
        None, max_length=200, description="Left out: from the decision-making agreement."
    )
    capacity: Decision.Capacity = Decision.Capacity.ASSUMED
    review_by: date | None = None
    what_matters: str = ""
    agreed: str = ""
    reason: str = ""
    persons_words: str = ""
    why_person_not_involved: str = ""
    information_withheld: str = ""
    more_restrictive_reason: str = ""
    capacity_notes: str = ""
    bi_practicable_steps: str = ""
    bi_encouraged: str = ""
    bi_wishes: str = ""
    bi_others_views: str = ""
    bi_least_restrictive: str = ""
    review_triggers: str = ""
    options: list[OptionIn] = []
    participants: list[ParticipantIn] = []


class DecisionPatch(Schema):
    version: int | None = Field(
        None, ge=1, description="The version this change is based on (or send If-Match)."
    )
    session_id: int | None = None
    domain: Domain | None = None
    question: str | None = Field(None, min_length=1, max_length=300)
    goal_kept: str | None = Field(None, max_length=300)
    person_agrees: Decision.PersonAgrees | None = None
    final_say: str | None = Field(None, max_length=200)
    capacity: Decision.Capacity | None = None
    review_by: date | None = None
    what_matters: str | None = None
    agreed: str | None = None
    reason: str | None = None
    persons_words: str | None = None
    why_person_not_involved: str | None = None
    information_withheld: str | None = None
    more_restrictive_reason: str | None = None
    capacity_notes: str | None = None
    bi_practicable_steps: str | None = None
    bi_encouraged: str | None = None
    bi_wishes: str | None = None
    bi_others_views: str | None = None
    bi_least_restrictive: str | None = None
    review_triggers: str | None = None
    options: list[OptionIn] | None = Field(
        None, description="Replaces the list: rows with an id are kept and updated."
    )
    participants: list[ParticipantIn] | None = Field(
        None, description="Replaces the list: rows with an id are kept and updated."
    )


class AgreeIn(Schema):
    confirmed: bool = Field(
        description="True: you have checked who took part and how, the person's words and "
        "agreement, the options and the one chosen. Once agreed, the decision is locked."
    )
    version: int | None = Field(
        None, ge=1, description="The version of the draft you checked (or send If-Match)."
    )


class ActionOut(ModelSchema):
    class Meta:
        model = GoalAction
        fields = ["id", "what", "who", "when", "review_on", "is_done"]


class ActionIn(Schema):
    id: int | None = None
    what: str = Field(min_length=1, max_length=300)
    who: str = Field(min_length=1, max_length=150)
    when: str = Field(min_length=1, max_length=150)
    review_on: date | None = None
    is_done: bool = False


class GoalOut(ModelSchema):
    uid: UUID
    person_id: int
    checklist: list[str]
    actions: list[ActionOut]
    decision_ids: list[int]

    class Meta:
        model = Goal
        fields = [
            "id",
            "version",
            "in_own_words",
            "importance",
            "success_looks_like",
            "measure",
            "measure_unit",
            "target_value",
            "scale_max",
            "checklist",
            "target_date",
            "status",
            "status_reason",
        ]

    @staticmethod
    def resolve_decision_ids(obj: Goal) -> list[int]:
        return [d.pk for d in obj.decisions.all()]


class GoalIn(Schema):
    in_own_words: str = Field(min_length=1, max_length=300)
    importance: Goal.Importance = Goal.Importance.VERY
    success_looks_like: str = Field(min_length=1)
    measure: Goal.Measure
    measure_unit: str = Field("", max_length=100)
    target_value: int | None = Field(None, ge=0)
    scale_max: int | None = Field(None, ge=2, le=10)
    checklist: list[str] = []
    target_date: date | None = None
    status: Goal.Status = Goal.Status.ACTIVE
    status_reason: str = ""
    actions: list[ActionIn] = []
    decision_ids: list[int] = []


class GoalPatch(Schema):
    version: int | None = Field(
        None, ge=1, description="The version this change is based on (or send If-Match)."
    )
    in_own_words: str | None = Field(None, min_length=1, max_length=300)
    importance: Goal.Importance | None = None
    success_looks_like: str | None = Field(None, min_length=1)
    measure: Goal.Measure | None = None
    measure_unit: str | None = Field(None, max_length=100)
    target_value: int | None = Field(None, ge=0)
    scale_max: int | None = Field(None, ge=2, le=10)
    checklist: list[str] | None = None
    target_date: date | None = None
    status: Goal.Status | None = None
    status_reason: str | None = None
    actions: list[ActionIn] | None = None
    decision_ids: list[int] | None = None


class ProgressOut(ModelSchema):
    checklist_done: list[str]

    class Meta:
        model = GoalProgress
        fields = [
            "id",
            "recorded_on",
            "value",
            "checklist_done",
            "note",
            "persons_words",
            "created_at",
        ]


class ProgressIn(Schema):
    recorded_on: date | None = None
    value: int | None = None
    checklist_done: list[str] = []
    note: str = ""
    persons_words: str = ""


# Helpers -------------------------------------------------------------------------------


def _given(payload: Schema) -> dict[str, Any]:
    return payload.dict(exclude_unset=True)


def _based_on(request: HttpRequest, version: int | None) -> int:
    return version_sent(body=version, if_match=request.headers.get("If-Match"))


def _blank_nulls(data: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """Optional text and choice fields arrive as null; the models hold them as ''."""
    for name in names:
        if name in data and data[name] is None:
            data[name] = ""
    return data


def _circle_rows(person: Person, rows: list[dict[str, Any]] | None) -> list[dict] | None:
    if rows is None:
        return None
    members = {m.pk: m for m in person.circle.all()}
    out = []
    for row in rows:
        row = dict(row)
        member_id = row.pop("circle_member_id", None)
        if member_id is not None:
            if member_id not in members:
                raise ValidationError({"circle_member_id": "Pick someone from this circle."})
            row["circle_member"] = members[member_id]
        if "how" in row and row["how"] is None:
            row["how"] = ""
        out.append(row)
    return out


def _session_id(person: Person, data: dict[str, Any]) -> dict[str, Any]:
    if "session_id" in data:
        session_id = data.pop("session_id")
        data["session"] = None
        if session_id is not None:
            data["session"] = person.sessions.filter(pk=session_id).first()
            if data["session"] is None:
                raise ValidationError({"session_id": "Pick one of this person's sessions."})
    return data


def _decisions(person: Person, ids: list[int] | None) -> list[Decision] | None:
    if ids is None:
        return None
    found = list(person.decisions.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"decision_ids": "Link only this person's decisions."})
    return found


# Sessions ------------------------------------------------------------------------------


@router.get("/people/{person_id}/sessions", response=list[SessionSummaryOut])
@paginate(PageNumberPagination)
def list_sessions(request: HttpRequest, person_id: int):
    person = access.get_person_for_user(request, person_id, Action.VIEW_PLAN, what="Sessions")
    return person.sessions.order_by("-scheduled_for")


@router.post("/people/{person_id}/sessions", response={201: SessionOut})
def create_session(request: HttpRequest, person_id: int, payload: SessionIn):
    person = access.get_person_for_user(request, person_id, Action.PLAN)
    data = _given(payload)
    data["choices"] = payload.dict()["choices"]
    data["invitees"] = _circle_rows(person, payload.dict()["invitees"])
    if data.get("information_formats") is None:
        data["information_formats"] = selectors.default_information_formats(person)
    session = services.session_create(person=person, by=request.user, **data)
    return Status(201, selectors.session_page(session.pk))


@router.get("/sessions/{session_id}", response=SessionOut)
def get_session(request: HttpRequest, session_id: int):
    return access.get_object_for_user(
        request,
        selectors.sessions_for_page(),
        session_id,
        Action.VIEW_PLAN,
        what=f"Co-production session {session_id}",
    )


@router.patch("/sessions/{session_id}", response=SessionOut)
def update_session(request: HttpRequest, session_id: int, payload: SessionPatch):
    session = access.get_object_for_user(request, CoproductionSession, session_id, Action.PLAN)
    person = session.person
    data = _blank_nulls(_given(payload), ["location", "information_prepared", "notes"])
    if "invitees" in data:
        data["invitees"] = _circle_rows(person, data["invitees"])
    if data.get("information_formats", []) is None:
        data["information_formats"] = []
    if data.get("prompts", []) is None:
        data["prompts"] = []
    based_on = _based_on(request, data.pop("version", None))
    services.session_update(session=session, by=request.user, based_on=based_on, **data)
    return selectors.session_page(session_id)


@router.post("/sessions/{session_id}/views", response={201: SessionViewOut})
def add_session_view(request: HttpRequest, session_id: int, payload: SessionViewIn):
    session = access.get_object_for_user(request, CoproductionSession, session_id, Action.ADD_VIEWS)
    return Status(
        201,
        services.session_view_add(
            session=session,
            by=request.user,
            text=payload.text,
            how_given=payload.how_given or "",
            on_behalf_of=payload.on_behalf_of,
        ),
    )


# Decisions -----------------------------------------------------------------------------


@router.get("/people/{person_id}/decisions", response=list[DecisionOut])
@paginate(PageNumberPagination)
def list_decisions(
    request: HttpRequest,
    person_id: int,
    domain: Domain | None = None,
    status: Decision.Status | None = None,
):
    person = access.get_person_for_user(request, person_id, Action.VIEW_PLAN, what="Decision log")
    return selectors.decisions_for_api(person, domain=domain or "", status=status or "")


@router.post("/people/{person_id}/decisions", response={201: DecisionOut})
def create_decision(request: HttpRequest, person_id: int, payload: DecisionIn):
    person = access.get_person_for_user(request, person_id, Action.PLAN)
    data = _blank_nulls(_given(payload), ["person_agrees"])
    data["options"] = payload.dict()["options"]
    data["participants"] = _circle_rows(person, payload.dict()["participants"])
    data = _session_id(person, data)
    if data.get("final_say") is None:
        match = selectors.agreement_for_domain(selectors.agreement_entries(person), data["domain"])
        data["final_say"] = match.final_say if match else ""
    decision = services.decision_create(person=person, by=request.user, **data)
    return Status(201, selectors.decision_page(decision.pk))


@router.get("/decisions/{decision_id}", response=DecisionOut)
def get_decision(request: HttpRequest, decision_id: int):
    return access.get_object_for_user(
        request, selectors.decisions_for_page(), decision_id, Action.VIEW_PLAN
    )


@router.patch("/decisions/{decision_id}", response=DecisionOut)
def update_decision(request: HttpRequest, decision_id: int, payload: DecisionPatch):
    decision = access.get_object_for_user(request, Decision, decision_id, Action.PLAN)
    person = decision.person
    services.ensure_draft(decision)
    data = _blank_nulls(
        _given(payload), ["person_agrees", "goal_kept", "final_say", *DECISION_TEXT]
    )
    if "participants" in data:
        data["participants"] = _circle_rows(person, data["participants"])
    data = _session_id(person, data)
    based_on = _based_on(request, data.pop("version", None))
    services.decision_update(decision=decision, by=request.user, based_on=based_on, **data)
    return selectors.decision_page(decision_id)


@router.post("/decisions/{decision_id}/agree", response=DecisionOut)
def agree_decision(request: HttpRequest, decision_id: int, payload: AgreeIn):
    """Agree a draft. It is locked from then on, so the body confirms it and names the version
    checked; a draft changed since is a 409."""
    decision = access.get_object_for_user(request, Decision, decision_id, Action.SIGN_OFF)
    services.decision_agree(
        decision=decision,
        by=request.user,
        confirmed=payload.confirmed,
        based_on=_based_on(request, payload.version),
    )
    return selectors.decision_page(decision_id)


@router.post("/decisions/{decision_id}/supersede", response={201: DecisionOut})
def supersede_decision(request: HttpRequest, decision_id: int):
    decision = access.get_object_for_user(request, Decision, decision_id, Action.SIGN_OFF)
    new = services.decision_supersede(decision=decision, by=request.user)
    return Status(201, selectors.decision_page(new.pk))


@router.delete("/decisions/{decision_id}", response={204: None})
def delete_decision(request: HttpRequest, decision_id: int):
    decision = access.get_object_for_user(request, Decision, decision_id, Action.PLAN)
    services.decision_delete(decision=decision, by=request.user)
    return Status(204, None)


# Goals ---------------------------------------------------------------------------------


@router.get("/people/{person_id}/goals", response=list[GoalOut])
@paginate(PageNumberPagination)
def list_goals(request: HttpRequest, person_id: int):
    person = access.get_person_for_user(request, person_id, Action.VIEW_PLAN, what="Goals")
    return selectors.goals_for(person)


@router.post("/people/{person_id}/goals", response={201: GoalOut})
def create_goal(request: HttpRequest, person_id: int, payload: GoalIn):
    person = access.get_person_for_user(request, person_id, Action.PLAN)
    data = _given(payload)
    data["actions"] = payload.dict()["actions"]
    data["decisions"] = _decisions(person, data.pop("decision_ids", []))
    goal = services.goal_create(person=person, by=request.user, **data)
    return Status(201, selectors.goal_page(goal.pk))


@router.get("/goals/{goal_id}", response=GoalOut)
def get_goal(request: HttpRequest, goal_id: int):
    return access.get_object_for_user(
        request, selectors.goals_for_page(), goal_id, Action.VIEW_PLAN
    )


@router.patch("/goals/{goal_id}", response=GoalOut)
def update_goal(request: HttpRequest, goal_id: int, payload: GoalPatch):
    goal = access.get_object_for_user(request, Goal, goal_id, Action.PLAN)
    person = goal.person
    data = _blank_nulls(_given(payload), ["measure_unit", "status_reason"])
    if "decision_ids" in data:
        data["decisions"] = _decisions(person, data.pop("decision_ids") or [])
    if "checklist" in data and data["checklist"] is None:
        data["checklist"] = []
    based_on = _based_on(request, data.pop("version", None))
    services.goal_update(goal=goal, by=request.user, based_on=based_on, **data)
    return selectors.goal_page(goal_id)


@router.get("/goals/{goal_id}/progress", response=list[ProgressOut])
@paginate(PageNumberPagination)
def list_progress(request: HttpRequest, goal_id: int):
    goal = access.get_object_for_user(
        request, Goal, goal_id, Action.VIEW_PLAN, what=f"Goal {goal_id} progress"
    )
    return goal.progress.order_by("recorded_on", "id")


@router.post("/goals/{goal_id}/progress", response={201: ProgressOut})
def add_progress(request: HttpRequest, goal_id: int, payload: ProgressIn):
    goal = access.get_object_for_user(request, Goal, goal_id, Action.RECORD)
    data = _given(payload)
    if data.get("recorded_on") is None:
        data.pop("recorded_on", None)
    return Status(201, services.goal_progress_add(goal=goal, by=request.user, **data))
