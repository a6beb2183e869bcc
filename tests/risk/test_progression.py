"""Progression is proposed exactly when the current stage's criteria are met, and the
stage only ever changes by an agreed, recorded decision."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coplan.lib.errors import Conflict
from coplan.planning.models import Decision, ParticipantKind
from coplan.risk import selectors
from coplan.risk.models import RiskPlan, RiskStage, StageChange
from coplan.risk.services import plans as risk_services
from tests.snapshot import snapshot

from .conftest import move_on, practice, risk_decision


def met(plan) -> bool:
    plan.refresh_from_db()
    return selectors.stage_progress(plan).met


def test_plan_starts_at_stage_one_keeping_the_goal(plan, decision):
    assert plan.current_stage.number == 1
    assert plan.goal_kept == "Get the bus to college on my own"
    assert plan.safeguards == "Check-in texts on a set route"
    start = plan.stage_changes.get()
    assert (start.direction, start.decision, start.from_stage) == ("start", decision, None)
    assert [s.title for s in plan.stages.order_by("number")] == [
        "Accompanied, with teaching",
        "Shadowing",
        "Independent with check-ins",
    ]


def test_plan_needs_an_agreed_risk_decision(world):
    draft = risk_decision(world)
    before = snapshot(RiskPlan, RiskStage, StageChange, draft)
    with pytest.raises(ValidationError, match="agreed risk decision"):
        risk_services.risk_plan_create(
            decision=draft,
            by=world.team_leader,
            title="T",
            stages=[{"title": "A", "competencies": ["x"]}],
        )
    assert snapshot(RiskPlan, RiskStage, StageChange, draft) == before


def test_stage_needs_a_competency(world, decision):
    with pytest.raises(ValidationError, match="at least one competency"):
        risk_services.risk_plan_create(
            decision=decision, by=world.team_leader, title="T", stages=[{"title": "A"}]
        )
    assert (RiskPlan.objects.count(), RiskStage.objects.count()) == (0, 0)


def test_no_sessions_is_not_met(plan):
    assert not met(plan)


def test_two_of_four_is_not_met(plan, world):
    for pattern in ["ii", "pp", "ii", "pp"]:
        practice(plan, world.worker, pattern)
    progress = selectors.stage_progress(plan)
    assert [r.independent for r in progress.competencies] == [2, 2]
    assert not progress.met


def test_three_of_four_is_met(plan, world):
    for pattern in ["pp", "ii", "ii", "ii"]:
        practice(plan, world.worker, pattern)
    progress = selectors.stage_progress(plan)
    assert [r.independent for r in progress.competencies] == [3, 3]
    assert progress.met


def test_three_sessions_all_on_their_own_is_met_but_two_is_not(plan, world):
    practice(plan, world.worker, "ii")
    practice(plan, world.worker, "ii")
    assert not met(plan)
    practice(plan, world.worker, "ii")
    assert met(plan)


def test_every_competency_must_meet_it(plan, world):
    for pattern in ["ip", "ii", "ip", "ii"]:
        practice(plan, world.worker, pattern)
    progress = selectors.stage_progress(plan)
    assert [r.met for r in progress.competencies] == [True, False]
    assert not progress.met


def test_shown_with_a_prompt_does_not_count(plan, world):
    for pattern in ["ii", "ip", "ii"]:
        practice(plan, world.worker, pattern, prompts=(0, 1, 0))
    assert [r.independent for r in selectors.stage_progress(plan).competencies] == [3, 2]
    assert not met(plan)


def test_only_the_last_m_sessions_count(plan, world):
    for pattern in ["ii", "ii", "ii", "nn", "nn", "ii", "ii"]:
        practice(plan, world.worker, pattern)
    progress = selectors.stage_progress(plan)
    assert len(progress.sessions) == 4
    assert [r.independent for r in progress.competencies] == [2, 2]
    assert not progress.met
    practice(plan, world.worker, "ii")
    assert met(plan)


def test_sessions_at_an_older_stage_do_not_count(plan, world):
    for _ in range(3):
        practice(plan, world.worker, "ii")
    move_on(plan, world)
    plan.refresh_from_db()
    progress = selectors.stage_progress(plan)
    assert progress.stage.number == 2
    assert progress.sessions == []
    assert not progress.met


def test_moving_on_is_refused_before_the_criteria_are_met(plan, world):
    practice(plan, world.worker, "ii")
    practice(plan, world.worker, "ii")
    with pytest.raises(ValidationError, match="not met yet"):
        move_on(plan, world)
    plan.refresh_from_db()
    assert plan.current_stage.number == 1
    assert Decision.objects.count() == 1  # only the workshop decision


def test_moving_on_records_an_agreed_risk_decision_with_the_person(plan, world):
    for _ in range(3):
        practice(plan, world.worker, "ii")
    change = move_on(plan, world)
    plan.refresh_from_db()
    assert plan.current_stage.number == 2
    assert change.direction == StageChange.Direction.FORWARD
    d = change.decision
    assert (d.domain, d.status, d.agreed_by) == ("risk", "agreed", world.team_leader)
    assert d.goal_kept == plan.goal_kept
    assert d.reason == "Shown every step on his own."
    assert d.persons_words == "I can do it."
    options = {o.label: (o.restrictiveness, o.is_chosen) for o in d.options.all()}
    assert options == {
        "Stay at Stage 1: Accompanied, with teaching": (1, False),
        "Move on to Stage 2: Shadowing": (2, True),
    }
    assert d.participants.filter(kind=ParticipantKind.PERSON, name="Sam").exists()
    assert plan.history.count() >= 2  # the change of stage is kept in the plan's history


def test_moving_on_needs_sign_off(plan, world):
    for _ in range(3):
        practice(plan, world.worker, "ii")
    plan.refresh_from_db()
    before = snapshot(plan, StageChange, Decision)
    with pytest.raises(PermissionDenied):
        risk_services.risk_stage_change(
            plan=plan, to_stage=plan.stages.get(number=2), by=world.worker, reason="Ready"
        )
    assert snapshot(plan, StageChange, Decision) == before


def test_a_stale_page_cannot_change_the_stage_twice(plan, world):
    for _ in range(3):
        practice(plan, world.worker, "ii")
    plan.refresh_from_db()
    first = plan.current_stage
    move_on(plan, world)
    plan.refresh_from_db()
    before = snapshot(plan, StageChange, Decision)
    with pytest.raises(Conflict):
        risk_services.risk_stage_change(
            plan=plan,
            to_stage=plan.stages.get(number=1),
            expected_stage=first,
            by=world.team_leader,
            reason="x",
            more_restrictive_reason="y",
        )
    assert snapshot(plan, StageChange, Decision) == before


def _at_stage_two(plan, world):
    for _ in range(3):
        practice(plan, world.worker, "ii")
    move_on(plan, world)
    plan.refresh_from_db()
    return plan.stages.get(number=1)


def test_stepping_back_without_a_reason_is_refused(plan, world):
    first = _at_stage_two(plan, world)
    before = snapshot(plan, StageChange, Decision)
    with pytest.raises(ValidationError) as exc:
        risk_services.risk_stage_change(
            plan=plan, to_stage=first, by=world.team_leader, reason="He was worried."
        )
    assert "more_restrictive_reason" in exc.value.message_dict
    assert "more restrictive" in exc.value.message_dict["more_restrictive_reason"][0]
    assert RiskPlan.objects.get(pk=plan.pk).current_stage.number == 2
    assert snapshot(plan, StageChange, Decision) == before


def test_stepping_back_with_a_reason_is_its_own_decision(plan, world):
    first = _at_stage_two(plan, world)
    change = risk_services.risk_stage_change(
        plan=plan,
        to_stage=first,
        by=world.team_leader,
        reason="Roadworks moved the crossing.",
        more_restrictive_reason="The new crossing has no lights yet; Sam asked for company.",
    )
    plan.refresh_from_db()
    assert plan.current_stage.number == 1
    assert change.direction == "back"
    assert change.decision.more_restrictive_reason.startswith("The new crossing")
    assert change.decision.options.get(is_chosen=True).restrictiveness == 1
    # Back at stage 1, its earlier sessions do not count again.
    assert selectors.stage_progress(plan).sessions == []


def test_stepping_back_when_staying_is_not_workable_needs_no_extra_reason(plan, world):
    first = _at_stage_two(plan, world)
    risk_services.risk_stage_change(
        plan=plan,
        to_stage=first,
        by=world.team_leader,
        reason="The shadowing staff post is gone for a month.",
        staying_workable=False,
    )
    plan.refresh_from_db()
    assert plan.current_stage.number == 1


def test_moving_on_one_stage_at_a_time(plan, world):
    for _ in range(3):
        practice(plan, world.worker, "ii")
    plan.refresh_from_db()
    before = snapshot(plan, StageChange, Decision)
    with pytest.raises(ValidationError, match="one stage at a time"):
        risk_services.risk_stage_change(
            plan=plan,
            to_stage=plan.stages.get(number=3),
            by=world.team_leader,
            reason="Ready",
        )
    assert snapshot(plan, StageChange, Decision) == before


def test_sessions_recorded_before_the_stage_began_do_not_count(plan, world):
    earlier = timezone.now() - timedelta(days=2)
    for _ in range(3):
        practice(plan, world.worker, "ii", occurred_at=earlier)
    assert not met(plan)
