import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coplan.delivery import services
from coplan.delivery.models import (
    ActivityRecord,
    BriefingAcknowledgement,
    DailyNote,
    IdempotencyKey,
    RoutineRun,
)
from coplan.lib.errors import Conflict
from coplan.support import services as support_services
from tests.delivery.helpers import Api
from tests.snapshot import snapshot
from tests.support.factories import MORNING_STEPS, agreed_decision, morning_routine, week_rhythm


@pytest.fixture
def routine(world):
    return morning_routine(world.person, world.team_leader)


@pytest.fixture
def rhythm(world):
    return week_rhythm(world.person, world.team_leader)


def _steps(routine):
    return [s.pk for s in routine.versions.get(is_current=True).steps.all()]


def test_record_points_at_the_version_in_force_when_made(world, routine):
    v1 = routine.versions.get()
    run = services.routine_run_record(
        person=world.person,
        routine=routine,
        outcome="completed",
        steps_used=_steps(routine),
        idempotency_key=uuid.uuid4(),
        by=world.worker,
    )
    v2 = support_services.routine_revise(
        routine=routine,
        based_on=routine.version,
        decisions=[agreed_decision(world.person, world.manager, "Later start?")],
        steps=[dict(s) for s in MORNING_STEPS[:2]],
        change_reason="Start later on Sundays.",
        by=world.team_leader,
    )
    later = services.routine_run_record(
        person=world.person,
        routine=routine,
        outcome="refused",
        idempotency_key=uuid.uuid4(),
        by=world.worker,
    )
    run.refresh_from_db()
    assert run.routine_version_id == v1.pk
    assert later.routine_version_id == v2.pk
    assert run.history.count() == 1


def test_steps_left_out_need_a_reason(world, routine):
    with pytest.raises(ValidationError) as exc:
        services.routine_run_record(
            person=world.person,
            routine=routine,
            outcome="partly",
            steps_used=_steps(routine)[:1],
            idempotency_key=uuid.uuid4(),
            by=world.worker,
        )
    assert exc.value.message_dict["deviations"] == [services.DEVIATION_NEEDS_WHY]
    assert not IdempotencyKey.objects.exists()  # the key is free to use again


def test_distress_noticed_needs_notes(world, routine):
    with pytest.raises(ValidationError, match="Say what distress you noticed"):
        services.routine_run_record(
            person=world.person,
            routine=routine,
            outcome="refused",
            distress_noticed=True,
            idempotency_key=uuid.uuid4(),
            by=world.worker,
        )
    assert (RoutineRun.objects.count(), IdempotencyKey.objects.count()) == (0, 0)


def test_steps_from_another_version_are_refused(world, routine):
    other = morning_routine(world.person, world.team_leader)
    with pytest.raises(ValidationError, match="Choose steps from the routine in force"):
        services.routine_run_record(
            person=world.person,
            routine=routine,
            outcome="completed",
            steps_used=_steps(other),
            idempotency_key=uuid.uuid4(),
            by=world.worker,
        )
    assert (RoutineRun.objects.count(), IdempotencyKey.objects.count()) == (0, 0)


def test_late_entry_is_marked(world):
    note = services.daily_note_create(
        person=world.person,
        text="Calm afternoon.",
        occurred_at=timezone.now() - timedelta(hours=3),
        idempotency_key=uuid.uuid4(),
        by=world.worker,
    )
    prompt = services.daily_note_create(
        person=world.person,
        text="Lunch together.",
        occurred_at=timezone.now() - timedelta(minutes=30),
        idempotency_key=uuid.uuid4(),
        by=world.worker,
    )
    assert note.is_late is True
    assert prompt.is_late is False


def test_future_record_is_refused(world):
    with pytest.raises(ValidationError, match="has not happened yet"):
        services.daily_note_create(
            person=world.person,
            text="Tomorrow.",
            occurred_at=timezone.now() + timedelta(hours=2),
            idempotency_key=uuid.uuid4(),
            by=world.worker,
        )
    assert (DailyNote.objects.count(), IdempotencyKey.objects.count()) == (0, 0)


# Declines and attendance-only


def _activity(world, rhythm, **fields):
    return services.activity_record_create(
        person=world.person,
        rhythm=rhythm,
        idempotency_key=uuid.uuid4(),
        by=world.worker,
        **{"offered": "Library quiet room", **fields},
    )


def test_declined_without_reason_is_refused(world, rhythm):
    with pytest.raises(ValidationError) as exc:
        _activity(world, rhythm, outcome="declined")
    assert exc.value.message_dict["decline_reason"] == [services.DECLINED_NEEDS_REASON]
    assert (ActivityRecord.objects.count(), IdempotencyKey.objects.count()) == (0, 0)


def test_attendance_only_is_refused(world, rhythm):
    with pytest.raises(ValidationError) as exc:
        _activity(world, rhythm, outcome="took_part")
    assert exc.value.messages == [services.ATTENDANCE_ONLY]
    assert (ActivityRecord.objects.count(), IdempotencyKey.objects.count()) == (0, 0)


