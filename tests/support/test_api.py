import json

import pytest

from coplan.support.models import Routine
from coplan.support.services import ROUTINE_NEEDS_AGREED, SUMMARY_CHECK
from tests.delivery.helpers import Api
from tests.support.factories import agreed_decision, draft_decision, morning_routine, tomorrow_at

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
            "version": created.json()["version"],
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


# Versions: in force from, no lost updates, the summary


def _change(routine, **fields):
    decision = routine.versions.get(is_current=True).decisions.first()
    return {
        "decisions": [decision.pk],
        "steps": STEPS,
        "change_reason": "Shower moved later.",
        "agency_summary": "Breakfast first.\nShower at 09:30.",
        **fields,
    }


def test_api_change_needs_the_version_it_was_based_on(world):
    routine = morning_routine(world.person, world.team_leader)
    url = f"/support/people/{world.person.pk}/routines/{routine.pk}/versions"
    response = Api(world.team_leader).post(url, _change(routine))
    assert response.status_code == 422
    assert "version" in response.json()["fields"]
    assert routine.versions.count() == 1


def test_api_stale_change_is_409_and_overwrites_nothing(world):
    routine = morning_routine(world.person, world.team_leader)
    url = f"/support/people/{world.person.pk}/routines/{routine.pk}/versions"
    first = Api(world.team_leader).post(url, _change(routine, version=1))
    assert first.status_code == 201 and first.json()["version"] == 2
    stale = Api(world.manager).post(
        url, _change(routine, version=1, steps=STEPS[:1], change_reason="Mine instead.")
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "stale_version"
    assert "Tariq Leader changed this" in body["message"]
    routine.refresh_from_db()
    assert routine.version == 2
    assert routine.versions.get(is_current=True).change_reason == "Shower moved later."


def test_api_takes_the_version_from_if_match_and_answers_with_an_etag(world):
    routine = morning_routine(world.person, world.team_leader)
    api = Api(world.team_leader)
    got = api.get(f"/support/people/{world.person.pk}/routines/{routine.pk}")
    assert got["ETag"] == '"1"'
    response = api.client.post(
        f"/api/v1/support/people/{world.person.pk}/routines/{routine.pk}/versions",
        data=json.dumps(_change(routine)),
        content_type="application/json",
        HTTP_IF_MATCH=got["ETag"],
    )
    assert response.status_code == 201
    stale = api.client.post(
        f"/api/v1/support/people/{world.person.pk}/routines/{routine.pk}/versions",
        data=json.dumps(_change(routine)),
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
    )
    assert stale.status_code == 409


def test_api_version_in_force_later_leaves_todays_in_force(world):
    routine = morning_routine(world.person, world.team_leader)
    url = f"/support/people/{world.person.pk}/routines/{routine.pk}/versions"
    later = tomorrow_at(7)
    response = Api(world.team_leader).post(
        url,
        _change(
            routine,
            version=1,
            effective_from=later.isoformat(),
            agency_summary="From tomorrow: shower later.",
        ),
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["in_force"]["number"], body["current"]["number"]) == (1, 2)
    assert body["current"]["effective_from"].startswith(later.strftime("%Y-%m-%dT07:00"))


def test_api_refuses_new_steps_under_an_old_summary_unless_confirmed(world):
    routine = morning_routine(world.person, world.team_leader)
    url = f"/support/people/{world.person.pk}/routines/{routine.pk}/versions"
    api = Api(world.team_leader)
    old_summary = "Breakfast first.\nShower later."
    refused = api.post(url, _change(routine, version=1, agency_summary=old_summary))
    assert refused.status_code == 422
    assert refused.json()["fields"]["agency_summary"] == [SUMMARY_CHECK]
    assert routine.versions.count() == 1
    confirmed = api.post(
        url, _change(routine, version=1, agency_summary=old_summary, summary_confirmed=True)
    )
    assert confirmed.status_code == 201


def test_api_instruction_versions_and_taking_out_of_force(world):
    api = Api(world.team_leader)
    decision = agreed_decision(world.person, world.manager)
    base = f"/support/people/{world.person.pk}/instructions"
    made = api.post(
        base,
        {
            "category": "sensory",
            "title": "Quiet",
            "text": "Low voices.",
            "decisions": [decision.pk],
        },
    )
    assert made.status_code == 201
    item = made.json()
    assert (item["version"], item["in_force"]["text"], item["is_active"]) == (
        1,
        "Low voices.",
        True,
    )
    changed = api.post(
        f"{base}/{item['id']}/versions",
        {
            "version": 1,
            "decisions": [decision.pk],
            "text": "Low voices, lamp not the big light.",
            "change_reason": "Light too.",
        },
    )
    assert changed.status_code == 201
    assert changed.json()["in_force"]["text"] == "Low voices, lamp not the big light."
    off = api.post(f"{base}/{item['id']}/activate", {"version": 1, "active": False})
    assert off.status_code == 409
    off = api.post(f"{base}/{item['id']}/activate", {"version": 2, "active": False})
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert (
        Api(world.worker).post(f"{base}/{item['id']}/activate", {"version": 3}).status_code == 403
    )
