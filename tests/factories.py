"""Factories that build only what users can build.

Every factory here saves through the stage's services, never through `objects.create`, so a
test starts from a state the product can reach: an agreed decision has its options, its
participants and its sign-off; a superseded one has an agreed successor; a routine in force
cites an agreed decision and has its steps; a risk plan comes from an agreed risk decision;
a shift record is made once per idempotency key by someone allowed to record it.

    decision = AgreedDecisionFactory(person=world.person, by=world.team_leader)
    old, new = supersede(decision, by=world.manager), ...
    routine = RoutineFactory(person=world.person, by=world.manager)
    run = RoutineRunFactory(routine=routine, by=world.worker, outcome="refused")

The one liberty taken is the clock: `agreed_at=` and `occurred_at=` put a record in the past,
as if it had been made then (the services stamp "now" on a sign-off).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import factory
from django.utils import timezone

from coplan.delivery import services as delivery_services
from coplan.delivery.idempotency import new_key
from coplan.delivery.models import ActivityRecord, Incident, PracticalityFlag, RoutineRun
from coplan.planning import services as planning_services
from coplan.planning.models import Decision, Domain, ParticipantKind, TakingPart
from coplan.risk.models import PracticeSession, RiskPlan
from coplan.risk.services import plans as risk_services
from coplan.risk.services import practice as practice_services
from coplan.support import services as support_services
from coplan.support.models import ActivityRhythm, RhythmEntry, Routine

MORNING_STEPS: list[dict[str, Any]] = [
    {
        "title": "Breakfast first",
        "agreed_words": "Breakfast is ready when you are.",
        "window_start": time(7, 30),
        "window_end": time(9, 0),
        "avoid": "Mentioning the shower before breakfast.",
        "picture": "breakfast",
    },
    {
        "title": "Put on the clothes chosen last night",
        "agreed_words": "Here are the clothes you picked.",
        "window_start": time(8, 30),
        "window_end": time(9, 30),
    },
    {
        "title": "Shower, later",
        "agreed_words": "Shower when you are ready.",
        "window_start": time(9, 30),
        "window_end": time(11, 0),
        "avoid": "Rushing.",
    },
]

TRAVEL_STAGES: list[dict[str, Any]] = [
    {
        "title": "Accompanied, with teaching",
        "competencies": ["Checks the bus time", "Crosses at the lights"],
        "shown_in": 3,
        "of_last": 4,
    },
    {"title": "Shadowing", "competencies": ["Leaves on time", "Texts from college"]},
    {
        "title": "Independent with check-ins",
        "competencies": ["Texts on time"],
        "is_independent": True,
        "check_in_points": [
            {"point": "Text from the bus stop", "minutes": 10},
            {"point": "Text from college", "minutes": 40},
        ],
        "check_in_grace_minutes": 10,
        "missed_check_in_action": "Ring Sam, then college, then the team leader.",
    },
]


def _options(domain: str) -> list[dict[str, Any]]:
    if domain == Domain.RISK:
        # Ranked from most restrictive (1); the chosen one is the least restrictive workable.
        return [
            {"label": "No travel alone", "restrictiveness": 1, "is_workable": False},
            {
                "label": "Staged independence",
                "restrictiveness": 2,
                "is_chosen": True,
                "safeguards": "Check-in texts on a set route",
            },
            {"label": "On his own from now", "restrictiveness": 3, "is_workable": False},
        ]
    return [
        {"label": "Breakfast first, shower later", "proposed_by": "Sam", "is_chosen": True},
        {"label": "Shower first thing", "proposed_by": "Staff team"},
    ]


def _participants() -> list[dict[str, Any]]:
    return [
        {"kind": ParticipantKind.PERSON, "name": "Sam", "how": TakingPart.PICTURES},
        {"kind": ParticipantKind.STAFF, "name": "Tariq Leader", "how": TakingPart.IN_PERSON},
    ]


class ServiceFactory(factory.Factory):
    """A factory whose `create` is a service call. `build` would make an unsaved object no
    service made, so it is refused."""

    class Meta:
        abstract = True

    @classmethod
    def _build(cls, model_class: type, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"{cls.__name__} saves through the services: call it, not .build().")


class DecisionFactory(ServiceFactory):
    """A draft decision, ready to agree: two options discussed (one chosen, ranked when it is
    about risk), the person taking part, a reason and a review date. Pass `person` and `by`."""

    class Meta:
        model = Decision

    domain = Domain.SUPPORT
    question = factory.Sequence(lambda n: f"How should Sam's mornings go? ({n})")
    goal_kept = factory.LazyAttribute(
        lambda o: "Get the bus to college on my own" if o.domain == Domain.RISK else ""
    )
    agreed = "Breakfast first, shower after."
    reason = "Sam chose this with picture cards."
    persons_words = "Toast first."
    review_by = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))
    options = factory.LazyAttribute(lambda o: _options(o.domain))
    participants = factory.LazyFunction(_participants)

    @classmethod
    def _create(cls, model_class: type, *, person: Any, by: Any, **fields: Any) -> Decision:
        return planning_services.decision_create(person=person, by=by, **fields)


class AgreedDecisionFactory(DecisionFactory):
    """A decision signed off through the agree service (by `signed_off_by`, else `by`).
    `agreed_at=` puts the sign-off in the past."""

    signed_off_by = None
    agreed_at = None

    @classmethod
    def _create(
        cls,
        model_class: type,
        *,
        signed_off_by: Any = None,
        agreed_at: datetime | None = None,
        **fields: Any,
    ) -> Decision:
        draft = super()._create(model_class, **fields)
        decision = planning_services.decision_agree(
            decision=draft, by=signed_off_by or fields["by"], confirmed=True
        )
        if agreed_at is not None:
            Decision.objects.filter(pk=decision.pk).update(agreed_at=agreed_at)
            decision.refresh_from_db()
        return decision


def supersede(decision: Decision, *, by: Any, **changes: Any) -> Decision:
    """Replace an agreed decision the way the product does: start its successor, change what
    changed, agree it. Returns the new agreed decision; the old one is now superseded."""
    draft = planning_services.decision_supersede(decision=decision, by=by)
    # The successor starts its own participation and agreement (nothing of that is carried
    # over), so record them as the people deciding it again would.
    fresh = {
        "options": _options(decision.domain),
        "participants": _participants(),
        "agreed": decision.agreed,
        "reason": "Looked at again together; Sam chose this with picture cards.",
        "persons_words": "Yes, that one.",
        "review_by": timezone.localdate() + timedelta(days=60),
    }
    draft = planning_services.decision_update(
        decision=draft, by=by, based_on=draft.version, **{**fresh, **changes}
    )
    return planning_services.decision_agree(decision=draft, by=by, confirmed=True)


def superseded_chain(decision: Decision, *, by: Any, links: int) -> list[Decision]:
    """`decision` superseded `links` times in a row: every version, oldest first."""
    chain = [decision]
    for n in range(links):
        chain.append(supersede(chain[-1], by=by, agreed=f"Version {n + 2}: {decision.agreed}"))
    for earlier in chain:
        earlier.refresh_from_db()
    return chain


class RoutineFactory(ServiceFactory):
    """A routine in force, made by routine_create, citing an agreed decision of the person's
    (made for it unless `decisions` is given)."""

    class Meta:
        model = Routine

    name = "Morning routine"
    decisions = factory.LazyAttribute(
        lambda o: [
            AgreedDecisionFactory(person=o.person, by=o.by, question="How should my mornings go?")
        ]
    )
    steps = factory.LazyFunction(lambda: [dict(step) for step in MORNING_STEPS])
    agency_summary = "Breakfast first.\nShower later."
    activate = True

    @classmethod
    def _create(cls, model_class: type, **fields: Any) -> Routine:
        return support_services.routine_create(**fields)


class RhythmFactory(ServiceFactory):
    """A weekly activity rhythm in force, made by rhythm_create, citing an agreed decision."""

    class Meta:
        model = ActivityRhythm

    name = "My week"
    decisions = factory.LazyAttribute(
        lambda o: [
            AgreedDecisionFactory(
                person=o.person, by=o.by, question="What do I want my week to be?"
            )
        ]
    )
    entries = factory.LazyFunction(
        lambda: [
            {
                "day": day,
                "time": time(10, 0),
                "activity": "Library quiet room",
                "kind": RhythmEntry.Kind.PRIORITY,
            }
            for day in range(7)
        ]
    )
    alternatives = "Garden centre cafe if the library is closed"
    preparation = "Clothes out\nTravel card in coat"
    choice_prompt = "Library or park today? Point when you're ready."
    activate = True

    @classmethod
    def _create(cls, model_class: type, **fields: Any) -> ActivityRhythm:
        return support_services.rhythm_create(**fields)


class RiskPlanFactory(ServiceFactory):
    """A risk plan built by risk_plan_create from an agreed risk decision, at stage 1. `by`
    must be allowed to plan (a team leader or manager)."""

    class Meta:
        model = RiskPlan

    decision = factory.LazyAttribute(
        lambda o: AgreedDecisionFactory(
            person=o.person,
            by=o.by,
            domain=Domain.RISK,
            question="How can Sam travel to college on his own?",
            agreed="Staged independence",
        )
    )
    title = factory.Sequence(lambda n: f"Travelling to college ({n})")
    stages = factory.LazyFunction(lambda: [dict(stage) for stage in TRAVEL_STAGES])

    @classmethod
    def _create(cls, model_class: type, *, person: Any = None, **fields: Any) -> RiskPlan:
        return risk_services.risk_plan_create(**fields)


class PracticeSessionFactory(ServiceFactory):
    """A practice session at the plan's current stage, by practice_session_record. `pattern`
    has one letter per competency of that stage: i = shown on their own, p = shown with a
    prompt, n = not shown. A prompt is counted when any competency needed one."""

    class Meta:
        model = PracticeSession

    route = "Home to college"
    pattern = None  # every competency shown on their own
    prompts_verbal = factory.LazyAttribute(lambda o: 1 if o.pattern and "p" in o.pattern else 0)
    occurred_at = None

    @classmethod
    def _create(
        cls, model_class: type, *, plan: RiskPlan, pattern: str | None = None, **fields: Any
    ) -> PracticeSession:
        plan.refresh_from_db()
        competencies = list(plan.current_stage.competencies.all())
        pattern = pattern or "i" * len(competencies)
        if len(pattern) != len(competencies):
            raise ValueError(f"The stage has {len(competencies)} competencies: {pattern!r}")
        return practice_services.practice_session_record(
            plan=plan,
            results=[
                {"competency": c.pk, "shown": mark != "n", "prompted": mark == "p"}
                for c, mark in zip(competencies, pattern, strict=True)
            ],
            idempotency_key=fields.pop("idempotency_key", None) or new_key(),
            **fields,
        )


class _ShiftRecordFactory(ServiceFactory):
    """A shift record made once under a fresh idempotency key. `by` records it (agency staff
    only on a booked, briefed shift, as the service insists)."""

    class Meta:
        abstract = True

    occurred_at = None
    idempotency_key = factory.LazyFunction(new_key)


class RoutineRunFactory(_ShiftRecordFactory):
    """How a routine in force went: every step in order when it was completed, none when
    refused."""

    class Meta:
        model = RoutineRun

    outcome = RoutineRun.Outcome.COMPLETED

    @classmethod
    def _create(cls, model_class: type, *, routine: Routine, **fields: Any) -> RoutineRun:
        if "steps_used" not in fields and fields["outcome"] != RoutineRun.Outcome.REFUSED:
            version = routine.versions.get(is_current=True)
            fields["steps_used"] = [step.pk for step in version.steps.all()]
        return delivery_services.routine_run_record(
            person=routine.person, routine=routine, **fields
        )


class ActivityRecordFactory(_ShiftRecordFactory):
    """What was offered from the rhythm in force (its first entry unless `entry` is given),
    and what the person chose or why they declined."""

    class Meta:
        model = ActivityRecord

    outcome = ActivityRecord.Outcome.TOOK_PART
    offered = "Library quiet room"
    chosen = factory.LazyAttribute(
        lambda o: "Library" if o.outcome == ActivityRecord.Outcome.TOOK_PART else ""
    )
    decline_reason = factory.LazyAttribute(
        lambda o: "Too loud today" if o.outcome == ActivityRecord.Outcome.DECLINED else ""
    )

    @classmethod
    def _create(
        cls, model_class: type, *, rhythm: ActivityRhythm, entry: Any = None, **fields: Any
    ) -> ActivityRecord:
        if entry is None:
            entry = rhythm.versions.get(is_current=True).entries.order_by("position").first()
        return delivery_services.activity_record_create(
            person=rhythm.person, rhythm=rhythm, entry=entry, **fields
        )


class IncidentFactory(_ShiftRecordFactory):
    """An incident about `person` (or the person whose routine or rhythm is given)."""

    class Meta:
        model = Incident

    incident_type = Incident.Type.DISTRESS
    severity = Incident.Severity.MODERATE
    what_happened = "Shouted and left the bathroom"
    actions_taken = "Gave space, offered music"

    @classmethod
    def _create(cls, model_class: type, **fields: Any) -> Incident:
        _person_of(fields)
        return delivery_services.incident_create(**fields)


class PracticalityFlagFactory(_ShiftRecordFactory):
    """A staff flag that part of the plan "isn't practical"."""

    class Meta:
        model = PracticalityFlag

    what_happened = "Only one of us on shift at 8:45"

    @classmethod
    def _create(cls, model_class: type, **fields: Any) -> PracticalityFlag:
        _person_of(fields)
        return delivery_services.practicality_flag_create(**fields)


def _person_of(fields: dict[str, Any]) -> None:
    """The person a record is about: given, or the one whose routine or rhythm it names."""
    if fields.get("person") is None:
        element = fields.get("routine") or fields.get("rhythm")
        if element is None:
            raise TypeError("Give the person, or the routine or rhythm involved.")
        fields["person"] = element.person
