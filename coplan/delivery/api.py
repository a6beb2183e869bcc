"""The shift view's data and every kind of shift record.

Each write needs an `Idempotency-Key` header (a new UUID per record). Sending the same key
and body again answers the first record with the same status; the same key with a
different body answers 409."""

from datetime import date, datetime
from datetime import time as TimeOfDay
from typing import cast
from uuid import UUID

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.accounts.models import User
from coplan.delivery import distress, house, selectors, services
from coplan.delivery.models import ActivityRecord, Incident, RoutineChecklist, RoutineRun
from coplan.support import selectors as support_selectors
from coplan.support.models import ActivityRhythm, RhythmEntry, Routine, RoutineStep

router = Router(tags=["delivery"])


# The shift view


class ShiftStepOut(Schema):
    id: int
    position: int
    title: str
    agreed_words: str
    window_start: TimeOfDay | None
    window_end: TimeOfDay | None
    avoid: str
    picture: str


class ChangeOut(Schema):
    what: str = Field(description="new, added, removed, reworded, moved or changed")
    text: str


class RunTodayOut(Schema):
    id: int
    outcome: str
    occurred_at: datetime


class ShiftRoutineOut(Schema):
    routine_id: int
    name: str
    version_id: int
    version_number: int
    changes: list[ChangeOut] = Field(description="Since you last recorded for this person.")
    steps: list[ShiftStepOut]
    recorded_today: list[RunTodayOut]
    checklist_id: int | None = Field(
        None, description="The live checklist being ticked now, if the routine is under way."
    )
    ticked: list[int] = Field([], description="Steps ticked on it so far, in the order used.")


class ShiftEntryOut(Schema):
    id: int
    time: TimeOfDay | None
    activity: str
    kind: str
    notes: str


class ShiftRhythmOut(Schema):
    rhythm_id: int
    name: str
    version_id: int
    version_number: int
    changes: list[ChangeOut]
    today: list[ShiftEntryOut]
    choice_prompt: str
    alternatives: list[str]


class InstructionBrief(Schema):
    instruction_id: int
    version_id: int
    version_number: int
    changes: list[ChangeOut]
    category: str
    title: str
    text: str


class HandoverBrief(Schema):
    summary: str
    watch_for: str
    occurred_at: datetime
    recorded_by: str


class ShiftPersonOut(Schema):
    person_id: int
    display_name: str
    communication_needs: list[str]
    may_record: bool
    routines: list[ShiftRoutineOut]
    activities: list[ShiftRhythmOut]
    preparation_tonight: list[str]
    instructions: list[InstructionBrief]
    last_handover: HandoverBrief | None


class ShiftOut(Schema):
    bookings: list[int]
    briefing_due: list[int]
    people: list[ShiftPersonOut]


def _shift_person(ps: selectors.PersonShift) -> dict:
    handover = ps.last_handover
    return {
        "person_id": ps.person.pk,
        "display_name": ps.person.display_name,
        "communication_needs": [n.need for n in ps.person.active_needs],
        "may_record": ps.may_record,
        "routines": [
            {
                "routine_id": rt.version.routine_id,
                "name": rt.version.routine.name,
                "version_id": rt.version.pk,
                "version_number": rt.version.number,
                "changes": rt.version.changes,
                "steps": list(rt.version.steps.all()),
                "recorded_today": rt.runs,
                "checklist_id": rt.checklist.pk if rt.checklist else None,
                "ticked": [t.step_id for t in rt.checklist.ticks.all()] if rt.checklist else [],
            }
            for rt in ps.routines
        ],
        "activities": [
            {
                "rhythm_id": v.rhythm_id,
                "name": v.rhythm.name,
                "version_id": v.pk,
                "version_number": v.number,
                "changes": v.changes,
                "today": v.day_entries,
                "choice_prompt": v.choice_prompt,
                "alternatives": v.alternative_lines,
            }
            for v in ps.rhythms
        ],
        "preparation_tonight": ps.preparation,
        "instructions": [
            {
                "instruction_id": v.instruction_id,
                "version_id": v.pk,
                "version_number": v.number,
                "changes": v.changes,
                "category": v.instruction.category,
                "title": v.instruction.title,
                "text": v.text,
            }
            for v in ps.instructions
        ],
        "last_handover": None
        if handover is None
        else {
            "summary": handover.summary,
            "watch_for": handover.watch_for,
            "occurred_at": handover.occurred_at,
            "recorded_by": str(handover.recorded_by),
        },
    }


