"""The assurance API: alignment checks (list, create), spot checks (list, create, draw,
results) and the index as JSON; bad input is a JSON 4xx; creates are idempotent."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client

from coplan.accounts.services import api_token_create
from coplan.assurance import alignment
from coplan.assurance.models import AlignmentCheck, FollowUp, SpotCheck
from tests.factories import RoutineRunFactory

BASE = "/api/v1/assurance"


def _client(user) -> Client:
    _, secret = api_token_create(user=user, name="test")
    client = Client()
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def _post(client, url, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        url, data=json.dumps(body, default=str), content_type="application/json", **headers
    )


@pytest.fixture
def runs(world, plan):
    for outcome in ("completed", "completed", "refused"):
        RoutineRunFactory(routine=plan["routine"], by=world.worker, outcome=outcome)


def _answers(world, result="matches"):
    return [
        {"source": q.source, "answer": "Breakfast first", "result": result}
        for q in alignment.questions_for(world.person, "supervision")
    ]


def test_create_an_alignment_check_once_per_key(world, plan):
    api = _client(world.manager)
    questions = api.get(f"{BASE}/people/{world.person.pk}/alignment-questions?kind=supervision")
    assert questions.status_code == 200
    assert questions.json()[0]["prompt"] == "How does Sam like the morning routine to go?"
    answers = _answers(world)
    answers[0]["result"] = "differs"
    body = {
        "staff_id": world.worker.pk,
        "kind": "supervision",
        "answers": answers,
        "follow_up": {
            "what": "Observe at breakfast",
            "owner_id": world.manager.pk,
            "due_on": "2030-01-01",
        },
    }
    key = str(uuid.uuid4())
    first = _post(api, f"{BASE}/people/{world.person.pk}/alignment-checks", body, key)
    assert first.status_code == 201, first.content
    again = _post(api, f"{BASE}/people/{world.person.pk}/alignment-checks", body, key)
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert AlignmentCheck.objects.count() == 1 and FollowUp.objects.count() == 1
    data = first.json()
    assert data["is_aligned"] is False
    assert data["items"][0]["plan_text"]  # filled from the plan, not from the client
    other = _post(
        api, f"{BASE}/people/{world.person.pk}/alignment-checks", {**body, "notes": "x"}, key
    )
    assert other.status_code == 409 and set(other.json()) == {"code", "message", "fields"}
    listed = api.get(f"{BASE}/alignment-checks?person_id={world.person.pk}")
    assert [c["id"] for c in listed.json()] == [data["id"]]
    # The worker checked sees it; the team leader does not.
    assert _client(world.worker).get(f"{BASE}/alignment-checks/{data['id']}").status_code == 200
    assert (
        _client(world.team_leader).get(f"{BASE}/alignment-checks/{data['id']}").status_code == 403
    )


def test_bad_alignment_input_is_a_json_4xx_and_saves_nothing(world, plan):
    api = _client(world.manager)
    url = f"{BASE}/people/{world.person.pk}/alignment-checks"
    cases = [
        {"staff_id": world.outsider.pk, "kind": "supervision", "answers": _answers(world)},
        {"staff_id": world.worker.pk, "kind": "nonsense", "answers": []},
        {
            "staff_id": world.worker.pk,
            "kind": "supervision",
            "answers": [{"source": "nope", "result": "matches"}],
        },
        {"staff_id": world.worker.pk, "kind": "supervision", "answers": _answers(world, "differs")},
        {"staff_id": world.worker.pk, "kind": "observation", "answers": []},
    ]
    for body in cases:
        response = _post(api, url, body, str(uuid.uuid4()))
        assert 400 <= response.status_code < 500, (body, response.content)
        assert set(response.json()) == {"code", "message", "fields"}
    assert _post(api, url, cases[0]).status_code == 422  # no idempotency key
    assert not AlignmentCheck.objects.exists()
    refused = _post(_client(world.worker), url, cases[0], str(uuid.uuid4()))
    assert refused.status_code == 403


def test_spot_checks_through_the_api(world, runs, period):
    api = _client(world.quality_lead)
    body = {"period_start": period[0], "period_end": period[1], "sample_size": 2, "seed": 99}
    key = str(uuid.uuid4())
    made = _post(api, f"{BASE}/services/{world.service_a.pk}/spot-checks", body, key)
    assert made.status_code == 201, made.content
    assert (
        _post(api, f"{BASE}/services/{world.service_a.pk}/spot-checks", body, key).json()["id"]
        == made.json()["id"]
    )
    assert SpotCheck.objects.count() == 1
    check = made.json()
    assert check["seed"] == 99 and len(check["items"]) == 2
    drawn = _post(api, f"{BASE}/services/{world.service_a.pk}/spot-checks/draw", body)
    assert drawn.status_code == 200
    assert [(s["record_kind"], s["record_id"]) for s in drawn.json()["sample"]] == [
        (i["record_kind"], i["record_id"]) for i in check["items"]
    ]
    redrawn = api.get(f"{BASE}/spot-checks/{check['id']}/draw").json()
    assert redrawn["same_as_kept"] is True
    results = {
        "items": [
            {
                "item_id": i["id"],
                "results": {
                    "step_order": "pass",
                    "adjustments": "na",
                    "agreed_words": "pass",
                    "late_entry": "na",
                },
            }
            for i in check["items"]
        ],
        "findings": "Good.",
        "actions": [
            {"what": "Share at team meeting", "owner_id": world.manager.pk, "due_on": "2030-01-01"}
        ],
    }
    recorded = _post(api, f"{BASE}/spot-checks/{check['id']}/results", results)
    assert recorded.status_code == 200, recorded.content
    assert recorded.json()["status"] == "done"
    listed = api.get(f"{BASE}/services/{world.service_a.pk}/spot-checks").json()
    assert [c["id"] for c in listed] == [check["id"]]
    # A manager may read them but not draw one.
    manager = _client(world.manager)
    assert manager.get(f"{BASE}/services/{world.service_a.pk}/spot-checks").status_code == 200
    assert (
        _post(
            manager, f"{BASE}/services/{world.service_a.pk}/spot-checks", body, str(uuid.uuid4())
        ).status_code
        == 403
    )
    assert _client(world.outsider).get(f"{BASE}/spot-checks/{check['id']}").status_code == 404


def test_bad_spot_check_input_is_a_json_4xx(world, runs, period):
    api = _client(world.quality_lead)
    url = f"{BASE}/services/{world.service_a.pk}/spot-checks"
    for body in (
        {"period_start": period[1], "period_end": period[0]},
        {"period_start": period[0], "period_end": period[1], "sample_size": 0},
        {"period_start": "0001-01-01", "period_end": period[1]},
        {"period_start": "yesterday", "period_end": period[1]},
    ):
        response = _post(api, url, body, str(uuid.uuid4()))
        assert 400 <= response.status_code < 500, (body, response.content)
        assert set(response.json()) == {"code", "message", "fields"}
    assert not SpotCheck.objects.exists()
    assert (
        api.get(f"{BASE}/services/{world.service_a.pk}/index?start=2026-02-30").status_code == 400
    )


def test_the_index_as_json(world, runs, period):
    api = _client(world.quality_lead)
    person = api.get(f"{BASE}/people/{world.person.pk}/index?start={period[0]}&end={period[1]}")
    assert person.status_code == 200
    data = person.json()
    support = next(d for d in data["domains"] if d["domain"] == "support")
    assert (support["practice"]["numerator"], support["practice"]["denominator"]) == (2, 3)
    assert support["practice"]["percent"] == 67
    assert support["practice"]["how"].startswith("2 of 3")
    assert data["flagged"] is False
    service = api.get(f"{BASE}/services/{world.service_a.pk}/index").json()
    assert [p["person_id"] for p in service["people"]] == [world.person.pk]
    assert _client(world.worker).get(f"{BASE}/people/{world.person.pk}/index").status_code == 403
    assert (
        _client(world.outsider).get(f"{BASE}/services/{world.service_a.pk}/index").status_code
        == 404
    )
