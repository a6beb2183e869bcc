"""The live checklist: each step of a routine recorded as it is done, with its time, once
per tap whatever the resends; then the run finished by the same rules as the form. An
unfinished checklist counts as nothing: no refusal, no completion, in no report."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from coplan.delivery import selectors, services
from coplan.delivery.models import IdempotencyKey, RoutineChecklist, RoutineRun, RoutineStepTick
from coplan.reviews import sources
from tests.delivery.helpers import Api, clock, today_at
from tests.support.factories import morning_routine


@pytest.fixture
def routine(world):
    with clock(today_at(0, 1)):  # in force since the small hours, so a test may set the clock
        return morning_routine(world.person, world.team_leader)


def _steps(routine):
    return list(routine.versions.get().steps.order_by("position"))


def _tick(client, world, routine, step, key=None, **extra):
    return client.post(
        f"/people/{world.person.pk}/routine/{routine.pk}/tick/",
        {"idempotency_key": key or str(uuid.uuid4()), "step": step.pk, **extra},
        HTTP_HX_REQUEST="true",
    )


def test_each_tap_records_the_step_at_once_with_its_time(world, routine):
    breakfast, clothes, shower = _steps(routine)
    client = world.client_for(world.worker)
    with clock(today_at(8, 5)):
        first = _tick(client, world, routine, shower)
    with clock(today_at(8, 20)):
        _tick(client, world, routine, breakfast)
    assert first.status_code == 200
    assert "Finish morning routine" in first.content.decode()  # the fragment, not a page
    assert "<html" not in first.content.decode()
    checklist = RoutineChecklist.objects.get()
    assert checklist.occurred_at == today_at(8, 5) and checklist.run is None
    ticks = list(checklist.ticks.order_by("position"))
    assert [(t.step, t.position, t.ticked_at) for t in ticks] == [
        (shower, 1, today_at(8, 5)),
        (breakfast, 2, today_at(8, 20)),
    ]
    assert ticks[0].ticked_by == world.worker


def test_the_same_tap_sent_twice_is_one_tick(world, routine):
    breakfast, *_ = _steps(routine)
    client = world.client_for(world.worker)
    key = str(uuid.uuid4())
    assert _tick(client, world, routine, breakfast, key).status_code == 200
    assert _tick(client, world, routine, breakfast, key).status_code == 200
    assert RoutineStepTick.objects.count() == 1
    assert IdempotencyKey.objects.filter(key=key).count() == 1
    # The same step tapped again with a new key keeps its first tick.
    assert _tick(client, world, routine, breakfast).status_code == 200
    assert RoutineStepTick.objects.count() == 1


def test_a_retry_keeps_the_time_it_was_tapped(world, routine):
    breakfast, *_ = _steps(routine)
    tapped = timezone.now() - timedelta(minutes=7)
    _tick(world.client_for(world.worker), world, routine, breakfast, tapped_at=tapped.isoformat())
    assert RoutineStepTick.objects.get().ticked_at == tapped.replace(microsecond=tapped.microsecond)


def test_a_tap_claiming_a_time_far_off_is_recorded_now(world, routine):
    breakfast, *_ = _steps(routine)
    before = timezone.now()
    wrong = (before + timedelta(hours=3)).isoformat()
    _tick(world.client_for(world.worker), world, routine, breakfast, tapped_at=wrong)
    assert before <= RoutineStepTick.objects.get().ticked_at <= timezone.now()


def test_finishing_makes_the_run_with_the_steps_in_the_order_ticked(world, routine):
    breakfast, clothes, shower = _steps(routine)
    client = world.client_for(world.worker)
    for step in (breakfast, shower, clothes):
        _tick(client, world, routine, step)
    checklist = RoutineChecklist.objects.get()
    url = f"/people/{world.person.pk}/checklist/{checklist.pk}/finish/"
    key = str(uuid.uuid4())
    body = {"idempotency_key": key, "outcome": "completed"}
    refused = client.post(url, body, HTTP_HX_REQUEST="true")
    assert services.DEVIATION_NEEDS_WHY in refused.content.decode()  # another order: say why
    assert not RoutineRun.objects.exists()
    body["deviations"] = "Sam wanted the shower before getting dressed."
    done = client.post(url, body, HTTP_HX_REQUEST="true")
    assert "Saved at" in done.content.decode()
    again = client.post(url, body, HTTP_HX_REQUEST="true")  # a resend: the same run
    assert again.status_code == 200
    run = RoutineRun.objects.get()
    assert run.steps_used == [breakfast.pk, shower.pk, clothes.pk]
    assert run.outcome == "completed" and run.recorded_by == world.worker
    assert run.occurred_at == checklist.occurred_at
    checklist.refresh_from_db()
    assert checklist.run == run
    assert [t.step_id for t in run.checklist.ticks.all()] == run.steps_used
    other_key = {**body, "idempotency_key": str(uuid.uuid4())}
    client.post(url, other_key, HTTP_HX_REQUEST="true")
    assert RoutineRun.objects.count() == 1  # a finished checklist is not finished again


def test_a_tick_after_finishing_starts_a_new_checklist(world, routine):
    breakfast, clothes, shower = _steps(routine)
    for step in (breakfast, clothes, shower):
        services.routine_step_tick(
            person=world.person,
            routine=routine,
            step_id=step.pk,
            idempotency_key=uuid.uuid4(),
            by=world.worker,
        )
    first = RoutineChecklist.objects.get()
    services.routine_checklist_finish(
        checklist=first, outcome="completed", idempotency_key=uuid.uuid4(), by=world.worker
    )
    services.routine_step_tick(
        person=world.person,
        routine=routine,
        step_id=breakfast.pk,
        idempotency_key=uuid.uuid4(),
        by=world.team_leader,
    )
    assert RoutineChecklist.objects.count() == 2
    assert RoutineRun.objects.get().steps_used == [breakfast.pk, clothes.pk, shower.pk]


def test_an_unfinished_checklist_counts_as_nothing(world, routine):
    breakfast, *_ = _steps(routine)
    services.routine_step_tick(
        person=world.person,
        routine=routine,
        step_id=breakfast.pk,
        idempotency_key=uuid.uuid4(),
        by=world.worker,
    )
    today = timezone.localdate()
    people = type(world.person).objects.filter(pk=world.person.pk)
    assert sources.routine_refusals_by_day(people, today, today) == []
    counts = sources.record_counts_since(world.person, today)
    assert counts["Routines completed"] == 0
    report = selectors.delivery_report(world.person, today, today)
    (version_report,) = report["routines"][0]["versions"]
    assert version_report.runs == 0 and version_report.as_agreed == 0
    assert selectors.handover_window(world.person)["runs"] == []
    shift = selectors.shift_for_user(world.worker)
    (rt,) = shift.people[0].routines
    assert rt.runs == [] and rt.checklist is not None and not rt.done


@pytest.mark.parametrize(
    "who, status",
    [
        ("outsider", 404),  # the other service
        ("sister_user", 403),  # sees the profile only
        ("person_user", 403),  # Sam sees his plan; he does not record shifts
        ("quality_lead", 403),  # reads, never records
        ("agency_later", 404),  # booked only tomorrow
        ("admin", 404),
    ],
)
def test_others_may_not_tick_or_finish(world, routine, who, status):
    breakfast, *_ = _steps(routine)
    response = _tick(world.client_for(getattr(world, who)), world, routine, breakfast)
    assert response.status_code == status
    assert not RoutineChecklist.objects.exists() and not RoutineStepTick.objects.exists()
    services.routine_step_tick(
        person=world.person,
        routine=routine,
        step_id=breakfast.pk,
        idempotency_key=uuid.uuid4(),
        by=world.worker,
    )
    checklist = RoutineChecklist.objects.get()
    finish = world.client_for(getattr(world, who)).post(
        f"/people/{world.person.pk}/checklist/{checklist.pk}/finish/",
        {"idempotency_key": str(uuid.uuid4()), "outcome": "refused"},
        HTTP_HX_REQUEST="true",
    )
    assert finish.status_code == status
    assert not RoutineRun.objects.exists()


def test_anonymous_is_sent_to_sign_in(world, routine):
    breakfast, *_ = _steps(routine)
    response = _tick(world.client_for(None), world, routine, breakfast)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not RoutineStepTick.objects.exists()


def test_agency_worker_ticks_only_after_the_briefing(world, routine):
    breakfast, *_ = _steps(routine)
    client = world.client_for(world.agency_now)
    refused = _tick(client, world, routine, breakfast)
    assert refused.status_code == 403
    assert "confirm the shift briefing" in refused.content.decode()
    assert not RoutineStepTick.objects.exists()
    booking = world.agency_now.shift_bookings.get()
    client.post(f"/shift/briefing/{booking.pk}/")
    assert _tick(client, world, routine, breakfast).status_code == 200
    assert RoutineStepTick.objects.get().checklist.booking == booking


def test_a_step_of_another_routine_is_refused(world, routine):
    other = morning_routine(world.person_b, world.team_leader)
    foreign = _steps(other)[0]
    response = _tick(world.client_for(world.worker), world, routine, foreign)
    assert response.status_code == 409
    assert not RoutineStepTick.objects.exists()


def test_without_javascript_a_tap_goes_back_to_the_shift(world, routine):
    breakfast, *_ = _steps(routine)
    response = world.client_for(world.worker).post(
        f"/people/{world.person.pk}/routine/{routine.pk}/tick/",
        {"idempotency_key": str(uuid.uuid4()), "step": breakfast.pk},
    )
    assert response.status_code == 302
    assert response.url == f"/shift/#item-routine-{routine.pk}"
    assert RoutineStepTick.objects.count() == 1


def test_api_ticks_and_finishes(world, routine):
    breakfast, clothes, shower = _steps(routine)
    api = Api(world.worker)
    path = f"/delivery/people/{world.person.pk}/routines/{routine.pk}/ticks"
    key = str(uuid.uuid4())
    first = api.post(path, {"step_id": breakfast.pk}, key=key)
    assert first.status_code == 201, first.content
    assert api.post(path, {"step_id": breakfast.pk}, key=key).json() == first.json()
    assert api.post(path, {"step_id": clothes.pk}).status_code == 201
    assert api.post(path, {"step_id": clothes.pk}, key=None).status_code == 422
    checklist_id = first.json()["checklist_id"]
    (on_shift,) = api.get("/delivery/shift").json()["people"][0]["routines"]
    assert on_shift["checklist_id"] == checklist_id
    assert on_shift["ticked"] == [breakfast.pk, clothes.pk]
    finish = api.post(
        f"/delivery/people/{world.person.pk}/checklists/{checklist_id}/finish",
        {"outcome": "partly", "deviations": "Sam did not want a shower today."},
    )
    assert finish.status_code == 201, finish.content
    assert finish.json()["steps_used"] == [breakfast.pk, clothes.pk]
    assert RoutineRun.objects.get().outcome == "partly"
    assert Api(world.outsider).post(path, {"step_id": shower.pk}).status_code == 404
    assert RoutineStepTick.objects.count() == 2
