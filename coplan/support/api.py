"""Routines, activity rhythms and staff instructions: read (VIEW_PLAN), write (PLAN)."""

from datetime import datetime
from datetime import time as TimeOfDay
from uuid import UUID

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.support import selectors, services
from coplan.support.models import (
    ActivityRhythm,
    RhythmEntry,
    RhythmVersion,
    Routine,
    RoutineVersion,
    StaffInstruction,
    Weekday,
)

router = Router(tags=["support"])


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


class RoutineVersionOut(Schema):
    id: int
    number: int
    decisions: list[int]
    agency_summary: str
    change_reason: str
    effective_from: datetime
    is_current: bool
    steps: list[StepOut]

    @staticmethod
    def resolve_decisions(obj: RoutineVersion) -> list[int]:
        return [d.pk for d in obj.decisions.all()]

    @staticmethod
    def resolve_steps(obj: RoutineVersion):
        return list(obj.steps.all())


class RoutineOut(Schema):
    id: int
    uid: UUID
    version: int
    person_id: int
    name: str
    is_active: bool
    current: RoutineVersionOut | None

    @staticmethod
    def resolve_current(obj: Routine):
        versions = getattr(obj, "current_versions", None)
        if versions is None:
            return selectors.current_routine_version(obj)
        return versions[0] if versions else None


class RoutineDetailOut(RoutineOut):
    versions: list[RoutineVersionOut]

    @staticmethod
    def resolve_versions(obj: Routine):
        return selectors.routine_versions(obj)


class RoutineIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    decisions: list[int]
    steps: list[StepIn]
    agency_summary: str = ""
    activate: bool = False


class RoutineChangeIn(Schema):
    decisions: list[int]
    steps: list[StepIn]
    change_reason: str
    agency_summary: str = ""
    name: str | None = Field(None, max_length=120)


class EntryOut(Schema):
    id: int
    day: int
    day_name: str = Field(alias="get_day_display")
    time: TimeOfDay | None
    activity: str
    kind: str
    notes: str


class EntryIn(Schema):
    day: Weekday
    time: TimeOfDay | None = None
    activity: str = Field(min_length=1, max_length=150)
    kind: RhythmEntry.Kind = RhythmEntry.Kind.PRIORITY
    notes: str = Field("", max_length=300)


class RhythmVersionOut(Schema):
    id: int
    number: int
    decisions: list[int]
    alternatives: list[str] = Field(alias="alternative_lines")
    preparation: list[str] = Field(alias="preparation_lines")
    choice_prompt: str
    agency_summary: str
    change_reason: str
    effective_from: datetime
    is_current: bool
    entries: list[EntryOut]

    @staticmethod
    def resolve_decisions(obj: RhythmVersion) -> list[int]:
        return [d.pk for d in obj.decisions.all()]

    @staticmethod
    def resolve_entries(obj: RhythmVersion):
        return list(obj.entries.all())


class RhythmOut(Schema):
    id: int
    uid: UUID
    version: int
    person_id: int
    name: str
    is_active: bool
    current: RhythmVersionOut | None

    @staticmethod
    def resolve_current(obj: ActivityRhythm):
        versions = getattr(obj, "current_versions", None)
        if versions is None:
            return selectors.current_rhythm_version(obj)
        return versions[0] if versions else None


class RhythmDetailOut(RhythmOut):
    versions: list[RhythmVersionOut]

    @staticmethod
    def resolve_versions(obj: ActivityRhythm):
        return selectors.rhythm_versions(obj)


class RhythmIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    decisions: list[int]
    entries: list[EntryIn]
    alternatives: str = ""
    preparation: str = ""
    choice_prompt: str = ""
    agency_summary: str = ""
    activate: bool = False


class RhythmChangeIn(Schema):
    decisions: list[int]
    entries: list[EntryIn]
    change_reason: str
    alternatives: str = ""
    preparation: str = ""
    choice_prompt: str = ""
    agency_summary: str = ""
    name: str | None = Field(None, max_length=120)


class InstructionOut(Schema):
    id: int
    uid: UUID
    version: int
    category: str
    title: str
    text: str
    is_active: bool
    decisions: list[int]

    @staticmethod
    def resolve_decisions(obj: StaffInstruction) -> list[int]:
        return [d.pk for d in obj.decisions.all()]


class InstructionIn(Schema):
    category: StaffInstruction.Category
    title: str = Field(min_length=1, max_length=150)
    text: str = Field(min_length=1)
    decisions: list[int]
    is_active: bool = True


class InstructionPatch(Schema):
    category: StaffInstruction.Category | None = None
    title: str | None = Field(None, min_length=1, max_length=150)
    text: str | None = Field(None, min_length=1)
    decisions: list[int] | None = None
    is_active: bool | None = None


def _current(version_qs):
    return Prefetch("versions", queryset=version_qs, to_attr="current_versions")


# Routines


