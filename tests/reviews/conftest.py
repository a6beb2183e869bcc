"""Records the review stage reads (agreed decisions, goals, routines and rhythms in force,
shift records), made directly so these tests do not depend on how the other stages' forms
and services work."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from coplan.delivery.models import ActivityRecord, RoutineRun
from coplan.people.models import Person
from coplan.planning.models import Decision, Domain, Goal
from coplan.support.models import (
    ActivityRhythm,
    RhythmEntry,
    RhythmVersion,
    Routine,
    RoutineVersion,
)


def agreed_decision(person: Person, by, *, review_by: date | None = None, **fields) -> Decision:
    return Decision.objects.create(
        person=person,
        domain=fields.pop("domain", Domain.SUPPORT),
        question=fields.pop("question", "How should mornings go?"),
        agreed="Breakfast first, then the shower",
        reason="Mornings were distressing",
        review_by=review_by,
        status=fields.pop("status", Decision.Status.AGREED),
        agreed_by=by,
        agreed_at=fields.pop("agreed_at", timezone.now() - timedelta(days=60)),
        created_by=by,
        **fields,
    )


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
    routine = Routine.objects.create(
        person=person, name="Morning routine", is_active=True, created_by=by
    )
    rv = RoutineVersion.objects.create(routine=routine, number=1, created_by=by)
    rv.decisions.add(decision)
    rhythm = ActivityRhythm.objects.create(
        person=person, name="My week", is_active=True, created_by=by
    )
    hv = RhythmVersion.objects.create(rhythm=rhythm, number=1, created_by=by)
    hv.decisions.add(decision)
    entry = RhythmEntry.objects.create(version=hv, day=1, activity="Library")
    return Plan(decision, routine, rv, rhythm, hv, entry)


def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def refusal(plan: Plan, person: Person, by, day: date, hour: int = 9) -> RoutineRun:
    return RoutineRun.objects.create(
        person=person,
        routine_version=plan.routine_version,
        outcome="refused",
        occurred_at=at(day, hour),
        recorded_by=by,
    )


def decline(plan: Plan, person: Person, by, day: date) -> ActivityRecord:
    return ActivityRecord.objects.create(
        person=person,
        rhythm_version=plan.rhythm_version,
        entry=plan.entry,
        offered="Library",
        outcome="declined",
        decline_reason="Too loud today",
        occurred_at=at(day),
        recorded_by=by,
    )
