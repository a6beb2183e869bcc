import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from coplan.access.models import AccessLog
from coplan.delivery import services
from coplan.delivery.models import (
    ActivityRecord,
    BriefingAcknowledgement,
    DailyNote,
    HandoverNote,
    RoutineRun,
)
from tests.delivery.helpers import Api
from tests.support.factories import morning_routine, week_rhythm


@pytest.fixture
def plan(world):
    return morning_routine(world.person, world.team_leader), week_rhythm(
        world.person, world.team_leader
    )


def _history(world, routine, rhythm, days: int) -> None:
    """Past records straight into the tables, as years of shifts would leave them."""
    version = routine.versions.get(is_current=True)
    rhythm_version = rhythm.versions.get(is_current=True)
    steps = [s.pk for s in version.steps.all()]
    start = timezone.now() - timedelta(days=days + 1)
    runs, activities, notes, handovers = [], [], [], []
    for day in range(days):
        at = start + timedelta(days=day)
        common = {"person": world.person, "recorded_by": world.worker, "occurred_at": at}
        runs.append(
            RoutineRun(routine_version=version, steps_used=steps, outcome="completed", **common)
        )
        activities.append(
            ActivityRecord(
                rhythm_version=rhythm_version,
                offered="Library",
                outcome="took_part",
                chosen="Library",
                **common,
            )
        )
        notes.append(DailyNote(text=f"Day {day}", **common))
        handovers.append(HandoverNote(summary=f"Handover {day}", **common))
    RoutineRun.objects.bulk_create(runs)
    ActivityRecord.objects.bulk_create(activities)
    DailyNote.objects.bulk_create(notes)
    HandoverNote.objects.bulk_create(handovers)


def test_shift_view_shows_todays_plan_for_the_people_i_support(world, plan):
    services.handover_note_create(
        person=world.person,
        summary="Sam slept well.",
        watch_for="Offer breakfast first.",
        idempotency_key=uuid.uuid4(),
        by=world.team_leader,
    )
    response = world.client_for(world.worker).get("/shift/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sam Taylor" in html and "Ola Adeyemi" not in html
    assert "Breakfast is ready when you are." in html  # the agreed words
    assert "07:30–09:00" in html  # the time window
    assert "Library quiet room" in html  # today's activity (every day in this rhythm)
    assert "Library or park today?" in html  # the choice prompt
    assert "Travel card in coat" in html  # tonight's preparation
    assert "Sam slept well." in html and "Offer breakfast first." in html
    assert AccessLog.objects.filter(user=world.worker, what="Shift view").count() == 1


def test_shift_view_query_count_is_fixed_whatever_the_history(
    world, plan, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    routine, rhythm = plan
    _history(world, routine, rhythm, days=3)
    client = world.client_for(world.worker)
    client.get("/shift/")  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert client.get("/shift/").status_code == 200
    _history(world, routine, rhythm, days=400)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/shift/")
    assert "Handover 399" in response.content.decode()


def test_shift_api_returns_the_same_data(world, plan):
    response = Api(world.worker).get("/delivery/shift")
    assert response.status_code == 200
    (sam,) = response.json()["people"]
    assert sam["display_name"] == "Sam Taylor"
    assert sam["routines"][0]["steps"][0]["agreed_words"] == "Breakfast is ready when you are."
    assert sam["preparation_tonight"] == ["Clothes out", "Travel card in coat", "Preferred snack"]
    assert sam["may_record"] is True


def test_agency_worker_sees_the_briefing_first_then_records(world, plan):
    client = world.client_for(world.agency_now)
    html = client.get("/shift/").content.decode()
    assert "Before you start: shift briefing" in html
    assert "Breakfast first." in html  # the routine summary
    assert "Record morning routine" not in html
    booking = world.agency_now.shift_bookings.get()
    refused = client.get(f"/people/{world.person.pk}/record/note/")
    assert refused.status_code == 302 and refused.url == "/shift/"
    client.post(f"/shift/briefing/{booking.pk}/")
    assert BriefingAcknowledgement.objects.filter(booking=booking).count() == 1
    html = client.get("/shift/").content.decode()
    assert "Before you start" not in html
    assert "Record morning routine" in html
    assert client.get(f"/people/{world.person.pk}/record/note/").status_code == 200


def test_agency_worker_outside_booking_sees_no_one(world, plan):
    html = world.client_for(world.agency_later).get("/shift/").content.decode()
    assert "There is no one for you to record for right now" in html
    assert "Sam Taylor" not in html


def test_cannot_confirm_someone_elses_briefing(world):
    booking = world.agency_now.shift_bookings.get()
    response = world.client_for(world.agency_later).post(f"/shift/briefing/{booking.pk}/")
    assert response.status_code == 404
    assert not BriefingAcknowledgement.objects.exists()


def test_shift_view_needs_login(world):
    response = world.client_for(None).get("/shift/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_shift_view_for_a_quality_lead_who_does_not_record_is_empty(world, plan):
    response = world.client_for(world.quality_lead).get("/shift/")
    assert response.status_code == 200
    assert 'id="person-' not in response.content.decode()


@pytest.mark.parametrize("who", ["admin", "sister_user", "person_user"])
def test_shift_view_is_refused_to_those_who_are_not_staff_at_work(world, plan, who):
    response = world.client_for(world.everyone[who]).get("/shift/")
    assert response.status_code == 403
    assert 'id="person-' not in response.content.decode()


def test_routine_run_form_records_the_checklist(world, plan):
    routine, _ = plan
    version = routine.versions.get()
    steps = [str(s.pk) for s in version.steps.all()]
    client = world.client_for(world.worker)
    url = f"/people/{world.person.pk}/record/routine/{routine.pk}/"
    page = client.get(url).content.decode()
    assert 'name="idempotency_key"' in page
    response = client.post(
        url,
        {
            "idempotency_key": str(uuid.uuid4()),
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "steps_used": steps[:2],
            "outcome": "partly",
            "deviations": "Sam wanted to shower tomorrow.",
        },
    )
    assert response.status_code == 302
    run = RoutineRun.objects.get()
    assert run.steps_used == [int(s) for s in steps[:2]]
    assert run.routine_version == version
    html = client.get("/shift/").content.decode()
    assert "partly completed" in html
