"""Every shift record is written here, once per idempotency key (see idempotency.py).

The rules the records keep, the same for the web form and the API:
- a record points at the plan version in force when it is made;
- an activity record says what the person chose or what was adjusted, never only that they
  attended; a decline says why;
- an agency worker records only on a booked shift, and only after confirming the briefing.
"""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.accounts.models import Membership, ShiftBooking, User
from coplan.delivery import idempotency
from coplan.delivery.models import (
    ActivityRecord,
    BriefingAcknowledgement,
    DailyNote,
    HandoverNote,
    Incident,
    PracticalityFlag,
    RoutineRun,
    ShiftRecord,
)
from coplan.lib import events
from coplan.lib.dates import occurred
from coplan.people.models import Person
from coplan.support.models import (
    ActivityRhythm,
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
NOT_IN_FORCE = "This is not in force on shift: it has no agreed, active version."
BRIEFING_FIRST = (
    "Read and confirm the shift briefing before you record: it holds the routine summaries "
    "for this shift."
)
NO_BOOKING = "Agency staff record only during a shift they are booked on."


# Who is recording


def running_booking(user: User, service_id: int, at: datetime | None = None) -> ShiftBooking | None:
    moment = at or timezone.now()
    return (
        ShiftBooking.objects.filter(
            user=user, service_id=service_id, starts_at__lte=moment, ends_at__gt=moment
        )
        .order_by("starts_at")
        .first()
    )


def recording_booking(*, person: Person, by: User) -> ShiftBooking | None:
    """The booking this record is made on; refuses agency staff outside a booked shift or
    before they have confirmed its briefing."""
    access.require(by, Action.RECORD, person)
    booking = running_booking(by, person.service_id)
    if access.staff_role(by, person.service_id) == Membership.Role.AGENCY_WORKER:
        if booking is None:
            raise PermissionDenied(NO_BOOKING)
        if not BriefingAcknowledgement.objects.filter(booking=booking).exists():
            raise PermissionDenied(BRIEFING_FIRST)
    return booking


def _save(
    model: type[R],
    *,
    person: Person,
    key: Any,
    by: User,
    body: dict[str, Any],
    build: Callable[[ShiftBooking | None], R],
) -> R:
    """Check who records, build and validate the record, and save it once per key."""

    def create() -> R:
        booking = recording_booking(person=person, by=by)
        record = build(booking)
        record.full_clean()
        record.save()
        events.record_committed(model=model, person_id=person.pk, record_id=record.pk)
        return record

    record, _ = idempotency.save_once(
        key=key, user=by, model=model, body={"person": person.pk, **body}, create=create
    )
    return record


def _current_routine_version(routine: Routine, person: Person) -> RoutineVersion:
    if routine.person_id != person.pk:
        raise ValidationError({"routine": f"That routine is not one of {person.called}'s."})
    version = (
        RoutineVersion.objects.filter(routine=routine, is_current=True)
        .prefetch_related("steps")
        .first()
    )
    if version is None or not routine.is_active:
        raise ValidationError({"routine": NOT_IN_FORCE})
    return version


def _current_rhythm_version(rhythm: ActivityRhythm, person: Person) -> RhythmVersion:
    if rhythm.person_id != person.pk:
        raise ValidationError({"rhythm": f"That rhythm is not one of {person.called}'s."})
    version = RhythmVersion.objects.filter(rhythm=rhythm, is_current=True).first()
    if version is None or not rhythm.is_active:
        raise ValidationError({"rhythm": NOT_IN_FORCE})
    return version


# Records


@transaction.atomic
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
    steps = [int(s) for s in steps_used]
    body = {
        "routine": routine.pk,
        "outcome": outcome,
        "steps_used": steps,
        "deviations": deviations,
        "distress_noticed": distress_noticed,
        "distress_notes": distress_notes,
        "occurred_at": occurred_at,
    }

    def build(booking: ShiftBooking | None) -> RoutineRun:
        version = _current_routine_version(routine, person)
        agreed = [s.pk for s in version.steps.all()]
        if len(set(steps)) != len(steps) or not set(steps) <= set(agreed):
            raise ValidationError(
                {"steps_used": "Choose steps from the routine in force, each once."}
            )
        if outcome != RoutineRun.Outcome.REFUSED and steps != agreed and not deviations.strip():
            raise ValidationError({"deviations": DEVIATION_NEEDS_WHY})
        if distress_noticed and not distress_notes.strip():
            raise ValidationError({"distress_notes": DISTRESS_NEEDS_NOTES})
        return RoutineRun(
            person=person,
            routine_version=version,
            steps_used=steps,
            deviations=deviations.strip(),
            outcome=outcome,
            distress_noticed=distress_noticed,
            distress_notes=distress_notes.strip(),
            occurred_at=occurred(occurred_at),
            recorded_by=by,
            booking=booking,
        )

    return _save(RoutineRun, person=person, key=idempotency_key, by=by, body=body, build=build)


def activity_record_check(
    *, outcome: str, chosen: str = "", adjustments: str = "", decline_reason: str = ""
) -> None:
    """The rules for an activity record, so a form can show them before saving too."""
    if outcome == ActivityRecord.Outcome.DECLINED and not decline_reason.strip():
        raise ValidationError({"decline_reason": DECLINED_NEEDS_REASON})
    if outcome == ActivityRecord.Outcome.TOOK_PART and not (chosen.strip() or adjustments.strip()):
        raise ValidationError(ATTENDANCE_ONLY)


@transaction.atomic
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
    occurred_at: datetime | None = None,
    idempotency_key: Any,
    by: User,
) -> ActivityRecord:
    body = {
        "rhythm": rhythm.pk if rhythm else None,
        "entry": entry.pk if entry else None,
        "offered": offered,
        "outcome": outcome,
        "chosen": chosen,
        "adjustments": adjustments,
        "decline_reason": decline_reason,
        "alternative_offered": alternative_offered,
        "occurred_at": occurred_at,
    }

    def build(booking: ShiftBooking | None) -> ActivityRecord:
        activity_record_check(
            outcome=outcome, chosen=chosen, adjustments=adjustments, decline_reason=decline_reason
        )
        version = None
        the_rhythm = rhythm or (entry.version.rhythm if entry else None)
        if the_rhythm is not None:
            version = _current_rhythm_version(the_rhythm, person)
            if entry is not None and entry.version_id != version.pk:
                raise ValidationError({"entry": "That activity is not in the rhythm in force."})
        return ActivityRecord(
            person=person,
            rhythm_version=version,
            entry=entry,
            offered=offered.strip(),
            outcome=outcome,
            chosen=chosen.strip(),
            adjustments=adjustments.strip(),
            decline_reason=decline_reason.strip(),
            alternative_offered=alternative_offered.strip(),
            occurred_at=occurred(occurred_at),
            recorded_by=by,
            booking=booking,
        )

    return _save(ActivityRecord, person=person, key=idempotency_key, by=by, body=body, build=build)


