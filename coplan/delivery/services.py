"""Every shift record is written here, once per idempotency key (see idempotency.py).

The rules the records keep, the same for the web form and the API:
- a record points at the plan version in force when the thing happened;
- a routine run keeps the steps in the order they were used; "completed" needs a step used;
- an activity record says what the person chose or what was adjusted, never only that they
  attended; a decline says why;
- an agency worker records only on a booked shift, and only after confirming its briefing,
  again whenever a newer version of anything in it has come into force.

Every record goes through one path (`_record`): who records, when it happened, the plan
version it is made under, validation, and one save per key.
"""

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.accounts.models import Membership, ShiftBooking, User
from coplan.delivery import idempotency, selectors
from coplan.delivery.models import (
    CHECKLIST_OPEN_FOR,
    ActivityRecord,
    BriefingAcknowledgement,
    DailyNote,
    HandoverNote,
    IdempotencyKey,
    Incident,
    PracticalityFlag,
    RoutineChecklist,
    RoutineRun,
    RoutineStepTick,
    ShiftRecord,
)
from coplan.lib import events, rows
from coplan.lib.dates import occurred
from coplan.lib.errors import Conflict
from coplan.people.models import Person
from coplan.support import selectors as support_selectors
from coplan.support.models import (
    ActivityRhythm,
    PlanElement,
    PlanVersion,
    RhythmEntry,
    RhythmVersion,
    Routine,
    RoutineVersion,
)

R = TypeVar("R", bound=ShiftRecord)

DECLINED_NEEDS_REASON = (
    'Say why the person declined, in their own words if you can: "declined" on its own '
    "tells the next shift nothing."
)
ATTENDANCE_ONLY = (
    "Record what the person chose or the adjustments made, not only that they attended."
)
DISTRESS_NEEDS_NOTES = "Say what distress you noticed and what helped."
DEVIATION_NEEDS_WHY = (
    "Some agreed steps were left out or done in another order: say what was different and why."
)
DONE_NEEDS_A_STEP = (
    "Tick the steps you used: a routine completed (or partly) used at least one step. If none "
    "was used, record it as refused."
)
NOT_IN_FORCE = "This is not in force on shift: it has no agreed, active version."
BRIEFING_FIRST = (
    "Read and confirm the shift briefing before you record: it holds the routine summaries "
    "for this shift."
)
BRIEFING_AGAIN = (
    "The plan changed since you read the briefing ({changed}): read the changes and confirm "
    "the briefing again before you record."
)
NO_BOOKING = "Agency staff record only during a shift they are booked on."


# Who is recording


def running_booking(user: User, service_id: int, at: datetime | None = None) -> ShiftBooking | None:
    """The user's booking on this service running at `at` (now): hand-written, as every
    shift record reads it (coplan/lib/rows.py)."""
    moment = at or timezone.now()
    q = rows.quote
    sql = (
        f"SELECT {rows.columns(ShiftBooking, 'b')} FROM {rows.table(ShiftBooking)} b "  # noqa: S608
        f"WHERE b.{q('user_id')} = %s AND b.{q('service_id')} = %s "
        f"AND b.{q('starts_at')} <= %s AND b.{q('ends_at')} > %s "
        f"ORDER BY b.{q('starts_at')}, b.id LIMIT 1"
    )
    when = rows.moment(moment)
    found = rows.fetch(sql, [user.pk, service_id, when, when], ShiftBooking)
    return found[0][0] if found else None


def briefing_refusal(briefing: selectors.Briefing) -> str | None:
    """Why an agency worker may not record yet on this booking, or None."""
    if briefing.acknowledged is None:
        return BRIEFING_FIRST
    if briefing.changed:
        return BRIEFING_AGAIN.format(changed="; ".join(str(v) for v in briefing.changed))
    return None


def recording_booking(*, person: Person, by: User) -> ShiftBooking | None:
    """The booking this record is made on; refuses agency staff outside a booked shift, or
    before they have confirmed its briefing as it stands now."""
    access.require(by, Action.RECORD, person)
    booking = running_booking(by, person.service_id)
    if access.staff_role(by, person.service_id) == Membership.Role.AGENCY_WORKER:
        if booking is None:
            raise PermissionDenied(NO_BOOKING)
        refusal = briefing_refusal(selectors.briefing_state(booking))
        if refusal:
            raise PermissionDenied(refusal)
    return booking


