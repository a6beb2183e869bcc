"""The whole-shift house handover: who may read and write it, what it shows for a known
shift, its fixed query count, one note per key, and the next shift reading it first."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from coplan.delivery import distress, house, services
from coplan.delivery.models import DistressRecord, HouseHandover, Incident, RoutineRun
from coplan.people import services as people_services
from tests.delivery.helpers import Api
from tests.snapshot import snapshot
from tests.support.factories import morning_routine, week_rhythm


def _url(world, query="?hours=24"):
    return f"/services/{world.service_a.pk}/handover/{query}"


def _form(**changes):
    now = timezone.localtime()
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "summary": "A calm evening; Sam cooked with Jamal.",
        "outstanding": "Sam's morning routine still to record.",
        "for_next_shift": "Sam's mum visits at 10.",
        "shift_start": (now - timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"),
        "shift_end": now.strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(changes)
    return data


READ = {
    "worker": 200,
    "team_leader": 200,
    "manager": 200,
    "agency_now": 200,
    "quality_lead": 200,
    "outsider": 404,  # no role in this service
    "agency_later": 403,  # a member, but no shift running
    "admin": 403,  # no care records
    "person_user": 404,
    "sister_user": 404,
}


@pytest.mark.parametrize(("who", "status"), READ.items())
def test_who_may_read_the_house_handover(world, who, status):
    user = world.everyone[who]
    assert world.client_for(user).get(_url(world)).status_code == status
    assert Api(user).get(f"/delivery/services/{world.service_a.pk}/handover").status_code == status


def test_anonymous_is_sent_to_sign_in(world):
    assert world.client_for(None).get(_url(world)).status_code == 302


WRITE_REFUSED = {
    "quality_lead": 404,  # reads across the organisation; no role in this service
    "outsider": 404,
    "agency_later": 403,
    "admin": 403,
    "person_user": 404,
    "sister_user": 404,
}


@pytest.mark.parametrize(("who", "status"), WRITE_REFUSED.items())
def test_who_may_not_write_it(world, who, status):
    before = snapshot(HouseHandover)
    user = world.everyone[who]
    assert world.client_for(user).post(_url(world, ""), _form()).status_code == status
    api = Api(user).post(f"/delivery/services/{world.service_a.pk}/house-handovers", _api_body())
    assert api.status_code == status
    assert snapshot(HouseHandover) == before


def test_agency_worker_writes_only_after_the_briefing(world):
    client = world.client_for(world.agency_now)
    response = client.post(_url(world, ""), _form())
    assert response.status_code == 302  # back to the page, with the reason
    assert not HouseHandover.objects.exists()
    booking = world.agency_now_booking = world.agency_now.shift_bookings.get()
    services.briefing_acknowledge(booking=booking, by=world.agency_now)
    client.post(_url(world, ""), _form())
    assert HouseHandover.objects.get().booking == booking


def _api_body(**changes):
    now = timezone.now()
    return {
        "shift_start": (now - timedelta(hours=8)).isoformat(),
        "shift_end": now.isoformat(),
        "summary": "Quiet night.",
        **changes,
    }


# What it shows


@pytest.fixture
def known_shift(world):
    """Sam: morning routine due and not recorded, one open "not practical" flag, a distress
    episode, a declined activity and a handover note. Priya (a second person in A): her
    routine run as agreed, nothing outstanding."""
    sam_routine = morning_routine(world.person, world.team_leader)
    rhythm = week_rhythm(world.person, world.team_leader)
    services.practicality_flag_create(
        person=world.person,
        routine=sam_routine,
        what_happened="Breakfast clashes with the bus.",
        idempotency_key=uuid.uuid4(),
        by=world.worker,
    )
    services.activity_record_create(
        person=world.person,
        rhythm=rhythm,
        offered="Library",
        outcome="declined",
        decline_reason="Too busy",
        idempotency_key=uuid.uuid4(),
        by=world.worker,
    )
    episode = distress.distress_record_create(
        person=world.person,
        intensity=3,
        before="Loud delivery van",
        what_person_did="Covered ears, paced",
        what_helped="Headphones",
        duration_minutes=12,
        idempotency_key=uuid.uuid4(),
        by=world.worker,
    )
    services.handover_note_create(
        person=world.person,
        summary="Sam settled after tea.",
        watch_for="Ask about the library tomorrow.",
        idempotency_key=uuid.uuid4(),
        by=world.worker,
    )
    priya = people_services.person_create(
        service=world.service_a, by=world.manager, given_name="Priya", family_name="Shah"
    )
    priya_routine = morning_routine(priya, world.team_leader)
    services.routine_run_record(
        person=priya,
        routine=priya_routine,
        outcome=RoutineRun.Outcome.COMPLETED,
        steps_used=[s.pk for s in priya_routine.versions.get().steps.all()],
        idempotency_key=uuid.uuid4(),
        by=world.worker,
    )
    return {"sam_routine": sam_routine, "priya": priya, "episode": episode}


def test_the_page_lists_exactly_the_known_outstanding_items(world, known_shift):
    response = world.client_for(world.worker).get(_url(world))
    data = response.context["house"]
    by_name = {p.person.called: p for p in data.people}
    assert by_name["Sam"].outstanding == [
        "Morning routine: due, not recorded",
        f"Not practical: {known_shift['sam_routine'].versions.get()} (open)",
    ]
    assert by_name["Priya"].outstanding == []
    assert data.outstanding_text == (
        "Sam: Morning routine: due, not recorded\n"
        f"Sam: Not practical: {known_shift['sam_routine'].versions.get()} (open)"
    )
    html = response.content.decode()
    assert html.count("<li>Morning routine: due, not recorded</li>") == 1


def test_the_page_shows_each_persons_shift_against_their_plan(world, known_shift):
    data = world.client_for(world.worker).get(_url(world)).context["house"]
    sam, priya = (p for p in data.people if p.person.called in ("Priya", "Sam"))
    sam, priya = (sam, priya) if sam.person.called == "Sam" else (priya, sam)
    assert (sam.routines_due, sam.routines_run) == (1, 0)
    assert (sam.offered, sam.chosen, sam.declined) == (1, 0, 1)
    assert sam.distress == [known_shift["episode"]]
    assert sam.last_handover.summary == "Sam settled after tea."
    assert (priya.routines_due, priya.routines_run, priya.steps_as_agreed) == (1, 1, 0 + 1)
    assert priya.steps_not_as_agreed == priya.refusals == 0


def test_an_answered_flag_is_no_longer_outstanding(world, known_shift):
    from tests.support.factories import revise_morning

    revise_morning(known_shift["sam_routine"], world.team_leader)
    data = world.client_for(world.worker).get(_url(world)).context["house"]
    sam = next(p for p in data.people if p.person.called == "Sam")
    assert sam.open_flags == []


def _person_with_records(world, n):
    person = people_services.person_create(
        service=world.service_a, by=world.manager, given_name=f"Extra{n}", family_name="Person"
    )
    routine = morning_routine(person, world.team_leader)
    services.routine_run_record(
        person=person,
        routine=routine,
        outcome=RoutineRun.Outcome.REFUSED,
        idempotency_key=uuid.uuid4(),
        by=world.worker,
    )
    distress.distress_record_create(
        person=person,
        intensity=2,
        before="Noise",
        what_person_did="Paced",
        what_helped="Walk",
        duration_minutes=5,
        idempotency_key=uuid.uuid4(),
        by=world.worker,
    )
    services.incident_create(
        person=person,
        incident_type=Incident.Type.HEALTH,
        severity=Incident.Severity.LOW,
        what_happened="Felt sick",
        actions_taken="Rest",
        idempotency_key=uuid.uuid4(),
        by=world.worker,
    )
    services.handover_note_create(
        person=person, summary="Fine", idempotency_key=uuid.uuid4(), by=world.worker
    )


def test_the_page_takes_a_fixed_number_of_queries(world, django_assert_num_queries):
    # Sam and one more: two people; then six.
    _person_with_records(world, 1)
    client = world.client_for(world.worker)
    client.get(_url(world))  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as two:
        assert len(client.get(_url(world)).context["house"].people) == 2
    for n in range(2, 6):
        _person_with_records(world, n)
    with django_assert_num_queries(len(two.captured_queries)):
        assert len(client.get(_url(world)).context["house"].people) == 6


# Writing it


def test_a_resubmitted_handover_makes_one_note(world):
    client = world.client_for(world.worker)
    data = _form()
    assert client.post(_url(world, ""), data)["Location"] == "/shift/"
    assert client.post(_url(world, ""), data)["Location"] == "/shift/"
    note = HouseHandover.objects.get()
    assert note.written_by == world.worker
    assert note.for_next_shift == "Sam's mum visits at 10."
    assert note.history.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"summary": ""}, "summary"),
        ({"summary": "<script>alert(1)</script>"}, "summary"),
        ({"shift_start": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}, "shift_end"),
        ({"shift_start": "2020-01-01T08:00"}, "shift_start"),
        ({"shift_end": "nonsense"}, "shift_end"),
    ],
)
def test_bad_input_is_a_form_error_and_writes_nothing(world, changes, field):
    data = _form(**changes)
    if field == "shift_end" and "shift_start" in changes:
        data["shift_end"] = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = world.client_for(world.worker).post(_url(world, ""), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not HouseHandover.objects.exists()
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_the_api_writes_once_per_key_and_refuses_bad_input(world):
    api = Api(world.worker)
    path = f"/delivery/services/{world.service_a.pk}/house-handovers"
    key = str(uuid.uuid4())
    body = _api_body()
    first = api.post(path, body, key=key)
    again = api.post(path, body, key=key)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    bad_window = _api_body(shift_end=(timezone.now() - timedelta(hours=9)).isoformat())
    refused = api.post(path, bad_window)
    assert refused.status_code == 422
    assert refused.json()["fields"]["shift_end"] == [house.WINDOW_ORDER]
    assert api.post(path, _api_body(summary="")).status_code == 422
    assert api.post(path, _api_body(summary="<b>hi</b>")).status_code == 422
    assert HouseHandover.objects.count() == 1


# The next shift


def test_the_next_shift_sees_the_latest_house_handover_first(world, known_shift):
    house.house_handover_write(
        service=world.service_a,
        shift_start=timezone.now() - timedelta(hours=20),
        shift_end=timezone.now() - timedelta(hours=12),
        summary="An older handover.",
        idempotency_key=uuid.uuid4(),
        by=world.worker,
    )
    house.house_handover_write(
        service=world.service_a,
        shift_start=timezone.now() - timedelta(hours=9),
        shift_end=timezone.now() - timedelta(minutes=5),
        summary="Night was quiet; Sam up at 6.",
        for_next_shift="Sam's mum visits at 10.",
        idempotency_key=uuid.uuid4(),
        by=world.worker,
    )
    html = world.client_for(world.team_leader).get("/shift/").content.decode()
    assert "Night was quiet; Sam up at 6." in html
    assert "An older handover." not in html
    assert html.index("Night was quiet") < html.index('id="person-')
    assert f"/services/{world.service_a.pk}/handover/" in html


def test_an_old_house_handover_is_not_shown_on_the_shift(world):
    house.house_handover_write(
        service=world.service_a,
        shift_start=timezone.now() - timedelta(hours=40),
        shift_end=timezone.now() - timedelta(hours=30),
        summary="Two days ago.",
        idempotency_key=uuid.uuid4(),
        by=world.worker,
    )
    html = world.client_for(world.worker).get("/shift/").content.decode()
    assert "Two days ago." not in html
    assert "No house handover in the last day." in html


def test_other_services_handovers_are_not_shown(world):
    house.house_handover_write(
        service=world.service_b,
        shift_start=timezone.now() - timedelta(hours=8),
        shift_end=timezone.now(),
        summary="Birch Court note.",
        idempotency_key=uuid.uuid4(),
        by=world.outsider,
    )
    html = world.client_for(world.worker).get("/shift/").content.decode()
    assert "Birch Court note." not in html


def test_scenario_distress_to_incident_to_house_handover_to_next_shift(world):
    """Wendy, on the morning shift, sees Sam distressed at the shower step: she records it
    from the step (prefilled), starts an incident from the record, writes the house
    handover, and Tariq, starting the next shift, reads it first on /shift/."""
    routine = morning_routine(world.person, world.team_leader)
    shower = routine.versions.get().steps.get(title="Shower, later")
    wendy = world.client_for(world.worker)

    form = wendy.get(
        f"/people/{world.person.pk}/distress/new/?routine={routine.pk}&step={shower.pk}"
    ).context["form"]
    link = form["plan_link"].value()
    saved = wendy.post(
        f"/people/{world.person.pk}/distress/new/",
        {
            "idempotency_key": form["idempotency_key"].value(),
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "intensity": "4",
            "before": "Shower mentioned while Sam was still eating.",
            "what_person_did": "Threw his cup and shouted.",
            "what_helped": "Left him to finish breakfast; music on.",
            "duration_minutes": "25",
            "plan_link": link,
        },
    )
    record = DistressRecord.objects.get()
    assert saved["Location"] == f"/people/{world.person.pk}/distress/{record.pk}/"
    assert record.routine_step == shower

    detail = wendy.get(saved["Location"]).content.decode()
    start = f"/people/{world.person.pk}/distress/{record.pk}/incident/"
    assert start in detail
    incident_form = wendy.get(start).context["form"]
    wendy.post(
        start,
        {
            "idempotency_key": incident_form["idempotency_key"].value(),
            "occurred_at": incident_form["occurred_at"].value().strftime("%Y-%m-%dT%H:%M"),
            "incident_type": incident_form["incident_type"].value(),
            "severity": incident_form["severity"].value(),
            "what_happened": incident_form["what_happened"].value(),
            "actions_taken": incident_form["actions_taken"].value(),
            "plan_element": incident_form["plan_element"].value(),
            "other_plan_element": "",
        },
    )
    record.refresh_from_db()
    incident = Incident.objects.get()
    assert record.incident == incident
    assert incident.severity == Incident.Severity.MODERATE
    assert incident.routine_version == record.routine_version

    page = wendy.get(_url(world, ""))
    sam = next(p for p in page.context["house"].people if p.person == world.person)
    assert [d.pk for d in sam.distress] == [record.pk]
    assert sam.incidents == [incident]
    handover = page.context["form"]
    wendy.post(
        _url(world, ""),
        {
            "idempotency_key": handover["idempotency_key"].value(),
            "summary": "Sam was distressed at the shower step; incident recorded.",
            "outstanding": handover["outstanding"].value(),
            "for_next_shift": "Offer the shower after breakfast only.",
            "shift_start": handover["shift_start"].value().strftime("%Y-%m-%dT%H:%M"),
            "shift_end": handover["shift_end"].value().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert HouseHandover.objects.get().summary.startswith("Sam was distressed")

    tariq = world.client_for(world.team_leader).get("/shift/").content.decode()
    top = tariq.index("Sam was distressed at the shower step")
    assert top < tariq.index('id="person-')
    assert "Offer the shower after breakfast only." in tariq
