from coplan.demo.stories import planning as demo
from coplan.people import services as people_services
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


def test_daniels_new_decision_records_who_really_took_part(world):
    mum = people_services.circle_member_create(
        person=world.person, by=world.manager, name="Linda Taylor", relationship_type="family"
    )
    people = {"daniel": world.person}
    staff = {"manager_elm": world.manager, "team_leader_elm": world.team_leader}
    demo.seed(org=world.org, people=people, staff=staff)

    old, new = Decision.objects.filter(person=world.person).order_by("created_at")
    assert mum.pk not in [p.circle_member_id for p in new.participants.all()]
    assert "Linda Taylor" not in [p.name for p in new.participants.all()]
    assert [(p.kind, p.how) for p in new.participants.filter(kind="person")] == [
        ("person", "pictures")
    ]
    # Her view reached the decision the way it really did: beforehand, by phone.
    session = new.session
    assert session.invitees.get(circle_member=mum).took_part is False
    assert session.views.get(circle_member=mum).how_given == "phone"
    # What was carried over from the old decision says so.
    carried = [o.label for o in new.options.filter(carried_over_from=old)]
    assert carried and all(o.decision_id == new.pk for o in new.options.all())
