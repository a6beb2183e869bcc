"""Routines, activity rhythms and staff instructions: read (VIEW_PLAN), write (PLAN).

The three are one kind of thing (a versioned plan element) and share their schemas: an
element (`ElementOut`) with its version in force now (`in_force`) and its newest version
(`current`, which may be in force only later), each a `VersionOut`.

Every change says the element's `version` it was based on, in the body or an `If-Match`
header (the detail endpoints answer with an `ETag`). If the element changed since, the
answer is 409 and nothing is saved.
"""

from datetime import datetime
from datetime import time as TimeOfDay
from typing import Any
from uuid import UUID

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.lib import versioning
from coplan.support import selectors, services
from coplan.support.models import PlanElement, PlanVersion, RhythmEntry, StaffInstruction, Weekday
from coplan.support.services import INSTRUCTION, RHYTHM, ROUTINE, Kind

router = Router(tags=["support"])


# What every plan element's versions share


class VersionOut(Schema):
    id: int
    number: int
    decisions: list[int]
    agency_summary: str
    change_reason: str
    effective_from: datetime = Field(description="In force from this time.")
    is_current: bool = Field(description="The newest version (it may be in force only later).")
    created_by_id: int

    @staticmethod
    def resolve_decisions(obj: PlanVersion) -> list[int]:
        return [d.pk for d in obj.decisions.all()]


def _prefetched(obj: PlanElement, attr: str) -> list | None:
    return getattr(obj, attr, None)


class ElementOut(Schema):
    id: int
    uid: UUID
    version: int = Field(description="Send it back with a change (or as If-Match).")
    person_id: int
    is_active: bool

    @staticmethod
    def resolve_in_force(obj: PlanElement):
        versions = _prefetched(obj, "in_force_versions")
        if versions is None:
            return selectors.version_in_force(obj)
        return versions[0] if versions else None

    @staticmethod
    def resolve_current(obj: PlanElement):
        versions = _prefetched(obj, "current_versions")
        if versions is None:
            kind = services.KINDS[obj.kind]
            return selectors.with_details(kind, obj.versions.filter(is_current=True)).first()
        return versions[0] if versions else None


class CreateIn(Schema):
    decisions: list[int]
    agency_summary: str = ""
    activate: bool = False
    effective_from: datetime | None = None


class ChangeIn(Schema):
    version: int | None = Field(None, description="The element's version this is based on.")
    decisions: list[int]
    change_reason: str
    agency_summary: str = ""
    summary_confirmed: bool = Field(
        False, description="The summary still fits, though what staff do changed."
    )
    effective_from: datetime | None = Field(None, description="In force from (default now).")


class ActiveIn(Schema):
    version: int | None = None
    active: bool = True


# Routines


class StepOut(Schema):
    id: int
    position: int
    title: str
    agreed_words: str
    window_start: TimeOfDay | None
    window_end: TimeOfDay | None
    avoid: str
    picture: str


class StepIn(Schema):
    title: str = Field(min_length=1, max_length=150)
    agreed_words: str = ""
    window_start: TimeOfDay | None = None
    window_end: TimeOfDay | None = None
    avoid: str = ""
    picture: str = Field("", max_length=60)


class RoutineVersionOut(VersionOut):
    steps: list[StepOut]

    @staticmethod
    def resolve_steps(obj: PlanVersion):
        return list(obj.steps.all())


class RoutineOut(ElementOut):
    name: str
    in_force: RoutineVersionOut | None
    current: RoutineVersionOut | None


class RoutineDetailOut(RoutineOut):
    versions: list[RoutineVersionOut]

    @staticmethod
    def resolve_versions(obj: PlanElement):
        return selectors.element_versions(obj)


class RoutineIn(CreateIn):
    name: str = Field(min_length=1, max_length=120)
    steps: list[StepIn]


class RoutineChangeIn(ChangeIn):
    steps: list[StepIn]
    name: str | None = Field(None, max_length=120)


# Rhythms


class EntryOut(Schema):
    id: int
    day: int
    day_name: str = Field(alias="get_day_display")
    time: TimeOfDay | None
    activity: str
    kind: str
    notes: str
    picture: str


class EntryIn(Schema):
    day: Weekday
    time: TimeOfDay | None = None
    activity: str = Field(min_length=1, max_length=150)
    kind: RhythmEntry.Kind = RhythmEntry.Kind.PRIORITY
    notes: str = Field("", max_length=300)
    picture: str = Field("", max_length=60)


