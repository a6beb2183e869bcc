"""Alerts that reach managers at once: incidents, "not practical" flags and new triggers
become notifications for the team leaders and managers of the service and the person's key
worker, once each; serious ones are also emailed, in the background."""

import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from coplan.delivery import services as delivery_services
from coplan.delivery.idempotency import new_key
from coplan.notifications import services
from coplan.notifications.models import Notification, Preference
from coplan.people.models import Person


@pytest.fixture
def keyed(world):
    Person.objects.filter(pk=world.person.pk).update(key_worker=world.worker)
    world.person.refresh_from_db()
    return world


def _incident(world, *, severity="low", incident_type="distress", key=None):
    return delivery_services.incident_create(
        person=world.person,
        incident_type=incident_type,
        severity=severity,
        what_happened="Sam threw his cup at breakfast.",
        actions_taken="Gave Sam space, offered toast.",
        idempotency_key=key or new_key(),
        by=world.worker,
    )


def test_incident_tells_the_managers_and_key_worker_once(keyed, django_capture_on_commit_callbacks):
    world = keyed
    key = new_key()
    with django_capture_on_commit_callbacks(execute=True):
        incident = _incident(world, key=key)
    with django_capture_on_commit_callbacks(execute=True):
        _incident(world, key=key)  # a resend on a weak signal
    told = Notification.objects.filter(event_key=f"incident:{incident.pk}")
    assert sorted(told.values_list("recipient__username", flat=True)) == [
        "manager",
        "teamlead",
        "worker",
    ]
    assert {n.kind for n in told} == {"incident"}
    assert all("/delivery/" in n.url for n in told)
    assert mail.outbox == []  # not serious: in the app only


def test_serious_incident_is_emailed_after_the_commit(keyed, django_capture_on_commit_callbacks):
    world = keyed
    with django_capture_on_commit_callbacks(execute=True):
        incident = _incident(world, severity="high", incident_type="injury")
    told = Notification.objects.filter(event_key=f"incident:{incident.pk}")
    assert {n.kind for n in told} == {"serious_incident"}
    assert sorted(m.to[0] for m in mail.outbox) == [
        "manager@example.org",
        "teamlead@example.org",
        "worker@example.org",
    ]
    assert "Serious incident: Sam" in mail.outbox[0].subject
    assert all(n.emailed_at is not None for n in told)


def test_nothing_is_told_when_the_record_is_refused(keyed, django_capture_on_commit_callbacks):
    world = keyed
    with pytest.raises(ValidationError), django_capture_on_commit_callbacks(execute=True):
        _incident(world, severity="not-a-severity")
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_a_user_can_turn_a_kind_off_and_email_on(keyed, django_capture_on_commit_callbacks):
    world = keyed
    services.preferences_save(user=world.manager, choices={"incident": (False, False)})
    services.preferences_save(user=world.team_leader, choices={"incident": (True, True)})
    with django_capture_on_commit_callbacks(execute=True):
        incident = _incident(world)
    told = Notification.objects.filter(event_key=f"incident:{incident.pk}")
    assert sorted(told.values_list("recipient__username", flat=True)) == ["teamlead", "worker"]
    assert [m.to for m in mail.outbox] == [["teamlead@example.org"]]


def test_notification_centre_shows_only_my_own_and_marks_read(keyed):
    world = keyed
    services.notify(
        recipients=[world.manager],
        kind="incident",
        title="Incident: Sam <script>alert(1)</script>",
        url=f"/people/{world.person.pk}/",
        event_key="test:1",
    )
    mine = Notification.objects.get(recipient=world.manager)
    manager = world.client_for(world.manager)
    page = manager.get("/notifications/").content.decode()
    assert "Incident: Sam &lt;script&gt;" in page
    assert '<span class="badge">1<' in page
    assert world.client_for(world.worker).get(f"/notifications/{mine.pk}/").status_code == 404
    assert world.client_for(None).get("/notifications/").status_code == 302
    opened = manager.get(f"/notifications/{mine.pk}/")
    assert opened.status_code == 302 and opened["Location"] == f"/people/{world.person.pk}/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert 'class="badge"' not in manager.get("/notifications/").content.decode()


def test_an_outside_link_is_never_followed(keyed):
    world = keyed
    services.notify(
        recipients=[world.manager],
        kind="incident",
        title="x",
        url="https://evil.example/",
        event_key="test:2",
    )
    note = Notification.objects.get()
    response = world.client_for(world.manager).get(f"/notifications/{note.pk}/")
    assert response["Location"] == "/notifications/"


def test_preferences_page_saves_choices(keyed):
    world = keyed
    client = world.client_for(world.worker)
    page = client.get("/notifications/choices/").content.decode()
    assert 'id="serious_incident-app" name="serious_incident-app" checked' in page
    response = client.post("/notifications/choices/", {"incident-app": "on"})
    assert response.status_code == 302
    pref = Preference.objects.get(user=world.worker, kind="incident")
    assert (pref.in_app, pref.by_email) == (True, False)
    assert not Preference.objects.get(user=world.worker, kind="serious_incident").in_app


def test_missed_travel_check_in_is_told_once_with_the_agreed_action(
    keyed, plan, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    from tests.risk.test_pages import _out_on_a_trip

    world = keyed
    _out_on_a_trip(world, plan)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_alerts", stdout=out)
    told = Notification.objects.filter(kind="missed_check_in")
    assert sorted(told.values_list("recipient__username", flat=True)) == [
        "manager",
        "teamlead",
        "worker",
    ]
    note = told.first()
    assert note.title == "Missed check-in: Sam, Text from the bus stop"
    assert "Agreed action: Ring Sam, then college, then the team leader." in note.body
    assert note.is_urgent
    assert len(mail.outbox) == 3
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_alerts", stdout=out)  # the next run, five minutes later
    assert told.count() == 3
    assert len(mail.outbox) == 3
