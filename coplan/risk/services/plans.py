"""Every write to a risk plan: building it from an agreed risk decision, and changing its
stage. A stage change is always a new risk-domain decision, made through the planning
services and agreed there, so the least-restrictive rule and the evidence trail (who
decided, with whom, why) are the same as for every other decision. Nothing else changes
the current stage: an incident starts a mini-review and leaves the stage alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.accounts.models import User
from coplan.lib.errors import Conflict
from coplan.lib.models import check_plain_text
from coplan.lib.services import apply_and_save, refuse_if_stale
from coplan.planning import services as planning_services
from coplan.planning.models import Decision, Domain, ParticipantKind, TakingPart
from coplan.risk.models import Competency, RiskPlan, RiskStage, StageChange

STAGE_FIELDS = {
    "title",
    "description",
    "is_independent",
    "shown_in",
    "of_last",
    "safeguards",
    "check_in_points",
    "check_in_grace_minutes",
    "missed_check_in_action",
}
NOT_AGREED_RISK = "A risk plan is built from an agreed risk decision about this person."
CRITERIA_NOT_MET = (
    "The criteria for moving on are not met yet: each competency must be shown with no "
    "prompts in enough of the recent practice sessions."
)
STAGE_MOVED = "The plan's stage has changed since this page was drawn. Reload and check again."


def _check_points(points: Any) -> list[dict[str, Any]]:
    if not isinstance(points, list):
        raise ValidationError({"check_in_points": "Give the check-in points as a list."})
    clean: list[dict[str, Any]] = []
    for p in points:
        label = str((p or {}).get("point", "")).strip()
        try:
            minutes = int((p or {}).get("minutes"))
        except (TypeError, ValueError):
            minutes = -1
        if not label or not 0 <= minutes <= 600:
            raise ValidationError(
                {
                    "check_in_points": "Each check-in point needs a place and the minutes after "
                    "setting off (0 to 600)."
                }
            )
        clean.append({"point": label[:150], "minutes": minutes})
    return sorted(clean, key=lambda p: p["minutes"])


@transaction.atomic
def risk_plan_create(
    *,
    decision: Decision,
    by: User,
    title: str,
    stages: Iterable[dict[str, Any]],
    safeguards: str | None = None,
) -> RiskPlan:
    """Build the plan from an agreed risk decision and start it at stage 1. Each stage row
    holds the stage fields and `competencies`, a list of short texts."""
    decision = Decision.objects.select_for_update().select_related("person").get(pk=decision.pk)
    person = decision.person
    access.require(by, Action.PLAN, person)
    if decision.domain != Domain.RISK or decision.status != Decision.Status.AGREED:
        raise ValidationError({"decision": NOT_AGREED_RISK})
    if RiskPlan.objects.filter(decision=decision).exists():
        raise Conflict("This decision already has a risk plan.", code="plan_exists")
    if not decision.goal_kept.strip():
        raise ValidationError({"decision": "The decision does not record the person's goal."})
    rows = list(stages)
    if not rows:
        raise ValidationError({"stages": "Set out at least one stage."})
    if safeguards is None:
        chosen = decision.options.filter(is_chosen=True).first()
        safeguards = chosen.safeguards if chosen else ""
    plan = apply_and_save(
        RiskPlan(person=person, decision=decision, created_by=by),
        {"title": title.strip(), "goal_kept": decision.goal_kept, "safeguards": safeguards},
        by=by,
    )
    first: RiskStage | None = None
    for number, raw in enumerate(rows, start=1):
        row = dict(raw)
        competencies = [str(c).strip() for c in row.pop("competencies", []) if str(c).strip()]
        unknown = set(row) - STAGE_FIELDS
        if unknown:
            raise TypeError(f"A stage does not take: {', '.join(sorted(unknown))}")
        if "check_in_points" in row:
            row["check_in_points"] = _check_points(row["check_in_points"])
        if not competencies:
            raise ValidationError(
                {"stages": f"Stage {number} needs at least one competency to show."}
            )
        stage = RiskStage(plan=plan, number=number, **row)
        check_plain_text(stage)
        try:
            stage.full_clean()
        except ValidationError as exc:
            raise ValidationError(
                {"stages": [f"Stage {number}: {m}" for m in exc.messages]}
            ) from exc
        stage.save()
        for position, text in enumerate(competencies):
            comp = Competency(stage=stage, position=position, text=text[:200])
            check_plain_text(comp)
            comp.save()
        first = first or stage
    assert first is not None
    StageChange.objects.create(
        plan=plan,
        to_stage=first,
        direction=StageChange.Direction.START,
        decision=decision,
        changed_at=timezone.now(),
        changed_by=by,
    )
    return apply_and_save(plan, {"current_stage": first}, by=by)


def _stage_decision(
    *,
    plan: RiskPlan,
    current: RiskStage,
    target: RiskStage,
    by: User,
    reason: str,
    persons_words: str,
    person_agrees: str,
    person_took_part: str,
    others: Iterable[dict[str, Any]],
    more_restrictive_reason: str,
    staying_workable: bool,
    review_by: Any,
) -> Decision:
    forward = target.number > current.number
    person = plan.person
    stay = {
        "label": f"Stay at {current}",
        "restrictiveness": current.number,
        "proposed_by": "",
        "is_workable": staying_workable,
        "is_chosen": False,
    }
    move = {
        "label": f"{'Move on to' if forward else 'Step back to'} {target}",
        "restrictiveness": target.number,
        "proposed_by": by.name,
        "safeguards": target.safeguards,
        "is_workable": True,
        "is_chosen": True,
    }
    participants = []
    if person_took_part:
        participants.append(
            {"kind": ParticipantKind.PERSON, "name": person.called, "how": person_took_part}
        )
    participants.append(
        {"kind": ParticipantKind.STAFF, "name": by.name, "role": "signed off", "how": "in_person"}
    )
    participants.extend(others)
    decision = planning_services.decision_create(
        person=person,
        by=by,
        domain=Domain.RISK,
        question=f"{plan.title}: {'move on from' if forward else 'step back from'} {current}?",
        goal_kept=plan.goal_kept,
        agreed=f"{'Move on to' if forward else 'Step back to'} {target}.",
        reason=reason,
        persons_words=persons_words,
        person_agrees=person_agrees,
        more_restrictive_reason=more_restrictive_reason,
        review_by=review_by,
        review_triggers="Any incident on the plan (a mini-review)\nThe person asks",
        options=[stay, move] if forward else [move, stay],
        participants=participants,
    )
    # The stage-change page (or API call) is itself the deliberate step: its signer records
    # there why, how the person took part and what they said, for this one decision.
    return planning_services.decision_agree(decision=decision, by=by, confirmed=True)


@transaction.atomic
def risk_stage_change(
    *,
    plan: RiskPlan,
    to_stage: RiskStage,
    expected_stage: RiskStage | None = None,
    based_on: int | None = None,
    by: User,
    reason: str,
    persons_words: str = "",
    person_agrees: str = "",
    person_took_part: str = TakingPart.IN_PERSON,
    others: Iterable[dict[str, Any]] = (),
    more_restrictive_reason: str = "",
    staying_workable: bool = True,
    review_by: Any = None,
) -> StageChange:
    """Move the plan to another stage by a recorded, agreed decision (the team leader or
    manager signing it off with the person). Moving on needs the current stage's criteria
    met; stepping back is a more restrictive choice, so it needs its reason (the planning
    rule refuses it otherwise). `based_on` is the version of the plan the signer saw: a plan
    changed since is refused (StaleVersion), as is one whose stage moved (`expected_stage`)."""
    from coplan.risk import selectors as practice_selectors

    locked = RiskPlan.objects.select_for_update().select_related("person").get(pk=plan.pk)
    access.require(by, Action.SIGN_OFF, locked.person)
    current = RiskStage.objects.get(pk=locked.current_stage_id)
    if expected_stage is not None and expected_stage.pk != current.pk:
        raise Conflict(STAGE_MOVED, code="stage_changed")
    refuse_if_stale(locked, based_on)
    if not locked.is_active:
        raise ValidationError("This risk plan is no longer active.")
    if to_stage.plan_id != locked.pk:
        raise ValidationError({"to_stage": "Pick a stage of this plan."})
    if to_stage.pk == current.pk:
        raise ValidationError({"to_stage": "The plan is already at this stage."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why, in words the person would recognise."})
    if review_by is None:
        review_by = timezone.localdate() + timedelta(days=42)
    forward = to_stage.number > current.number
    if forward:
        if to_stage.number != current.number + 1:
            raise ValidationError({"to_stage": "Move on one stage at a time."})
        progress = practice_selectors.stage_progress(locked, current)
        if not progress.met:
            raise ValidationError({"to_stage": CRITERIA_NOT_MET})
    decision = _stage_decision(
        plan=locked,
        current=current,
        target=to_stage,
        by=by,
        reason=reason.strip(),
        persons_words=persons_words,
        person_agrees=person_agrees,
        person_took_part=person_took_part,
        others=others,
        more_restrictive_reason=more_restrictive_reason,
        staying_workable=staying_workable,
        review_by=review_by,
    )
    change = StageChange.objects.create(
        plan=locked,
        from_stage=current,
        to_stage=to_stage,
        direction=StageChange.Direction.FORWARD if forward else StageChange.Direction.BACK,
        decision=decision,
        changed_at=timezone.now(),
        changed_by=by,
    )
    apply_and_save(locked, {"current_stage": to_stage}, by=by)
    return change
