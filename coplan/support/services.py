"""Every write to routines, rhythms and staff instructions (forms, API and seed data alike).

The rule that ties practice to co-production: nothing is in force on shift unless it cites
the agreed decision it comes from. A change is a new version citing the decision that
changed it; earlier versions are kept, so records made under them still point at them.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from coplan.accounts.models import User
from coplan.lib.models import check_plain_text
from coplan.lib.services import apply_and_save
from coplan.people.models import Person
from coplan.planning.models import Decision
from coplan.support.models import (
    ActivityRhythm,
    RhythmEntry,
    RhythmVersion,
    Routine,
    RoutineStep,
    RoutineVersion,
    StaffInstruction,
)

ROUTINE_NEEDS_AGREED = "A routine cannot be activated without the agreed decision it comes from."
RHYTHM_NEEDS_AGREED = "A rhythm cannot be activated without the agreed decision it comes from."
INSTRUCTION_NEEDS_AGREED = (
    "An instruction cannot be in force without the agreed decision it comes from."
)
CHANGE_NEEDS_AGREED = "A change to a plan in force must cite the agreed decision that changed it."
CHANGE_NEEDS_REASON = "Say what changed and why."


@dataclass(frozen=True)
class _Kind:
    """How one versioned plan element is stored."""

    element_field: str  # the version's FK to its element
    version_model: type[RoutineVersion] | type[RhythmVersion]
    child_model: type[RoutineStep] | type[RhythmEntry]
    child_label: str
    needs_agreed: str
    version_fields: tuple[str, ...]


ROUTINE = _Kind(
    element_field="routine",
    version_model=RoutineVersion,
    child_model=RoutineStep,
    child_label="Step",
    needs_agreed=ROUTINE_NEEDS_AGREED,
    version_fields=("agency_summary",),
)
RHYTHM = _Kind(
    element_field="rhythm",
    version_model=RhythmVersion,
    child_model=RhythmEntry,
    child_label="Activity",
    needs_agreed=RHYTHM_NEEDS_AGREED,
    version_fields=("alternatives", "preparation", "choice_prompt", "agency_summary"),
)


def _decisions_for(
    person: Person, decisions: Iterable[Decision | int], at: datetime | None = None
) -> list[Decision]:
    """The cited decisions, all about this person and none superseded. Recording a past
    version (`at`, its effective date) may cite a decision superseded only after that date."""
    ids = {d.pk if isinstance(d, Decision) else int(d) for d in decisions}
    found = list(Decision.objects.filter(pk__in=ids))
    if len(found) != len(ids) or any(d.person_id != person.pk for d in found):
        raise ValidationError(
            {"decisions": f"Cite only decisions made with or about {person.called}."}
        )
    superseded = [d for d in found if d.status == Decision.Status.SUPERSEDED]
    if at is not None and superseded:
        successors_agreed = Decision.objects.filter(
            supersedes__in=superseded, agreed_at__gt=at
        ).count()
        if successors_agreed == len(superseded):
            superseded = []
    if superseded:
        raise ValidationError(
            {"decisions": "A superseded decision cannot shape a new version; cite its successor."}
        )
    return found


def _has_agreed(decisions: Iterable[Decision]) -> bool:
    return any(d.status == Decision.Status.AGREED for d in decisions)


def _was_agreed(decisions: Iterable[Decision]) -> bool:
    """Agreed when cited: agreed now, or (for a past version) superseded since."""
    return any(d.status != Decision.Status.DRAFT for d in decisions)


def _build_children(kind: _Kind, rows: list[dict[str, Any]]) -> list[models.Model]:
    if not rows:
        raise ValidationError(
            {
                "steps"
                if kind is ROUTINE
                else "entries": f"Add at least one {kind.child_label.lower()}."
            }
        )
    children = []
    errors: list[str] = []
    for index, row in enumerate(rows, start=1):
        child = kind.child_model(position=index, **row)
        try:
            check_plain_text(child)
            child.full_clean(exclude=["version"])
        except ValidationError as exc:
            errors.extend(f"{kind.child_label} {index}: {m}" for m in exc.messages)
        children.append(child)
    if errors:
        raise ValidationError({"steps" if kind is ROUTINE else "entries": errors})
    return children


def _new_version(
    kind: _Kind,
    element: Routine | ActivityRhythm,
    *,
    decisions: list[Decision],
    rows: list[dict[str, Any]],
    fields: dict[str, Any],
    change_reason: str,
    effective_from: datetime | None,
    by: User,
) -> RoutineVersion | RhythmVersion:
    children = _build_children(kind, rows)
    versions = kind.version_model.objects.filter(**{kind.element_field: element})
    number = (versions.aggregate(n=Max("number"))["n"] or 0) + 1
    versions.filter(is_current=True).update(is_current=False)
    version = kind.version_model(
        **{kind.element_field: element},
        number=number,
        change_reason=change_reason,
        is_current=True,
        created_by=by,
        effective_from=effective_from or timezone.now(),
        **{k: v for k, v in fields.items() if k in kind.version_fields},
    )
    version.full_clean(validate_constraints=False)
    version.save()
    version.decisions.set(decisions)
    for child in children:
        child.version = version
    kind.child_model.objects.bulk_create(children)
    return version


def _create(
    kind: _Kind,
    element: Routine | ActivityRhythm,
    *,
    decisions: Iterable[Decision | int],
    rows: list[dict[str, Any]],
    fields: dict[str, Any],
    activate: bool,
    effective_from: datetime | None,
    by: User,
) -> RoutineVersion | RhythmVersion:
    cited = _decisions_for(element.person, decisions, effective_from)
    if not cited:
        raise ValidationError({"decisions": "Cite the decision this comes from."})
    if activate and not _was_agreed(cited):
        raise ValidationError({"decisions": kind.needs_agreed})
    element.is_active = activate
    apply_and_save(element, {})
    return _new_version(
        kind,
        element,
        decisions=cited,
        rows=rows,
        fields=fields,
        change_reason="",
        effective_from=effective_from,
        by=by,
    )


def _revise(
    kind: _Kind,
    element: Routine | ActivityRhythm,
    *,
    decisions: Iterable[Decision | int],
    rows: list[dict[str, Any]],
    fields: dict[str, Any],
    change_reason: str,
    effective_from: datetime | None,
    by: User,
) -> RoutineVersion | RhythmVersion:
    # Lock the element so two editors cannot both make "version 3".
    type(element).objects.select_for_update().filter(pk=element.pk).first()
    cited = _decisions_for(element.person, decisions, effective_from)
    if not change_reason.strip():
        raise ValidationError({"change_reason": CHANGE_NEEDS_REASON})
    if not cited:
        raise ValidationError({"decisions": "Cite the decision that changed it."})
    if element.is_active and not _was_agreed(cited):
        raise ValidationError({"decisions": CHANGE_NEEDS_AGREED})
    version = _new_version(
        kind,
        element,
        decisions=cited,
        rows=rows,
        fields=fields,
        change_reason=change_reason.strip(),
        effective_from=effective_from,
        by=by,
    )
    apply_and_save(element, {})  # a new version is a change to the routine: bump its version
    return version


def _activate(kind: _Kind, element: Routine | ActivityRhythm, *, by: User) -> None:
    current = kind.version_model.objects.filter(
        **{kind.element_field: element}, is_current=True
    ).first()
    if current is None or not _has_agreed(current.decisions.all()):
        raise ValidationError({"decisions": kind.needs_agreed})
    if not element.is_active:
        apply_and_save(element, {"is_active": True})


# Routines


@transaction.atomic
def routine_create(
    *,
    person: Person,
    name: str,
    decisions: Iterable[Decision | int],
    steps: list[dict[str, Any]],
    agency_summary: str = "",
    activate: bool = False,
    effective_from: datetime | None = None,
    by: User,
) -> Routine:
    routine = Routine(person=person, name=name, created_by=by)
    _create(
        ROUTINE,
        routine,
        decisions=decisions,
        rows=steps,
        fields={"agency_summary": agency_summary},
        activate=activate,
        effective_from=effective_from,
        by=by,
    )
    return routine


@transaction.atomic
def routine_revise(
    *,
    routine: Routine,
    decisions: Iterable[Decision | int],
    steps: list[dict[str, Any]],
    change_reason: str,
    agency_summary: str = "",
    name: str | None = None,
    effective_from: datetime | None = None,
    by: User,
) -> RoutineVersion:
    if name and name != routine.name:
        routine.name = name
    return _revise(
        ROUTINE,
        routine,
        decisions=decisions,
        rows=steps,
        fields={"agency_summary": agency_summary},
        change_reason=change_reason,
        effective_from=effective_from,
        by=by,
    )


@transaction.atomic
def routine_activate(*, routine: Routine, by: User) -> Routine:
    _activate(ROUTINE, routine, by=by)
    return routine


@transaction.atomic
def routine_deactivate(*, routine: Routine, by: User) -> Routine:
    if routine.is_active:
        apply_and_save(routine, {"is_active": False})
    return routine


# Activity rhythms


@transaction.atomic
def rhythm_create(
    *,
    person: Person,
    name: str,
    decisions: Iterable[Decision | int],
    entries: list[dict[str, Any]],
    alternatives: str = "",
    preparation: str = "",
    choice_prompt: str = "",
    agency_summary: str = "",
    activate: bool = False,
    effective_from: datetime | None = None,
    by: User,
) -> ActivityRhythm:
    rhythm = ActivityRhythm(person=person, name=name, created_by=by)
    _create(
        RHYTHM,
        rhythm,
        decisions=decisions,
        rows=entries,
        fields={
            "alternatives": alternatives,
            "preparation": preparation,
            "choice_prompt": choice_prompt,
            "agency_summary": agency_summary,
        },
        activate=activate,
        effective_from=effective_from,
        by=by,
    )
    return rhythm


@transaction.atomic
def rhythm_revise(
    *,
    rhythm: ActivityRhythm,
    decisions: Iterable[Decision | int],
    entries: list[dict[str, Any]],
    change_reason: str,
    alternatives: str = "",
    preparation: str = "",
    choice_prompt: str = "",
    agency_summary: str = "",
    name: str | None = None,
    effective_from: datetime | None = None,
    by: User,
) -> RhythmVersion:
    if name and name != rhythm.name:
        rhythm.name = name
    return _revise(
        RHYTHM,
        rhythm,
        decisions=decisions,
        rows=entries,
        fields={
            "alternatives": alternatives,
            "preparation": preparation,
            "choice_prompt": choice_prompt,
            "agency_summary": agency_summary,
        },
        change_reason=change_reason,
        effective_from=effective_from,
        by=by,
    )


@transaction.atomic
def rhythm_activate(*, rhythm: ActivityRhythm, by: User) -> ActivityRhythm:
    _activate(RHYTHM, rhythm, by=by)
    return rhythm


@transaction.atomic
def rhythm_deactivate(*, rhythm: ActivityRhythm, by: User) -> ActivityRhythm:
    if rhythm.is_active:
        apply_and_save(rhythm, {"is_active": False})
    return rhythm


# Staff instructions


def _check_instruction(instruction: StaffInstruction, cited: list[Decision]) -> None:
    if not cited:
        raise ValidationError({"decisions": "Cite the decision this instruction comes from."})
    if instruction.is_active and not _has_agreed(cited):
        raise ValidationError({"decisions": INSTRUCTION_NEEDS_AGREED})


@transaction.atomic
def instruction_create(
    *,
    person: Person,
    category: str,
    title: str,
    text: str,
    decisions: Iterable[Decision | int],
    is_active: bool = True,
    by: User,
) -> StaffInstruction:
    instruction = StaffInstruction(
        person=person,
        category=category,
        title=title,
        text=text,
        is_active=is_active,
        created_by=by,
    )
    cited = _decisions_for(person, decisions)
    _check_instruction(instruction, cited)
    apply_and_save(instruction, {})
    instruction.decisions.set(cited)
    return instruction


@transaction.atomic
def instruction_update(
    *,
    instruction: StaffInstruction,
    decisions: Iterable[Decision | int] | None = None,
    by: User,
    **fields: Any,
) -> StaffInstruction:
    for name, value in fields.items():
        setattr(instruction, name, value)
    if decisions is None:
        cited = list(instruction.decisions.all())
    else:
        cited = _decisions_for(instruction.person, decisions)
    _check_instruction(instruction, cited)
    apply_and_save(instruction, {})
    if decisions is not None:
        instruction.decisions.set(cited)
    return instruction
