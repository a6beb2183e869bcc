from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coplan.planning import services
from coplan.planning.models import ContingencyPlan, Goal

from .helpers import formset


def url(name: str, world, *args) -> str:
    return reverse(f"planning:{name}", args=[world.person.pk, *args])


def make_goal(world, **fields) -> Goal:
    values = {
        "in_own_words": "Start my day calm",
        "success_looks_like": "4 out of 5 most mornings",
        "measure": Goal.Measure.RATING,
        "scale_max": 5,
    }
    values.update(fields)
    return services.goal_create(person=world.person, by=world.team_leader, **values)


def goal_post(**overrides) -> dict:
    data = {
        "in_own_words": "Get the bus to college on my own",
        "importance": "3",
        "success_looks_like": "Every college day, on my own",
        "measure": "checklist",
        "checklist_text": "Check the bus time\nTap my card\nText staff",
        "status": "active",
        **formset("actions", [{"what": "Practise the route", "who": "Wendy", "when": "Tuesdays"}]),
    }
    data.update(overrides)
    return data


def test_team_leader_adds_a_goal_with_actions_and_linked_decisions(world, agreed):
    client = world.client_for(world.team_leader)
    response = client.post(url("goal_add", world), goal_post(decisions=[agreed.pk]))
    goal = Goal.objects.get()
    assert response["Location"] == url("goal_detail", world, goal.pk)
    assert goal.checklist == ["Check the bus time", "Tap my card", "Text staff"]
    assert [a.what for a in goal.actions.all()] == ["Practise the route"]
    assert list(goal.decisions.all()) == [agreed]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"status": "paused"}, "Say why the goal is paused."),
        ({"status": "dropped"}, "Say why the goal is dropped."),
        (
            {"measure": "rating", "checklist_text": ""},
            "For a rating, give the top of the scale (2 to 10).",
        ),
        ({"checklist_text": ""}, "For a checklist, list the items, one a line."),
    ],
)
def test_goal_form_shows_what_is_missing(world, overrides, message):
    response = world.client_for(world.team_leader).post(
        url("goal_add", world), goal_post(**overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Goal.objects.exists()


def test_paused_goal_with_a_reason_is_saved(world):
    goal = make_goal(world)
    services.goal_update(goal=goal, by=world.manager, status="paused", status_reason="In hospital")
    goal.refresh_from_db()
    assert (goal.status, goal.version) == ("paused", 2)


def test_progress_over_time_shows_a_table_and_a_chart(world):
    goal = make_goal(world)
    for day, value in [(1, 2), (8, 3), (15, 4)]:
        services.goal_progress_add(
            goal=goal, by=world.worker, recorded_on=date(2026, 10, day), value=value
        )
    response = world.client_for(world.person_user).get(url("goal_detail", world, goal.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<tr>") == 4  # header and three entries
    assert 'class="progress-chart"' in html and html.count('fill="#0b5394"') == 3
    assert "4 of 5" in html


def test_checklist_progress_counts_items_done(world):
    goal = make_goal(world, measure="checklist", scale_max=None, checklist=["A", "B", "C"])
    client = world.client_for(world.worker)
    response = client.post(
        url("progress_add", world, goal.pk),
        {"recorded_on": "2026-11-01", "checklist_done": ["C", "A"], "persons_words": "Easy"},
    )
    assert response.status_code == 302
    entry = goal.progress.get()
    assert entry.checklist_done == ["A", "C"]
    assert "2 of 3" in client.get(url("goal_detail", world, goal.pk)).content.decode()


def test_rating_out_of_range_is_refused_on_the_form(world):
    goal = make_goal(world)
    response = world.client_for(world.worker).post(
        url("progress_add", world, goal.pk), {"recorded_on": "2026-11-01", "value": "7"}
    )
    assert "Give a rating from 1 to 5." in response.content.decode()
    assert not goal.progress.exists()


def test_goal_cannot_link_another_persons_decision(world):
    other = services.decision_create(
        person=world.person_b, by=world.manager, domain="goals", question="Ola's"
    )
    with pytest.raises(ValidationError) as exc:
        make_goal(world, decisions=[other])
    assert exc.value.message_dict == {"decisions": ["Link only this person's decisions."]}
    assert not Goal.objects.exists()


@pytest.mark.parametrize(
    ("who", "view_status", "add_status"),
    [
        ("team_leader", 200, 200),
        ("worker", 200, 403),
        ("person_user", 200, 403),
        ("sister_user", 403, 403),
        ("outsider", 404, 404),
        ("anonymous", 302, 302),
    ],
)
def test_who_may_see_and_add_goals(world, who, view_status, add_status):
    goal = make_goal(world)
    client = world.client_for(world.everyone[who])
    assert client.get(url("goal_detail", world, goal.pk)).status_code == view_status
    assert client.get(url("goal_add", world)).status_code == add_status


def test_contingency_plan_is_written_and_versioned(world):
    client = world.client_for(world.team_leader)
    data = {
        "triggers": "Woken suddenly",
        "what_should_happen": "Stop, music, breakfast",
        "who_to_contact": "Jo",
        "coping_strategies": "Headphones",
    }
    assert client.post(url("contingency_edit", world), data).status_code == 302
    assert client.post(
        url("contingency_edit", world), data | {"who_to_contact": "Jo, 0770", "version": "1"}
    )
    plan = ContingencyPlan.objects.get(person=world.person)
    assert (plan.who_to_contact, plan.version) == ("Jo, 0770", 2)
    page = world.client_for(world.person_user).get(url("contingency", world))
    assert "Headphones" in page.content.decode()
    assert world.client_for(world.worker).get(url("contingency_edit", world)).status_code == 403
    assert world.client_for(world.sister_user).get(url("contingency", world)).status_code == 403


def test_plan_home_lists_sessions_decisions_and_goals(world, agreed):
    make_goal(world)
    response = world.client_for(world.person_user).get(url("home", world))
    html = response.content.decode()
    assert response.status_code == 200
    assert "“Start my day calm”" in html
    assert "1 agreed" in html
