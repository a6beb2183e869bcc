"""/api/v1/risk: the same access rules and services as the pages, with an Idempotency-Key
on every shift record."""

import pytest

from coplan.delivery.idempotency import new_key
from coplan.delivery.models import IdempotencyKey
from coplan.planning import services as planning_services
from coplan.planning.models import Decision
from coplan.reviews.models import ReviewTrigger
from coplan.risk.models import (
    Competency,
    CompetencyResult,
    PracticeSession,
    RiskPlan,
    RiskStage,
    StageChange,
)
from tests.api.test_people_api import Api, assert_error
from tests.snapshot import snapshot

from .conftest import move_on, practice, risk_decision


def _base(plan):
    return f"/risk/people/{plan.person_id}/plans/{plan.pk}"


class KeyedApi(Api):
    def post_keyed(self, path, body, key):
        response = self.client.post(
            f"/api/v1{path}",
            data=body,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=key,
            **self.headers,
        )
        return response


def _session_body(plan, pattern="ii"):
    comps = list(plan.current_stage.competencies.all())
    return {
        "route": "Home to college",
        "results": [
            {"competency_id": c.pk, "shown": f != "n", "prompted": f == "p"}
            for c, f in zip(comps, pattern, strict=True)
        ],
        "prompts_verbal": 1 if "p" in pattern else 0,
    }


@pytest.mark.parametrize(
    "who,status",
    [
        ("team_leader", 200),
        ("worker", 200),
        ("person_user", 200),
        ("sister_user", 403),
        ("outsider", 404),
        ("admin", 404),
    ],
)
def test_list_and_read_plans(world, plan, who, status):
    api = Api(getattr(world, who))
    response = api.get(f"/risk/people/{world.person.pk}/plans")
    assert response.status_code == status
    if status == 200:
        assert [p["title"] for p in response.json()["items"]] == ["Travelling to college"]
        detail = api.get(_base(plan)).json()
        assert detail["goal_kept"] == "Get the bus to college on my own"
        assert [s["number"] for s in detail["stages"]] == [1, 2, 3]
        assert detail["stages"][2]["check_in_points"][0] == {
            "point": "Text from the bus stop",
            "minutes": 10,
        }


def test_anonymous_is_refused(world, plan):
    assert_error(Api().get(f"/risk/people/{world.person.pk}/plans"), 401, "unauthenticated")


def test_practice_session_post_is_idempotent(world, plan):
    api = KeyedApi(world.worker)
    key = new_key()
    body = _session_body(plan, "ip")
    first = api.post_keyed(f"{_base(plan)}/practice-sessions", body, key)
    assert first.status_code == 201, first.content
    again = api.post_keyed(f"{_base(plan)}/practice-sessions", body, key)
    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert PracticeSession.objects.count() == 1
    assert first.json()["prompts_total"] == 1
    before = snapshot(PracticeSession.objects.get(), CompetencyResult, IdempotencyKey)
    other = api.post_keyed(f"{_base(plan)}/practice-sessions", _session_body(plan, "nn"), key)
    assert_error(other, 409, "idempotency_key_reused")
    missing = api.post(f"{_base(plan)}/practice-sessions", body)
    assert_error(missing, 422, "invalid")
    assert snapshot(PracticeSession.objects.get(), CompetencyResult, IdempotencyKey) == before


@pytest.mark.parametrize("who,status", [("quality_lead", 403), ("outsider", 404)])
def test_practice_session_post_refused(world, plan, who, status):
    api = KeyedApi(getattr(world, who))
    response = api.post_keyed(f"{_base(plan)}/practice-sessions", _session_body(plan), new_key())
    assert response.status_code == status
    assert (PracticeSession.objects.count(), IdempotencyKey.objects.count()) == (0, 0)


