from datetime import timedelta

from django.utils import timezone

from coplan.demo.stories import reviews as demo
from coplan.planning.models import Decision
from coplan.reviews.models import (
    CheckIn,
    Review,
    ReviewContribution,
    ReviewTrigger,
    WorkingNotWorking,
)
from tests.factories import supersede
from tests.reviews.conftest import active_goal, agreed_decision


def test_demo_seed_tells_daniels_review_and_runs_once(world):
    old = agreed_decision(world.person, world.manager)
    new = supersede(old, by=world.manager, question="How should Dan's mornings go?")
    old.refresh_from_db()
    # As the planning story does: the old decision months ago, the new one 18 days ago.
    Decision.objects.filter(pk=old.pk).update(agreed_at=timezone.now() - timedelta(days=200))
    Decision.objects.filter(pk=new.pk).update(agreed_at=timezone.now() - timedelta(days=18))
    new.refresh_from_db()
    active_goal(world.person, world.manager, "Start my day calm")
    active_goal(world.person_b, world.manager, "Get the bus to college on my own")
    people = {"daniel": world.person, "marcus": world.person_b}
    staff = {"worker_elm": world.worker, "team_leader_elm": world.team_leader}
    demo.seed(org=world.org, people=people, staff=staff)

    assert CheckIn.objects.filter(person=world.person).count() == 6
    assert set(CheckIn.objects.values_list("answered_by", flat=True)) == {
        "person",
        "staff_with_person",
    }
    assert set(WorkingNotWorking.objects.values_list("perspective", flat=True)) == {
        "person",
        "staff",
    }
    review = Review.objects.get(person=world.person)
    assert review.status == "concluded"
    assert list(review.new_decisions.all()) == [new]
    assert {t.decision for t in review.triggers.all()} == {old}
    assert set(review.contributions.values_list("contributor_kind", flat=True)) == {
        "person",
        "staff",
    }

    # The dates tell the story in order: triggers, review, answers, conclusion, the decision.
    triggers = list(review.triggers.all())
    contributions = list(review.contributions.all())
    assert all(t.created_at < review.created_at for t in triggers)
    assert all(review.created_at < c.created_at < review.concluded_at for c in contributions)
    assert all(t.closed_at == review.concluded_at for t in triggers)
    assert all(t.due_on >= timezone.localdate(t.created_at) for t in triggers)
    assert review.concluded_at < new.agreed_at
    assert timezone.localdate(new.agreed_at) - timezone.localdate(review.created_at) == (
        timedelta(days=14)
    )

    counts = (
        CheckIn.objects.count(),
        WorkingNotWorking.objects.count(),
        Review.objects.count(),
        ReviewContribution.objects.count(),
        ReviewTrigger.objects.count(),
    )
    demo.seed(org=world.org, people=people, staff=staff)
    assert counts == (
        CheckIn.objects.count(),
        WorkingNotWorking.objects.count(),
        Review.objects.count(),
        ReviewContribution.objects.count(),
        ReviewTrigger.objects.count(),
    )
