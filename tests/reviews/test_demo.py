from coplan.demo.stories import reviews as demo
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
