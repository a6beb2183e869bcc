"""A risk plan for Sam (service A) built from an agreed risk decision, and helpers that
record practice sessions with a known pattern."""

from datetime import timedelta

import pytest
from django.utils import timezone

from coplan.delivery.idempotency import new_key
from coplan.planning import services as planning_services
from coplan.risk.services import plans as risk_services
from coplan.risk.services import practice as practice_services

STAGES = [
    {
        "title": "Accompanied, with teaching",
        "competencies": ["Checks the bus time", "Crosses at the lights"],
        "shown_in": 3,
        "of_last": 4,
    },
    {
        "title": "Shadowing",
        "competencies": ["Leaves on time", "Texts from college"],
    },
    {
        "title": "Independent with check-ins",
        "competencies": ["Texts on time"],
        "is_independent": True,
        "check_in_points": [
            {"point": "Text from college", "minutes": 40},
            {"point": "Text from the bus stop", "minutes": 10},
        ],
        "check_in_grace_minutes": 10,
        "missed_check_in_action": "Ring Sam, then college, then the team leader.",
    },
]


def risk_decision(world, **overrides):
    fields = {
        "domain": "risk",
        "question": "How can Sam travel to college on his own?",
        "goal_kept": "Get the bus to college on my own",
        "agreed": "Staged independence",
        "reason": "Sam's goal stays; the risks are managed by teaching and check-ins.",
        "review_by": timezone.localdate() + timedelta(days=60),
        "options": [
            {"label": "No travel", "restrictiveness": 1, "is_workable": False},
            {
                "label": "Staged independence",
                "restrictiveness": 2,
                "is_chosen": True,
                "safeguards": "Check-in texts on a set route",
            },
            {"label": "On his own from now", "restrictiveness": 3, "is_workable": False},
        ],
        "participants": [
            {"kind": "person", "name": "Sam", "how": "in_person"},
            {"kind": "staff", "name": "Tariq", "how": "in_person"},
        ],
    }
    fields.update(overrides)
    return planning_services.decision_create(person=world.person, by=world.team_leader, **fields)


@pytest.fixture
def decision(world):
    d = risk_decision(world)
    return planning_services.decision_agree(decision=d, by=world.team_leader, confirmed=True)


@pytest.fixture
def plan(world, decision):
    return risk_services.risk_plan_create(
        decision=decision, by=world.team_leader, title="Travelling to college", stages=STAGES
    )


def practice(plan, by, pattern: str, prompts=(0, 0, 0), *, key=None, **extra):
    """Record a session at the plan's current stage. One letter per competency:
    i = shown on their own, p = shown with a prompt, n = not shown."""
    plan.refresh_from_db()
    comps = list(plan.current_stage.competencies.all())
    assert len(comps) == len(pattern)
    if "p" in pattern and not sum(prompts):
        prompts = (1, 0, 0)
    return practice_services.practice_session_record(
        plan=plan,
        route="Home to college",
        results=[
            {"competency": c.pk, "shown": f != "n", "prompted": f == "p"}
            for c, f in zip(comps, pattern, strict=True)
        ],
        prompts_verbal=prompts[0],
        prompts_gestural=prompts[1],
        prompts_physical=prompts[2],
        idempotency_key=key or new_key(),
        by=by,
        **extra,
    )


def move_on(plan, world, **extra):
    plan.refresh_from_db()
    nxt = plan.stages.get(number=plan.current_stage.number + 1)
    return risk_services.risk_stage_change(
        plan=plan,
        to_stage=nxt,
        by=world.team_leader,
        reason="Shown every step on his own.",
        persons_words="I can do it.",
        person_agrees="agrees",
        **extra,
    )