def test_progression_and_confirmation(world, plan):
    reader = Api(world.worker)
    practice(plan, world.worker, "ii")
    practice(plan, world.worker, "ii")
    body = reader.get(f"{_base(plan)}/progression").json()
    assert (body["met"], body["sessions_counted"], body["propose_moving_on_to"]) == (
        False,
        2,
        None,
    )
    second = plan.stages.get(number=2)
    change = {
        "to_stage_id": second.pk,
        "expected_stage_id": plan.current_stage_id,
        "reason": "On his own three times.",
        "person_agrees": "agrees",
    }
    before = snapshot(plan, StageChange, Decision)
    assert_error(
        Api(world.team_leader).post(f"{_base(plan)}/stage-changes", change), 422, "invalid"
    )
    assert snapshot(plan, StageChange, Decision) == before
    practice(plan, world.worker, "ii")
    body = reader.get(f"{_base(plan)}/progression").json()
    assert (body["met"], body["propose_moving_on_to"]) == (True, second.pk)
    assert [c["shown_without_prompt"] for c in body["competencies"]] == [3, 3]
    refused = Api(world.worker).post(f"{_base(plan)}/stage-changes", change)
    assert refused.status_code == 403
    assert snapshot(plan, StageChange, Decision) == before
    done = Api(world.team_leader).post(f"{_base(plan)}/stage-changes", change)
    assert done.status_code == 201, done.content
    assert done.json()["direction"] == "forward"
    plan.refresh_from_db()
    assert plan.current_stage == second
    before = snapshot(plan, StageChange, Decision)
    stale = Api(world.team_leader).post(
        f"{_base(plan)}/stage-changes",
        {**change, "to_stage_id": plan.stages.get(number=1).pk, "more_restrictive_reason": "x"},
    )
    assert_error(stale, 409, "stage_changed")
    assert snapshot(plan, StageChange, Decision) == before


def test_step_back_without_reason_is_refused_by_the_api(world, plan):
    for _ in range(3):
        practice(plan, world.worker, "ii")
    move_on(plan, world)
    plan.refresh_from_db()
    before = snapshot(plan, StageChange, Decision)
    response = Api(world.team_leader).post(
        f"{_base(plan)}/stage-changes",
        {"to_stage_id": plan.stages.get(number=1).pk, "reason": "Nervous."},
    )
    assert_error(response, 422, "invalid")
    assert "more_restrictive_reason" in response.json()["fields"]
    assert snapshot(plan, StageChange, Decision) == before


def test_incident_over_the_api_starts_a_mini_review(
    world, plan, django_capture_on_commit_callbacks
):
    api = KeyedApi(world.worker)
    stage = plan.current_stage_id
    body = {
        "severity": "low",
        "what_happened": "Missed the stop.",
        "actions_taken": "Rang staff.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post_keyed(f"{_base(plan)}/incidents", body, new_key())
    assert response.status_code == 201, response.content
    trigger = ReviewTrigger.objects.get(kind="incident")
    assert trigger.evidence == {
        "incident_id": response.json()["incident_id"],
        "risk_plan_id": plan.pk,
    }
    plan.refresh_from_db()
    assert plan.current_stage_id == stage


def test_create_plan_over_the_api(world):
    decision = planning_services.decision_agree(
        decision=risk_decision(world), by=world.team_leader, confirmed=True
    )
    body = {
        "decision_id": decision.pk,
        "title": "Bus",
        "stages": [{"title": "With staff", "competencies": ["Checks the time"]}],
    }
    assert Api(world.worker).post(f"/risk/people/{world.person.pk}/plans", body).status_code == 403
    assert not RiskPlan.objects.exists()
    response = Api(world.team_leader).post(f"/risk/people/{world.person.pk}/plans", body)
    assert response.status_code == 201, response.content
    assert response.json()["current_stage_id"] == response.json()["stages"][0]["id"]
    before = snapshot(RiskPlan, RiskStage, Competency, StageChange)
    again = Api(world.team_leader).post(f"/risk/people/{world.person.pk}/plans", body)
    assert_error(again, 409, "plan_exists")
    assert snapshot(RiskPlan, RiskStage, Competency, StageChange) == before


def test_trip_and_check_in_over_the_api(world, plan):
    for _stage in (2, 3):
        for _ in range(3):
            practice(plan, world.worker, "ii")
        move_on(plan, world)
    plan.refresh_from_db()
    api = KeyedApi(world.worker)
    log = api.post_keyed(f"{_base(plan)}/travel-logs", {"planned_route": "The 08:15"}, new_key())
    assert log.status_code == 201, log.content
    check_ins = log.json()["check_ins"]
    assert [c["point"] for c in check_ins] == ["Text from the bus stop", "Text from college"]
    made = api.post_keyed(
        f"{_base(plan)}/travel-logs/{log.json()['id']}/check-ins/{check_ins[0]['id']}/made",
        {},
        new_key(),
    )
    assert made.status_code == 200, made.content
    assert made.json()["status"] == "on_time"
    back = api.post_keyed(f"{_base(plan)}/travel-logs/{log.json()['id']}/finish", {}, new_key())
    assert back.status_code == 200
    assert back.json()["returned_at"] is not None
    assert Api(world.worker).get("/risk/alerts").json() == []