@router.get("/shift", response=ShiftOut)
def shift(request: HttpRequest):
    """The people you support on this shift, with today's plan for each."""
    data = selectors.shift_for_user(request.user, path=request.path)
    return {
        "bookings": [b.pk for b in data.bookings],
        "briefing_due": [b.pk for b in data.briefing_due],
        "people": [_shift_person(ps) for ps in data.people],
    }


# Records


class RecordOut(Schema):
    id: int
    uid: UUID
    version: int
    person_id: int
    occurred_at: datetime
    created_at: datetime
    is_late: bool
    recorded_by_id: int
    booking_id: int | None


class RoutineRunOut(RecordOut):
    routine_version_id: int
    steps_used: list[int]
    deviations: str
    outcome: str
    distress_noticed: bool
    distress_notes: str


class RoutineRunIn(Schema):
    routine_id: int
    outcome: RoutineRun.Outcome
    steps_used: list[int] = []
    deviations: str = ""
    distress_noticed: bool = False
    distress_notes: str = ""
    occurred_at: datetime | None = None


class StepTickIn(Schema):
    step_id: int
    tapped_at: datetime | None = Field(
        None, description="When the step was tapped, if the phone sends it later."
    )


class StepTickOut(Schema):
    id: int
    checklist_id: int
    step_id: int
    position: int = Field(description="Its place in the order the steps were used.")
    ticked_at: datetime
    ticked_by_id: int


class ChecklistFinishIn(Schema):
    outcome: RoutineRun.Outcome
    deviations: str = ""
    distress_noticed: bool = False
    distress_notes: str = ""


class ActivityRecordOut(RecordOut):
    rhythm_version_id: int | None
    entry_id: int | None
    offered: str
    outcome: str
    chosen: str
    adjustments: str
    decline_reason: str
    alternative_offered: str
    persons_words: str


class ActivityRecordIn(Schema):
    offered: str = Field(min_length=1, max_length=300)
    outcome: ActivityRecord.Outcome
    rhythm_id: int | None = None
    entry_id: int | None = None
    chosen: str = Field("", max_length=300)
    adjustments: str = ""
    decline_reason: str = ""
    alternative_offered: str = Field("", max_length=300)
    persons_words: str = ""
    occurred_at: datetime | None = None


class DailyNoteOut(RecordOut):
    text: str
    persons_words: str


class DailyNoteIn(Schema):
    text: str = Field(min_length=1)
    persons_words: str = ""
    occurred_at: datetime | None = None


class IncidentOut(RecordOut):
    incident_type: str
    severity: str
    what_happened: str
    actions_taken: str
    routine_version_id: int | None
    rhythm_version_id: int | None
    other_plan_element: str


class IncidentIn(Schema):
    incident_type: Incident.Type
    severity: Incident.Severity
    what_happened: str = Field(min_length=1)
    actions_taken: str = Field(min_length=1)
    routine_id: int | None = None
    rhythm_id: int | None = None
    other_plan_element: str = Field("", max_length=200)
    occurred_at: datetime | None = None


class HandoverNoteOut(RecordOut):
    summary: str
    watch_for: str


class HandoverNoteIn(Schema):
    summary: str = Field(min_length=1)
    watch_for: str = ""
    occurred_at: datetime | None = None


class PracticalityFlagOut(RecordOut):
    routine_version_id: int | None
    rhythm_version_id: int | None
    what_happened: str


