"""Schemas: part of coplan.planning.api."""

from datetime import date, datetime
from uuid import UUID

from ninja import Field, ModelSchema, Schema

from coplan.people.models import CommunicationNeed
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
            "picture",
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
    picture: str = Field("", max_length=60)
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
    picture: str | None = Field(None, max_length=60)
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
