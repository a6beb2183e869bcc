"""Distress and behaviour records: who may record and read them, the input they refuse, one
record per key, the links to the plan, the weekly trend, and an incident started from one."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coplan.accounts.models import ShiftBooking
from coplan.delivery import distress, services
from coplan.delivery.models import DistressRecord, Incident, RoutineRun
from coplan.lib import events
from tests.delivery.helpers import Api
from tests.snapshot import snapshot
from tests.support.factories import morning_routine, week_rhythm


@pytest.fixture
def routine(world):
    return morning_routine(world.person, world.team_leader)


def _steps(routine):
    return list(routine.versions.get(is_current=True).steps.all())


def _form(**changes):
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "intensity": "3",
        "before": "The shower was mentioned before breakfast.",
        "what_person_did": "Shouted 'no' and pushed the door shut.",
        "what_helped": "Stepped back, music on, breakfast first.",
        "duration_minutes": "15",
        "plan_link": "",
    }
    data.update(changes)
    return data


def _record(world, **fields):
    values = {
        "person": world.person,
        "intensity": 3,
        "before": "Woken early",
        "what_person_did": "Rocked and covered ears",
        "what_helped": "Quiet room",
        "duration_minutes": 10,
        "idempotency_key": uuid.uuid4(),
        "by": world.worker,
    }
    values.update(fields)
    return distress.distress_record_create(**values)


# Who may record and read

NEW_FORM = {
    "worker": 200,
    "team_leader": 200,
    "manager": 200,
    "quality_lead": 403,  # reads across services, records nothing
    "outsider": 404,
    "agency_later": 404,  # no shift running
    "admin": 404,
    "person_user": 403,
    "sister_user": 403,
}


@pytest.mark.parametrize(("who", "status"), NEW_FORM.items())
def test_who_may_open_the_distress_form(world, who, status):
    response = world.client_for(world.everyone[who]).get(f"/people/{world.person.pk}/distress/new/")
    assert response.status_code == status


def test_anonymous_is_sent_to_sign_in(world):
    for path in ("distress/new/", "distress/"):
        response = world.client_for(None).get(f"/people/{world.person.pk}/{path}")
        assert response.status_code == 302
        assert "/login" in response["Location"] or "accounts" in response["Location"]


def test_agency_worker_records_only_after_the_briefing(world):
    client = world.client_for(world.agency_now)
    response = client.post(f"/people/{world.person.pk}/distress/new/", _form())
    assert response.status_code == 302
    assert response["Location"] == "/shift/"
    assert not DistressRecord.objects.exists()
    booking = ShiftBooking.objects.get(user=world.agency_now)
    services.briefing_acknowledge(booking=booking, by=world.agency_now)
    response = client.post(f"/people/{world.person.pk}/distress/new/", _form())
    assert response.status_code == 302
    record = DistressRecord.objects.get()
    assert record.booking == booking


@pytest.mark.parametrize(
    "who", ["quality_lead", "outsider", "agency_later", "admin", "person_user", "sister_user"]
)
def test_refused_roles_write_nothing(world, who):
    before = snapshot(DistressRecord)
    world.client_for(world.everyone[who]).post(f"/people/{world.person.pk}/distress/new/", _form())
    api_status = (
        Api(world.everyone[who])
        .post(f"/delivery/people/{world.person.pk}/distress-records", {**_api_body()})
        .status_code
    )
    assert api_status in (403, 404)
    assert snapshot(DistressRecord) == before


def test_anonymous_posts_write_nothing(world):
    world.client_for(None).post(f"/people/{world.person.pk}/distress/new/", _form())
    assert not DistressRecord.objects.exists()


READ = {
    "worker": 200,
    "team_leader": 200,
    "manager": 200,
    "agency_now": 200,
    "quality_lead": 200,
    "outsider": 404,
    "agency_later": 404,
    "admin": 404,
    "person_user": 403,
    "sister_user": 403,
}


@pytest.mark.parametrize(("who", "status"), READ.items())
def test_who_may_read_distress_records(world, who, status):
    record = _record(world)
    client = world.client_for(world.everyone[who])
    assert client.get(f"/people/{world.person.pk}/distress/").status_code == status
    detail = client.get(f"/people/{world.person.pk}/distress/{record.pk}/")
    assert detail.status_code == status
    api = Api(world.everyone[who]).get(f"/delivery/people/{world.person.pk}/distress-records")
    assert api.status_code == status


def test_a_record_is_not_found_under_another_person(world):
    record = _record(world)
    response = world.client_for(world.outsider).get(
        f"/people/{world.person_b.pk}/distress/{record.pk}/"
    )
    assert response.status_code == 404


# Bad input


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"intensity": "0"}, "intensity"),
        ({"intensity": "6"}, "intensity"),
        ({"duration_minutes": "-5"}, "duration_minutes"),
        ({"duration_minutes": "99999"}, "duration_minutes"),
        ({"what_helped": ""}, "what_helped"),
        ({"before": "<script>alert(1)</script>"}, "before"),
    ],
)
def test_bad_input_is_a_form_error_and_writes_nothing(world, changes, field):
    response = world.client_for(world.worker).post(
        f"/people/{world.person.pk}/distress/new/", _form(**changes)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not DistressRecord.objects.exists()


def test_script_text_is_shown_back_escaped(world):
    response = world.client_for(world.worker).post(
        f"/people/{world.person.pk}/distress/new/", _form(before="<script>alert(1)</script>")
    )
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "changes",
    [
        {"intensity": 0},
        {"intensity": 6},
        {"duration_minutes": -1},
        {"before": "<script>x</script>"},
        {"intensity": "high"},
        {"what_person_did": ""},
    ],
)
def test_api_refuses_bad_input_with_a_4xx(world, changes):
    response = Api(world.worker).post(
        f"/delivery/people/{world.person.pk}/distress-records", {**_api_body(), **changes}
    )
    assert 400 <= response.status_code < 500
    assert "message" in response.json()
    assert not DistressRecord.objects.exists()


def test_service_refuses_out_of_range_values(world):
    with pytest.raises(ValidationError) as exc:
        _record(world, intensity=6, duration_minutes=-1)
    assert exc.value.message_dict == {
        "intensity": [distress.INTENSITY_RANGE],
        "duration_minutes": [distress.DURATION_RANGE],
    }


def _api_body(**changes):
    return {
        "intensity": 4,
        "before": "Asked to shower at 7:30",
        "what_person_did": "Hit the door",
        "what_helped": "Space and music",
        "duration_minutes": 20,
        **changes,
    }


# One record per key


def test_a_resubmitted_form_makes_one_record(world):
    client = world.client_for(world.worker)
    data = _form()
    first = client.post(f"/people/{world.person.pk}/distress/new/", data)
    second = client.post(f"/people/{world.person.pk}/distress/new/", data)
    record = DistressRecord.objects.get()
    assert (
        first["Location"]
        == second["Location"]
        == (f"/people/{world.person.pk}/distress/{record.pk}/")
    )


def test_the_api_is_idempotent(world):
    api = Api(world.worker)
    key = str(uuid.uuid4())
    first = api.post(f"/delivery/people/{world.person.pk}/distress-records", _api_body(), key=key)
    again = api.post(f"/delivery/people/{world.person.pk}/distress-records", _api_body(), key=key)
    other = api.post(
        f"/delivery/people/{world.person.pk}/distress-records", _api_body(intensity=2), key=key
    )
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["intensity_words"] == "4: Very distressed"
    assert other.status_code == 409
    assert DistressRecord.objects.count() == 1
    keyless = api.post(
        f"/delivery/people/{world.person.pk}/distress-records", _api_body(), key=None
    )
    assert keyless.status_code == 422
    assert "idempotency_key" in keyless.json()["fields"]
    assert DistressRecord.objects.count() == 1


def test_saving_announces_the_record(world, django_capture_on_commit_callbacks):
    heard = []

    def receiver(sender, **kwargs):
        heard.append((sender, kwargs["person_id"], kwargs["record_id"]))

    events.care_record_committed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            record = _record(world)
    finally:
        events.care_record_committed.disconnect(receiver)
    assert heard == [(DistressRecord, world.person.pk, record.pk)]
    assert record.history.count() == 1


# Links to the plan


def test_prefilled_from_a_routine_step_and_saved_against_it(world, routine):
    step = _steps(routine)[2]
    client = world.client_for(world.worker)
    page = client.get(
        f"/people/{world.person.pk}/distress/new/?routine={routine.pk}&step={step.pk}"
    )
    assert page.context["form"]["plan_link"].value() == f"routine:{routine.pk}:{step.pk}"
    client.post(
        f"/people/{world.person.pk}/distress/new/",
        _form(plan_link=f"routine:{routine.pk}:{step.pk}"),
    )
    record = DistressRecord.objects.get()
    assert record.routine_version == routine.versions.get(is_current=True)
    assert record.routine_step == step
    assert record.plan_element == f"{record.routine_version}, at “Shower, later”"


def test_prefilled_from_a_routine_run(world, routine):
    run = services.routine_run_record(
        person=world.person,
        routine=routine,
        outcome=RoutineRun.Outcome.REFUSED,
        idempotency_key=uuid.uuid4(),
        by=world.worker,
    )
    client = world.client_for(world.worker)
    page = client.get(f"/people/{world.person.pk}/distress/new/?routine_run={run.pk}")
    assert page.context["form"]["routine_run"].value() == run.pk
    client.post(
        f"/people/{world.person.pk}/distress/new/",
        _form(routine_run=str(run.pk), plan_link=f"routine:{routine.pk}:"),
    )
    record = DistressRecord.objects.get()
    assert record.routine_run == run
    assert record.routine_version == run.routine_version
    assert record.routine_step is None


def test_prefilled_from_an_activity(world):
    rhythm = week_rhythm(world.person, world.team_leader)
    activity = services.activity_record_create(
        person=world.person,
        rhythm=rhythm,
        offered="Library",
        outcome="declined",
        decline_reason="Too busy",
        idempotency_key=uuid.uuid4(),
        by=world.worker,
    )
    client = world.client_for(world.worker)
    page = client.get(f"/people/{world.person.pk}/distress/new/?activity={activity.pk}")
    assert page.context["form"]["plan_link"].value() == f"activity:{activity.pk}"
    client.post(
        f"/people/{world.person.pk}/distress/new/", _form(plan_link=f"activity:{activity.pk}")
    )
    record = DistressRecord.objects.get()
    assert record.activity_record == activity
    assert record.rhythm_version == activity.rhythm_version


def test_another_persons_records_cannot_be_linked(world, routine):
    other_routine = morning_routine(world.person_b, world.manager)
    step = _steps(other_routine)[0]
    with pytest.raises(ValidationError):
        _record(world, step=step)
    with pytest.raises(ValidationError):
        _record(world, routine=routine, step=step)
    api = Api(world.worker).post(
        f"/delivery/people/{world.person.pk}/distress-records", _api_body(step_id=step.pk)
    )
    assert api.status_code == 404
    assert not DistressRecord.objects.exists()


# The trend, beside refusals


def test_weekly_trend_for_a_known_fixture(world, routine):
    now = timezone.now()
    _record(world, intensity=4)
    _record(world, intensity=2)
    _record(world, intensity=5, occurred_at=now - timedelta(days=21))
    for _ in range(2):
        services.routine_run_record(
            person=world.person,
            routine=routine,
            outcome=RoutineRun.Outcome.REFUSED,
            idempotency_key=uuid.uuid4(),
            by=world.worker,
        )
    _record(world, person=world.person_b, by=world.outsider, intensity=1)
    weeks = distress.weekly_trend(world.person)
    assert len(weeks) == 8
    assert [(w.episodes, w.mean_intensity, w.refusals) for w in weeks] == [
        (0, None, 0),
        (0, None, 0),
        (0, None, 0),
        (0, None, 0),
        (1, 5.0, 0),
        (0, None, 0),
        (0, None, 0),
        (2, 3.0, 2),
    ]
    assert weeks[-1].starts == timezone.localdate() - timedelta(days=timezone.localdate().weekday())


def test_person_page_shows_the_trend_as_a_table(world, routine):
    _record(world, intensity=4)
    _record(world, intensity=2)
    html = world.client_for(world.worker).get(f"/people/{world.person.pk}/").content.decode()
    assert "Distress and refusals" in html
    assert "<td>2</td><td>3.0</td><td>0</td>" in html
    assert f"/people/{world.person.pk}/distress/new/" in html


def test_person_page_hides_the_trend_from_those_who_may_not_read_records(world):
    _record(world)
    html = world.client_for(world.person_user).get(f"/people/{world.person.pk}/").content
    assert b"Distress and refusals" not in html


# Start an incident from this


def test_start_an_incident_from_a_distress_record(world, routine):
    step = _steps(routine)[0]
    record = _record(world, intensity=5, routine=routine, step=step)
    client = world.client_for(world.worker)
    url = f"/people/{world.person.pk}/distress/{record.pk}/incident/"
    form = client.get(url).context["form"]
    assert form["incident_type"].value() == Incident.Type.DISTRESS
    assert form["severity"].value() == Incident.Severity.HIGH
    assert "Woken early" in form["what_happened"].value()
    assert form["actions_taken"].value() == "Quiet room"
    assert form["plan_element"].value() == f"routine:{routine.pk}"
    data = {
        name: form[name].value()
        for name in ("incident_type", "severity", "what_happened", "actions_taken", "plan_element")
    }
    data.update(
        idempotency_key=str(uuid.uuid4()),
        occurred_at=timezone.localtime(record.occurred_at).strftime("%Y-%m-%dT%H:%M"),
        other_plan_element="",
    )
    response = client.post(url, data)
    assert response.status_code == 302
    incident = Incident.objects.get()
    record.refresh_from_db()
    assert record.incident == incident
    assert record.version == 2
    assert incident.routine_version == record.routine_version
    assert client.post(url, data).status_code == 302  # already started: no second incident
    assert Incident.objects.count() == 1
    detail = client.get(f"/people/{world.person.pk}/distress/{record.pk}/").content.decode()
    assert "Incident recorded" in detail


def test_only_those_who_record_may_start_an_incident(world):
    record = _record(world)
    for who, status in (("quality_lead", 403), ("outsider", 404), ("person_user", 403)):
        response = world.client_for(world.everyone[who]).post(
            f"/people/{world.person.pk}/distress/{record.pk}/incident/", {}
        )
        assert response.status_code == status
    assert not Incident.objects.exists()