def in_force(element: PlanElement | None, person: Person, at: datetime) -> PlanVersion | None:
    """The version of a routine or rhythm in force when the thing happened."""
    if element is None:
        return None
    if element.person_id != person.pk:
        raise ValidationError(
            {element.kind: f"That {element.label} is not one of {person.called}'s."}
        )
    version = (
        support_selectors.version_in_force(element, at, rows_only=True)
        if element.is_active
        else None
    )
    if version is None:
        raise ValidationError({element.kind: NOT_IN_FORCE})
    return version


def _checked_by_the_database(record: models.Model) -> list[str]:
    """Fields full_clean need not read the database for: relations to objects already
    loaded (each would be one more query to prove a row exists that we just read)."""
    return [
        f.name
        for f in record._meta.concrete_fields
        if f.is_relation and f.is_cached(record)  # type: ignore[attr-defined]
    ]


def _record(
    model: type[R],
    *,
    person: Person,
    occurred_at: datetime | None,
    key: Any,
    by: User,
    body: dict[str, Any],
    build: Callable[[datetime], R],
) -> R:
    """The one path of every shift record: check who records, build the record for the
    moment it happened, validate it, and save it once per key. All of it runs in the one
    transaction (a savepoint inside a request's) that `save_once` opens, so the record
    functions below need no transaction of their own."""

    def create() -> R:
        booking = recording_booking(person=person, by=by)
        at = occurred(occurred_at)
        record = build(at)
        record.person = person
        record.occurred_at = at
        record.recorded_by = by
        record.booking = booking
        # The database holds the foreign keys, the unique uid and the check constraints; the
        # related objects here were read from it already, and each kind's rules say what its
        # constraints hold in words first (activity_record_check, a flag's one element), so
        # full_clean checks only what a person typed, without a query.
        record.full_clean(
            exclude=_checked_by_the_database(record),
            validate_unique=False,
            validate_constraints=False,
        )
        record.save()
        events.record_committed(
            model=model, person_id=person.pk, record_id=record.pk, record=record
        )
        return record

    record, _ = idempotency.save_once(
        key=key,
        user=by,
        model=model,
        body={"person": person, "occurred_at": occurred_at, **body},
        create=create,
    )
    return record


# Records


def routine_run_check(
    *,
    version: RoutineVersion,
    outcome: str,
    steps_used: Sequence[int],
    deviations: str = "",
    distress_noticed: bool = False,
    distress_notes: str = "",
) -> None:
    """The rules for a routine run, so a form can show them before saving too."""
    steps = list(steps_used)
    agreed = [s.pk for s in version.steps.all()]
    if len(set(steps)) != len(steps) or not set(steps) <= set(agreed):
        raise ValidationError({"steps_used": "Choose steps from the routine in force, each once."})
    if outcome != RoutineRun.Outcome.REFUSED and not steps:
        raise ValidationError({"steps_used": DONE_NEEDS_A_STEP})
    if outcome != RoutineRun.Outcome.REFUSED and steps != agreed and not deviations.strip():
        raise ValidationError({"deviations": DEVIATION_NEEDS_WHY})
    if distress_noticed and not distress_notes.strip():
        raise ValidationError({"distress_notes": DISTRESS_NEEDS_NOTES})


def routine_run_record(
    *,
    person: Person,
    routine: Routine,
    outcome: str,
    steps_used: Sequence[int] = (),
    deviations: str = "",
    distress_noticed: bool = False,
    distress_notes: str = "",
    occurred_at: datetime | None = None,
    idempotency_key: Any,
    by: User,
) -> RoutineRun:
    """A routine as it happened: the steps in the order they were used."""
    steps = [int(s) for s in steps_used]
    body = {
        "routine": routine,
        "outcome": outcome,
        "steps_used": steps,
        "deviations": deviations,
        "distress_noticed": distress_noticed,
        "distress_notes": distress_notes,
    }

    def build(at: datetime) -> RoutineRun:
        version = in_force(routine, person, at)
        assert isinstance(version, RoutineVersion)
        routine_run_check(
            version=version,
            outcome=outcome,
            steps_used=steps,
            deviations=deviations,
            distress_noticed=distress_noticed,
            distress_notes=distress_notes,
        )
        return RoutineRun(
            routine_version=version,
            steps_used=steps,
            deviations=deviations.strip(),
            outcome=outcome,
            distress_noticed=distress_noticed,
            distress_notes=distress_notes.strip(),
        )

    return _record(
        RoutineRun,
        person=person,
        occurred_at=occurred_at,
        key=idempotency_key,
        by=by,
        body=body,
        build=build,
    )


