"""Goals: part of coplan.planning.services."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coplan.accounts.models import User
from coplan.lib.models import check_plain_text
from coplan.lib.services import apply_and_save
from coplan.people.models import Person
from coplan.planning.models import (
    Decision,
    Goal,
    GoalAction,
    GoalProgress,
)
from coplan.planning.services.common import (
    ACTION_FIELDS,
    GOAL_FIELDS,
    GoalFields,
    Row,
    _locked,
    _only,
    _sync_children,
)


def _check_goal(goal: Goal, decisions: list[Decision] | None) -> None:
    errors: dict[str, str] = {}
    if goal.status in (Goal.Status.PAUSED, Goal.Status.DROPPED) and not goal.status_reason.strip():
        errors["status_reason"] = f"Say why the goal is {goal.get_status_display().lower()}."
    if goal.measure == Goal.Measure.RATING and not goal.scale_max:
        errors["scale_max"] = "For a rating, give the top of the scale (2 to 10)."
    if goal.measure == Goal.Measure.CHECKLIST and not [i for i in goal.checklist if i]:
        errors["checklist"] = "For a checklist, list the items, one a line."
    if decisions and any(d.person_id != goal.person_id for d in decisions):
        errors["decisions"] = "Link only this person's decisions."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def goal_create(
    *,
    person: Person,
    by: User,
    actions: Iterable[Row] = (),
    decisions: Iterable[Decision] = (),
    **fields: Unpack[GoalFields],
) -> Goal:
    _only(fields, GOAL_FIELDS, "A goal")
    decisions = list(decisions)
    goal = Goal(person=person, created_by=by)
    for name, value in fields.items():
        setattr(goal, name, value)
    _check_goal(goal, decisions)
    apply_and_save(goal, {}, by=by)
    goal.decisions.set(decisions)
    _sync_children(
        model=GoalAction, parent_field="goal", parent=goal, rows=actions, allowed=ACTION_FIELDS
    )
    return goal


@transaction.atomic
def goal_update(
    *,
    goal: Goal,
    by: User,
    based_on: int | None = None,
    actions: Iterable[Row] | None = None,
    decisions: Iterable[Decision] | None = None,
    **fields: Unpack[GoalFields],
) -> Goal:
    """Change a goal, its actions or the decisions it is linked to. A change based on a
    version someone has since replaced is refused (StaleVersion) before anything is
    written; the version rises once per change."""
    _only(fields, GOAL_FIELDS, "A goal")
    locked = _locked(goal, based_on, fields)
    decisions = list(decisions) if decisions is not None else None
    checked = Goal(**{f.attname: getattr(locked, f.attname) for f in Goal._meta.fields})
    for name, value in fields.items():
        setattr(checked, name, value)
    _check_goal(checked, decisions)
    children_changed = False
    if decisions is not None:
        before = set(locked.decisions.values_list("pk", flat=True))
        if before != {d.pk for d in decisions}:
            locked.decisions.set(decisions)
            children_changed = True
    if actions is not None:
        children_changed |= _sync_children(
            model=GoalAction,
            parent_field="goal",
            parent=locked,
            rows=actions,
            allowed=ACTION_FIELDS,
        )
    apply_and_save(locked, dict(fields), based_on=based_on, by=by, touch=children_changed)
    goal.version = locked.version
    return locked


@transaction.atomic
def goal_progress_add(
    *,
    goal: Goal,
    by: User,
    recorded_on: date | None = None,
    value: int | None = None,
    checklist_done: Iterable[str] = (),
    note: str = "",
    persons_words: str = "",
) -> GoalProgress:
    entry = GoalProgress(
        goal=goal,
        recorded_by=by,
        recorded_on=recorded_on or timezone.localdate(),
        value=value,
        note=note,
        persons_words=persons_words,
    )
    if goal.measure == Goal.Measure.CHECKLIST:
        done = list(checklist_done or [])
        unknown = [item for item in done if item not in goal.checklist]
        if unknown:
            raise ValidationError({"checklist_done": "Tick only items on the goal's checklist."})
        entry.checklist_done = [item for item in goal.checklist if item in done]
        entry.value = None
    elif value is None:
        raise ValidationError({"value": f"Give the {goal.get_measure_display().lower()}."})
    elif goal.measure == Goal.Measure.RATING and not 1 <= value <= (goal.scale_max or 10):
        raise ValidationError({"value": f"Give a rating from 1 to {goal.scale_max}."})
    elif goal.measure == Goal.Measure.COUNT and value < 0:
        raise ValidationError({"value": "A count cannot be below 0."})
    check_plain_text(entry)
    entry.full_clean()
    entry.save()
    return entry
