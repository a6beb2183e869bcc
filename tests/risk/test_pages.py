"""The risk plan pages: who may see and do what, the proposal shown exactly when the
criteria are met, the charts with their data table, and the shift records."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coplan.delivery.idempotency import new_key
from coplan.planning import services as planning_services
from coplan.reviews.models import ReviewTrigger
from coplan.risk.models import PracticeSession, RiskPlan
from coplan.risk.services import practice as practice_services
from tests.snapshot import snapshot

from .conftest import move_on, practice, risk_decision

VIEWERS = {
    "worker": 200,
    "team_leader": 200,
    "manager": 200,
    "quality_lead": 200,
    "agency_now": 200,
    "person_user": 200,
    "sister_user": 403,
    "outsider": 404,
    "agency_later": 404,
    "admin": 404,
}


def _url(plan, tail=""):
    return f"/people/{plan.person_id}/risk/{plan.pk}/{tail}"


@pytest.mark.parametrize("who,status", VIEWERS.items())
def test_plan_page_access(world, plan, who, status):
    response = world.client_for(getattr(world, who)).get(_url(plan))
    assert response.status_code == status


def test_plan_page_anonymous_goes_to_login(world, plan):
    response = world.client_for(None).get(_url(plan))
    assert response.status_code == 302
    assert "/login" in response["Location"]


def test_plan_list_links_and_nav(world, plan):
    response = world.client_for(world.worker).get(f"/people/{world.person.pk}/risk/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Travelling to college" in html
    assert f'href="/people/{world.person.pk}/risk/"' in html  # "Risk plans" in the person nav
    assert (
        world.client_for(world.outsider).get(f"/people/{world.person.pk}/risk/").status_code == 404
    )


def test_person_page_nav_shows_risk_plans_only_with_view_plan(world, plan):
    html = world.client_for(world.worker).get(f"/people/{world.person.pk}/").content.decode()
    assert "Risk plans" in html
    html = world.client_for(world.sister_user).get(f"/people/{world.person.pk}/").content.decode()
    assert "Risk plans" not in html


def test_proposal_shown_exactly_when_criteria_are_met(world, plan):
    client = world.client_for(world.team_leader)
    practice(plan, world.worker, "ii")
    practice(plan, world.worker, "ii")
    html = client.get(_url(plan)).content.decode()
    assert "The criteria are met" not in html
    assert "Not met yet" in html
    practice(plan, world.worker, "ii")
    html = client.get(_url(plan)).content.decode()
    assert "The criteria are met: propose moving on to Stage 2: Shadowing" in html
    assert "Confirm moving on with Sam" in html
    # A support worker sees the proposal but cannot confirm it.
    html = world.client_for(world.worker).get(_url(plan)).content.decode()
    assert "The criteria are met" in html
    assert "Confirm moving on with Sam" not in html


def test_plan_page_draws_charts_with_a_data_table(world, plan):
    practice(plan, world.worker, "pp", prompts=(2, 1, 0))
    practice(plan, world.worker, "ii")
    html = world.client_for(world.worker).get(_url(plan)).content.decode()
    assert html.count('<svg class="risk-chart"') == 2
    assert 'role="img"' in html
    assert "<table" in html and "0 of 2 (0%)" in html and "2 of 2 (100%)" in html


def test_plan_page_queries_do_not_grow_with_sessions(world, plan):
    client = world.client_for(world.worker)
    for _ in range(2):
        practice(plan, world.worker, "ip", prompts=(1, 0, 0))
    client.get(_url(plan))
    with CaptureQueriesContext(connection) as few:
        client.get(_url(plan))
    for _ in range(6):
        practice(plan, world.worker, "ii")
    with CaptureQueriesContext(connection) as many:
        client.get(_url(plan))
    assert len(many.captured_queries) == len(few.captured_queries)


def test_confirming_progression_on_the_web(world, plan):
    for _ in range(3):
        practice(plan, world.worker, "ii")
    url = _url(plan, "stage/forward/")
    assert world.client_for(world.worker).get(url).status_code == 403
    assert world.client_for(world.outsider).get(url).status_code == 404
    assert world.client_for(None).get(url).status_code == 302
    client = world.client_for(world.team_leader)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "expected_stage": plan.current_stage_id,
            "version": plan.version,
            "reason": "Sam did it all on his own three times.",
            "person_took_part": "in_person",
            "persons_words": "Easy.",
            "person_agrees": "agrees",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.current_stage.number == 2


def test_confirming_progression_from_a_page_drawn_before_the_plan_changed_is_refused(world, plan):
    for _ in range(3):
        practice(plan, world.worker, "ii")
    plan.refresh_from_db()
    seen = plan.version
    move_on(plan, world)  # someone else confirmed it first
    move_back = _url(plan, "stage/back/")
    response = world.client_for(world.team_leader).post(
        move_back,
        {
            "expected_stage": plan.stages.get(number=2).pk,
            "version": seen,
            "reason": "He was nervous.",
            "person_took_part": "in_person",
            "more_restrictive_reason": "He asked to go back.",
            "staying_workable": "",
        },
    )
    assert response.status_code == 409
    assert "Tariq Leader changed this risk plan" in response.content.decode()
    plan.refresh_from_db()
    assert (plan.current_stage.number, plan.version) == (2, seen + 1)


def test_stepping_back_on_the_web_without_a_reason_shows_the_rule(world, plan):
    for _ in range(3):
        practice(plan, world.worker, "ii")
    move_on(plan, world)
    plan.refresh_from_db()
    response = world.client_for(world.team_leader).post(
        _url(plan, "stage/back/"),
        {
            "expected_stage": plan.current_stage_id,
            "version": plan.version,
            "reason": "He was nervous.",
            "person_took_part": "in_person",
            "staying_workable": "on",
        },
    )
    assert response.status_code == 200
    assert "more restrictive" in response.content.decode()
    plan.refresh_from_db()
    assert plan.current_stage.number == 2


def test_building_a_plan_on_the_web(world):
    decision = planning_services.decision_agree(
        decision=risk_decision(world), by=world.team_leader, confirmed=True
    )
    url = f"/people/{world.person.pk}/risk/new/{decision.pk}/"
    assert world.client_for(world.worker).get(url).status_code == 403
    assert world.client_for(world.outsider).get(url).status_code == 404
    client = world.client_for(world.team_leader)
    assert client.get(url).status_code == 200
    data = {
        "title": "Bus to college",
        "safeguards": "Set route",
        "stages-TOTAL_FORMS": "2",
        "stages-INITIAL_FORMS": "0",
        "stages-MIN_NUM_FORMS": "1",
        "stages-MAX_NUM_FORMS": "6",
        "stages-0-title": "With staff",
        "stages-0-competencies": "Checks the time\nCrosses at the lights",
        "stages-0-shown_in": "3",
        "stages-0-of_last": "4",
        "stages-0-check_in_grace_minutes": "10",
        "stages-1-title": "On my own",
        "stages-1-competencies": "Texts on time",
        "stages-1-shown_in": "2",
        "stages-1-of_last": "3",
        "stages-1-is_independent": "on",
        "stages-1-check_in_points": "At the bus stop, 10\nAt college, 40",
        "stages-1-check_in_grace_minutes": "5",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = RiskPlan.objects.get(decision=decision)
    second = plan.stages.get(number=2)
    assert second.check_in_points == [
        {"point": "At the bus stop", "minutes": 10},
        {"point": "At college", "minutes": 40},
    ]
    assert (second.shown_in, second.of_last, second.is_independent) == (2, 3, True)
    assert list(plan.stages.get(number=1).competencies.values_list("text", flat=True)) == [
        "Checks the time",
        "Crosses at the lights",
    ]


def _practice_post(plan, key):
    comps = list(plan.current_stage.competencies.all())
    return {
        "idempotency_key": key,
        "occurred_at": "",
        "route": "Home to college",
        f"c{comps[0].pk}": "independent",
        f"c{comps[1].pk}": "prompted",
        "prompts_verbal": "1",
        "prompts_gestural": "0",
        "prompts_physical": "0",
        "how_felt": "confident",
        "persons_words": "",
        "notes": "",
    }


def test_recording_a_practice_session_on_the_web_once(world, plan):
    url = _url(plan, "practice/new/")
    client = world.client_for(world.worker)
    assert client.get(url).status_code == 200
    data = _practice_post(plan, new_key())
    assert client.post(url, data).status_code == 200  # "when it happened" is required
    assert not PracticeSession.objects.exists()
    data["occurred_at"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a resend saves nothing new
    session = PracticeSession.objects.get()
    assert [r.independent for r in session.results.order_by("competency__position")] == [
        True,
        False,
    ]


@pytest.mark.parametrize(
    "who,status", [("quality_lead", 403), ("outsider", 404), ("sister_user", 403)]
)
def test_practice_form_refused_without_record(world, plan, who, status):
    assert (
        world.client_for(getattr(world, who)).get(_url(plan, "practice/new/")).status_code == status
    )


def test_practice_form_anonymous(world, plan):
    assert world.client_for(None).get(_url(plan, "practice/new/")).status_code == 302


def _out_on_a_trip(world, plan):
    for _ in range(2):
        for _ in range(3):
            practice(plan, world.worker, "ii")
        move_on(plan, world)
        plan.refresh_from_db()
    return practice_services.travel_log_start(
        plan=plan,
        planned_route="The 08:15 bus",
        occurred_at=timezone.now() - timedelta(minutes=25),
        idempotency_key=new_key(),
        by=world.worker,
    )


def test_missed_check_in_alerts(world, plan):
    log = _out_on_a_trip(world, plan)
    html = world.client_for(world.worker).get("/risk/alerts/").content.decode()
    assert "Text from the bus stop" in html
    assert "Ring Sam, then college, then the team leader." in html
    assert (
        "Text from the bus stop"
        not in world.client_for(world.outsider).get("/risk/alerts/").content.decode()
    )
    assert world.client_for(None).get("/risk/alerts/").status_code == 302
    page = world.client_for(world.worker).get(_url(plan)).content.decode()
    assert "Missed check-in" in page and 'role="alert"' in page
    trip = world.client_for(world.worker).get(_url(plan, f"trips/{log.pk}/"))
    assert trip.status_code == 200
    assert world.client_for(world.outsider).get(_url(plan, f"trips/{log.pk}/")).status_code == 404


def test_check_in_and_back_on_the_web(world, plan):
    log = _out_on_a_trip(world, plan)
    stop = log.check_ins.first()
    client = world.client_for(world.worker)
    url = _url(plan, f"trips/{log.pk}/check-ins/{stop.pk}/made/")
    before = snapshot(stop, log)
    assert world.client_for(world.quality_lead).post(url, {}).status_code == 403
    assert snapshot(stop, log) == before
    response = client.post(url, {f"m{stop.pk}-idempotency_key": new_key()})
    assert response.status_code == 302
    stop.refresh_from_db()
    assert stop.status == "late"
    finish = _url(plan, f"trips/{log.pk}/finish/")
    assert client.post(finish, {"finish-idempotency_key": new_key()}).status_code == 302
    log.refresh_from_db()
    assert log.returned_at is not None


def test_incident_on_the_web_leaves_the_stage(world, plan, django_capture_on_commit_callbacks):
    url = _url(plan, "incident/new/")
    assert world.client_for(world.outsider).get(url).status_code == 404
    client = world.client_for(world.worker)
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "idempotency_key": new_key(),
                "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "incident_type": "travel",
                "severity": "low",
                "what_happened": "Got off a stop early.",
                "actions_taken": "Walked back with him.",
            },
        )
    assert response.status_code == 302
    assert ReviewTrigger.objects.filter(kind="incident", subject_id=plan.pk).count() == 1
    plan.refresh_from_db()
    assert plan.current_stage.number == 1


def test_missed_check_in_is_shown_first_on_the_shift_view(world, plan):
    _out_on_a_trip(world, plan)
    html = world.client_for(world.worker).get("/shift/").content.decode()
    assert "Text from the bus stop" in html
    assert "Ring Sam, then college, then the team leader." in html
    assert html.index("Text from the bus stop") < html.index("From the last shift")
    other = world.client_for(world.outsider).get("/shift/").content.decode()
    assert "Text from the bus stop" not in other


def test_shift_view_has_no_alert_when_no_check_in_is_missed(world, plan):
    html = world.client_for(world.worker).get("/shift/").content.decode()
    assert "Missed check-ins: act now" not in html


def test_person_page_shows_the_prompts_chart_to_those_who_see_the_plan(world, plan):
    html = world.client_for(world.manager).get(f"/people/{world.person.pk}/").content.decode()
    assert "Positive risk-taking" in html and plan.goal_kept in html
    sister = world.client_for(world.sister_user).get(f"/people/{world.person.pk}/")
    assert "Positive risk-taking" not in sister.content.decode()