def test_choice_and_decline_with_reason_are_kept(world, rhythm):
    chose = _activity(world, rhythm, outcome="took_part", chosen="Library, the quiet room")
    declined = _activity(
        world,
        rhythm,
        outcome="declined",
        decline_reason="Said 'too busy today'",
        alternative_offered="Park walk",
    )
    assert chose.rhythm_version == rhythm.versions.get()
    assert declined.is_declined and declined.decline_reason == "Said 'too busy today'"


def _activity_form(world, rhythm, **fields):
    entry = rhythm.versions.get().entries.first()
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "entry": entry.pk,
        "offered": "Library quiet room",
        **fields,
    }
    return world.client_for(world.worker).post(
        f"/people/{world.person.pk}/record/activity/?entry={entry.pk}", data
    )


def test_web_and_api_refuse_a_bare_decline_with_the_same_message(world, rhythm):
    web = _activity_form(world, rhythm, outcome="declined")
    assert web.status_code == 200
    assert services.DECLINED_NEEDS_REASON.replace('"', "&quot;") in web.content.decode()
    api = Api(world.worker).post(
        f"/delivery/people/{world.person.pk}/activity-records",
        {"offered": "Library", "outcome": "declined", "rhythm_id": rhythm.pk},
    )
    assert api.status_code == 422
    assert api.json()["fields"]["decline_reason"] == [services.DECLINED_NEEDS_REASON]
    assert not ActivityRecord.objects.exists()


def test_web_and_api_refuse_attendance_only_with_the_same_message(world, rhythm):
    web = _activity_form(world, rhythm, outcome="took_part")
    assert web.status_code == 200
    assert services.ATTENDANCE_ONLY in web.content.decode()
    api = Api(world.worker).post(
        f"/delivery/people/{world.person.pk}/activity-records",
        {"offered": "Library", "outcome": "took_part", "rhythm_id": rhythm.pk},
    )
    assert api.status_code == 422
    assert api.json()["message"] == services.ATTENDANCE_ONLY
    assert not ActivityRecord.objects.exists()


def test_web_activity_form_saves_a_choice(world, rhythm):
    response = _activity_form(world, rhythm, outcome="took_part", chosen="Quiet room, 20 min")
    assert response.status_code == 302
    record = ActivityRecord.objects.get()
    assert (record.chosen, record.entry.activity) == ("Quiet room, 20 min", "Library quiet room")


# Idempotency


def test_same_key_twice_stores_one_record(world):
    key = uuid.uuid4()
    first = services.daily_note_create(
        person=world.person, text="Good morning.", idempotency_key=key, by=world.worker
    )
    again = services.daily_note_create(
        person=world.person, text="Good morning.", idempotency_key=key, by=world.worker
    )
    assert again.pk == first.pk
    assert DailyNote.objects.count() == 1


def test_same_key_with_a_different_body_is_a_conflict(world):
    key = uuid.uuid4()
    services.daily_note_create(
        person=world.person, text="Good morning.", idempotency_key=key, by=world.worker
    )
    before = snapshot(DailyNote.objects.get(), IdempotencyKey)
    with pytest.raises(Conflict):
        services.daily_note_create(
            person=world.person, text="Something else.", idempotency_key=key, by=world.worker
        )
    assert DailyNote.objects.count() == 1
    assert snapshot(DailyNote.objects.get(), IdempotencyKey) == before


def test_web_form_sent_twice_saves_once(world):
    client = world.client_for(world.worker)
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "text": "Enjoyed breakfast.",
    }
    url = f"/people/{world.person.pk}/record/note/"
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert DailyNote.objects.count() == 1
    changed = client.post(url, {**data, "text": "Something else"})
    assert changed.status_code == 200
    assert "already sent with different details" in changed.content.decode()
    assert DailyNote.objects.count() == 1


