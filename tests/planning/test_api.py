import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from coplan.accounts.services import api_token_create
from coplan.people import services as people_services
from coplan.people.models import CommunicationNeed
from coplan.planning import services
from coplan.planning.models import (
    CoproductionSession,
    Decision,
    DecisionOption,
    DecisionParticipant,
    Goal,
    GoalProgress,
    SessionView,
)
from coplan.planning.services import AGREED_CANNOT_CHANGE
from tests.snapshot import snapshot

from .conftest import make_draft

BASE = "/api/v1/planning"


class Api:
    def __init__(self, user):
        self.client = Client()
        self.headers = {}
        if user is not None:
            _, secret = api_token_create(user=user, name="test")
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, path):
        return self.client.get(BASE + path, **self.headers)

    def post(self, path, body=None):
        return self.client.post(
            BASE + path, json.dumps(body or {}), content_type="application/json", **self.headers
        )

    def patch(self, path, body, headers=None):
        return self.client.patch(
            BASE + path,
            json.dumps(body),
            content_type="application/json",
            **self.headers,
            **(headers or {}),
        )

    def delete(self, path):
        return self.client.delete(BASE + path, **self.headers)


def decision_body(**overrides):
    body = {
        "domain": "support",
        "question": "How should Sam's evenings go?",
        "agreed": "Tea at six, then music.",
        "reason": "Sam chose it.",
        "review_by": str(timezone.localdate() + timedelta(days=30)),
        "options": [
            {"label": "Tea at six", "proposed_by": "Sam", "is_chosen": True},
            {"label": "Music first", "proposed_by": "Staff"},
        ],
        "participants": [
            {"kind": "person", "name": "Sam", "how": "pictures"},
            {"kind": "staff", "name": "Tariq", "how": "in_person"},
        ],
    }
    body.update(overrides)
    return body


def test_create_edit_and_agree_a_decision_through_the_api(world):
    leader, manager = Api(world.team_leader), Api(world.manager)
    created = leader.post(f"/people/{world.person.pk}/decisions", decision_body())
    assert created.status_code == 201
    data = created.json()
    assert data["status"] == "draft"
    assert [o["label"] for o in data["options"]] == ["Tea at six", "Music first"]
    option_ids = [o["id"] for o in data["options"]]

    edited = leader.patch(
        f"/decisions/{data['id']}",
        {
            "question": "Evenings, revised",
            "version": 1,
            "options": [
                {"id": option_ids[0], "label": "Tea at six", "is_chosen": False},
                {"id": option_ids[1], "label": "Music first", "is_chosen": True},
            ],
        },
    )
    assert edited.status_code == 200
    assert edited.json()["version"] == 2
    assert [o["is_chosen"] for o in edited.json()["options"]] == [False, True]

    agreed = manager.post(f"/decisions/{data['id']}/agree", {"confirmed": True, "version": 2})
    assert agreed.status_code == 200
    assert agreed.json()["status"] == "agreed"
    assert agreed.json()["agreed_by_name"] == "Mona Manager"


def test_final_say_comes_from_the_agreement_when_left_out(world):
    people_services.agreement_entry_create(
        person=world.person,
        by=world.manager,
        decision_kind="Going out and travel",
        how_involved="Talk it through with me.",
        final_say="Sam",
    )
    response = Api(world.team_leader).post(
        f"/people/{world.person.pk}/decisions", decision_body(domain="risk")
    )
    assert response.json()["final_say"] == "Sam"


def test_editing_an_agreed_decision_answers_409(world, agreed):
    response = Api(world.manager).patch(
        f"/decisions/{agreed.pk}", {"question": "Changed", "version": agreed.version}
    )
    assert response.status_code == 409
    assert response.json() == {
        "code": "decision_agreed",
        "message": AGREED_CANNOT_CHANGE,
        "fields": {},
    }
    agreed.refresh_from_db()
    assert agreed.question == "How should Sam's mornings go?"


def test_deleting_an_agreed_decision_answers_409(world, agreed):
    response = Api(world.manager).delete(f"/decisions/{agreed.pk}")
    assert response.status_code == 409
    assert response.json()["message"] == AGREED_CANNOT_CHANGE
    assert Decision.objects.filter(pk=agreed.pk).exists()


