"""Records the review stage reads (agreed decisions, goals, routines and rhythms in force,
shift records), each made through its stage's services (tests/factories), so the engine is
tested on states users can reach. Decisions are signed off in the past (60 days ago unless
told), and shift records happen on the day given."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from coplan.delivery.models import ActivityRecord, RoutineRun
from coplan.people.models import Person
from coplan.planning.models import Decision, Goal
from coplan.support.models import (
    ActivityRhythm,
    RhythmEntry,
    RhythmVersion,
    Routine,
    RoutineVersion,
)
from tests.factories import (
    ActivityRecordFactory,
    AgreedDecisionFactory,
    DecisionFactory,
    RhythmFactory,
    RoutineFactory,
    RoutineRunFactory,
    supersede,
)


def agreed_decision(person: Person, by, *, review_by: date | None = None, **fields) -> Decision:
    """Agreed by `by` through the services. status="draft" leaves it unsigned; status=
    "superseded" agrees a successor for it (with no review date of its own)."""
    status = fields.pop("status", Decision.Status.AGREED)
    agreed_at = fields.pop("agreed_at", timezone.now() - timedelta(days=60))
    fields.setdefault("question", "How should mornings go?")
    fields.setdefault("agreed", "Breakfast first, then the shower")
    fields.setdefault("reason", "Mornings were distressing")
    fields.setdefault("review_triggers", "" if review_by else "Sam asks for a review")
    if status == Decision.Status.DRAFT:
        return DecisionFactory(person=person, by=by, review_by=review_by, **fields)
    decision = AgreedDecisionFactory(
        person=person, by=by, review_by=review_by, agreed_at=agreed_at, **fields
    )
    if status == Decision.Status.SUPERSEDED:
        supersede(decision, by=by, review_by=None, review_triggers="Sam asks for a review")
        decision.refresh_from_db()
    return decision


def active_goal(person: Person, by, words: str = "Go to the café on my own") -> Goal:
    return Goal.objects.create(
        person=person,
        in_own_words=words,
        success_looks_like="I go every week",
        measure=Goal.Measure.COUNT,
        created_by=by,
    )


def monday(weeks_ago: int = 0) -> date:
    today = timezone.localdate()
    return today - timedelta(days=today.weekday(), weeks=weeks_ago)


@pytest.fixture
def goal(world) -> Goal:
    return active_goal(world.person, world.manager)


@dataclass
class Plan:
    """A routine and a weekly rhythm in force, each from an agreed decision."""

    decision: Decision
    routine: Routine
    routine_version: RoutineVersion
    rhythm: ActivityRhythm
    rhythm_version: RhythmVersion
    entry: RhythmEntry


def plan_in_force(person: Person, by) -> Plan:
    decision = agreed_decision(person, by)
    since = timezone.now() - timedelta(days=59)
    routine = RoutineFactory(person=person, by=by, decisions=[decision], effective_from=since)
    rhythm = RhythmFactory(
        person=person,
        by=by,
        decisions=[decision],
        effective_from=since,
        entries=[{"day": 1, "activity": "Library"}],
    )
    rv = routine.versions.get(is_current=True)
    hv = rhythm.versions.get(is_current=True)
    return Plan(decision, routine, rv, rhythm, hv, hv.entries.get())


def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def refusal(plan: Plan, person: Person, by, day: date, hour: int = 9) -> RoutineRun:
    assert plan.routine.person_id == person.pk
    return RoutineRunFactory(
        routine=plan.routine, outcome="refused", occurred_at=at(day, hour), by=by
    )


def decline(plan: Plan, person: Person, by, day: date) -> ActivityRecord:
    assert plan.rhythm.person_id == person.pk
    return ActivityRecordFactory(
        rhythm=plan.rhythm,
        entry=plan.entry,
        offered="Library",
        outcome="declined",
        decline_reason="Too loud today",
        occurred_at=at(day),
        by=by,
    )