class PracticalityFlagIn(Schema):
    routine_id: int | None = None
    rhythm_id: int | None = None
    what_happened: str = Field(min_length=1)
    occurred_at: datetime | None = None


class BriefingOut(Schema):
    id: int
    booking_id: int
    user_id: int
    acknowledged_at: datetime
    routine_versions: list[int]
    rhythm_versions: list[int]
    instruction_versions: list[int]

    @staticmethod
    def resolve_routine_versions(obj) -> list[int]:
        return sorted(v.pk for v in obj.routine_versions.all())

    @staticmethod
    def resolve_rhythm_versions(obj) -> list[int]:
        return sorted(v.pk for v in obj.rhythm_versions.all())

    @staticmethod
    def resolve_instruction_versions(obj) -> list[int]:
        return sorted(v.pk for v in obj.instruction_versions.all())


def _key(request: HttpRequest) -> str | None:
    return request.headers.get("Idempotency-Key")


def _routine(person, routine_id: int | None) -> Routine | None:
    return None if routine_id is None else support_selectors.routine_for_person(person, routine_id)


def _rhythm(person, rhythm_id: int | None) -> ActivityRhythm | None:
    return None if rhythm_id is None else support_selectors.rhythm_for_person(person, rhythm_id)


@router.post("/people/{person_id}/routine-runs", response={201: RoutineRunOut})
def record_routine_run(request: HttpRequest, person_id: int, payload: RoutineRunIn):
    data = payload.dict()
    routine = access.get_object_for_user(
        request, Routine, data.pop("routine_id"), Action.RECORD, person_id=person_id
    )
    person = routine.person
    return Status(
        201,
        services.routine_run_record(
            person=person, routine=routine, idempotency_key=_key(request), by=request.user, **data
        ),
    )


@router.post("/people/{person_id}/routines/{routine_id}/ticks", response={201: StepTickOut})
def tick_routine_step(request: HttpRequest, person_id: int, routine_id: int, payload: StepTickIn):
    """A step of the live checklist done now: saved at once with its time. The first tick
    starts the checklist; the same key sent again answers the first tick."""
    routine = access.get_object_for_user(
        request, Routine, routine_id, Action.RECORD, person_id=person_id
    )
    tick = services.routine_step_tick(
        person=routine.person,
        routine=routine,
        step_id=payload.step_id,
        tapped_at=payload.tapped_at,
        idempotency_key=_key(request),
        by=cast(User, request.user),
    )
    return Status(201, tick)


@router.post("/people/{person_id}/checklists/{checklist_id}/finish", response={201: RoutineRunOut})
def finish_checklist(
    request: HttpRequest, person_id: int, checklist_id: int, payload: ChecklistFinishIn
):
    """The routine done: its run, with the steps in the order they were ticked."""
    checklist = access.get_object_for_user(
        request,
        RoutineChecklist.objects.select_related("routine_version__routine"),
        checklist_id,
        Action.RECORD,
        person_id=person_id,
    )
    run = services.routine_checklist_finish(
        checklist=checklist,
        idempotency_key=_key(request),
        by=cast(User, request.user),
        **payload.dict(),
    )
    return Status(201, run)


@router.post("/people/{person_id}/activity-records", response={201: ActivityRecordOut})
def record_activity(request: HttpRequest, person_id: int, payload: ActivityRecordIn):
    person = access.get_person_for_user(request, person_id, Action.RECORD)
    data = payload.dict()
    entry_id = data.pop("entry_id")
    entry = None
    if entry_id is not None:
        entry = get_object_or_404(
            RhythmEntry.objects.select_related("version__rhythm"),
            pk=entry_id,
            version__rhythm__person=person,
        )
    return Status(
        201,
        services.activity_record_create(
            person=person,
            rhythm=_rhythm(person, data.pop("rhythm_id")),
            entry=entry,
            idempotency_key=_key(request),
            by=request.user,
            **data,
        ),
    )


