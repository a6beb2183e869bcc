"""Demo assurance: alignment checks with Elm House staff about Daniel's re-co-produced
morning routine (most aligned; Jamal's not, at first, with a follow-up since done; an agency
worker's not, with a follow-up open), and a new co-produced routine for Aisha (cooking her
own evening meal, with staff signing each step) that the records show is not yet followed:
staff cook for her, and the index flags her "described, not delivered". Spot checks of Elm
House, fortnightly, over the six weeks before. Idempotent: an organisation with alignment checks is left
alone. All fictional.

Like the other demo stories, dates are put in the past after the services made each record
(demo history only)."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from typing import cast

from django.utils import timezone

from coplan.accounts.models import Organisation, Service, User
from coplan.assurance import alignment, spotchecks
from coplan.assurance.models import AlignmentCheck, FollowUp, SpotCheck
from coplan.delivery import services as delivery_services
from coplan.delivery.models import RoutineRun
from coplan.people.models import Person
from coplan.planning import services as planning_services
from coplan.planning.models import Decision
from coplan.support import selectors as support_selectors
from coplan.support import services as support_services
from coplan.support.models import Routine, RoutineVersion

NAMESPACE = uuid.UUID("2b9e4c61-0d3a-4f0e-8f7a-5d3c9b1e7a20")
AISHA_STARTS = 35  # days ago her cooking routine came into force

AISHA_STEPS = [
    {
        "title": "Aisha chooses the meal",
        "agreed_words": "Sign: \u201cWhat do you want to cook tonight?\u201d",
        "avoid": "Choosing for her, or bringing a ready meal.",
        "window_start": time(17, 0),
        "window_end": time(17, 30),
        "picture": "cooking",
    },
    {
        "title": "Check the sugar plan together",
        "agreed_words": "Sign: \u201cShall we check your sugar plan?\u201d",
        "window_start": time(17, 15),
        "window_end": time(17, 45),
        "picture": "my plan",
    },
    {
        "title": "Aisha cooks; staff help when asked",
        "agreed_words": "Sign: \u201cTell me when you want a hand.\u201d",
        "avoid": "Taking over the cooking.",
        "window_start": time(17, 30),
        "window_end": time(19, 0),
        "picture": "handshake",
    },
]


# What staff wrote when they did it their way: each a reason, none the plan.
DEVIATIONS = [
    "Busy shift, so I cooked and Aisha picked from what was ready.",
    "No one on who signs; I made tea for her to save time.",
    "Aisha seemed tired, so I cooked.",
]


def _key(*parts: object) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts))


def _at(days_ago: int, hour: int = 14, minute: int = 0) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def seed(*, org: Organisation, people: dict[str, Person], staff: dict[str, User]) -> None:
    manager = staff.get("manager_elm")
    if manager is None or AlignmentCheck.objects.filter(by__in=[manager]).exists():
        return
    aisha = people.get("aisha")
    if aisha is not None and not aisha.routines.exists():
        _aisha(aisha, staff)
    dan = people.get("daniel")
    if dan is not None:
        _daniel_checks(dan, staff)
    if aisha is not None:
        _aisha_check(aisha, staff)
    lead = staff.get("quality_lead")
    elm = Service.objects.filter(organisation=org, name="Elm House").first()
    if lead is not None and elm is not None and not SpotCheck.objects.filter(service=elm).exists():
        _spot_checks(elm, lead, manager)


def _aisha(aisha: Person, staff: dict[str, User]) -> None:
    """Her cooking routine, co-produced in BSL with an interpreter; then four weeks of
    records where, most evenings, staff cooked for her and did not say why."""
    leader = staff.get("team_leader_elm") or staff["manager_elm"]
    worker = staff.get("worker_elm_2") or staff.get("worker_elm") or leader
    draft = planning_services.decision_create(
        person=aisha,
        by=leader,
        domain="support",
        question="How do I want my evening meal to go?",
        what_matters="Cooking for myself, and eating well with diabetes.",
        agreed="Aisha chooses and cooks her evening meal; staff sign each step and help only "
        "when she asks.",
        reason="Aisha said cooking is what makes a day good; the sugar plan keeps it safe.",
        persons_words="I cook. You help when I say.",
        person_agrees="agrees",
        review_by=timezone.localdate() + timedelta(days=60),
        options=[
            {
                "label": "Aisha cooks, staff help when asked",
                "proposed_by": "Aisha",
                "is_chosen": True,
            },
            {"label": "Staff cook, Aisha chooses the meal", "proposed_by": "Staff team"},
        ],
        participants=[
            {"kind": "person", "name": "Aisha Khan", "how": "signing"},
            {
                "kind": "professional",
                "name": "BSL interpreter",
                "role": "interpreter",
                "how": "in_person",
            },
            {"kind": "staff", "name": str(leader), "how": "in_person"},
        ],
    )
    decision = planning_services.decision_agree(decision=draft, by=leader, confirmed=True)
    Decision.objects.filter(pk=decision.pk).update(agreed_at=_at(AISHA_STARTS + 2, 11))
    routine = support_services.routine_create(
        person=aisha,
        name="Cooking my evening meal",
        decisions=[decision],
        steps=[dict(s) for s in AISHA_STEPS],
        agency_summary="Aisha cooks; you sign each step and help only when she asks.",
        activate=True,
        effective_from=_at(AISHA_STARTS, 9),
        by=leader,
    )
    steps = [s.pk for s in routine.versions.get(is_current=True).steps.all()]
    for n, days_ago in enumerate(range(AISHA_STARTS - 2, 0, -3)):
        as_agreed = n % 3 == 0
        delivery_services.routine_run_record(
            person=aisha,
            routine=routine,
            outcome="completed",
            steps_used=steps if as_agreed else [steps[2], steps[0]],
            deviations="" if as_agreed else DEVIATIONS[n % len(DEVIATIONS)],
            occurred_at=_at(days_ago, 18, 30),
            idempotency_key=_key("aisha-run", days_ago),
            by=worker,
        )
    RoutineRun.objects.filter(person=aisha).update(created_at=timezone.now() - timedelta(days=1))


def _check(
    person: Person,
    staff_member: User,
    by: User,
    *,
    days_ago: int,
    kind: str = "supervision",
    routine: Routine | None = None,
    answers: dict[int, tuple[str, str]] | None = None,
    follow_up: str = "",
    done: str = "",
) -> AlignmentCheck | None:
    """One check: every answer as the plan says, except `answers` (position: (said,
    result)); a follow-up when not aligned, done with `done` if given."""
    version = None
    if routine is not None:
        version = cast(RoutineVersion | None, support_selectors.version_in_force(routine))
    questions = alignment.questions_for(person, kind, version)
    if not questions:
        return None
    answers = answers or {}
    items = []
    for n, q in enumerate(questions):
        said, result = answers.get(n, (q.plan_text, "matches"))
        items.append(
            {
                "prompt": q.prompt,
                "plan_text": q.plan_text,
                "source": q.source,
                "answer": said,
                "result": result,
            }
        )
    check = alignment.alignment_check_record(
        person=person,
        staff=staff_member,
        by=by,
        kind=kind,
        routine=routine,
        items=items,
        held_at=_at(days_ago, 15),
        follow_up={
            "what": follow_up,
            "owner": by,
            "due_on": timezone.localdate() - timedelta(days=days_ago) + timedelta(days=14),
        },
    )
    if done:
        row = FollowUp.objects.get(alignment_check=check)
        alignment.follow_up_done(follow_up=row, by=by, note=done)
        FollowUp.objects.filter(pk=row.pk).update(done_at=_at(max(days_ago - 12, 0), 16))
    return check


def _daniel_checks(dan: Person, staff: dict[str, User]) -> None:
    manager = staff["manager_elm"]
    routine = Routine.objects.filter(person=dan, is_active=True, name="Morning routine").first()
    sarah, jamal, tom = (
        staff.get("worker_elm"),
        staff.get("worker_elm_2"),
        staff.get("team_leader_elm"),
    )
    kasia = staff.get("agency_elm")
    if sarah is not None:
        _check(dan, sarah, manager, days_ago=80)
        _check(dan, sarah, manager, days_ago=20, kind="observation", routine=routine)
    if jamal is not None:
        _check(
            dan,
            jamal,
            manager,
            days_ago=60,
            answers={0: ("Shower first, then breakfast, like we always did", "differs")},
            follow_up="Go through Dan's new morning routine with Jamal, then observe a morning",
            done="Talked it through with the picture checklist; observed him on a morning "
            "shift, breakfast first, all as agreed.",
        )
        _check(dan, jamal, manager, days_ago=45, kind="observation", routine=routine)
    if tom is not None:
        _check(dan, tom, manager, days_ago=30)
    if kasia is not None:
        _check(
            dan,
            kasia,
            manager,
            days_ago=6,
            answers={1: ("I say it's time for his shower", "differs")},
            follow_up="Kasia to read Dan's shift summary and shadow Sarah on a morning",
        )


def _aisha_check(aisha: Person, staff: dict[str, User]) -> None:
    routine = Routine.objects.filter(person=aisha, is_active=True).first()
    jamal = staff.get("worker_elm_2")
    if routine is None or jamal is None:
        return
    _check(
        aisha,
        jamal,
        staff["manager_elm"],
        days_ago=4,
        kind="observation",
        routine=routine,
        answers={
            0: ("Jamal had taken a ready meal out of the freezer.", "differs"),
            2: ("Jamal cooked; Aisha watched. No signing.", "differs"),
        },
        follow_up="Shift plan: someone who signs on every evening shift; Jamal to do the "
        "BSL level 1 refresher",
    )


# Three fortnightly spot checks, each of the fortnight before it (days ago the fortnight
# ends): the demo's records begin about 60 days ago, and a check drawn from a period with no
# records would show "0 of 0" beside its findings.
SPOT_CHECKS_END = (46, 32, 18)
SPOT_CHECK_DAYS = 14


def _spot_checks(service: Service, lead: User, manager: User) -> None:
    """Three spot checks, answered from what each sampled record shows (the lead's
    judgement: agreed words used; late entries explained)."""
    today = timezone.localdate()
    for n, days_ago in enumerate(SPOT_CHECKS_END):
        end = today - timedelta(days=days_ago)
        start = end - timedelta(days=SPOT_CHECK_DAYS - 1)
        if not spotchecks.population(service, start, end):
            continue  # nothing was recorded then: no check to report on
        check = spotchecks.spot_check_draw(
            service=service,
            by=lead,
            period_start=start,
            period_end=end,
            sample_size=10,
            seed=20260 + n,
        )
        results = {}
        for sampled in spotchecks.sample_records(check):
            kind_checks = {}
            for line in sampled.lines:
                value = line.suggested
                if value is None:
                    value = "na" if line.key == "adjustments" else "pass"
                kind_checks[line.key] = value
            results[sampled.item.pk] = kind_checks
        last = n == 2
        spotchecks.spot_check_record(
            spot_check=check,
            by=lead,
            results=results,
            findings="Choices and reasons mostly recorded. Aisha's cooking records show the "
            "steps out of the agreed order with no reason."
            if last
            else "Refusals and declines recorded with their reasons.",
            actions=[
                {
                    "what": "Team meeting: why Aisha's cooking routine is not followed",
                    "owner": manager.pk,
                    "due_on": today + timedelta(days=10),
                }
            ]
            if last
            else [],
        )
        moment = _at(days_ago - 1, 11)
        SpotCheck.objects.filter(pk=check.pk).update(
            drawn_at=moment, completed_at=moment + timedelta(hours=2)
        )