# The live checklist: steps ticked as they are done, then the run finished

# A tap sent again later (a weak signal) keeps the time it was tapped, within this long.
TAP_DELAY = timedelta(hours=2)
STEP_NOT_IN_ROUTINE = "That step is not in the routine being done: reload your shift."
ALREADY_FINISHED = "This routine was already recorded at {at}: start it again with a step."


def open_checklist(*, person: Person, routine: Routine) -> RoutineChecklist | None:
    """The routine being done now for this person (by anyone on shift), if one is."""
    return (
        RoutineChecklist.objects.filter(
            person=person,
            routine_version__routine=routine,
            run__isnull=True,
            occurred_at__gte=timezone.now() - CHECKLIST_OPEN_FOR,
        )
        .select_related("routine_version")
        .order_by("-occurred_at", "-id")
        .first()
    )


def _tap_time(tapped_at: datetime | None, now: datetime) -> datetime:
    """When the step was tapped, as the phone said, if that is believable; else now."""
    if tapped_at is None or timezone.is_naive(tapped_at):
        return now
    if now - TAP_DELAY <= tapped_at <= now:
        return tapped_at
    return now


@transaction.atomic
def routine_step_tick(
    *,
    person: Person,
    routine: Routine,
    step_id: int,
    tapped_at: datetime | None = None,
    idempotency_key: Any,
    by: User,
) -> RoutineStepTick:
    """One step done, recorded at once with its time. The first tick starts the checklist
    under the version in force; a step already ticked keeps its first tick. A resend with
    the same key (a retry on a weak signal) answers the first tick."""

    def create() -> RoutineStepTick:
        booking = recording_booking(person=person, by=by)
        # One checklist per routine at a time, however many taps race.
        Routine.objects.select_for_update().filter(pk=routine.pk).first()
        at = _tap_time(tapped_at, timezone.now())
        checklist = open_checklist(person=person, routine=routine)
        if checklist is None:
            version = in_force(routine, person, at)
            assert isinstance(version, RoutineVersion)
            checklist = RoutineChecklist(
                person=person,
                routine_version=version,
                occurred_at=at,
                recorded_by=by,
                booking=booking,
            )
            checklist.full_clean()
            checklist.save()
        step = checklist.routine_version.steps.filter(pk=step_id).first()
        if step is None:
            raise ValidationError({"step": STEP_NOT_IN_ROUTINE})
        ticks = list(checklist.ticks.all())
        for tick in ticks:
            if tick.step_id == step.pk:
                return tick
        tick = RoutineStepTick(
            checklist=checklist,
            step=step,
            position=len(ticks) + 1,
            ticked_at=max(at, checklist.occurred_at),
            ticked_by=by,
        )
        tick.full_clean()
        tick.save()
        return tick

    tick, _ = idempotency.save_once(
        key=idempotency_key,
        user=by,
        model=RoutineStepTick,
        body={"person": person, "routine": routine, "step": int(step_id)},
        create=create,
    )
    return tick


