"""No lost updates on draft decisions, goals and sessions (issue 10, finding 3)."""

import copy
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from coplan.lib.errors import Conflict
from coplan.planning import services
from coplan.planning.models import Decision, Goal

from .helpers import decision_post, formset
from .test_api import Api
from .test_goals import goal_post, make_goal


def url(name: str, world, *args) -> str:
    return reverse(f"planning:{name}", args=[world.person.pk, *args])


def test_stale_goal_update_is_refused_and_overwrites_nothing(world):
    goal = make_goal(world)
    seen = goal.version
    services.goal_update(goal=goal, by=world.manager, based_on=seen, target_value=4)
    with pytest.raises(Conflict) as exc:
        services.goal_update(goal=goal, by=world.team_leader, based_on=seen, target_value=5)
    assert exc.value.code == "stale_version"
    goal.refresh_from_db()
    assert (goal.target_value, goal.version) == (4, seen + 1)


def test_goal_actions_are_not_changed_by_a_stale_update(world):
    goal = make_goal(world, actions=[{"what": "Music first", "who": "Staff", "when": "Daily"}])
    seen = goal.version
    services.goal_update(goal=goal, by=world.manager, based_on=seen, in_own_words="Changed")
    with pytest.raises(Conflict):
        services.goal_update(goal=goal, by=world.team_leader, based_on=seen, actions=[])
    assert [a.what for a in goal.actions.all()] == ["Music first"]
    goal.refresh_from_db()
    assert (goal.in_own_words, goal.version) == ("Changed", seen + 1)


def test_an_unchanged_form_save_keeps_the_version(world, draft):
    """Saving the draft's form as it stands (every field and row sent back unchanged) is
    not a change."""
    options = [
        {"id": o.pk, "label": o.label, "proposed_by": o.proposed_by, "is_chosen": o.is_chosen}
        for o in draft.options.all()
    ]
    participants = [
        {"id": p.pk, "kind": p.kind, "name": p.name, "how": p.how} for p in draft.participants.all()
    ]
    services.decision_update(
        decision=draft,
        by=world.manager,
        based_on=draft.version,
        question=draft.question,
        options=options,
        participants=participants,
    )
    draft.refresh_from_db()
    assert draft.version == 1


def test_goal_updated_from_a_stale_copy_keeps_the_other_change(world):
    goal = make_goal(world)
    first, second = copy.copy(goal), copy.copy(goal)
    services.goal_update(goal=first, by=world.manager, target_value=4)
    services.goal_update(goal=second, by=world.manager, status_reason="Going well")
    goal.refresh_from_db()
    assert (goal.target_value, goal.status_reason, goal.version) == (4, "Going well", 3)


def test_changing_only_a_goals_actions_raises_its_version_once(world):
    goal = make_goal(world)
    services.goal_update(
        goal=goal,
        by=world.manager,
        based_on=goal.version,
        actions=[{"what": "Music first", "who": "Staff", "when": "Daily"}],
    )
    goal.refresh_from_db()
    assert goal.version == 2
    assert Goal.history.filter(id=goal.pk).count() == 2


def test_stale_draft_decision_update_is_refused(world, draft):
    seen = draft.version
    services.decision_update(decision=draft, by=world.manager, based_on=seen, reason="Because.")
    with pytest.raises(Conflict):
        services.decision_update(
            decision=draft, by=world.team_leader, based_on=seen, options=[], participants=[]
        )
    draft.refresh_from_db()
    assert draft.reason == "Because."
    assert (draft.options.count(), draft.participants.count()) == (2, 2)


def test_stale_session_update_is_refused(world):
    session = services.session_create(
        person=world.person,
        by=world.team_leader,
        purpose="Mornings",
        domain="support",
        scheduled_for=timezone.now(),
    )
    seen = session.version
    services.session_update(session=session, by=world.manager, based_on=seen, location="Lounge")
    with pytest.raises(Conflict):
        services.session_update(
            session=session, by=world.team_leader, based_on=seen, location="Kitchen"
        )
    session.refresh_from_db()
    assert (session.location, session.version) == ("Lounge", seen + 1)


