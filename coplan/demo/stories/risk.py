"""Demo risk plan: Marcus learning to travel to college on his own (the domain source's
third example). Built from the planning demo's agreed risk decision, through the services:
weeks of practice with prompts falling, an incident with its mini-review (the stage left
as it was), and progression through stage 2 to stage 3, each by a recorded decision.
Idempotent: a person who already has a risk plan is left alone. All fictional."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from coplan.accounts.models import Organisation, User
from coplan.delivery.idempotency import new_key
from coplan.people.models import Person
from coplan.planning.models import Decision, TakingPart
from coplan.reviews import services as review_services
from coplan.reviews.models import ReviewTrigger
from coplan.risk.models import PracticeSession, RiskPlan, StageChange, TravelLog
from coplan.risk.services import plans as risk_services
from coplan.risk.services import practice as practice_services

MISSED_ACTION = (
    "1. Text Marcus: “Are you OK? Text me back.”\n"
    "2. No reply in 5 minutes: ring him.\n"
    "3. No answer in 10 minutes: ring college reception (01632 960 123), then the team leader.\n"
    "4. Not found in 30 minutes: follow the missing person procedure."
)

STAGES = [
    {
        "title": "Accompanied travel with active teaching",
        "description": "Staff travel with Marcus and teach each step, fading help as he learns.",
        "competencies": [
            "Checks the bus time on his phone",
            "Crosses the ring road at the lights",
            "Taps his travel card",
            "Says no to strangers asking for money",
        ],
        "safeguards": "Staff with Marcus the whole way.",
    },
    {
        "title": "Shadowing",
        "description": "Marcus leads; staff follow at a distance and step in only if needed.",
        "competencies": [
            "Leaves on time for the 08:15 bus",
            "Crosses the ring road at the lights",
            "Gets off at the college stop",
            "Texts staff at the bus stop and at college",
        ],
        "safeguards": "Staff in sight; Marcus has the staff phone number on speed dial.",
    },
    {
        "title": "Independent on the set route with check-ins",
        "description": "Marcus travels on his own on the agreed route (the 08:15 number 12).",
        "competencies": [
            "Texts at the bus stop on time",
            "Texts from college on time",
            "Knows what to do if the bus does not come",
        ],
        "is_independent": True,
        "check_in_points": [
            {"point": "Text from the bus stop", "minutes": 10},
            {"point": "Text from college", "minutes": 40},
        ],
        "check_in_grace_minutes": 10,
        "missed_check_in_action": MISSED_ACTION,
        "safeguards": "Set route only. Check-in texts. Phone charged the night before.",
    },
]


def _at(days_ago: int, hour: int = 8, minute: int = 5) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def _backdate_change(change: StageChange, days_ago: int) -> None:
    # Demo history only: the services stamp "now"; the story needs weeks-old records.
    when = _at(days_ago, 16, 0)
    StageChange.objects.filter(pk=change.pk).update(changed_at=when, created_at=when)
    if change.direction != StageChange.Direction.START:  # the workshop decision keeps its date
        Decision.objects.filter(pk=change.decision_id).update(created_at=when, agreed_at=when)


def _practice(plan: RiskPlan, worker: User, days_ago: int, route: str, pattern: str, prompts):
    """`pattern` has one letter a competency: i = on his own, p = with a prompt, n = not."""
    stage = plan.current_stage
    comps = list(stage.competencies.all())
    results = [
        {"competency": c.pk, "shown": flag != "n", "prompted": flag == "p"}
        for c, flag in zip(comps, pattern, strict=True)
    ]
    verbal, gestural, physical = prompts
    when = _at(days_ago)
    session = practice_services.practice_session_record(
        plan=plan,
        route=route,
        results=results,
        prompts_verbal=verbal,
        prompts_gestural=gestural,
        prompts_physical=physical,
        how_felt="confident" if "p" not in pattern else "ok",
        occurred_at=when,
        idempotency_key=new_key(),
        by=worker,
    )
    PracticeSession.objects.filter(pk=session.pk).update(created_at=when + timedelta(hours=1))
    return session


def _trip(plan: RiskPlan, worker: User, set_off: datetime, made: list[int | None], back: bool):
    log = practice_services.travel_log_start(
        plan=plan,
        planned_route="Elm House to Northby College on the 08:15 number 12",
        occurred_at=set_off,
        idempotency_key=new_key(),
        by=worker,
    )
    TravelLog.objects.filter(pk=log.pk).update(created_at=set_off)
    for check_in, late_by in zip(log.check_ins.all(), made, strict=True):
        if late_by is None:
            continue
        practice_services.check_in_record(
            check_in=check_in,
            made_at=check_in.due_at + timedelta(minutes=late_by),
            idempotency_key=new_key(),
            by=worker,
        )
    if back:
        practice_services.travel_log_finish(
            log=log,
            returned_at=set_off + timedelta(hours=7),
            what_happened="",
            idempotency_key=new_key(),
            by=worker,
        )
    return log


def seed(*, org: Organisation, people: dict[str, Person], staff: dict[str, User]) -> None:
    marcus = people.get("marcus")
    leader = staff.get("team_leader_elm") or staff.get("manager_elm")
    worker = staff.get("worker_elm") or leader
    if marcus is None or leader is None or worker is None:
        return
    if RiskPlan.objects.filter(person=marcus).exists():
        return
    decision = (
        Decision.objects.filter(person=marcus, domain="risk", status="agreed")
        .exclude(stage_changes__isnull=False)
        .order_by("agreed_at")
        .first()
    )
    if decision is None:
        return
    plan = risk_services.risk_plan_create(
        decision=decision, by=leader, title="Travelling to college on my own", stages=STAGES
    )
    _backdate_change(plan.stage_changes.get(), 36)
    RiskPlan.objects.filter(pk=plan.pk).update(created_at=_at(36, 16, 0))

    # Stage 1: accompanied, with teaching. Prompts fall as Marcus learns.
    route = "Elm House to college, with staff"
    for days_ago, pattern, prompts in [
        (35, "ppnp", (4, 2, 1)),
        (34, "pppp", (4, 1, 0)),
        (31, "ipii", (2, 1, 0)),
        (30, "iipi", (1, 0, 0)),
        (29, "iiii", (0, 0, 0)),
        (28, "iiii", (0, 0, 0)),
    ]:
        _practice(plan, worker, days_ago, route, pattern, prompts)
    plan.refresh_from_db()
    change = risk_services.risk_stage_change(
        plan=plan,
        to_stage=plan.stages.get(number=2),
        by=leader,
        reason="Marcus showed every step on his own in three of his last four trips.",
        persons_words="I know the way now. You can walk behind me.",
        person_agrees=Decision.PersonAgrees.AGREES,
        person_took_part=TakingPart.IN_PERSON,
    )
    _backdate_change(change, 27)

    # Stage 2: shadowing. One incident, a mini-review, and no step back.
    plan.refresh_from_db()
    route = "Elm House to college, staff following"
    for days_ago, pattern, prompts in [
        (26, "ipii", (1, 0, 0)),
        (24, "iipi", (0, 1, 0)),
        (23, "iiip", (1, 0, 0)),
    ]:
        _practice(plan, worker, days_ago, route, pattern, prompts)
    link = practice_services.risk_incident_record(
        plan=plan,
        incident_type="travel",
        severity="low",
        what_happened="A man at the bus stop asked Marcus for money. Marcus said no, moved "
        "next to the timetable and texted staff, as practised.",
        actions_taken="Staff following joined Marcus at the stop. Talked it through on the bus.",
        occurred_at=_at(22, 8, 12),
        idempotency_key=new_key(),
        by=worker,
    )
    review_services.scan(person=link.plan.person)
    trigger = ReviewTrigger.objects.get(
        person=link.plan.person,
        dedupe_key=f"incident:risk_plan:{link.plan_id}:incident:{link.incident_id}",
    )
    if trigger.is_open:
        review_services.trigger_close(
            trigger=trigger,
            by=leader,
            reason="Mini-review with Marcus and Bea: Marcus did exactly what was agreed. No "
            "change to the plan; keep shadowing. Added 'say no and move away' to the practice.",
        )
    for days_ago, pattern, prompts in [
        (21, "iiii", (0, 0, 0)),
        (17, "iiii", (0, 0, 0)),
        (16, "iiii", (0, 0, 0)),
    ]:
        _practice(plan, worker, days_ago, route, pattern, prompts)
    plan.refresh_from_db()
    change = risk_services.risk_stage_change(
        plan=plan,
        to_stage=plan.stages.get(number=3),
        by=leader,
        reason="Marcus met every stage 2 competency on his own in three of the last four "
        "trips, including after the incident at the bus stop.",
        persons_words="I did it all myself. I'll text you, I promise.",
        person_agrees=Decision.PersonAgrees.AGREES,
        person_took_part=TakingPart.IN_PERSON,
    )
    _backdate_change(change, 15)

    # Stage 3: independent, with check-ins. Practice continues alongside the travel log.
    plan.refresh_from_db()
    for days_ago, pattern, prompts in [
        (14, "ipi", (1, 0, 0)),
        (9, "iii", (0, 0, 0)),
        (2, "iii", (0, 0, 0)),
    ]:
        _practice(plan, worker, days_ago, "On his own, the 08:15 number 12", pattern, prompts)
    for days_ago, made in [(14, [0, 2]), (13, [1, 0]), (10, [0, 14]), (9, [0, 0]), (6, [2, 1])]:
        _trip(plan, worker, _at(days_ago, 8, 0), made, back=True)