def test_deleting_a_draft_answers_204(world, draft):
    response = Api(world.team_leader).delete(f"/decisions/{draft.pk}")
    assert response.status_code == 204
    assert not Decision.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"options": [{"label": "Only", "is_chosen": True}]},
            "options",
            "Record at least two options that were discussed.",
        ),
        (
            {"options": [{"label": "A"}, {"label": "B"}]},
            "options",
            "Mark exactly one option as the one chosen.",
        ),
        ({"reason": ""}, "reason", "Say why this was agreed."),
        (
            {"participants": [{"kind": "staff", "name": "Tariq", "how": "in_person"}]},
            "participants",
            "Record at least one participant who is not staff (the person, their circle or "
            "another professional), or say why the person could not take part.",
        ),
        (
            {"review_by": None},
            "review_by",
            "Give a review-by date or what would make us review it sooner.",
        ),
        (
            {"capacity": "best_interests"},
            "bi_wishes",
            "For a best-interests decision, record the person's past and present wishes, "
            "feelings, beliefs and values.",
        ),
        (
            {
                "domain": "risk",
                "options": [
                    {"label": "A", "restrictiveness": 1, "is_chosen": True},
                    {"label": "B"},
                ],
            },
            "options",
            "For a risk decision, rank every option from most restrictive (1) to least "
            "restrictive.",
        ),
        (
            {
                "domain": "risk",
                "options": [
                    {"label": "Stay in", "restrictiveness": 1, "is_chosen": True},
                    {"label": "Go out", "restrictiveness": 2},
                ],
            },
            "more_restrictive_reason",
            "The chosen option is more restrictive than “Go out”, which was marked workable: "
            "say why a more restrictive option was chosen.",
        ),
    ],
)
def test_agree_through_the_api_names_what_is_missing(world, overrides, field, message):
    created = Api(world.team_leader).post(
        f"/people/{world.person.pk}/decisions", decision_body(**overrides)
    )
    assert created.status_code == 201
    decision = Decision.objects.get(pk=created.json()["id"])
    before = snapshot(decision, DecisionOption, DecisionParticipant)
    response = Api(world.manager).post(
        f"/decisions/{decision.pk}/agree", {"confirmed": True, "version": 1}
    )
    assert response.status_code == 422
    assert message in response.json()["fields"][field]
    assert snapshot(decision, DecisionOption, DecisionParticipant) == before


def test_supersede_through_the_api_and_a_second_attempt_conflicts(world, agreed):
    api = Api(world.manager)
    first = api.post(f"/decisions/{agreed.pk}/supersede")
    assert first.status_code == 201
    assert first.json()["supersedes_id"] == agreed.pk
    assert first.json()["status"] == "draft"
    before = snapshot(Decision, DecisionOption, DecisionParticipant, agreed)
    second = api.post(f"/decisions/{agreed.pk}/supersede")
    assert second.status_code == 409
    assert second.json()["code"] == "already_superseded"
    assert snapshot(Decision, DecisionOption, DecisionParticipant, agreed) == before
    old = api.get(f"/decisions/{agreed.pk}").json()
    assert old["superseded_by_id"] == first.json()["id"]


def test_decision_list_filters_by_domain_and_status(world, agreed):
    make_draft(world, domain="risk", question="Travel?")
    api = Api(world.worker)
    everything = api.get(f"/people/{world.person.pk}/decisions").json()
    assert everything["count"] == 2
    risk = api.get(f"/people/{world.person.pk}/decisions?domain=risk").json()
    assert [d["question"] for d in risk["items"]] == ["Travel?"]
    agreed_only = api.get(f"/people/{world.person.pk}/decisions?status=agreed").json()
    assert [d["id"] for d in agreed_only["items"]] == [agreed.pk]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("worker", 403),
        ("quality_lead", 403),
        ("person_user", 403),
        ("sister_user", 403),
        ("outsider", 404),
        ("team_leader", 201),
    ],
)
def test_who_may_create_decisions_through_the_api(world, who, status):
    response = Api(world.everyone[who]).post(
        f"/people/{world.person.pk}/decisions", decision_body()
    )
    assert response.status_code == status
    made = 1 if status == 201 else 0
    assert (Decision.objects.count(), DecisionOption.objects.count()) == (made, 2 * made)


@pytest.mark.parametrize(
    ("who", "status"),
    [("person_user", 200), ("worker", 200), ("sister_user", 403), ("outsider", 404)],
)
def test_who_may_read_decisions_through_the_api(world, agreed, who, status):
    assert Api(world.everyone[who]).get(f"/decisions/{agreed.pk}").status_code == status


def test_anonymous_api_call_is_401(world, agreed):
    response = Api(None).get(f"/people/{world.person.pk}/decisions")
    assert response.status_code == 401


def test_support_worker_cannot_agree_through_the_api(world, draft):
    before = snapshot(draft)
    body = {"confirmed": True, "version": draft.version}
    assert Api(world.worker).post(f"/decisions/{draft.pk}/agree", body).status_code == 403
    assert snapshot(draft) == before


# Sessions ----------------------------------------------------------------------------


def session_body(**overrides):
    body = {
        "purpose": "What makes a good evening",
        "domain": "support",
        "scheduled_for": (timezone.now() + timedelta(days=3)).isoformat(),
        "prompts": ["What does a good evening look like for you?"],
        "choices": [{"label": "Tea at six"}, {"label": "Music first", "picture": "music"}],
        "invitees": [{"kind": "person", "name": "Sam"}],
    }
    body.update(overrides)
    return body


