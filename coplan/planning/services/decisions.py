"""Decisions: part of coplan.planning.services."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Unpack

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from coplan.accounts.models import User
from coplan.lib.errors import Conflict
from coplan.lib.services import apply_and_save, refuse_if_stale
from coplan.people.models import Person
from coplan.planning import superseded
from coplan.planning.models import (
    Decision,
    DecisionOption,
    DecisionParticipant,
    Domain,
    ParticipantKind,
)
from coplan.planning.services.common import (
    AGREE_NOT_CONFIRMED,
    AGREED_CANNOT_CHANGE,
    BEST_INTERESTS_FIELDS,
    CARRIED_OVER,
    DECISION_FIELDS,
    OPTION_FIELDS,
    PARTICIPANT_FIELDS,
    DecisionFields,
    Row,
    _check_circle_links,
    _only,
    _proposed,
    _rows_unchanged,
    _sync_children,
)


def ensure_draft(decision: Decision) -> None:
    """Agreed decisions are never edited: a change is a new decision that supersedes it."""
    if decision.status != Decision.Status.DRAFT:
        raise Conflict(AGREED_CANNOT_CHANGE, code="decision_agreed")


def _check_decision_input(
    person: Person,
    fields: Mapping[str, Any],
    options: list[Row] | None,
    participants: list[Row] | None,
) -> None:
    _only(fields, DECISION_FIELDS, "A decision")
    session = fields.get("session")
    if session is not None and session.person_id != person.pk:
        raise ValidationError({"session": "Pick one of this person's sessions."})
    if options is not None:
        chosen = [o for o in options if o.get("is_chosen") and not o.get("DELETE")]
        if len(chosen) > 1:
            raise ValidationError({"options": "Only one option can be marked as chosen."})
    if participants is not None:
        _check_circle_links(person, participants)


def _save_options(decision: Decision, options: list[Row]) -> bool:
    """Says whether the options changed. A row that does not say it is chosen is not."""
    rows = [{"is_chosen": False, **row} for row in options]
    if _rows_unchanged(decision.options.all(), rows, OPTION_FIELDS):
        return False
    # Clear every choice first, so moving the choice from one option to another never
    # trips the one-chosen-option constraint half way through.
    DecisionOption.objects.filter(decision=decision, is_chosen=True).update(is_chosen=False)
    _sync_children(
        model=DecisionOption,
        parent_field="decision",
        parent=decision,
        rows=rows,
        allowed=OPTION_FIELDS,
    )
    return True


def _save_participants(decision: Decision, participants: list[Row]) -> bool:
    return _sync_children(
        model=DecisionParticipant,
        parent_field="decision",
        parent=decision,
        rows=participants,
        allowed=PARTICIPANT_FIELDS,
    )


@transaction.atomic
def decision_create(
    *,
    person: Person,
    by: User,
    options: Iterable[Row] = (),
    participants: Iterable[Row] = (),
    **fields: Unpack[DecisionFields],
) -> Decision:
    options, participants = list(options), list(participants)
    _check_decision_input(person, fields, options, participants)
    decision = apply_and_save(Decision(person=person, created_by=by), dict(fields), by=by)
    _save_options(decision, options)
    _save_participants(decision, participants)
    return decision


@transaction.atomic
def decision_update(
    *,
    decision: Decision,
    by: User,
    based_on: int | None = None,
    options: Iterable[Row] | None = None,
    participants: Iterable[Row] | None = None,
    **fields: Unpack[DecisionFields],
) -> Decision:
    """Change a draft. Refused if it has been agreed, or if the change was based on a
    version someone has since replaced (StaleVersion); the version rises once, whether the
    change was to the decision, its options or who took part."""
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    ensure_draft(locked)
    refuse_if_stale(locked, based_on, yours=_proposed(locked, fields), fields=fields)
    options = list(options) if options is not None else None
    participants = list(participants) if participants is not None else None
    _check_decision_input(locked.person, fields, options, participants)
    children_changed = False
    if options is not None:
        children_changed |= _save_options(locked, options)
    if participants is not None:
        children_changed |= _save_participants(locked, participants)
    apply_and_save(locked, dict(fields), based_on=based_on, by=by, touch=children_changed)
    decision.version = locked.version
    return locked


def decision_problems(decision: Decision) -> dict[str, list[str]]:
    """What stops this draft being agreed, by field. Empty when it can be agreed. The same
    rules hold for a new decision and for one that supersedes another."""
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    options = list(decision.options.all())
    if len(options) < 2:
        add("options", "Record at least two options that were discussed.")
    chosen = [o for o in options if o.is_chosen]
    if len(chosen) != 1:
        add("options", "Mark exactly one option as the one chosen.")
    if not decision.reason.strip():
        add("reason", "Say why this was agreed.")
    participants = list(decision.participants.all())
    if not any(p.kind != ParticipantKind.STAFF for p in participants) and not (
        decision.why_person_not_involved.strip()
    ):
        add(
            "participants",
            "Record at least one participant who is not staff (the person, their circle or "
            "another professional), or say why the person could not take part.",
        )
    if decision.review_by is None and not decision.review_triggers.strip():
        add("review_by", "Give a review-by date or what would make us review it sooner.")
    if decision.capacity == Decision.Capacity.BEST_INTERESTS:
        for name in BEST_INTERESTS_FIELDS:
            if not getattr(decision, name).strip():
                label = Decision._meta.get_field(name).verbose_name
                add(name, f"For a best-interests decision, record {label}.")
    if decision.domain == Domain.RISK and options:
        ranks = [o.restrictiveness for o in options]
        if None in ranks:
            add(
                "options",
                "For a risk decision, rank every option from most restrictive (1) to least "
                "restrictive.",
            )
        elif len(set(ranks)) != len(ranks):
            add("options", "Give each option a different restrictiveness rank.")
        elif len(chosen) == 1:
            pick = chosen[0]
            freer = [
                o for o in options if o.is_workable and o.restrictiveness > pick.restrictiveness
            ]
            if freer and not decision.more_restrictive_reason.strip():
                add(
                    "more_restrictive_reason",
                    f"The chosen option is more restrictive than “{freer[0].label}”, which "
                    "was marked workable: say why a more restrictive option was chosen.",
                )
    return problems


@transaction.atomic
def decision_agree(
    *, decision: Decision, by: User, confirmed: bool, based_on: int | None = None
) -> Decision:
    """Sign off a draft (team leader or manager). Agreeing locks the decision for good, so it
    is a deliberate step: `confirmed` says the signer saw what will be locked, and
    `based_on` the version they saw (a draft changed since is refused). If it supersedes an
    agreed decision, that one becomes superseded in the same transaction."""
    if not confirmed:
        raise ValidationError({"confirmed": AGREE_NOT_CONFIRMED})
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    if locked.status != Decision.Status.DRAFT:
        raise Conflict("This decision has already been agreed.", code="decision_agreed")
    refuse_if_stale(locked, based_on)
    problems = decision_problems(locked)
    if problems:
        raise ValidationError(problems)
    if locked.supersedes_id:
        old = Decision.objects.select_for_update().get(pk=locked.supersedes_id)
        if old.status != Decision.Status.AGREED:
            raise Conflict("The decision this one replaces is no longer the agreed one.")
        apply_and_save(old, {"status": Decision.Status.SUPERSEDED}, by=by)
    agreed = apply_and_save(
        locked,
        {"status": Decision.Status.AGREED, "agreed_by": by, "agreed_at": timezone.now()},
        by=by,
    )
    decision.version = agreed.version
    if locked.supersedes_id:
        superseded.tell_took_part(old=old, new=agreed)
    return agreed


@transaction.atomic
def decision_supersede(*, decision: Decision, by: User) -> Decision:
    """Start a new draft that will replace an agreed decision. It carries over the question,
    its context, what matters to the person, the goals it serves and the options weighed
    (each marked as carried over, none chosen); who takes part, what the person says and
    agrees, the final say and the review are its own, so it starts without them and the
    agreement rules hold for it as for any new decision. Both decisions stay on record.

    Only one successor may exist: the row lock makes a second caller wait and then see the
    first one's draft, and the one-to-one `supersedes` key holds it in the database
    whatever happens."""
    old = Decision.objects.select_for_update().get(pk=decision.pk)
    if old.status != Decision.Status.AGREED:
        raise Conflict(
            "Only an agreed decision can be superseded; edit this draft instead."
            if old.status == Decision.Status.DRAFT
            else "This decision has already been superseded.",
            code="not_agreed",
        )
    successor = Decision.objects.filter(supersedes=old).first()
    if successor is not None:
        raise Conflict(
            f"A new decision replacing this one is already being drafted (decision "
            f"{successor.pk}). Open that draft instead.",
            code="already_superseded",
        )
    new = Decision(
        person=old.person,
        created_by=by,
        supersedes=old,
        **{name: getattr(old, name) for name in CARRIED_OVER},
    )
    new._history_user = by  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            new.full_clean(validate_unique=False)
            new.save()
    except IntegrityError as exc:
        raise Conflict(
            "A new decision replacing this one is already being drafted. Open that draft instead.",
            code="already_superseded",
        ) from exc
    for option in old.options.all():
        DecisionOption.objects.create(
            decision=new,
            carried_over_from=old,
            is_chosen=False,
            **{name: getattr(option, name) for name in OPTION_FIELDS - {"is_chosen"}},
        )
    for goal in old.goals.all():
        goal.decisions.add(new)
        apply_and_save(goal, {}, by=by, touch=True)  # a goal's links are part of the goal
    return new


@transaction.atomic
def decision_delete(*, decision: Decision, by: User) -> None:
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    ensure_draft(locked)
    locked.delete()
