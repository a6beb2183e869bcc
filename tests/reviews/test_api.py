"""The reviews API: the same rules and messages as the web pages, as JSON."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from coplan.access.models import AccessLog
from coplan.accounts.services import api_token_create
from coplan.reviews import services
from coplan.reviews.models import CheckIn, ReviewTrigger
from tests.reviews.conftest import agreed_decision

pytestmark = pytest.mark.django_db
BASE = "/api/v1/reviews"


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


def test_person_checks_in_through_the_api_as_themselves(world, goal):
    api = Api(world.person_user)
    response = api.post(
        f"/people/{world.person.pk}/check-ins",
        {
            "answered_by": "staff",
            "answers": [{"item_kind": "goal", "item_id": goal.pk, "answer": "not_sure"}],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["answered_by"], body["on_behalf"], body["how"]) == ("person", False, "pictures")
    assert body["recorded_by"] == "Sam Taylor"
    assert body["answers"][0]["item_label"] == goal.in_own_words


def test_staff_check_in_through_the_api_is_on_behalf(world, goal):
    api = Api(world.worker)
    answers = [{"item_kind": "goal", "item_id": goal.pk, "answer": "worked"}]
    missing = api.post(f"/people/{world.person.pk}/check-ins", {"answers": answers})
    assert missing.status_code == 422
    assert missing.json()["fields"] == {"how": ["Say how the answers were given."]}
    response = api.post(
        f"/people/{world.person.pk}/check-ins", {"answers": answers, "how": "spoken"}
    )
    assert response.status_code == 201
    assert (response.json()["answered_by"], response.json()["on_behalf"]) == (
        "staff_with_person",
        True,
    )


def test_list_check_ins_says_who_answered_and_how_and_logs_the_read(world, goal):
    services.checkin_record(
        person=world.person,
        by=world.person_user,
        answers=[{"item_kind": "goal", "item_id": goal.pk, "answer": "worked"}],
    )
    response = Api(world.team_leader).get(f"/people/{world.person.pk}/check-ins")
    assert response.status_code == 200
    (item,) = response.json()["items"]
    assert (item["answered_by_label"], item["how"]) == (
        "The person, from their own login",
        "pictures",
    )
    assert AccessLog.objects.filter(user=world.team_leader, what="Check-ins").count() == 1


@pytest.mark.parametrize(
    "who,status",
    [
        ("worker", 200),
        ("quality_lead", 200),
        ("person_user", 200),
        ("agency_now", 403),
        ("sister_user", 403),
        ("outsider", 404),
        ("admin", 404),
        ("anonymous", 401),
    ],
)
def test_who_may_read_check_ins_triggers_and_reviews(world, who, status):
    api = Api(world.everyone[who])
    paths = ["check-ins", "triggers", "reviews"]
    got = {p: api.get(f"/people/{world.person.pk}/{p}").status_code for p in paths}
    assert got == dict.fromkeys(paths, status)


@pytest.mark.parametrize(
    "who,status",
    [
        ("worker", 201),
        ("person_user", 201),
        ("agency_now", 403),
        ("quality_lead", 403),
        ("outsider", 404),
        ("anonymous", 401),
    ],
)
def test_who_may_check_in_through_the_api(world, goal, who, status):
    response = Api(world.everyone[who]).post(
        f"/people/{world.person.pk}/check-ins",
        {
            "answers": [{"item_kind": "goal", "item_id": goal.pk, "answer": "worked"}],
            "how": "spoken",
        },
    )
    assert response.status_code == status
    assert CheckIn.objects.count() == (1 if status == 201 else 0)


def test_triggers_open_by_hand_and_close_only_with_a_reason(world):
    opened = Api(world.sister_user).post(
        f"/people/{world.person.pk}/triggers", {"reason": "Sam is unhappy in the mornings"}
    )
    assert opened.status_code == 201
    assert opened.json()["kind"] == "circle_asked"
    trigger_id = opened.json()["id"]
    leader = Api(world.team_leader)
    refused = leader.post(f"/triggers/{trigger_id}/close", {"reason": ""})
    assert refused.status_code == 422
    assert refused.json()["fields"] == {
        "closed_reason": [
            "A trigger can only be closed by a review or with a recorded reason to wait."
        ]
    }
    closed = leader.post(f"/triggers/{trigger_id}/close", {"reason": "Waiting for the OT visit"})
    assert closed.status_code == 200
    assert closed.json()["status"] == "waiting"
    again = leader.post(f"/triggers/{trigger_id}/close", {"reason": "x"})
    assert again.status_code == 409


@pytest.mark.parametrize(
    "who,status",
    [
        ("worker", 403),
        ("quality_lead", 403),
        ("person_user", 403),
        ("outsider", 404),
        ("anonymous", 401),
        ("manager", 200),
    ],
)
def test_who_may_close_a_trigger(world, who, status):
    trigger = services.trigger_open_by_hand(person=world.person, by=world.person_user, reason="x")
    response = Api(world.everyone[who]).post(f"/triggers/{trigger.pk}/close", {"reason": "wait"})
    assert response.status_code == status


def test_review_open_contribute_conclude_and_read(world):
    decision = agreed_decision(world.person, world.manager, review_by=timezone.localdate())
    (trigger,) = services.scan()
    leader = Api(world.team_leader)
    opened = leader.post(f"/people/{world.person.pk}/reviews", {"trigger_ids": [trigger.pk]})
    assert opened.status_code == 201, opened.content
    review_id = opened.json()["id"]
    assert opened.json()["trigger_ids"] == [trigger.pk]

    mine = Api(world.person_user).post(
        f"/reviews/{review_id}/contributions", {"pleased": "Breakfast first", "name": "Boss"}
    )
    assert mine.status_code == 201
    assert (mine.json()["name"], mine.json()["contributor_kind"]) == ("Sam", "person")
    assert (
        Api(world.sister_user)
        .post(f"/reviews/{review_id}/contributions", {"pleased": "x"})
        .status_code
        == 403
    )

    assert (
        Api(world.worker)
        .post(f"/reviews/{review_id}/conclude", {"outcome": "keep_as_is"})
        .status_code
        == 403
    )
    new = agreed_decision(world.person, world.manager, question="Evening shower?")
    done = leader.post(
        f"/reviews/{review_id}/conclude",
        {"outcome": "new_decisions", "new_decision_ids": [new.pk], "learned": "Mornings rushed"},
    )
    assert done.status_code == 200, done.content
    assert done.json()["new_decision_ids"] == [new.pk]
    assert done.json()["status"] == "concluded"
    assert ReviewTrigger.objects.get(pk=trigger.pk).status == "reviewed"

    read = Api(world.quality_lead).get(f"/reviews/{review_id}")
    assert read.status_code == 200
    assert read.json()["contributions"][0]["pleased"] == "Breakfast first"
    assert Api(world.outsider).get(f"/reviews/{review_id}").status_code == 404
    assert decision.pk != new.pk


def test_conclude_keep_as_is_without_reason_is_refused_with_the_same_message(world):
    review = services.review_open(person=world.person, by=world.manager)
    response = Api(world.manager).post(
        f"/reviews/{review.pk}/conclude",
        {
            "outcome": "keep_as_is",
            "next_review_on": str(timezone.localdate() + timedelta(days=9)),
            "next": "Carry on",
        },
    )
    assert response.status_code == 422
    assert response.json()["fields"] == {"keep_reason": ["Say why the plan stays as it is."]}
