"""Shared by the modules of this package: part of coplan.planning.services."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, TypedDict, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from coplan.lib.models import check_plain_text
from coplan.lib.services import refuse_if_stale
from coplan.people.models import Person
from coplan.planning.models import (
    CoproductionSession,
    Domain,
)

M = TypeVar("M", bound=models.Model)


AGREED_CANNOT_CHANGE = (
    "This decision has been agreed and cannot be changed. Supersede it with a new decision instead."
)


class SessionFields(TypedDict, total=False):
    purpose: str
    domain: str
    is_risk_workshop: bool
    scheduled_for: datetime
    location: str
    prompts: list[str]
    information_prepared: str
    information_formats: list[str]
    status: str
    held_at: datetime | None
    notes: str


class DecisionFields(TypedDict, total=False):
    session: CoproductionSession | None
    domain: str
    question: str
    what_matters: str
    goal_kept: str
    agreed: str
    reason: str
    persons_words: str
    person_agrees: str
    why_person_not_involved: str
    information_withheld: str
    more_restrictive_reason: str
    final_say: str
    capacity: str
    capacity_notes: str
    bi_practicable_steps: str
    bi_encouraged: str
    bi_wishes: str
    bi_others_views: str
    bi_least_restrictive: str
    review_by: date | None
    review_triggers: str


class GoalFields(TypedDict, total=False):
    in_own_words: str
    picture: str
    importance: int
    success_looks_like: str
    measure: str
    measure_unit: str
    target_value: int | None
    scale_max: int | None
    checklist: list[str]
    target_date: date | None
    status: str
    status_reason: str


class ContingencyFields(TypedDict, total=False):
    triggers: str
    what_should_happen: str
    who_to_contact: str
    coping_strategies: str


class PromptFields(TypedDict, total=False):
    domain: str
    text: str
    is_active: bool
    position: int


Row = Mapping[
    str, Any
]  # a child row (option, participant, action...) as a form or the API sends it


SESSION_FIELDS = frozenset(SessionFields.__annotations__)


DECISION_FIELDS = frozenset(DecisionFields.__annotations__)


GOAL_FIELDS = frozenset(GoalFields.__annotations__)


CONTINGENCY_FIELDS = frozenset(ContingencyFields.__annotations__)


PROMPT_FIELDS = frozenset(PromptFields.__annotations__)


CHOICE_FIELDS = {"label", "detail", "picture", "position"}


INVITEE_FIELDS = {"kind", "name", "circle_member", "user", "took_part", "how"}


# A superseding draft starts from these; who took part, what the person said and agreed,
# the final say and the review are the new decision's own, recorded afresh.
CARRIED_OVER = ["domain", "question", "what_matters", "goal_kept"]


BEST_INTERESTS_FIELDS = [
    "bi_practicable_steps",
    "bi_encouraged",
    "bi_wishes",
    "bi_others_views",
    "bi_least_restrictive",
]


OPTION_FIELDS = {
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
}


PARTICIPANT_FIELDS = {"kind", "name", "role", "how", "circle_member", "user"}


ACTION_FIELDS = {"what", "who", "when", "review_on", "is_done"}


AGREE_NOT_CONFIRMED = (
    "Tick the box to confirm you have checked who took part and how, what the person said, "
    "the options and the one chosen: once agreed, the decision cannot be changed."
)


DEFAULT_PROMPTS: dict[str, list[str]] = {
    Domain.GOALS: [
        "What matters most to you right now?",
        "What would you like to be doing in a year?",
        "What are you proud of?",
        "What would make this week a good week?",
    ],
    Domain.SUPPORT: [
        "What does a good morning look like for you?",
        "What does a bad morning look like?",
        "What should staff say, and what should they never say?",
        "Who do you like to help you, and how?",
        "What do you want to choose for yourself every day?",
    ],
    Domain.RISK: [
        "What do you want to be able to do?",
        "What could go wrong, and how likely is it?",
        "What would help you do it safely?",
        "What is the least restrictive way to try?",
        "What should happen if something goes wrong?",
    ],
    Domain.REVIEW: [
        "What have we tried since last time?",
        "What have we learned?",
        "What are we pleased about?",
        "What are we worried about?",
        "How will we know it is working?",
    ],
}


def _only(fields: Mapping[str, Any], allowed: frozenset[str] | set[str], what: str) -> dict:
    """Typed keyword arguments are not checked at run time; a misspelt field is a bug in the
    caller, so it fails loudly rather than being dropped."""
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"{what} does not take: {', '.join(sorted(unknown))}")
    return dict(fields)


def _clean_row(row: Row, allowed: set[str]) -> tuple[int | None, dict[str, Any]]:
    row = dict(row)
    pk = row.pop("id", None)
    row.pop("DELETE", None)
    return (int(pk) if pk else None), {k: v for k, v in row.items() if k in allowed}


def _rows(rows: Iterable[Row], allowed: set[str]) -> list[tuple[int | None, dict[str, Any]]]:
    out = []
    for position, raw in enumerate(rows):
        pk, data = _clean_row(raw, allowed)
        if "position" in allowed and "position" not in data:
            data["position"] = position
        out.append((pk, data))
    return out


def _sync_children(
    *,
    model: type[models.Model],
    parent_field: str,
    parent: models.Model,
    rows: Iterable[Row],
    allowed: set[str],
) -> bool:
    """Make the parent's children exactly `rows`: a row with an `id` of an existing child
    updates it, a row without one adds a child, children not named are removed. Only
    children that change are saved. Says whether anything changed."""
    existing = {obj.pk: obj for obj in model.objects.filter(**{parent_field: parent})}
    changed = False
    for pk, data in _rows(rows, allowed):
        obj = existing.pop(pk, None) if pk else None
        if obj is None:
            obj = model(**{parent_field: parent})
        elif all(getattr(obj, name) == value for name, value in data.items()):
            continue
        for name, value in data.items():
            setattr(obj, name, value)
        check_plain_text(obj)
        obj.full_clean()
        obj.save()
        changed = True
    for obj in existing.values():
        obj.delete()
        changed = True
    return changed


def _rows_unchanged(queryset: models.QuerySet, rows: Iterable[Row], allowed: set[str]) -> bool:
    existing = {obj.pk: obj for obj in queryset}
    wanted = _rows(rows, allowed)
    return len(wanted) == len(existing) and all(
        pk in existing and all(getattr(existing[pk], k) == v for k, v in data.items())
        for pk, data in wanted
    )


def _check_circle_links(person: Person, rows: Iterable[Row]) -> None:
    for row in rows:
        member = row.get("circle_member")
        if member is not None and member.person_id != person.pk:
            raise ValidationError({"circle_member": "Pick someone from this person's circle."})


def _proposed(stored: M, fields: Mapping[str, Any]) -> M:
    """The stored record with the caller's changes applied, on a copy that is never saved."""
    proposed = type(stored)(**{f.attname: getattr(stored, f.attname) for f in stored._meta.fields})
    for name, value in fields.items():
        setattr(proposed, name, value)
    return proposed


def _locked(record: M, based_on: int | None, fields: Mapping[str, Any]) -> M:
    """The record's row, locked, after refusing a change based on an older version."""
    stored = type(record)._base_manager.select_for_update().get(pk=record.pk)
    refuse_if_stale(stored, based_on, yours=_proposed(stored, fields), fields=fields)
    return stored