# Web ---------------------------------------------------------------------------------------


def test_stale_goal_form_shows_who_changed_it_and_both_values(world):
    goal = make_goal(world, measure="checklist", checklist=["Check the bus time"])
    seen = goal.version
    services.goal_update(goal=goal, by=world.manager, based_on=seen, in_own_words="Calm days")
    response = world.client_for(world.team_leader).post(
        url("goal_edit", world, goal.pk),
        goal_post(in_own_words="Quiet mornings", version=str(seen)),
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Mona Manager changed" in html
    assert "Calm days" in html and "Quiet mornings" in html
    goal.refresh_from_db()
    assert (goal.in_own_words, goal.version) == ("Calm days", seen + 1)


def test_stale_decision_form_is_refused_on_the_form(world, draft):
    seen = draft.version
    services.decision_update(decision=draft, by=world.manager, agreed="Shower at noon.")
    response = world.client_for(world.team_leader).post(
        url("decision_edit", world, draft.pk), decision_post(version=str(seen))
    )
    assert response.status_code == 409
    assert "Mona Manager changed" in response.content.decode()
    draft.refresh_from_db()
    assert draft.agreed == "Shower at noon."
    assert draft.question == "How should Sam's mornings go?"


def test_stale_session_form_is_refused_on_the_form(world):
    session = services.session_create(
        person=world.person,
        by=world.team_leader,
        purpose="Mornings",
        domain="support",
        scheduled_for=timezone.now(),
    )
    seen = session.version
    services.session_update(session=session, by=world.manager, purpose="Evenings")
    data = {
        "purpose": "Weekends",
        "domain": "support",
        "scheduled_for": "2030-01-01T10:00",
        "version": str(seen),
        **formset("choices", []),
        **formset("invitees", []),
    }
    response = world.client_for(world.team_leader).post(
        url("session_edit", world, session.pk), data
    )
    assert response.status_code == 409
    session.refresh_from_db()
    assert session.purpose == "Evenings"


# API ---------------------------------------------------------------------------------------


def test_api_stale_goal_patch_is_a_409(world):
    goal = make_goal(world)
    api = Api(world.manager)
    assert api.patch(f"/goals/{goal.pk}", {"target_value": 4, "version": 1}).status_code == 200
    response = api.patch(f"/goals/{goal.pk}", {"target_value": 5, "version": 1})
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    goal.refresh_from_db()
    assert (goal.target_value, goal.version) == (4, 2)


def test_api_decision_and_session_patches_must_say_their_version(world, draft):
    api = Api(world.manager)
    response = api.patch(f"/decisions/{draft.pk}", {"reason": "x"})
    assert response.status_code == 422 and "version" in response.json()["fields"]
    ok = api.patch(
        f"/decisions/{draft.pk}", {"reason": "x"}, headers={"HTTP_IF_MATCH": str(draft.version)}
    )
    assert ok.status_code == 200, ok.content
    assert Decision.objects.get(pk=draft.pk).reason == "x"


# PostgreSQL ---------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs real concurrent transactions and row locks (PostgreSQL); SQLite "
    "serialises writers, so there is no race to test.",
)
def test_two_concurrent_goal_edits_from_one_version_store_one_and_refuse_the_other(world):
    goal = make_goal(world)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}
    lock = threading.Lock()

    def edit(user, words: str) -> None:
        mine = Goal.objects.get(pk=goal.pk)
        try:
            barrier.wait(timeout=10)
            services.goal_update(goal=mine, by=user, based_on=1, in_own_words=words)
            result = "stored"
        except Conflict as exc:
            result = exc.code
        finally:
            connections.close_all()
        with lock:
            outcomes[words] = result

    threads = [
        threading.Thread(target=edit, args=(world.manager, "Calm mornings")),
        threading.Thread(target=edit, args=(world.team_leader, "Quiet mornings")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["stale_version", "stored"]
    (winner,) = [words for words, result in outcomes.items() if result == "stored"]
    stored = Goal.objects.get(pk=goal.pk)
    assert (stored.in_own_words, stored.version) == (winner, 2)
    assert Goal.history.filter(id=goal.pk).count() == 2
