"""Scenarios walked as their users would (issue 10): refusals lead to a review and a
superseding decision that records its own participants before it can be agreed; two
workers' check-ins for the same week both show."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coplan.planning import services as planning_services
from coplan.planning.models import Decision
from coplan.reviews import services
from coplan.reviews.models import CheckIn, Review, ReviewTrigger
from coplan.support.models import Routine, RoutineVersion
from tests.planning.helpers import formset
from tests.reviews.conftest import Plan, active_goal, refusal

# Refusals are placed at 09:00 on each day, today included: run from noon so they are past.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("noon_today")]


def _mornings_agreed_with_sam_and_jo(world) -> Decision:
    draft = planning_services.decision_create(
        person=world.person,
        by=world.team_leader,
        domain="support",
        question="How should Sam's mornings go?",
        what_matters="Being clean; not being rushed.",
        agreed="Shower at 7:30, then breakfast.",
        reason="Fits the rota.",
        persons_words="Shower first, fine.",
        person_agrees=Decision.PersonAgrees.AGREES,
        final_say="Sam",
        review_by=timezone.localdate() + timedelta(days=90),
        options=[
            {"label": "Shower at 7:30", "proposed_by": "Staff team", "is_chosen": True},
            {"label": "Breakfast first", "proposed_by": "Jo"},
        ],
        participants=[
            {"kind": "person", "name": "Sam", "how": "pictures"},
            {
                "kind": "circle",
                "name": "Jo Taylor",
                "how": "in_person",
                "circle_member": world.sister,
            },
            {"kind": "staff", "name": "Tariq Leader", "how": "in_person"},
        ],
    )
    return planning_services.decision_agree(decision=draft, by=world.manager, confirmed=True)


def test_refusals_to_review_to_a_superseding_decision_with_its_own_participants(world):
    person, pid = world.person, world.person.pk
    old = _mornings_agreed_with_sam_and_jo(world)
    routine = Routine.objects.create(
        person=person, name="Morning routine", is_active=True, created_by=world.team_leader
    )
    version = RoutineVersion.objects.create(
        routine=routine,
        number=1,
        created_by=world.team_leader,
        is_current=True,
        effective_from=timezone.now() - timedelta(days=10),  # in force before the refusals
    )
    version.decisions.add(old)
    plan = Plan(old, routine, version, None, None, None)
    today = timezone.localdate()
    for days_ago in (4, 3, 2, 1, 0):
        refusal(plan, person, world.worker, today - timedelta(days=days_ago))

    # Refusals open a trigger; the manager opens a review of it.
    (trigger,) = services.scan()
    assert (trigger.kind, trigger.decision) == ("refusals", old)
    manager = world.client_for(world.manager)
    response = manager.post(reverse("reviews:review_open", args=[pid]), {"trigger": trigger.pk})
    review = Review.objects.get(person=person)
    assert response["Location"] == reverse("reviews:review", args=[pid, review.pk])

    # The manager supersedes the decision: the new draft carries the question and options
    # over, but nobody is recorded as taking part, and it cannot be agreed like that.
    response = manager.post(reverse("planning:decision_supersede", args=[pid, old.pk]))
    new = Decision.objects.get(supersedes=old)
    assert response["Location"] == reverse("planning:decision_edit", args=[pid, new.pk])
    assert new.participants.count() == 0 and new.persons_words == ""
    agree_url = reverse("planning:decision_agree", args=[pid, new.pk])
    page = manager.get(agree_url).content.decode()
    assert "Record at least one participant who is not staff" in page
    assert "Confirm and agree" not in page
    refused = manager.post(agree_url, {"confirm": "on", "version": new.version})
    assert refused.status_code == 422
    new.refresh_from_db()
    old.refresh_from_db()
    assert (new.status, old.status) == (Decision.Status.DRAFT, Decision.Status.AGREED)

    # The manager records who took part this time (Jo did not), and what was agreed.
    shower, breakfast = new.options.order_by("position")
    data = {
        "domain": "support",
        "question": new.question,
        "what_matters": new.what_matters,
        "agreed": "Breakfast first, shower after.",
        "reason": "Sam chose it with picture cards at the review.",
        "persons_words": "Toast. Then shower.",
        "person_agrees": "agrees",
        "final_say": "Sam",
        "capacity": "assumed",
        "review_by": str(today + timedelta(days=60)),
        "version": str(new.version),
        **formset(
            "options",
            [
                {"id": shower.pk, "label": shower.label, "is_workable": True},
                {
                    "id": breakfast.pk,
                    "label": breakfast.label,
                    "is_workable": True,
                    "is_chosen": True,
                },
            ],
        ),
        **formset(
            "participants",
            [
                {"kind": "person", "name": "Sam", "role": "the person", "how": "pictures"},
                {"kind": "staff", "name": "Wendy Worker", "role": "key worker", "how": "in_person"},
            ],
        ),
    }
    response = manager.post(reverse("planning:decision_edit", args=[pid, new.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    new.refresh_from_db()

    # The confirmation page shows what will be locked; confirming agrees it.
    page = manager.get(agree_url).content.decode().replace("&#x27;", "'")
    for text in ("Wendy Worker", "With pictures", "Toast. Then shower.", "Breakfast first"):
        assert text in page
    assert "Jo Taylor" not in page
    response = manager.post(agree_url, {"confirm": "on", "version": new.version})
    assert response.status_code == 302
    new.refresh_from_db()
    old.refresh_from_db()
    assert (new.status, old.status) == (Decision.Status.AGREED, Decision.Status.SUPERSEDED)
    assert [(p.name, p.how) for p in new.participants.order_by("kind", "name")] == [
        ("Sam", "pictures"),
        ("Wendy Worker", "in_person"),
    ]
    assert [(p.name, p.how) for p in old.participants.order_by("kind", "name")] == [
        ("Jo Taylor", "in_person"),
        ("Sam", "pictures"),
        ("Tariq Leader", "in_person"),
    ]

    # The review concludes with the new decision; its trigger closes as reviewed.
    services.review_conclude(
        review=review,
        by=world.manager,
        outcome="new_decisions",
        new_decisions=[new],
        tried="The 7:30 shower",
        learned="Sam refuses when rushed",
        pleased="Sam chose a new order",
        concerned="Staffing at 8:45",
        next="Breakfast first",
    )
    trigger.refresh_from_db()
    assert trigger.status == ReviewTrigger.Status.REVIEWED


def test_two_workers_check_ins_for_the_same_week_both_show(world):
    goal = active_goal(world.person, world.manager, "Start my day calm")
    url = reverse("reviews:checkin", args=[world.person.pk])
    for user, answer in ((world.worker, "worked"), (world.team_leader, "didnt_work")):
        response = world.client_for(user).post(
            url,
            {f"answer_goal-{goal.pk}": answer, "answered_by": "staff_with_person", "how": "spoken"},
        )
        assert response.status_code == 302
    assert CheckIn.objects.filter(person=world.person).count() == 2
    page = (
        world.client_for(world.manager)
        .get(reverse("reviews:person", args=[world.person.pk]))
        .content.decode()
    )
    assert "Sam, with Wendy Worker (spoken)" in page
    assert "Sam, with Tariq Leader (spoken)" in page
