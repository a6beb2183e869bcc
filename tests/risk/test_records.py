"""Shift records for a risk plan: practice sessions once per key, trips with check-ins,
missed check-in alerts, incidents that start a mini-review and leave the stage alone,
and the trends the charts draw."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coplan.delivery.idempotency import new_key
from coplan.delivery.models import IdempotencyKey, Incident
from coplan.lib.errors import Conflict
from coplan.people.models import Person
from coplan.reviews.models import ReviewTrigger
from coplan.risk import charts as risk_charts
from coplan.risk import selectors
from coplan.risk.models import CompetencyResult, PracticeSession, TravelCheckIn, TravelLog
from coplan.risk.services import practice as services
from tests.snapshot import snapshot

from .conftest import move_on, practice

NONE_RECORDED = [("PracticeSession", 0), ("CompetencyResult", 0), ("IdempotencyKey", 0)]


def test_practice_session_saved_once_per_key(plan, world):
    key = new_key()
    first = practice(plan, world.worker, "ip", prompts=(2, 1, 0), key=key)
    again = practice(plan, world.worker, "ip", prompts=(2, 1, 0), key=key)
    assert first.pk == again.pk
    assert PracticeSession.objects.count() == 1
    assert first.prompts_total == 3
    assert [(r.shown, r.prompted) for r in first.results.order_by("competency__position")] == [
        (True, False),
        (True, True),
    ]


def test_same_key_with_different_details_is_refused(plan, world):
    key = new_key()
    practice(plan, world.worker, "ii", key=key)
    session = PracticeSession.objects.get()
    before = snapshot(session, CompetencyResult, IdempotencyKey)
    with pytest.raises(Conflict):
        practice(plan, world.worker, "nn", key=key)
    assert PracticeSession.objects.count() == 1
    assert snapshot(session, CompetencyResult, IdempotencyKey) == before


def test_practice_session_needs_a_key(plan, world):
    with pytest.raises(ValidationError, match="Idempotency-Key"):
        services.practice_session_record(
            plan=plan, route="x", results=[], idempotency_key=None, by=world.worker
        )
    assert snapshot(PracticeSession, CompetencyResult, IdempotencyKey) == NONE_RECORDED


def test_practice_session_needs_every_competency(plan, world):
    comp = plan.current_stage.competencies.first()
    with pytest.raises(ValidationError, match="every competency"):
        services.practice_session_record(
            plan=plan,
            route="x",
            results=[{"competency": comp.pk, "shown": True}],
            idempotency_key=new_key(),
            by=world.worker,
        )
    assert snapshot(PracticeSession, CompetencyResult, IdempotencyKey) == NONE_RECORDED


def test_a_prompted_competency_needs_the_prompt_counted(plan, world):
    comps = list(plan.current_stage.competencies.all())
    with pytest.raises(ValidationError, match="how many prompts"):
        services.practice_session_record(
            plan=plan,
            route="x",
            results=[{"competency": c.pk, "shown": True, "prompted": True} for c in comps],
            idempotency_key=new_key(),
            by=world.worker,
        )
    assert snapshot(PracticeSession, CompetencyResult, IdempotencyKey) == NONE_RECORDED


def test_agency_worker_off_shift_cannot_record(plan, world):
    with pytest.raises(PermissionDenied):
        practice(plan, world.agency_later, "ii")
    assert snapshot(PracticeSession, CompetencyResult, IdempotencyKey) == NONE_RECORDED


def test_markup_is_refused(plan, world):
    with pytest.raises(ValidationError):
        practice(plan, world.worker, "ii", notes="<script>x</script>")
    assert snapshot(PracticeSession, CompetencyResult, IdempotencyKey) == NONE_RECORDED


def test_trends_from_known_sessions(plan, world):
    practice(plan, world.worker, "pp", prompts=(3, 1, 1))
    practice(plan, world.worker, "ip", prompts=(2, 0, 0))
    practice(plan, world.worker, "ip", prompts=(1, 0, 0))
    practice(plan, world.worker, "ii")
    practice(plan, world.worker, "ii")
    practice(plan, world.worker, "ii")
    points = selectors.trends(plan)
    assert [p.prompts for p in points] == [5, 2, 1, 0, 0, 0]
    assert [(p.verbal, p.gestural, p.physical) for p in points[:1]] == [(3, 1, 1)]
    assert [p.independent for p in points] == [0, 1, 1, 2, 2, 2]
    assert [p.percent for p in points] == [0, 50, 50, 100, 100, 100]
    assert selectors.prompt_change(points) == (2.7, 0.0)
    assert selectors.prompt_change(points[:5]) is None
    chart = risk_charts.prompts_chart(points)
    assert [b.kind for b in chart["bars"]] == ["verbal", "gestural", "physical", "verbal", "verbal"]
    line = risk_charts.competency_chart(points)
    assert len(line["dots"]) == 6
    assert line["dots"][0]["y"] > line["dots"][-1]["y"]  # 0% sits lower than 100%


def test_trends_across_stages(plan, world):
    for _ in range(3):
        practice(plan, world.worker, "ii")
    move_on(plan, world)
    practice(plan, world.worker, "in", prompts=(0, 0, 0))
    points = selectors.trends(plan)
    assert [p.stage_number for p in points] == [1, 1, 1, 2]
    assert points[-1].percent == 50
    marks = risk_charts.competency_chart(points)["marks"]
    assert [m.label for m in marks] == ["Stage 1", "Stage 2"]


def _independent(plan, world):
    for _ in range(3):
        practice(plan, world.worker, "ii")
    move_on(plan, world)
    for _ in range(3):
        practice(plan, world.worker, "ii")
    move_on(plan, world)
    plan.refresh_from_db()


def test_trips_are_only_logged_at_an_independent_stage(plan, world):
    with pytest.raises(ValidationError, match="independent stage"):
        services.travel_log_start(
            plan=plan, planned_route="x", idempotency_key=new_key(), by=world.worker
        )
    assert snapshot(TravelLog, TravelCheckIn, IdempotencyKey) == [
        ("TravelLog", 0),
        ("TravelCheckIn", 0),
        ("IdempotencyKey", 0),
    ]


def test_trip_makes_the_agreed_check_ins_and_spots_a_missed_one(plan, world):
    _independent(plan, world)
    set_off = timezone.now() - timedelta(minutes=30)
    log = services.travel_log_start(
        plan=plan,
        planned_route="The 08:15 bus",
        occurred_at=set_off,
        idempotency_key=new_key(),
        by=world.worker,
    )
    stop, college = list(log.check_ins.all())
    assert (stop.point, stop.due_at) == ("Text from the bus stop", set_off + timedelta(minutes=10))
    assert stop.missed_after == set_off + timedelta(minutes=20)
    assert (stop.status, college.status) == ("missed", "due")
    people = Person.objects.filter(pk=world.person.pk)
    assert selectors.missed_check_ins(people) == [stop]

    services.check_in_record(
        check_in=stop, made_at=timezone.now(), idempotency_key=new_key(), by=world.worker
    )
    stop.refresh_from_db()
    assert stop.status == "late"
    assert selectors.missed_check_ins(people) == []
    services.check_in_follow_up(
        check_in=stop,
        follow_up="Rang Sam: bus was late.",
        idempotency_key=new_key(),
        by=world.worker,
    )
    before = snapshot(stop, log)
    with pytest.raises(Conflict):
        services.check_in_record(check_in=stop, idempotency_key=new_key(), by=world.worker)
    assert snapshot(stop, log) == before


def test_a_missed_check_in_stops_alerting_once_the_person_is_back(plan, world):
    _independent(plan, world)
    log = services.travel_log_start(
        plan=plan,
        planned_route="The 08:15 bus",
        occurred_at=timezone.now() - timedelta(hours=2),
        idempotency_key=new_key(),
        by=world.worker,
    )
    people = Person.objects.filter(pk=world.person.pk)
    assert len(selectors.missed_check_ins(people)) == 2
    key = new_key()
    services.travel_log_finish(log=log, idempotency_key=key, by=world.worker)
    services.travel_log_finish(log=log, idempotency_key=key, by=world.worker)  # a resend
    assert selectors.missed_check_ins(people) == []
    assert TravelCheckIn.objects.filter(log=log, made_at__isnull=True).count() == 2


def test_incident_starts_a_mini_review_and_leaves_the_stage(
    plan, world, django_capture_on_commit_callbacks
):
    for _ in range(3):
        practice(plan, world.worker, "ii")
    move_on(plan, world)
    plan.refresh_from_db()
    stage = plan.current_stage
    key = new_key()
    kwargs = dict(
        plan=plan,
        incident_type="travel",
        severity="moderate",
        what_happened="Someone asked Sam for money at the stop.",
        actions_taken="Talked it through.",
        idempotency_key=key,
        by=world.worker,
    )
    with django_capture_on_commit_callbacks(execute=True):
        link = services.risk_incident_record(**kwargs)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.risk_incident_record(**kwargs)
    assert link.pk == again.pk
    assert Incident.objects.count() == 1
    plan.refresh_from_db()
    assert plan.current_stage == stage
    assert link.stage == stage
    trigger = ReviewTrigger.objects.get()
    assert trigger.dedupe_key == f"incident:risk_plan:{plan.pk}:incident:{link.incident_id}"
    assert (trigger.kind, trigger.status, trigger.person) == ("incident", "open", world.person)
    assert (trigger.subject_id, trigger.subject_label) == (
        plan.pk,
        "Risk plan: Travelling to college",
    )
    assert trigger.decision == plan.decision
    assert trigger.due_on == timezone.localdate() + timedelta(days=7)
    assert "stage stays" in trigger.reason
    assert link.incident.other_plan_element == "Risk plan: Travelling to college"


def test_a_form_drawn_at_an_earlier_stage_is_refused_with_the_reason(plan, world):
    plan.refresh_from_db()
    old = [{"competency": c.pk, "shown": True} for c in plan.current_stage.competencies.all()]
    for _ in range(3):
        practice(plan, world.worker, "ii")
    move_on(plan, world)
    before = snapshot(PracticeSession, CompetencyResult, IdempotencyKey)
    with pytest.raises(ValidationError, match="now at Stage 2"):
        services.practice_session_record(
            plan=plan, route="x", results=old, idempotency_key=new_key(), by=world.worker
        )
    assert snapshot(PracticeSession, CompetencyResult, IdempotencyKey) == before
