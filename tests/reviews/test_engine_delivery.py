"""The rules over shift records: refusals and declines over their thresholds in a rolling
window, incidents on a plan element (a mini-review each) and "not practical" flags. Each
fires exactly at its threshold, not before and not twice."""

from datetime import timedelta

import pytest
from django.utils import timezone

from coplan.reviews import services, sources
from coplan.reviews.models import ReviewThreshold, ReviewTrigger
from tests.factories import IncidentFactory, PracticalityFlagFactory
from tests.reviews.conftest import at, decline, plan_in_force, refusal

# Refusals are placed at 09:00 on each day, today included: run from noon so they are past.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("noon_today")]


def days_ago(n: int):
    return timezone.localdate() - timedelta(days=n)


@pytest.fixture
def plan(world):
    return plan_in_force(world.person, world.manager)


def test_four_refusals_in_a_week_do_not_fire_the_fifth_does_once(world, plan):
    for n in (6, 4, 2, 1):
        refusal(plan, world.person, world.worker, days_ago(n))
    assert services.scan() == []
    refusal(plan, world.person, world.worker, days_ago(0))
    (trigger,) = services.scan()
    assert (trigger.kind, trigger.subject_kind, trigger.subject_id) == (
        "refusals",
        "routine",
        plan.routine.pk,
    )
    assert trigger.decision == plan.decision
    assert trigger.subject_label == "Morning routine"
    assert trigger.evidence["count"] == 5
    assert services.scan() == []


def test_refusals_outside_the_rolling_window_do_not_count(world, plan):
    for n in (7, 4, 2, 1, 0):
        refusal(plan, world.person, world.worker, days_ago(n))
    assert services.scan() == []


def test_after_a_refusals_trigger_counting_starts_again(world, plan):
    for n in (4, 3, 2, 1):
        refusal(plan, world.person, world.worker, days_ago(n))
    refusal(plan, world.person, world.worker, days_ago(1), hour=18)
    (first,) = services.scan(today=days_ago(1))
    services.trigger_close(trigger=first, by=world.team_leader, reason="Rota changes Monday")
    refusal(plan, world.person, world.worker, days_ago(0))
    assert services.scan() == []
    assert ReviewTrigger.objects.count() == 1


def test_a_persons_own_threshold_and_a_services_threshold(world, plan):
    ReviewThreshold.objects.create(kind="refusals", service=world.service_a, count=3, window_days=7)
    for n in (2, 1):
        refusal(plan, world.person, world.worker, days_ago(n))
    assert services.scan() == []
    refusal(plan, world.person, world.worker, days_ago(0))
    (by_service,) = services.scan()
    assert by_service.evidence["threshold"] == 3

    other = plan_in_force(world.person_b, world.manager)
    ReviewThreshold.objects.create(kind="refusals", person=world.person_b, count=2, window_days=3)
    refusal(other, world.person_b, world.outsider, days_ago(3))
    refusal(other, world.person_b, world.outsider, days_ago(1))
    assert services.scan() == []
    refusal(other, world.person_b, world.outsider, days_ago(0))
    (by_person,) = services.scan()
    assert (by_person.person, by_person.evidence["window_days"]) == (world.person_b, 3)


def test_three_declines_in_a_fortnight_do_not_fire_the_fourth_does_once(world, plan):
    for n in (13, 9, 5):
        decline(plan, world.person, world.worker, days_ago(n))
    assert services.scan() == []
    decline(plan, world.person, world.worker, days_ago(0))
    (trigger,) = services.scan()
    assert (trigger.kind, trigger.subject_kind, trigger.subject_id) == (
        "declines",
        "activity",
        plan.rhythm.pk,
    )
    assert trigger.decision == plan.decision
    assert services.scan() == []


def _incident(world, plan, **link):
    return IncidentFactory(
        person=world.person,
        occurred_at=at(days_ago(1)),
        by=world.worker,
        **link,
    )


def test_each_incident_on_a_plan_element_opens_one_mini_review(world, plan):
    _incident(world, plan)  # not linked to the plan: no mini-review
    assert services.scan() == []
    first = _incident(world, plan, routine=plan.routine)
    second = _incident(world, plan, routine=plan.routine)
    found = services.scan()
    assert sorted(t.evidence["incident_id"] for t in found) == [first.pk, second.pk]
    assert {(t.kind, t.subject_kind, t.subject_id) for t in found} == {
        ("incident", "routine", plan.routine.pk)
    }
    assert "Mini-review" in found[0].reason
    assert services.scan() == []


def _flag(world, plan, day=0):
    return PracticalityFlagFactory(
        routine=plan.routine, occurred_at=at(days_ago(day)), by=world.worker
    )


def test_not_practical_flags_open_one_trigger_until_it_is_closed(world, plan):
    _flag(world, plan, day=2)
    (trigger,) = services.scan(today=days_ago(2))
    assert (trigger.kind, trigger.subject_id) == ("not_practical", plan.routine.pk)
    _flag(world, plan, day=1)
    assert services.scan() == []  # the open trigger already covers it
    services.trigger_close(trigger=trigger, by=world.team_leader, reason="Rota fixed")
    assert services.scan() == []  # flags before the closing were looked at
    ReviewTrigger.objects.filter(pk=trigger.pk).update(closed_at=at(days_ago(1), 20))
    _flag(world, plan, day=0)
    (again,) = services.scan()
    assert len(again.evidence["flag_ids"]) == 1


def test_check_in_asks_about_routines_activities_and_goals(world, plan, goal):
    items = sources.checkin_items(world.person)
    assert [(i.kind, i.label) for i in items] == [
        ("routine", "Morning routine"),
        ("activity", "Library"),
        ("goal", goal.in_own_words),
    ]


def test_review_evidence_counts_shift_records_since_the_decision(world, plan):
    refusal(plan, world.person, world.worker, days_ago(1))
    decline(plan, world.person, world.worker, days_ago(2))
    _flag(world, plan)
    counts = sources.record_counts_since(world.person, days_ago(10))
    assert counts["Routines refused"] == 1
    assert counts["Activities declined"] == 1
    assert counts["Flags that the plan isn't practical"] == 1
    assert counts["Incidents"] == 0
