from coplan.demo.stories import planning as planning_demo
from coplan.demo.stories import risk as risk_demo
from coplan.reviews.models import ReviewTrigger
from coplan.risk.models import IncidentLink, PracticeSession, RiskPlan, TravelLog
from coplan.risk.selectors import prompt_change, stage_progress, trends


def test_demo_tells_marcus_story_and_runs_once(world):
    people = {"marcus": world.person}
    staff = {
        "manager_elm": world.manager,
        "team_leader_elm": world.team_leader,
        "worker_elm": world.worker,
    }
    planning_demo.seed(org=world.org, people=people, staff=staff)
    risk_demo.seed(org=world.org, people=people, staff=staff)

    plan = RiskPlan.objects.get(person=world.person)
    assert plan.goal_kept == "Get the bus to college on my own"
    assert plan.current_stage.number == 3
    changes = list(plan.stage_changes.order_by("changed_at"))
    assert [c.direction for c in changes] == ["start", "forward", "forward"]
    assert all(c.decision.status == "agreed" and c.decision.domain == "risk" for c in changes)
    points = trends(plan)
    first, last = prompt_change(points)
    assert first > last
    link = IncidentLink.objects.get(plan=plan)
    assert link.stage.number == 2
    mini_review = ReviewTrigger.objects.get(
        dedupe_key=f"incident:risk_plan:{plan.pk}:incident:{link.incident_id}"
    )
    assert mini_review.kind == "incident" and not mini_review.is_open
    assert TravelLog.objects.filter(plan=plan, returned_at__isnull=False).count() == 5
    assert stage_progress(plan).stage.number == 3

    counts = (PracticeSession.objects.count(), TravelLog.objects.count())
    risk_demo.seed(org=world.org, people=people, staff=staff)
    assert (PracticeSession.objects.count(), TravelLog.objects.count()) == counts
    assert RiskPlan.objects.count() == 1