def test_api_resend_answers_the_first_result_and_a_changed_body_409(world):
    api = Api(world.worker)
    key = str(uuid.uuid4())
    url = f"/delivery/people/{world.person.pk}/daily-notes"
    first = api.post(url, {"text": "Calm evening."}, key=key)
    again = api.post(url, {"text": "Calm evening."}, key=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    conflict = api.post(url, {"text": "Different."}, key=key)
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "idempotency_key_reused"
    assert DailyNote.objects.count() == 1


def test_api_needs_an_idempotency_key(world):
    response = Api(world.worker).post(
        f"/delivery/people/{world.person.pk}/daily-notes", {"text": "Hi"}, key=None
    )
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["fields"]["idempotency_key"][0]
    assert (DailyNote.objects.count(), IdempotencyKey.objects.count()) == (0, 0)


def test_another_users_key_does_not_replay_their_record(world):
    key = uuid.uuid4()
    mine = services.daily_note_create(
        person=world.person, text="Note.", idempotency_key=key, by=world.worker
    )
    theirs = services.daily_note_create(
        person=world.person, text="Note.", idempotency_key=key, by=world.team_leader
    )
    assert mine.pk != theirs.pk


@pytest.mark.django_db(transaction=True)
def test_same_key_sent_concurrently_stores_one_record(world):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: SQLite serialises writers, so there is no race to test.")
    key = uuid.uuid4()
    barrier = Barrier(4)

    def send(_):
        try:
            barrier.wait()
            return services.daily_note_create(
                person=world.person, text="Same note.", idempotency_key=key, by=world.worker
            ).pk
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = list(pool.map(send, range(4)))
    assert len(set(ids)) == 1
    assert DailyNote.objects.count() == 1


# Agency staff


def test_agency_worker_cannot_record_before_the_briefing(world, routine):
    with pytest.raises(PermissionDenied, match="confirm the shift briefing"):
        services.daily_note_create(
            person=world.person, text="Hello.", idempotency_key=uuid.uuid4(), by=world.agency_now
        )
    assert (DailyNote.objects.count(), IdempotencyKey.objects.count()) == (0, 0)
    booking = world.agency_now.shift_bookings.get()
    ack = services.briefing_acknowledge(booking=booking, by=world.agency_now)
    assert list(ack.routine_versions.all()) == [routine.versions.get()]
    note = services.daily_note_create(
        person=world.person, text="Hello.", idempotency_key=uuid.uuid4(), by=world.agency_now
    )
    assert note.booking == booking


def test_agency_worker_records_only_inside_their_booking(world):
    with pytest.raises(PermissionDenied):
        services.daily_note_create(
            person=world.person,
            text="Hello.",
            idempotency_key=uuid.uuid4(),
            by=world.agency_later,
        )
    api = Api(world.agency_later).post(
        f"/delivery/people/{world.person.pk}/daily-notes", {"text": "Hello."}
    )
    assert api.status_code == 404
    web = world.client_for(world.agency_later).get(f"/people/{world.person.pk}/record/note/")
    assert web.status_code == 404
    assert not DailyNote.objects.exists()


def test_agency_api_write_before_briefing_is_forbidden(world):
    api = Api(world.agency_now)
    url = f"/delivery/people/{world.person.pk}/daily-notes"
    refused = api.post(url, {"text": "Hello."})
    assert refused.status_code == 403
    assert "briefing" in refused.json()["message"]
    assert (DailyNote.objects.count(), IdempotencyKey.objects.count()) == (0, 0)
    booking = world.agency_now.shift_bookings.get()
    to_read = api.get(f"/delivery/bookings/{booking.pk}/briefing").json()
    assert to_read["acknowledged"] is False
    assert [p["display_name"] for p in to_read["people"]] == ["Sam Taylor"]
    assert (
        Api(world.agency_later).get(f"/delivery/bookings/{booking.pk}/briefing").status_code == 404
    )
    assert not BriefingAcknowledgement.objects.exists()
    assert api.post(f"/delivery/bookings/{booking.pk}/briefing").status_code == 201
    assert api.post(f"/delivery/bookings/{booking.pk}/briefing").status_code == 201
    assert api.post(url, {"text": "Hello."}).status_code == 201


def test_api_routine_run_and_flag(world, routine):
    api = Api(world.worker)
    steps = _steps(routine)
    run = api.post(
        f"/delivery/people/{world.person.pk}/routine-runs",
        {"routine_id": routine.pk, "outcome": "completed", "steps_used": steps},
    )
    assert run.status_code == 201
    assert run.json()["routine_version_id"] == routine.versions.get().pk
    assert RoutineRun.objects.get().steps_used == steps
    flag = api.post(
        f"/delivery/people/{world.person.pk}/practicality-flags",
        {"routine_id": routine.pk, "what_happened": "Breakfast window clashes with the bus."},
    )
    assert flag.status_code == 201
    assert (
        Api(world.outsider)
        .post(f"/delivery/people/{world.person.pk}/daily-notes", {"text": "x"})
        .status_code
        == 404
    )
    assert (
        Api(world.quality_lead)
        .post(f"/delivery/people/{world.person.pk}/daily-notes", {"text": "x"})
        .status_code
        == 403
    )
    assert not DailyNote.objects.exists()


def test_api_incident_handover_and_planned_activity(world, routine, rhythm):
    api = Api(world.worker)
    base = f"/delivery/people/{world.person.pk}"
    incident = api.post(
        f"{base}/incidents",
        {
            "incident_type": "distress",
            "severity": "moderate",
            "what_happened": "Upset when the fan came on.",
            "actions_taken": "Fan off, music on.",
            "routine_id": routine.pk,
        },
    )
    assert incident.status_code == 201
    assert incident.json()["routine_version_id"] == routine.versions.get().pk
    handover = api.post(f"{base}/handover-notes", {"summary": "Calm.", "watch_for": "Fan."})
    assert handover.status_code == 201
    entry = rhythm.versions.get().entries.first()
    activity = api.post(
        f"{base}/activity-records",
        {
            "offered": entry.activity,
            "outcome": "took_part",
            "entry_id": entry.pk,
            "adjustments": "Went at the quieter time.",
        },
    )
    assert activity.status_code == 201
    assert activity.json()["rhythm_version_id"] == rhythm.versions.get().pk
    listed = api.get(f"{base}/activity-records")
    assert [r["adjustments"] for r in listed.json()["items"]] == ["Went at the quieter time."]
    assert Api(world.outsider).get(f"{base}/activity-records").status_code == 404