@router.get("/people/{person_id}/routines", response=list[RoutineOut])
@paginate(PageNumberPagination)
def list_routines(request: HttpRequest, person_id: int):
    person = access.get_person_for_user(request, person_id, Action.VIEW_PLAN, what="Routines")
    return Routine.objects.filter(person=person).prefetch_related(
        _current(
            RoutineVersion.objects.filter(is_current=True).prefetch_related("steps", "decisions"),
        )
    )


@router.post("/people/{person_id}/routines", response={201: RoutineDetailOut})
def create_routine(request: HttpRequest, person_id: int, payload: RoutineIn):
    person = access.get_person_for_user(request, person_id, Action.PLAN)
    data = payload.dict()
    routine = services.routine_create(person=person, by=request.user, **data)
    return Status(201, routine)


@router.get("/people/{person_id}/routines/{routine_id}", response=RoutineDetailOut)
def get_routine(request: HttpRequest, person_id: int, routine_id: int):
    return access.get_object_for_user(
        request, Routine, routine_id, Action.VIEW_PLAN, person_id=person_id
    )


@router.post("/people/{person_id}/routines/{routine_id}/versions", response={201: RoutineDetailOut})
def change_routine(request: HttpRequest, person_id: int, routine_id: int, payload: RoutineChangeIn):
    routine = access.get_object_for_user(
        request, Routine, routine_id, Action.PLAN, person_id=person_id
    )
    services.routine_revise(routine=routine, by=request.user, **payload.dict())
    return Status(201, routine)


@router.post("/people/{person_id}/routines/{routine_id}/activate", response=RoutineDetailOut)
def activate_routine(request: HttpRequest, person_id: int, routine_id: int):
    routine = access.get_object_for_user(
        request, Routine, routine_id, Action.PLAN, person_id=person_id
    )
    return services.routine_activate(routine=routine, by=request.user)


# Rhythms


@router.get("/people/{person_id}/rhythms", response=list[RhythmOut])
@paginate(PageNumberPagination)
def list_rhythms(request: HttpRequest, person_id: int):
    person = access.get_person_for_user(
        request, person_id, Action.VIEW_PLAN, what="Activity rhythms"
    )
    return ActivityRhythm.objects.filter(person=person).prefetch_related(
        _current(
            RhythmVersion.objects.filter(is_current=True).prefetch_related("entries", "decisions"),
        )
    )


@router.post("/people/{person_id}/rhythms", response={201: RhythmDetailOut})
def create_rhythm(request: HttpRequest, person_id: int, payload: RhythmIn):
    person = access.get_person_for_user(request, person_id, Action.PLAN)
    rhythm = services.rhythm_create(person=person, by=request.user, **payload.dict())
    return Status(201, rhythm)


@router.get("/people/{person_id}/rhythms/{rhythm_id}", response=RhythmDetailOut)
def get_rhythm(request: HttpRequest, person_id: int, rhythm_id: int):
    return access.get_object_for_user(
        request, ActivityRhythm, rhythm_id, Action.VIEW_PLAN, person_id=person_id
    )


@router.post("/people/{person_id}/rhythms/{rhythm_id}/versions", response={201: RhythmDetailOut})
def change_rhythm(request: HttpRequest, person_id: int, rhythm_id: int, payload: RhythmChangeIn):
    rhythm = access.get_object_for_user(
        request, ActivityRhythm, rhythm_id, Action.PLAN, person_id=person_id
    )
    services.rhythm_revise(rhythm=rhythm, by=request.user, **payload.dict())
    return Status(201, rhythm)


@router.post("/people/{person_id}/rhythms/{rhythm_id}/activate", response=RhythmDetailOut)
def activate_rhythm(request: HttpRequest, person_id: int, rhythm_id: int):
    rhythm = access.get_object_for_user(
        request, ActivityRhythm, rhythm_id, Action.PLAN, person_id=person_id
    )
    return services.rhythm_activate(rhythm=rhythm, by=request.user)


# Staff instructions


@router.get("/people/{person_id}/instructions", response=list[InstructionOut])
@paginate(PageNumberPagination)
def list_instructions(request: HttpRequest, person_id: int):
    person = access.get_person_for_user(
        request, person_id, Action.VIEW_PLAN, what="Staff instructions"
    )
    return StaffInstruction.objects.filter(person=person).prefetch_related("decisions")


@router.post("/people/{person_id}/instructions", response={201: InstructionOut})
def create_instruction(request: HttpRequest, person_id: int, payload: InstructionIn):
    person = access.get_person_for_user(request, person_id, Action.PLAN)
    return Status(
        201, services.instruction_create(person=person, by=request.user, **payload.dict())
    )


@router.patch("/people/{person_id}/instructions/{instruction_id}", response=InstructionOut)
def update_instruction(
    request: HttpRequest, person_id: int, instruction_id: int, payload: InstructionPatch
):
    instruction = access.get_object_for_user(
        request, StaffInstruction, instruction_id, Action.PLAN, person_id=person_id
    )
    return services.instruction_update(
        instruction=instruction, by=request.user, **payload.dict(exclude_unset=True)
    )
