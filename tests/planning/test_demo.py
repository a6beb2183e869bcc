from coplan.demo.stories import planning as demo
from coplan.planning.models import AgendaPrompt, Decision, Goal


def test_demo_seed_tells_the_stories_and_runs_once(world):
    people = {"daniel": world.person, "marcus": world.person_b}
    staff = {"manager_elm": world.manager, "team_leader_elm": world.team_leader}
    demo.seed(org=world.org, people=people, staff=staff)

    old, new = Decision.objects.filter(person=world.person).order_by("created_at")
    assert old.status == Decision.Status.SUPERSEDED
    assert new.supersedes == old and new.status == Decision.Status.AGREED
    assert "Breakfast first" in new.agreed
    goal = Goal.objects.get(person=world.person)
    assert (goal.in_own_words, goal.measure) == ("Start my day calm", "rating")

    risk = Decision.objects.get(person=world.person_b)
    assert [o.label for o in risk.options.all()] == [
        "No independent travel",
        "Always accompanied by staff",
        "Staged independence",
        "Independent travel from now",
    ]
    assert risk.options.get(is_chosen=True).label == "Staged independence"
    assert risk.goal_kept == "Get the bus to college on my own"
    assert AgendaPrompt.objects.filter(organisation=world.org).exists()

    counts = (Decision.objects.count(), Goal.objects.count(), AgendaPrompt.objects.count())
    demo.seed(org=world.org, people=people, staff=staff)
    assert (Decision.objects.count(), Goal.objects.count(), AgendaPrompt.objects.count()) == counts