@transaction.atomic
def routine_checklist_finish(
    *,
    checklist: RoutineChecklist,
    outcome: str,
    deviations: str = "",
    distress_noticed: bool = False,
    distress_notes: str = "",
    idempotency_key: Any,
    by: User,
) -> RoutineRun:
    """The routine done: its run, with the steps in the order they were ticked, made by the
    same rules as the form (routine_run_record). Finishing twice with the same key answers
    the first run; a finished checklist is not finished again."""
    locked = RoutineChecklist.objects.select_for_update().get(pk=checklist.pk)
    if locked.run_id is not None:
        key = idempotency.parse_key(idempotency_key)
        sent = IdempotencyKey.objects.filter(user=by, key=key, result_id=locked.run_id)
        if sent.exists():
            return RoutineRun.objects.get(pk=locked.run_id)
        at = timezone.localtime(locked.occurred_at)
        raise Conflict(ALREADY_FINISHED.format(at=f"{at:%H:%M}"), code="already_finished")
    version = checklist.routine_version
    run = routine_run_record(
        person=checklist.person,
        routine=version.routine,
        outcome=outcome,
        steps_used=list(locked.ticks.order_by("position").values_list("step_id", flat=True)),
        deviations=deviations,
        distress_noticed=distress_noticed,
        distress_notes=distress_notes,
        occurred_at=locked.occurred_at,
        idempotency_key=idempotency_key,
        by=by,
    )
    if run.routine_version_id != locked.routine_version_id:
        raise ValidationError("The routine changed while it was being done: record it on the form.")
    locked.run = run
    locked.save(update_fields=["run", "updated_at"])
    return run


def activity_record_check(
    *, outcome: str, chosen: str = "", adjustments: str = "", decline_reason: str = ""
) -> None:
    """The rules for an activity record, so a form can show them before saving too."""
    if outcome == ActivityRecord.Outcome.DECLINED and not decline_reason.strip():
        raise ValidationError({"decline_reason": DECLINED_NEEDS_REASON})
    if outcome == ActivityRecord.Outcome.TOOK_PART and not (chosen.strip() or adjustments.strip()):
        raise ValidationError(ATTENDANCE_ONLY)


def activity_record_create(
    *,
    person: Person,
    offered: str,
    outcome: str,
    rhythm: ActivityRhythm | None = None,
    entry: RhythmEntry | None = None,
    chosen: str = "",
    adjustments: str = "",
    decline_reason: str = "",
    alternative_offered: str = "",
    persons_words: str = "",
    occurred_at: datetime | None = None,
    idempotency_key: Any,
    by: User,
) -> ActivityRecord:
    body = {
        "persons_words": persons_words,
        "rhythm": rhythm,
        "entry": entry,
        "offered": offered,
        "outcome": outcome,
        "chosen": chosen,
        "adjustments": adjustments,
        "decline_reason": decline_reason,
        "alternative_offered": alternative_offered,
    }

    def build(at: datetime) -> ActivityRecord:
        activity_record_check(
            outcome=outcome, chosen=chosen, adjustments=adjustments, decline_reason=decline_reason
        )
        version = in_force(rhythm or (entry.version.rhythm if entry else None), person, at)
        if entry is not None and entry.version_id != getattr(version, "pk", None):
            raise ValidationError({"entry": "That activity is not in the rhythm in force."})
        assert version is None or isinstance(version, RhythmVersion)
        return ActivityRecord(
            rhythm_version=version,
            entry=entry,
            offered=offered.strip(),
            outcome=outcome,
            chosen=chosen.strip(),
            adjustments=adjustments.strip(),
            decline_reason=decline_reason.strip(),
            alternative_offered=alternative_offered.strip(),
            persons_words=persons_words.strip(),
        )

    return _record(
        ActivityRecord,
        person=person,
        occurred_at=occurred_at,
        key=idempotency_key,
        by=by,
        body=body,
        build=build,
    )


def daily_note_create(
    *,
    person: Person,
    text: str,
    persons_words: str = "",
    occurred_at: datetime | None = None,
    idempotency_key: Any,
    by: User,
) -> DailyNote:
    return _record(
        DailyNote,
        person=person,
        occurred_at=occurred_at,
        key=idempotency_key,
        by=by,
        body={"text": text, "persons_words": persons_words},
        build=lambda at: DailyNote(text=text.strip(), persons_words=persons_words.strip()),
    )