@router.post("/people/{person_id}/daily-notes", response={201: DailyNoteOut})
def record_daily_note(request: HttpRequest, person_id: int, payload: DailyNoteIn):
    person = access.get_person_for_user(request, person_id, Action.RECORD)
    return Status(
        201,
        services.daily_note_create(
            person=person, idempotency_key=_key(request), by=request.user, **payload.dict()
        ),
    )


@router.post("/people/{person_id}/incidents", response={201: IncidentOut})
def record_incident(request: HttpRequest, person_id: int, payload: IncidentIn):
    person = access.get_person_for_user(request, person_id, Action.RECORD)
    data = payload.dict()
    return Status(
        201,
        services.incident_create(
            person=person,
            routine=_routine(person, data.pop("routine_id")),
            rhythm=_rhythm(person, data.pop("rhythm_id")),
            idempotency_key=_key(request),
            by=request.user,
            **data,
        ),
    )


@router.post("/people/{person_id}/handover-notes", response={201: HandoverNoteOut})
def record_handover_note(request: HttpRequest, person_id: int, payload: HandoverNoteIn):
    person = access.get_person_for_user(request, person_id, Action.RECORD)
    return Status(
        201,
        services.handover_note_create(
            person=person, idempotency_key=_key(request), by=request.user, **payload.dict()
        ),
    )


@router.post("/people/{person_id}/practicality-flags", response={201: PracticalityFlagOut})
def record_practicality_flag(request: HttpRequest, person_id: int, payload: PracticalityFlagIn):
    person = access.get_person_for_user(request, person_id, Action.RECORD)
    data = payload.dict()
    return Status(
        201,
        services.practicality_flag_create(
            person=person,
            routine=_routine(person, data.pop("routine_id")),
            rhythm=_rhythm(person, data.pop("rhythm_id")),
            idempotency_key=_key(request),
            by=request.user,
            **data,
        ),
    )


class BriefingSummary(Schema):
    kind: str
    element_id: int
    name: str
    version_id: int
    version_number: int
    changed: bool = Field(description="Newer than the briefing you last confirmed.")
    summary: list[str]


class BriefingPersonOut(Schema):
    person_id: int
    display_name: str
    routines: list[BriefingSummary]
    rhythms: list[BriefingSummary]
    instructions: list[BriefingSummary]


class BriefingToReadOut(Schema):
    booking_id: int
    acknowledged: bool = Field(description="Confirmed, and still covering what is in force.")
    due: bool
    message: str | None = Field(description="Why you may not record yet, if you may not.")
    people: list[BriefingPersonOut]


def _summary(version) -> dict:
    element = version.element
    if version.summary_lines:
        lines = version.summary_lines
    elif element.kind == "routine":
        lines = [s.title for s in version.steps.all()]
    elif element.kind == "instruction":
        lines = [version.text]
    else:
        lines = []
    return {
        "kind": element.kind,
        "element_id": element.pk,
        "name": str(element),
        "version_id": version.pk,
        "version_number": version.number,
        "changed": version.changed_since_briefing,
        "summary": lines,
    }


@router.get("/bookings/{booking_id}/briefing", response=BriefingToReadOut)
def read_briefing(request: HttpRequest, booking_id: int):
    """The routine, rhythm and instruction summaries to read before your booked shift."""
    booking = access.get_briefing_for_user(request, booking_id).booking
    briefing = selectors.briefing_for_booking(booking)
    return {
        "booking_id": booking.pk,
        "acknowledged": not briefing.due,
        "due": briefing.due,
        "message": services.briefing_refusal(briefing),
        "people": [
            {
                "person_id": row["person"].pk,
                "display_name": row["person"].display_name,
                **{
                    name: [_summary(v) for v in row[name]]
                    for name in ("routines", "rhythms", "instructions")
                },
            }
            for row in briefing.people
        ],
    }