def test_create_read_update_and_list_sessions_through_the_api(world):
    people_services.communication_need_create(
        person=world.person,
        by=world.manager,
        category=CommunicationNeed.Category.INFORMATION_FORMAT,
        information_format="easy_read",
        need="Easy read",
        review_on=timezone.localdate() + timedelta(days=90),
    )
    api = Api(world.team_leader)
    created = api.post(
        f"/people/{world.person.pk}/sessions",
        session_body(
            invitees=[{"kind": "circle", "name": "Jo", "circle_member_id": world.sister.pk}]
        ),
    )
    assert created.status_code == 201
    data = created.json()
    assert data["information_formats"] == ["easy_read"]
    assert [c["label"] for c in data["choices"]] == ["Tea at six", "Music first"]
    assert data["invitees"][0]["circle_member"] == world.sister.pk

    updated = api.patch(f"/sessions/{data['id']}", {"location": "The garden", "version": 1})
    assert updated.status_code == 200
    assert updated.json()["location"] == "The garden"
    assert updated.json()["version"] == 2

    listed = Api(world.worker).get(f"/people/{world.person.pk}/sessions").json()
    assert [s["id"] for s in listed["items"]] == [data["id"]]
    assert Api(world.person_user).get(f"/sessions/{data['id']}").status_code == 200
    assert Api(world.sister_user).get(f"/sessions/{data['id']}").status_code == 403
    assert Api(world.outsider).get(f"/sessions/{data['id']}").status_code == 404
    assert (
        Api(world.worker).post(f"/people/{world.person.pk}/sessions", session_body()).status_code
        == 403
    )
    assert CoproductionSession.objects.count() == 1


def _session(world) -> CoproductionSession:
    return services.session_create(
        person=world.person,
        by=world.team_leader,
        purpose="Evenings",
        domain="support",
        scheduled_for=timezone.now() + timedelta(days=2),
    )


def test_person_and_circle_add_their_own_views_through_the_api(world):
    session = _session(world)
    own = Api(world.person_user).post(f"/sessions/{session.pk}/views", {"text": "Music first."})
    assert own.status_code == 201
    assert (own.json()["author_name"], own.json()["on_behalf"]) == ("Sam", False)
    sister = Api(world.sister_user).post(f"/sessions/{session.pk}/views", {"text": "Ask him."})
    assert sister.status_code == 201
    assert sister.json()["author_kind"] == "circle"
    assert (
        Api(world.outsider).post(f"/sessions/{session.pk}/views", {"text": "x"}).status_code == 404
    )
    assert SessionView.objects.count() == 2


def test_staff_view_on_behalf_is_marked_through_the_api(world):
    session = _session(world)
    response = Api(world.worker).post(
        f"/sessions/{session.pk}/views",
        {"text": "He wants music first.", "on_behalf_of": "person", "how_given": "pictures"},
    )
    assert response.status_code == 201
    view = SessionView.objects.get()
    assert (view.on_behalf, view.recorded_by, view.author_name) == (True, world.worker, "Sam")
    missing = Api(world.worker).post(f"/sessions/{session.pk}/views", {"text": "Whose?"})
    assert missing.status_code == 422
    assert missing.json()["fields"] == {"on_behalf_of": ["Say whose view this is."]}
    assert SessionView.objects.count() == 1


# Goals --------------------------------------------------------------------------------


def test_goals_and_progress_through_the_api(world, agreed):
    api = Api(world.team_leader)
    created = api.post(
        f"/people/{world.person.pk}/goals",
        {
            "in_own_words": "Start my day calm",
            "success_looks_like": "4 out of 5 most days",
            "measure": "rating",
            "scale_max": 5,
            "decision_ids": [agreed.pk],
            "actions": [{"what": "Picture checklist", "who": "Morning staff", "when": "Daily"}],
        },
    )
    assert created.status_code == 201
    goal_id = created.json()["id"]
    assert created.json()["decision_ids"] == [agreed.pk]

    paused = api.patch(f"/goals/{goal_id}", {"status": "paused", "version": 1})
    assert paused.status_code == 422
    assert paused.json()["fields"] == {"status_reason": ["Say why the goal is paused."]}
    assert Goal.objects.values_list("status", "version").get() == ("active", 1)
    ok = api.patch(
        f"/goals/{goal_id}", {"status": "paused", "status_reason": "In hospital", "version": 1}
    )
    assert ok.status_code == 200 and ok.json()["status"] == "paused"

    too_high = api.post(f"/goals/{goal_id}/progress", {"value": 9})
    assert too_high.status_code == 422
    assert too_high.json()["fields"] == {"value": ["Give a rating from 1 to 5."]}
    assert not GoalProgress.objects.exists()
    entry = Api(world.worker).post(
        f"/goals/{goal_id}/progress", {"value": 4, "persons_words": "Good."}
    )
    assert entry.status_code == 201
    listed = Api(world.person_user).get(f"/goals/{goal_id}/progress").json()
    assert [(p["value"], p["persons_words"]) for p in listed["items"]] == [(4, "Good.")]
    goals = Api(world.person_user).get(f"/people/{world.person.pk}/goals").json()
    assert [g["in_own_words"] for g in goals["items"]] == ["Start my day calm"]
    assert Api(world.sister_user).get(f"/goals/{goal_id}").status_code == 403
    assert (
        Api(world.person_user).post(f"/goals/{goal_id}/progress", {"value": 3}).status_code == 403
    )
    assert Goal.objects.get().progress.count() == 1
