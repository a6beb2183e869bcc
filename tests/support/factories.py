"""Plan elements for tests: agreed decisions, routines and rhythms in force."""

from datetime import time

from django.utils import timezone

from coplan.support import services as support_services
from coplan.support.models import RhythmEntry
from tests.factories import AgreedDecisionFactory, DecisionFactory

MORNING_STEPS = [
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


def agreed_decision(person, user, question="How should my mornings go?", domain="support"):
    """Agreed through the services, with its options and participants (tests/factories)."""
    return AgreedDecisionFactory(person=person, by=user, question=question, domain=domain)


def draft_decision(person, user, question="Draft: mornings?"):
    return DecisionFactory(person=person, by=user, question=question)


def morning_routine(person, user, decision=None, *, activate=True):
    decision = decision or agreed_decision(person, user)
    return support_services.routine_create(
        person=person,
        name="Morning routine",
        decisions=[decision],
        steps=[dict(s) for s in MORNING_STEPS],
        agency_summary="Breakfast first.\nShower later.",
        activate=activate,
        by=user,
    )


def week_rhythm(person, user, decision=None, *, all_days=True):
    decision = decision or agreed_decision(person, user, "What do I want my week to be?")
    days = range(7) if all_days else [0]
    entries = [
        {
            "day": d,
            "time": time(10, 0),
            "activity": "Library quiet room",
            "kind": RhythmEntry.Kind.PRIORITY,
            "notes": "Bus 12, the predictable route.",
        }
        for d in days
    ] + [{"day": 2, "time": time(14, 0), "activity": "Park walk", "kind": "flexible"}]
    return support_services.rhythm_create(
        person=person,
        name="My week",
        decisions=[decision],
        entries=entries,
        alternatives="Garden centre cafe if the library is closed",
        preparation="Clothes out\nTravel card in coat\nPreferred snack",
        choice_prompt="Library or park today? Point when you're ready.",
        activate=True,
        by=user,
    )


def tomorrow_at(hour: int, minute: int = 0):
    """A moment tomorrow, in the service's time zone."""
    from datetime import datetime, timedelta

    day = timezone.localdate() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def revise_morning(routine, user, decision=None, *, steps=None, **fields):
    """A new version of the morning routine, based on the version the caller read (the
    routine as it is now, unless `based_on` says otherwise)."""
    routine.refresh_from_db()
    decision = decision or routine.versions.get(is_current=True).decisions.first()
    return support_services.routine_revise(
        **{
            "routine": routine,
            "based_on": routine.version,
            "decisions": [decision],
            "steps": [dict(s) for s in (steps if steps is not None else MORNING_STEPS)],
            "change_reason": "Changed at the review.",
            "agency_summary": "Breakfast first.\nShower later.",
            "by": user,
            **fields,
        }
    )


def staff_instruction(
    person, user, decision=None, *, title="Quiet voices", text="Keep voices low."
):
    """A sensory staff instruction in force, from an agreed decision."""
    return support_services.instruction_create(
        person=person,
        category="sensory",
        title=title,
        text=text,
        decisions=[decision or agreed_decision(person, user)],
        by=user,
    )