@router.post("/bookings/{booking_id}/briefing", response={201: BriefingOut})
def acknowledge_briefing(request: HttpRequest, booking_id: int):
    """Confirm reading the briefing for your own booked shift."""
    booking = access.get_briefing_for_user(request, booking_id).booking
    return Status(
        201,
        services.briefing_acknowledge(
            booking=booking, idempotency_key=_key(request), by=request.user
        ),
    )


# Reading records back


@router.get("/people/{person_id}/routine-runs", response=list[RoutineRunOut])
@paginate(PageNumberPagination)
def list_routine_runs(request: HttpRequest, person_id: int):
    person = access.get_person_for_user(
        request, person_id, Action.VIEW_RECORDS, what="Routine records"
    )
    return RoutineRun.objects.filter(person=person)


@router.get("/people/{person_id}/activity-records", response=list[ActivityRecordOut])
@paginate(PageNumberPagination)
def list_activity_records(request: HttpRequest, person_id: int):
    person = access.get_person_for_user(
        request, person_id, Action.VIEW_RECORDS, what="Activity records"
    )
    return ActivityRecord.objects.filter(person=person)


# Distress records and the house handover


def _me(request: HttpRequest) -> User:
    return cast(User, request.user)  # the API's token auth has run


class DistressRecordOut(RecordOut):
    intensity: int = Field(description="1 unsettled ... 5 severe distress: at risk of harm")
    intensity_words: str
    before: str
    what_person_did: str
    what_helped: str
    duration_minutes: int
    routine_version_id: int | None
    routine_step_id: int | None
    routine_run_id: int | None
    rhythm_version_id: int | None
    rhythm_entry_id: int | None
    activity_record_id: int | None
    incident_id: int | None

    @staticmethod
    def resolve_intensity_words(obj) -> str:
        return obj.get_intensity_display()


class DistressRecordIn(Schema):
    intensity: int = Field(description="1 (unsettled) to 5 (severe distress: at risk of harm)")
    before: str = Field(min_length=1, description="What happened before: the setting, a trigger")
    what_person_did: str = Field(min_length=1)
    what_helped: str = Field(min_length=1)
    duration_minutes: int = Field(description="How long it lasted, 0 to 1440 minutes")
    routine_id: int | None = None
    step_id: int | None = None
    routine_run_id: int | None = None
    activity_record_id: int | None = None
    occurred_at: datetime | None = None


@router.post("/people/{person_id}/distress-records", response={201: DistressRecordOut})
def record_distress(request: HttpRequest, person_id: int, payload: DistressRecordIn):
    """An episode of distress (positive behaviour support), optionally at a routine step or
    an activity. Idempotent: send an `Idempotency-Key` header."""
    person = access.get_person_for_user(request, person_id, Action.RECORD)
    data = payload.dict()
    step_id, run_id, activity_id = (
        data.pop("step_id"),
        data.pop("routine_run_id"),
        data.pop("activity_record_id"),
    )
    step = (
        get_object_or_404(
            RoutineStep.objects.select_related("version__routine"),
            pk=step_id,
            version__routine__person=person,
        )
        if step_id is not None
        else None
    )
    run = (
        get_object_or_404(
            RoutineRun.objects.select_related("routine_version"), pk=run_id, person=person
        )
        if run_id is not None
        else None
    )
    activity = (
        get_object_or_404(ActivityRecord, pk=activity_id, person=person)
        if activity_id is not None
        else None
    )
    return Status(
        201,
        distress.distress_record_create(
            person=person,
            routine=_routine(person, data.pop("routine_id")),
            step=step,
            routine_run=run,
            activity=activity,
            idempotency_key=_key(request),
            by=_me(request),
            **data,
        ),
    )


@router.get("/people/{person_id}/distress-records", response=list[DistressRecordOut])
@paginate(PageNumberPagination)
def list_distress_records(request: HttpRequest, person_id: int):
    person = access.get_person_for_user(
        request, person_id, Action.VIEW_RECORDS, what="Distress records"
    )
    return distress.records_for_person(person)