class RhythmVersionOut(VersionOut):
    alternatives: list[str] = Field(alias="alternative_lines")
    preparation: list[str] = Field(alias="preparation_lines")
    choice_prompt: str
    entries: list[EntryOut]

    @staticmethod
    def resolve_entries(obj: PlanVersion):
        return list(obj.entries.all())


class RhythmOut(ElementOut):
    name: str
    in_force: RhythmVersionOut | None
    current: RhythmVersionOut | None


class RhythmDetailOut(RhythmOut):
    versions: list[RhythmVersionOut]

    @staticmethod
    def resolve_versions(obj: PlanElement):
        return selectors.element_versions(obj)


class RhythmIn(CreateIn):
    name: str = Field(min_length=1, max_length=120)
    entries: list[EntryIn]
    alternatives: str = ""
    preparation: str = ""
    choice_prompt: str = ""


class RhythmChangeIn(ChangeIn):
    entries: list[EntryIn]
    alternatives: str = ""
    preparation: str = ""
    choice_prompt: str = ""
    name: str | None = Field(None, max_length=120)


# Staff instructions


class InstructionVersionOut(VersionOut):
    text: str


class InstructionOut(ElementOut):
    category: str
    title: str
    in_force: InstructionVersionOut | None
    current: InstructionVersionOut | None


class InstructionDetailOut(InstructionOut):
    versions: list[InstructionVersionOut]

    @staticmethod
    def resolve_versions(obj: PlanElement):
        return selectors.element_versions(obj)


class InstructionIn(CreateIn):
    category: StaffInstruction.Category
    title: str = Field(min_length=1, max_length=150)
    text: str = Field(min_length=1)
    activate: bool = True


class InstructionChangeIn(ChangeIn):
    text: str = Field(min_length=1)
    category: StaffInstruction.Category | None = None
    title: str | None = Field(None, min_length=1, max_length=150)


# One path for every kind


def _listed(kind: Kind, person) -> Any:
    now = timezone.now()
    versions = selectors.with_details(kind, kind.version_model.objects.all())
    return kind.element_model.objects.filter(person=person).prefetch_related(
        Prefetch(
            "versions",
            queryset=versions.filter(selectors.in_force_filter(kind, now)),
            to_attr="in_force_versions",
        ),
        Prefetch("versions", queryset=versions.filter(is_current=True), to_attr="current_versions"),
    )


def _detail(kind: Kind, request: HttpRequest, person_id: int, pk: int, response: HttpResponse):
    element = access.get_object_for_user(
        request,
        kind.element_model,
        pk,
        Action.VIEW_PLAN,
        person_id=person_id,
        what=kind.element_model.label.capitalize(),
    )
    response["ETag"] = f'"{element.version}"'
    return element


def _content(kind: Kind, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "decisions": data["decisions"],
        "rows": data.get(kind.rows_name) if kind.rows_name else None,
        "fields": {name: data.get(name, "") for name in kind.version_fields},
        "agency_summary": data["agency_summary"],
        "effective_from": data["effective_from"],
    }


def _create(kind: Kind, request: HttpRequest, person_id: int, payload: Schema):
    person = access.get_person_for_user(request, person_id, Action.PLAN)
    data = payload.dict()
    element = services.element_create(
        kind,
        person=person,
        element_fields={name: data[name] for name in kind.element_fields},
        activate=data["activate"],
        by=request.user,
        **_content(kind, data),
    )
    return Status(201, element)


def _change(kind: Kind, request: HttpRequest, person_id: int, pk: int, payload: ChangeIn):
    element = access.get_object_for_user(
        request, kind.element_model, pk, Action.PLAN, person_id=person_id
    )
    data = payload.dict()
    version = services.version_create(
        kind,
        element=element,
        based_on=versioning.based_on(
            body=data["version"], if_match=request.headers.get("If-Match")
        ),
        change_reason=data["change_reason"],
        element_fields={name: data.get(name) for name in kind.element_fields},
        summary_confirmed=data["summary_confirmed"],
        by=request.user,
        **_content(kind, data),
    )
    return Status(201, version.element)


def _set_active(kind: Kind, request: HttpRequest, person_id: int, pk: int, payload: ActiveIn):
    element = access.get_object_for_user(
        request, kind.element_model, pk, Action.PLAN, person_id=person_id
    )
    return services.element_set_active(
        kind,
        element=element,
        based_on=versioning.based_on(
            body=payload.version, if_match=request.headers.get("If-Match")
        ),
        active=payload.active,
        by=request.user,
    )


