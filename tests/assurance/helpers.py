"""Building what the assurance tests need, through the services users use."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from coplan.assurance import alignment
from coplan.assurance.models import AlignmentCheck
from coplan.reviews.models import ReviewTrigger
from coplan.reviews.services import reviews as review_services
from coplan.reviews.services import triggers as trigger_services


def check_with(world: Any, *, aligned: bool, routine=None) -> AlignmentCheck:
    """A supervision check by the manager with the worker: every question matching the plan,
    or the first one not (with the default follow-up)."""
    questions = alignment.questions_for(world.person, "supervision")
    items = [
        {
            "prompt": q.prompt,
            "plan_text": q.plan_text,
            "source": q.source,
            "answer": "As the plan says",
            "result": "matches" if aligned or n else "differs",
        }
        for n, q in enumerate(questions)
    ]
    return alignment.alignment_check_record(
        person=world.person,
        staff=world.worker,
        by=world.manager,
        kind="supervision",
        routine=routine,
        items=items,
        follow_up=alignment.default_follow_up(world.person, world.worker, world.manager),
    )


def trigger(world: Any, decision, *, due: date, reviewed_on: date | None = None) -> ReviewTrigger:
    """A trigger about `decision`, raised by hand, due on `due` (put in the past, as the
    factories do with the clock) and, if `reviewed_on`, reviewed then."""
    t = trigger_services.trigger_open_by_hand(
        person=world.person,
        by=world.team_leader,
        reason="Only one of us on shift at 8:45",
        kind=ReviewTrigger.Kind.NOT_PRACTICAL,
        decision=decision,
    )
    if reviewed_on is not None:
        review = review_services.review_open(
            person=world.person, by=world.team_leader, triggers=[t]
        )
        review_services.review_conclude(
            review=review,
            by=world.team_leader,
            outcome="keep_as_is",
            keep_reason="It works with two on shift.",
            next_review_on=timezone.localdate() + timedelta(days=30),
            learned="Two on shift makes it work.",
        )
        at = timezone.make_aware(
            timezone.datetime.combine(reviewed_on, timezone.datetime.min.time())
        )
        ReviewTrigger.objects.filter(pk=t.pk).update(closed_at=at + timedelta(hours=10))
    ReviewTrigger.objects.filter(pk=t.pk).update(due_on=due)
    t.refresh_from_db()
    return t