@router.get("/people/{person_id}/distress-records/{record_id}", response=DistressRecordOut)
def read_distress_record(request: HttpRequest, person_id: int, record_id: int):
    return access.get_object_for_user(
        request,
        distress.records_for_person_any(),
        record_id,
        Action.VIEW_RECORDS,
        person_id=person_id,
        what="Distress record",
    )


class DistressWeekOut(Schema):
    starts: date
    episodes: int
    mean_intensity: float | None
    refusals: int


@router.get("/people/{person_id}/distress-trend", response=list[DistressWeekOut])
def distress_trend(request: HttpRequest, person_id: int):
    """Per week, the last 8 weeks: distress episodes, their mean intensity, and refusals."""
    person = access.get_person_for_user(
        request, person_id, Action.VIEW_RECORDS, what="Distress trend"
    )
    return distress.weekly_trend(person)


class HouseHandoverOut(Schema):
    id: int
    uid: UUID
    version: int
    service_id: int
    written_by_id: int
    booking_id: int | None
    shift_start: datetime
    shift_end: datetime
    summary: str
    outstanding: str
    for_next_shift: str
    created_at: datetime


class HouseHandoverIn(Schema):
    shift_start: datetime
    shift_end: datetime
    summary: str = Field(min_length=1)
    outstanding: str = ""
    for_next_shift: str = ""


class HousePersonOut(Schema):
    person_id: int
    display_name: str
    routines_due: int
    routines_run: int
    steps_as_agreed: int
    steps_not_as_agreed: int
    refusals: int
    activities_offered: int
    activities_chosen: int
    activities_declined: int
    distress_episodes: list[int] = Field(description="Ids of the distress records")
    incidents: list[int]
    outstanding: list[str]
    last_handover: HandoverBrief | None


class HouseShiftOut(Schema):
    service_id: int
    start: datetime
    end: datetime
    latest_house_handover: HouseHandoverOut | None
    people: list[HousePersonOut]


@router.get("/services/{service_id}/handover", response=HouseShiftOut)
def read_house_handover(request: HttpRequest, service_id: int):
    """The house's shift: each person's plan kept or not, what is outstanding, the latest
    per-person handover note, and the latest house handover."""
    the_house = access.get_house_for_user(
        request, service_id, Action.VIEW_RECORDS, what="House handover"
    )
    start, end = house.shift_window(_me(request), the_house.service)
    data = house.house_shift(the_house.service, the_house.people, start=start, end=end)
    return {
        "service_id": the_house.service.pk,
        "start": data.start,
        "end": data.end,
        "latest_house_handover": data.latest,
        "people": [
            {
                "person_id": p.person.pk,
                "display_name": p.person.display_name,
                "routines_due": p.routines_due,
                "routines_run": p.routines_run,
                "steps_as_agreed": p.steps_as_agreed,
                "steps_not_as_agreed": p.steps_not_as_agreed,
                "refusals": p.refusals,
                "activities_offered": p.offered,
                "activities_chosen": p.chosen,
                "activities_declined": p.declined,
                "distress_episodes": [d.pk for d in p.distress],
                "incidents": [i.pk for i in p.incidents],
                "outstanding": p.outstanding,
                "last_handover": (
                    {
                        "summary": p.last_handover.summary,
                        "watch_for": p.last_handover.watch_for,
                        "occurred_at": p.last_handover.occurred_at,
                        "recorded_by": str(p.last_handover.recorded_by),
                    }
                    if p.last_handover
                    else None
                ),
            }
            for p in data.people
        ],
    }


@router.post("/services/{service_id}/house-handovers", response={201: HouseHandoverOut})
def write_house_handover(request: HttpRequest, service_id: int, payload: HouseHandoverIn):
    """The outgoing worker's note for the whole house. Idempotent: send an
    `Idempotency-Key` header."""
    service = access.get_house_for_user(
        request, service_id, Action.RECORD, what="House handover", log=False
    ).service
    return Status(
        201,
        house.house_handover_write(
            service=service, idempotency_key=_key(request), by=_me(request), **payload.dict()
        ),
    )
