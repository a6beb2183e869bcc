import pytest

from coplan.support.models import Routine
from coplan.support.services import ROUTINE_NEEDS_AGREED
from tests.delivery.helpers import Api
from tests.support.factories import agreed_decision, draft_decision, morning_routine

STEPS = [
    {"title": "Breakfast first", "agreed_words": "Breakfast is ready.", "window_start": "07:30"},
    {"title": "Shower later", "window_start": "09:30", "window_end": "11:00"},
]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("worker", 200),
        ("quality_lead", 200),
        ("outsider", 404),
        ("admin", 404),
        ("sister_user", 403),
    ],
)
def test_list_routines_access(world, who, status):
    morning_routine(world.person, world.team_leader)
    response = Api(world.everyone[who]).get(f"/support/people/{world.person.pk}/routines")
    assert response.status_code == status
    if status == 200:
        (item,) = response.json()["items"]
        assert item["current"]["steps"][0]["title"] == "Breakfast first"


def test_api_needs_a_token(world):
    from django.test import Client

    response = Client().get(f"/api/v1/support/people/{world.person.pk}/routines")
    assert response.status_code == 401


def test_create_routine_refuses_activation_without_agreed_decision(world):
    draft = draft_decision(world.person, world.team_leader)
    response = Api(world.team_leader).post(
        f"/support/people/{world.person.pk}/routines",
        {"name": "Morning", "decisions": [draft.pk], "steps": STEPS, "activate": True},
    )
    assert response.status_code == 422
    assert response.json()["fields"]["decisions"] == [ROUTINE_NEEDS_AGREED]
    assert not Routine.objects.exists()


def test_create_and_change_routine_through_the_api(world):
    api = Api(world.team_leader)
    decision = agreed_decision(world.person, world.manager)
    created = api.post(
        f"/support/people/{world.person.pk}/routines",
        {"name": "Morning", "decisions": [decision.pk], "steps": STEPS, "activate": True},
    )
    assert created.status_code == 201
    routine_id = created.json()["id"]
    changed = api.post(
        f"/support/people/{world.person.pk}/routines/{routine_id}/versions",
        {
            "decisions": [agreed_decision(world.person, world.manager, "Later?").pk],
            "steps": STEPS[:1],
            "change_reason": "Shower moved to the evening.",
        },
    )
    assert changed.status_code == 201
    body = changed.json()
    assert [v["number"] for v in body["versions"]] == [2, 1]
    assert body["current"]["change_reason"] == "Shower moved to the evening."


def test_support_worker_cannot_write_routines(world):
    decision = agreed_decision(world.person, world.manager)
    response = Api(world.worker).post(
        f"/support/people/{world.person.pk}/routines",
        {"name": "Morning", "decisions": [decision.pk], "steps": STEPS},
    )
    assert response.status_code == 403
    assert not Routine.objects.exists()


def test_rhythm_and_instruction_endpoints(world):
    api = Api(world.team_leader)
    decision = agreed_decision(world.person, world.manager)
    rhythm = api.post(
        f"/support/people/{world.person.pk}/rhythms",
        {
            "name": "My week",
            "decisions": [decision.pk],
            "entries": [
                {"day": 0, "time": "10:00", "activity": "Library", "kind": "priority"},
                {"day": 3, "activity": "Swimming", "kind": "flexible"},
            ],
            "preparation": "Clothes\nTravel card",
            "activate": True,
        },
    )
    assert rhythm.status_code == 201
    assert rhythm.json()["current"]["preparation"] == ["Clothes", "Travel card"]
    made = api.post(
        f"/support/people/{world.person.pk}/instructions",
        {
            "category": "sensory",
            "title": "Quiet",
            "text": "Low voices.",
            "decisions": [decision.pk],
        },
    )
    assert made.status_code == 201
    listed = Api(world.worker).get(f"/support/people/{world.person.pk}/instructions")
    assert [i["title"] for i in listed.json()["items"]] == ["Quiet"]