def incident_create(
    *,
    person: Person,
    incident_type: str,
    severity: str,
    what_happened: str,
    actions_taken: str,
    routine: Routine | None = None,
    rhythm: ActivityRhythm | None = None,
    other_plan_element: str = "",
    occurred_at: datetime | None = None,
    idempotency_key: Any,
    by: User,
) -> Incident:
    body = {
        "incident_type": incident_type,
        "severity": severity,
        "what_happened": what_happened,
        "actions_taken": actions_taken,
        "routine": routine,
        "rhythm": rhythm,
        "other_plan_element": other_plan_element,
    }

    def build(at: datetime) -> Incident:
        if routine and rhythm:
            raise ValidationError(
                "Link the incident to one part of the plan: a routine or a rhythm."
            )
        return Incident(
            incident_type=incident_type,
            severity=severity,
            what_happened=what_happened.strip(),
            actions_taken=actions_taken.strip(),
            routine_version=in_force(routine, person, at),
            rhythm_version=in_force(rhythm, person, at),
            other_plan_element=other_plan_element.strip(),
        )

    return _record(
        Incident,
        person=person,
        occurred_at=occurred_at,
        key=idempotency_key,
        by=by,
        body=body,
        build=build,
    )


def handover_note_create(
    *,
    person: Person,
    summary: str,
    watch_for: str = "",
    occurred_at: datetime | None = None,
    idempotency_key: Any,
    by: User,
) -> HandoverNote:
    return _record(
        HandoverNote,
        person=person,
        occurred_at=occurred_at,
        key=idempotency_key,
        by=by,
        body={"summary": summary, "watch_for": watch_for},
        build=lambda at: HandoverNote(summary=summary.strip(), watch_for=watch_for.strip()),
    )


def practicality_flag_create(
    *,
    person: Person,
    what_happened: str,
    routine: Routine | None = None,
    rhythm: ActivityRhythm | None = None,
    occurred_at: datetime | None = None,
    idempotency_key: Any,
    by: User,
) -> PracticalityFlag:
    def build(at: datetime) -> PracticalityFlag:
        if bool(routine) == bool(rhythm):
            raise ValidationError("Say which routine or rhythm is not practical (one of them).")
        return PracticalityFlag(
            routine_version=in_force(routine, person, at),
            rhythm_version=in_force(rhythm, person, at),
            what_happened=what_happened.strip(),
        )

    return _record(
        PracticalityFlag,
        person=person,
        occurred_at=occurred_at,
        key=idempotency_key,
        by=by,
        body={"routine": routine, "rhythm": rhythm, "what_happened": what_happened},
        build=build,
    )


@transaction.atomic
def briefing_acknowledge(
    *, booking: ShiftBooking, idempotency_key: Any = None, by: User
) -> BriefingAcknowledgement:
    """The agency worker confirms reading the briefing: every routine, rhythm and staff
    instruction in force in the booked service during the shift, and the acknowledgement
    records those versions. Confirming again while nothing changed answers the last
    confirmation; after a change it is a new one, covering the versions now in force."""
    if booking.user_id != by.pk:
        raise PermissionDenied("You can confirm the briefing only for your own shift.")
    if booking.ends_at <= timezone.now():
        raise ValidationError("This shift has ended.")
    # One confirmation at a time per booking, so two taps make one acknowledgement.
    ShiftBooking.objects.select_for_update().filter(pk=booking.pk).first()
    briefing = selectors.briefing_state(booking)
    if briefing.acknowledged is not None and not briefing.due:
        return briefing.acknowledged

    def create() -> BriefingAcknowledgement:
        ack = BriefingAcknowledgement(booking=booking, user=by, acknowledged_at=timezone.now())
        ack.full_clean()
        ack.save()
        by_kind: dict[str, list[PlanVersion]] = {"routine": [], "rhythm": [], "instruction": []}
        for version in briefing.versions:
            by_kind[version.element.kind].append(version)
        ack.routine_versions.set(by_kind["routine"])
        ack.rhythm_versions.set(by_kind["rhythm"])
        ack.instruction_versions.set(by_kind["instruction"])
        return ack

    if idempotency_key is None:
        return create()
    ack, _ = idempotency.save_once(
        key=idempotency_key,
        user=by,
        model=BriefingAcknowledgement,
        body={"booking": booking.pk, "covers": sorted(v.pk for v in briefing.versions)},
        create=create,
    )
    return ack
