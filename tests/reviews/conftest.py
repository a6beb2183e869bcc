"""Plan records the review stage reads: agreed decisions and active goals, made directly so
these tests do not depend on how the planning stage's forms work."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from coplan.people.models import Person
from coplan.planning.models import Decision, Domain, Goal


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
