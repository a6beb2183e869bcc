"""Every write to routines, rhythms and staff instructions (forms, API and seed data alike).

The rule that ties practice to co-production: nothing is in force on shift unless it cites
the agreed decision it comes from. A change is a new version citing the decision that
changed it, in force from a stated time; earlier versions are kept, so records made under
them still point at them.

The three are one kind of thing, a versioned plan element, and go through one path here
(`element_create`, `version_create`, `element_set_active`); the typed functions below it
(`routine_revise`, `instruction_create`...) say what each one holds. Every change to an
element says the version it was based on, and a stale one overwrites nothing
(coplan/lib/versioning).
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
from coplan.lib import versioning
from coplan.lib.models import check_plain_text
from coplan.people.models import Person
from coplan.planning.models import Decision
from coplan.support.models import (
    ActivityRhythm,
    InstructionVersion,
    PlanElement,
    PlanVersion,
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
SUMMARY_CHECK = (
    "The plan changed but its shift summary for agency staff did not: update the summary, or "
    "confirm that it still fits the new version."
)
NOT_BEFORE_PREVIOUS = (
    "A new version cannot be in force before the version it follows (in force from {when})."
)


@dataclass(frozen=True)
class Kind:
    """How one kind of versioned plan element is stored: what its element and its versions
    hold beyond what every plan element has, and what its rows (steps, entries) are."""

    name: str  # routine, rhythm, instruction
    element_model: type[PlanElement]
    version_model: type[PlanVersion]
    element_fields: tuple[str, ...]  # set on the element: its name, category...
    version_fields: tuple[str, ...]  # what this kind's versions say besides the summary
    rows_name: str | None = None  # "steps", "entries"; None for an instruction's text
    row_model: type[models.Model] | None = None
    row_label: str = ""
    row_fields: tuple[str, ...] = ()
    needs_agreed: str = ""

    @property
    def element_field(self) -> str:
        return self.version_model.element_field


ROUTINE = Kind(
    name="routine",
    element_model=Routine,
    version_model=RoutineVersion,
    element_fields=("name",),
    version_fields=(),
    rows_name="steps",
    row_model=RoutineStep,
    row_label="Step",
    row_fields=("title", "agreed_words", "window_start", "window_end", "avoid", "picture"),
    needs_agreed=ROUTINE_NEEDS_AGREED,
)
RHYTHM = Kind(
    name="rhythm",
    element_model=ActivityRhythm,
    version_model=RhythmVersion,
    element_fields=("name",),
    version_fields=("alternatives", "preparation", "choice_prompt"),
    rows_name="entries",
    row_model=RhythmEntry,
    row_label="Activity",
    row_fields=("day", "time", "activity", "kind", "notes", "picture"),
    needs_agreed=RHYTHM_NEEDS_AGREED,
)
INSTRUCTION = Kind(
    name="instruction",
    element_model=StaffInstruction,
    version_model=InstructionVersion,
    element_fields=("category", "title"),
    version_fields=("text",),
    needs_agreed=INSTRUCTION_NEEDS_AGREED,
)
KINDS = {k.name: k for k in (ROUTINE, RHYTHM, INSTRUCTION)}


def kind_of(element: PlanElement | PlanVersion) -> Kind:
    return KINDS[element.element.kind if isinstance(element, PlanVersion) else element.kind]


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


def _build_rows(kind: Kind, rows: list[dict[str, Any]] | None) -> list[models.Model]:
    if kind.row_model is None:
        return []
    assert kind.rows_name is not None
    if not rows:
        raise ValidationError({kind.rows_name: f"Add at least one {kind.row_label.lower()}."})
    built = []
    errors: list[str] = []
    for index, row in enumerate(rows, start=1):
        child = kind.row_model(position=index, **row)
        try:
            check_plain_text(child)
            child.full_clean(exclude=["version"])
        except ValidationError as exc:
            errors.extend(f"{kind.row_label} {index}: {m}" for m in exc.messages)
        built.append(child)
    if errors:
        raise ValidationError({kind.rows_name: errors})
    return built


def _content(kind: Kind, fields: dict[str, Any], rows: Iterable[models.Model]) -> tuple:
    """What a version tells staff to do, beside its summary: to see whether it changed."""
    return (
        tuple((fields.get(name) or "").strip() for name in kind.version_fields),
        tuple(tuple(getattr(row, name) for name in kind.row_fields) for row in rows),
    )


def _version_content(kind: Kind, version: PlanVersion) -> tuple:
    rows = getattr(version, kind.rows_name).all() if kind.rows_name else []
    return _content(kind, {n: getattr(version, n) for n in kind.version_fields}, rows)


def _check_summary(
    kind: Kind,
    previous: PlanVersion,
    *,
    fields: dict[str, Any],
    rows: list[models.Model],
    agency_summary: str,
    summary_confirmed: bool,
) -> None:
    """An agency worker reads only the summary: when what staff do changes and the summary
    stays as it was, it may now contradict the plan. The planner updates it or confirms it
    in the same change. (An element without a summary shows agency staff the plan itself.)"""
    if summary_confirmed or not previous.agency_summary.strip():
        return
    if agency_summary.strip() != previous.agency_summary.strip():
        return
    if _content(kind, fields, rows) != _version_content(kind, previous):
        raise ValidationError({"agency_summary": SUMMARY_CHECK})


def _in_force_from(latest: PlanVersion | None, effective_from: datetime | None) -> datetime:
    """Now, unless given; never before the version it follows, so the versions come into
    force in the order they were made. "Now" is this minute, as staff write times down: a
    record of something at 14:00 falls under a version made at 14:00:30."""
    now = timezone.now().replace(second=0, microsecond=0)
    if latest is None:
        return effective_from or now
    if effective_from is None:
        return max(now, latest.effective_from)
    if effective_from < latest.effective_from:
        when = f"{timezone.localtime(latest.effective_from):%-d %b %Y %H:%M}"
        raise ValidationError({"effective_from": NOT_BEFORE_PREVIOUS.format(when=when)})
    return effective_from


def _save_version(
    kind: Kind,
    element: PlanElement,
    *,
    decisions: list[Decision],
    rows: list[models.Model],
    fields: dict[str, Any],
    agency_summary: str,
    change_reason: str,
    effective_from: datetime,
    by: User,
) -> PlanVersion:
    versions = kind.version_model.objects.filter(**{kind.element_field: element})
    number = (versions.aggregate(n=Max("number"))["n"] or 0) + 1
    versions.filter(is_current=True).update(is_current=False)
    version = kind.version_model(
        **{kind.element_field: element},
        number=number,
        agency_summary=agency_summary.strip(),
        change_reason=change_reason,
        is_current=True,
        created_by=by,
        effective_from=effective_from,
        **{name: (fields.get(name) or "").strip() for name in kind.version_fields},
    )
    version._history_user = by
    version.full_clean(validate_constraints=False)
    version.save()
    version.decisions.set(decisions)
    for row in rows:
        row.version = version
    if kind.row_model is not None:
        kind.row_model.objects.bulk_create(rows)
    return version


# The one path for every kind of plan element


@transaction.atomic
def element_create(
    kind: Kind,
    *,
    person: Person,
    element_fields: dict[str, Any],
    decisions: Iterable[Decision | int],
    rows: list[dict[str, Any]] | None = None,
    fields: dict[str, Any] | None = None,
    agency_summary: str = "",
    activate: bool,
    effective_from: datetime | None,
    by: User,
) -> PlanElement:
    """A new plan element and its first version."""
    fields = fields or {}
    cited = _decisions_for(person, decisions, effective_from)
    if not cited:
        raise ValidationError({"decisions": "Cite the decision this comes from."})
    if activate and not _was_agreed(cited):
        raise ValidationError({"decisions": kind.needs_agreed})
    built = _build_rows(kind, rows)
    element = kind.element_model(person=person, is_active=activate, created_by=by, **element_fields)
    element._history_user = by
    element.full_clean()
    element.save()
    _save_version(
        kind,
        element,
        decisions=cited,
        rows=built,
        fields=fields,
        agency_summary=agency_summary,
        change_reason="",
        effective_from=_in_force_from(None, effective_from),
        by=by,
    )
    return element


@transaction.atomic
def version_create(
    kind: Kind,
    *,
    element: PlanElement,
    based_on: int,
    decisions: Iterable[Decision | int],
    change_reason: str,
    rows: list[dict[str, Any]] | None = None,
    fields: dict[str, Any] | None = None,
    agency_summary: str = "",
    element_fields: dict[str, Any] | None = None,
    effective_from: datetime | None = None,
    summary_confirmed: bool = False,
    by: User,
) -> PlanVersion:
    """A new version of a plan element, based on the element's version `based_on`: if
    someone changed the element since, StaleVersion, and nothing is saved."""
    fields = fields or {}
    # The lock also keeps two editors from both making "version 3".
    locked = versioning.lock(kind.element_model, element.pk, based_on=based_on)
    latest = (
        kind.version_model.objects.filter(**{kind.element_field: locked}, is_current=True)
        .prefetch_related(*([kind.rows_name] if kind.rows_name else []))
        .first()
    )
    starts = _in_force_from(latest, effective_from)
    cited = _decisions_for(locked.person, decisions, starts)
    if not change_reason.strip():
        raise ValidationError({"change_reason": CHANGE_NEEDS_REASON})
    if not cited:
        raise ValidationError({"decisions": "Cite the decision that changed it."})
    if locked.is_active and not _was_agreed(cited):
        raise ValidationError({"decisions": CHANGE_NEEDS_AGREED})
    built = _build_rows(kind, rows)
    if latest is not None:
        _check_summary(
            kind,
            latest,
            fields=fields,
            rows=built,
            agency_summary=agency_summary,
            summary_confirmed=summary_confirmed,
        )
    changed = [
        name
        for name, value in (element_fields or {}).items()
        if value is not None and value != getattr(locked, name)
    ]
    for name in changed:
        setattr(locked, name, element_fields[name])  # type: ignore[index]
    locked.full_clean()
    version = _save_version(
        kind,
        locked,
        decisions=cited,
        rows=built,
        fields=fields,
        agency_summary=agency_summary,
        change_reason=change_reason.strip(),
        effective_from=starts,
        by=by,
    )
    # A new version is a change to the element: its version rises once.
    versioning.save_changed(locked, changed, by=by)
    return version


@transaction.atomic
def element_set_active(
    kind: Kind, *, element: PlanElement, based_on: int, active: bool, by: User
) -> PlanElement:
    """Put a plan element in force on shift (its newest version must cite an agreed
    decision) or take it out of force (retire it)."""
    locked = versioning.lock(kind.element_model, element.pk, based_on=based_on)
    if active:
        latest = kind.version_model.objects.filter(
            **{kind.element_field: locked}, is_current=True
        ).first()
        if latest is None or not _has_agreed(latest.decisions.all()):
            raise ValidationError({"decisions": kind.needs_agreed})
    if locked.is_active != active:
        locked.is_active = active
        locked.full_clean()
        versioning.save_changed(locked, ["is_active"], by=by)
    return locked


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
    return element_create(  # type: ignore[return-value]
        ROUTINE,
        person=person,
        element_fields={"name": name},
        decisions=decisions,
        rows=steps,
        agency_summary=agency_summary,
        activate=activate,
        effective_from=effective_from,
        by=by,
    )


@transaction.atomic
def routine_revise(
    *,
    routine: Routine,
    based_on: int,
    decisions: Iterable[Decision | int],
    steps: list[dict[str, Any]],
    change_reason: str,
    agency_summary: str = "",
    name: str | None = None,
    effective_from: datetime | None = None,
    summary_confirmed: bool = False,
    by: User,
) -> RoutineVersion:
    return version_create(  # type: ignore[return-value]
        ROUTINE,
        element=routine,
        based_on=based_on,
        decisions=decisions,
        change_reason=change_reason,
        rows=steps,
        agency_summary=agency_summary,
        element_fields={"name": name or None},
        effective_from=effective_from,
        summary_confirmed=summary_confirmed,
        by=by,
    )


@transaction.atomic
def routine_activate(*, routine: Routine, based_on: int, by: User) -> Routine:
    return element_set_active(  # type: ignore[return-value]
        ROUTINE, element=routine, based_on=based_on, active=True, by=by
    )


@transaction.atomic
def routine_deactivate(*, routine: Routine, based_on: int, by: User) -> Routine:
    return element_set_active(  # type: ignore[return-value]
        ROUTINE, element=routine, based_on=based_on, active=False, by=by
    )


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
    return element_create(  # type: ignore[return-value]
        RHYTHM,
        person=person,
        element_fields={"name": name},
        decisions=decisions,
        rows=entries,
        fields={
            "alternatives": alternatives,
            "preparation": preparation,
            "choice_prompt": choice_prompt,
        },
        agency_summary=agency_summary,
        activate=activate,
        effective_from=effective_from,
        by=by,
    )


@transaction.atomic
def rhythm_revise(
    *,
    rhythm: ActivityRhythm,
    based_on: int,
    decisions: Iterable[Decision | int],
    entries: list[dict[str, Any]],
    change_reason: str,
    alternatives: str = "",
    preparation: str = "",
    choice_prompt: str = "",
    agency_summary: str = "",
    name: str | None = None,
    effective_from: datetime | None = None,
    summary_confirmed: bool = False,
    by: User,
) -> RhythmVersion:
    return version_create(  # type: ignore[return-value]
        RHYTHM,
        element=rhythm,
        based_on=based_on,
        decisions=decisions,
        change_reason=change_reason,
        rows=entries,
        fields={
            "alternatives": alternatives,
            "preparation": preparation,
            "choice_prompt": choice_prompt,
        },
        agency_summary=agency_summary,
        element_fields={"name": name or None},
        effective_from=effective_from,
        summary_confirmed=summary_confirmed,
        by=by,
    )


@transaction.atomic
def rhythm_activate(*, rhythm: ActivityRhythm, based_on: int, by: User) -> ActivityRhythm:
    return element_set_active(  # type: ignore[return-value]
        RHYTHM, element=rhythm, based_on=based_on, active=True, by=by
    )


@transaction.atomic
def rhythm_deactivate(*, rhythm: ActivityRhythm, based_on: int, by: User) -> ActivityRhythm:
    return element_set_active(  # type: ignore[return-value]
        RHYTHM, element=rhythm, based_on=based_on, active=False, by=by
    )


# Staff instructions


@transaction.atomic
def instruction_create(
    *,
    person: Person,
    category: str,
    title: str,
    text: str,
    decisions: Iterable[Decision | int],
    agency_summary: str = "",
    activate: bool = True,
    effective_from: datetime | None = None,
    by: User,
) -> StaffInstruction:
    return element_create(  # type: ignore[return-value]
        INSTRUCTION,
        person=person,
        element_fields={"category": category, "title": title},
        decisions=decisions,
        fields={"text": text},
        agency_summary=agency_summary,
        activate=activate,
        effective_from=effective_from,
        by=by,
    )


@transaction.atomic
def instruction_revise(
    *,
    instruction: StaffInstruction,
    based_on: int,
    decisions: Iterable[Decision | int],
    text: str,
    change_reason: str,
    agency_summary: str = "",
    category: str | None = None,
    title: str | None = None,
    effective_from: datetime | None = None,
    summary_confirmed: bool = False,
    by: User,
) -> InstructionVersion:
    return version_create(  # type: ignore[return-value]
        INSTRUCTION,
        element=instruction,
        based_on=based_on,
        decisions=decisions,
        change_reason=change_reason,
        fields={"text": text},
        agency_summary=agency_summary,
        element_fields={"category": category or None, "title": title or None},
        effective_from=effective_from,
        summary_confirmed=summary_confirmed,
        by=by,
    )


@transaction.atomic
def instruction_activate(
    *, instruction: StaffInstruction, based_on: int, by: User
) -> StaffInstruction:
    return element_set_active(  # type: ignore[return-value]
        INSTRUCTION, element=instruction, based_on=based_on, active=True, by=by
    )


@transaction.atomic
def instruction_deactivate(
    *, instruction: StaffInstruction, based_on: int, by: User
) -> StaffInstruction:
    return element_set_active(  # type: ignore[return-value]
        INSTRUCTION, element=instruction, based_on=based_on, active=False, by=by
    )