@transaction.atomic
def daily_note_create(
    *,
    person: Person,
    text: str,
    persons_words: str = "",
    occurred_at: datetime | None = None,
    idempotency_key: Any,
    by: User,
) -> DailyNote:
    body = {"text": text, "persons_words": persons_words, "occurred_at": occurred_at}

    def build(booking: ShiftBooking | None) -> DailyNote:
        return DailyNote(
            person=person,
            text=text.strip(),
            persons_words=persons_words.strip(),
            occurred_at=occurred(occurred_at),
            recorded_by=by,
            booking=booking,
        )

    return _save(DailyNote, person=person, key=idempotency_key, by=by, body=body, build=build)


@transaction.atomic
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
        "routine": routine.pk if routine else None,
        "rhythm": rhythm.pk if rhythm else None,
        "other_plan_element": other_plan_element,
        "occurred_at": occurred_at,
    }

    def build(booking: ShiftBooking | None) -> Incident:
        if routine and rhythm:
            raise ValidationError(
                "Link the incident to one part of the plan: a routine or a rhythm."
            )
        return Incident(
            person=person,
            incident_type=incident_type,
            severity=severity,
            what_happened=what_happened.strip(),
            actions_taken=actions_taken.strip(),
            routine_version=_current_routine_version(routine, person) if routine else None,
            rhythm_version=_current_rhythm_version(rhythm, person) if rhythm else None,
            other_plan_element=other_plan_element.strip(),
            occurred_at=occurred(occurred_at),
            recorded_by=by,
            booking=booking,
        )

    return _save(Incident, person=person, key=idempotency_key, by=by, body=body, build=build)


@transaction.atomic
def handover_note_create(
    *,
    person: Person,
    summary: str,
    watch_for: str = "",
    occurred_at: datetime | None = None,
    idempotency_key: Any,
    by: User,
) -> HandoverNote:
    body = {"summary": summary, "watch_for": watch_for, "occurred_at": occurred_at}

    def build(booking: ShiftBooking | None) -> HandoverNote:
        return HandoverNote(
            person=person,
            summary=summary.strip(),
            watch_for=watch_for.strip(),
            occurred_at=occurred(occurred_at),
            recorded_by=by,
            booking=booking,
        )

    return _save(HandoverNote, person=person, key=idempotency_key, by=by, body=body, build=build)


@transaction.atomic
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
    body = {
        "routine": routine.pk if routine else None,
        "rhythm": rhythm.pk if rhythm else None,
        "what_happened": what_happened,
        "occurred_at": occurred_at,
    }

    def build(booking: ShiftBooking | None) -> PracticalityFlag:
        if bool(routine) == bool(rhythm):
            raise ValidationError("Say which routine or rhythm is not practical (one of them).")
        return PracticalityFlag(
            person=person,
            routine_version=_current_routine_version(routine, person) if routine else None,
            rhythm_version=_current_rhythm_version(rhythm, person) if rhythm else None,
            what_happened=what_happened.strip(),
            occurred_at=occurred(occurred_at),
            recorded_by=by,
            booking=booking,
        )

    return _save(
        PracticalityFlag, person=person, key=idempotency_key, by=by, body=body, build=build
    )


@transaction.atomic
def briefing_acknowledge(
    *, booking: ShiftBooking, idempotency_key: Any = None, by: User
) -> BriefingAcknowledgement:
    """The agency worker confirms reading the summaries of every routine and rhythm in
    force in the booked service. One acknowledgement per booking: confirming again answers
    the first."""
    from coplan.support import selectors as support_selectors

    if booking.user_id != by.pk:
        raise PermissionDenied("You can confirm the briefing only for your own shift.")
    if booking.ends_at <= timezone.now():
        raise ValidationError("This shift has ended.")
    existing = BriefingAcknowledgement.objects.filter(booking=booking).first()
    if existing is not None:
        return existing

    def create() -> BriefingAcknowledgement:
        ack = BriefingAcknowledgement(booking=booking, user=by)
        ack.full_clean()
        ack.save()
        ids = list(
            Person.objects.filter(service_id=booking.service_id, is_active=True).values_list(
                "pk", flat=True
            )
        )
        ack.routine_versions.set(support_selectors.routines_in_force(ids))
        ack.rhythm_versions.set(support_selectors.rhythms_in_force(ids))
        return ack

    if idempotency_key is None:
        return create()
    ack, _ = idempotency.save_once(
        key=idempotency_key,
        user=by,
        model=BriefingAcknowledgement,
        body={"booking": booking.pk},
        create=create,
    )
    return ack