# Routines


@router.get("/people/{person_id}/routines", response=list[RoutineOut])
@paginate(PageNumberPagination)
def list_routines(request: HttpRequest, person_id: int):
    return _listed(
        ROUTINE, access.get_person_for_user(request, person_id, Action.VIEW_PLAN, what="Routines")
    )


@router.post("/people/{person_id}/routines", response={201: RoutineDetailOut})
def create_routine(request: HttpRequest, person_id: int, payload: RoutineIn):
    return _create(ROUTINE, request, person_id, payload)


@router.get("/people/{person_id}/routines/{routine_id}", response=RoutineDetailOut)
def get_routine(request: HttpRequest, person_id: int, routine_id: int, response: HttpResponse):
    return _detail(ROUTINE, request, person_id, routine_id, response)


@router.post("/people/{person_id}/routines/{routine_id}/versions", response={201: RoutineDetailOut})
def change_routine(request: HttpRequest, person_id: int, routine_id: int, payload: RoutineChangeIn):
    return _change(ROUTINE, request, person_id, routine_id, payload)


@router.post("/people/{person_id}/routines/{routine_id}/activate", response=RoutineDetailOut)
def activate_routine(request: HttpRequest, person_id: int, routine_id: int, payload: ActiveIn):
    return _set_active(ROUTINE, request, person_id, routine_id, payload)


# Rhythms


@router.get("/people/{person_id}/rhythms", response=list[RhythmOut])
@paginate(PageNumberPagination)
def list_rhythms(request: HttpRequest, person_id: int):
    return _listed(
        RHYTHM,
        access.get_person_for_user(request, person_id, Action.VIEW_PLAN, what="Activity rhythms"),
    )


@router.post("/people/{person_id}/rhythms", response={201: RhythmDetailOut})
def create_rhythm(request: HttpRequest, person_id: int, payload: RhythmIn):
    return _create(RHYTHM, request, person_id, payload)


@router.get("/people/{person_id}/rhythms/{rhythm_id}", response=RhythmDetailOut)
def get_rhythm(request: HttpRequest, person_id: int, rhythm_id: int, response: HttpResponse):
    return _detail(RHYTHM, request, person_id, rhythm_id, response)


@router.post("/people/{person_id}/rhythms/{rhythm_id}/versions", response={201: RhythmDetailOut})
def change_rhythm(request: HttpRequest, person_id: int, rhythm_id: int, payload: RhythmChangeIn):
    return _change(RHYTHM, request, person_id, rhythm_id, payload)


@router.post("/people/{person_id}/rhythms/{rhythm_id}/activate", response=RhythmDetailOut)
def activate_rhythm(request: HttpRequest, person_id: int, rhythm_id: int, payload: ActiveIn):
    return _set_active(RHYTHM, request, person_id, rhythm_id, payload)


# Staff instructions


@router.get("/people/{person_id}/instructions", response=list[InstructionOut])
@paginate(PageNumberPagination)
def list_instructions(request: HttpRequest, person_id: int):
    person = access.get_person_for_user(
        request, person_id, Action.VIEW_PLAN, what="Staff instructions"
    )
    return _listed(INSTRUCTION, person)


@router.post("/people/{person_id}/instructions", response={201: InstructionDetailOut})
def create_instruction(request: HttpRequest, person_id: int, payload: InstructionIn):
    return _create(INSTRUCTION, request, person_id, payload)


@router.get("/people/{person_id}/instructions/{instruction_id}", response=InstructionDetailOut)
def get_instruction(
    request: HttpRequest, person_id: int, instruction_id: int, response: HttpResponse
):
    return _detail(INSTRUCTION, request, person_id, instruction_id, response)


@router.post(
    "/people/{person_id}/instructions/{instruction_id}/versions",
    response={201: InstructionDetailOut},
)
def change_instruction(
    request: HttpRequest, person_id: int, instruction_id: int, payload: InstructionChangeIn
):
    return _change(INSTRUCTION, request, person_id, instruction_id, payload)


@router.post(
    "/people/{person_id}/instructions/{instruction_id}/activate",
    response=InstructionDetailOut,
)
def activate_instruction(
    request: HttpRequest, person_id: int, instruction_id: int, payload: ActiveIn
):
    return _set_active(INSTRUCTION, request, person_id, instruction_id, payload)
