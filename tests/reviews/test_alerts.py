"""Alerts reach people at once: an incident, a "not practical" flag or a run of refusals
opens its review trigger when the record is committed (not only in the nightly scan), and
tells the managers and the key worker (a serious incident also by email) before the
worker's next page loads. A new flag for a plan element with an open trigger adds to it,
and the trigger quotes the latest flag first."""

import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from coplan.notifications.models import Notification
from coplan.people import services as people_services
from coplan.reviews.models import ReviewTrigger
from tests.delivery.helpers import clock, today_at
from tests.factories import RoutineFactory, RoutineRunFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def routine(world):
    people_services.person_update(person=world.person, by=world.manager, key_worker=world.worker)
    return RoutineFactory(
        person=world.person,
        by=world.manager,
        name="Morning routine",
        effective_from=timezone.now() - timedelta(days=10),
    )


def _record_incident(world, routine, *, severity: str):
    return world.client_for(world.worker).post(
        f"/people/{world.person.pk}/record/incident/",
        {
            "idempotency_key": str(uuid.uuid4()),
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "incident_type": "distress",
            "severity": severity,
            "what_happened": "Sam shouted and left the bathroom.",
            "actions_taken": "Gave space, music on.",
            "plan_element": f"routine:{routine.pk}",
        },
    )


def _flag(world, routine, words: str):
    return world.client_for(world.worker).post(
        f"/people/{world.person.pk}/record/not-practical/",
        {
            "idempotency_key": str(uuid.uuid4()),
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "plan_element": f"routine:{routine.pk}",
            "what_happened": words,
        },
    )


def test_an_incident_at_ten_is_a_trigger_a_notification_and_an_email_by_the_next_page(
    world, routine, django_capture_on_commit_callbacks
):
    with clock(today_at(10)):
        with django_capture_on_commit_callbacks(execute=True):
            response = _record_incident(world, routine, severity="high")
        assert response.status_code == 302
        # The worker's next page: by now everything has happened.
        assert world.client_for(world.worker).get(response["Location"]).status_code == 200

    (trigger,) = ReviewTrigger.objects.filter(person=world.person, kind="incident")
    assert trigger.is_open
    assert (trigger.subject_kind, trigger.subject_id) == ("routine", routine.pk)
    told = Notification.objects.filter(kind="serious_incident")
    assert sorted(told.values_list("recipient__username", flat=True)) == [
        "manager",
        "teamlead",
        "worker",
    ]
    new_trigger = Notification.objects.filter(kind="new_trigger", event_key=f"trigger:{trigger.pk}")
    assert {"manager", "worker"} <= set(new_trigger.values_list("recipient__username", flat=True))
    assert "manager@example.org" in [m.to[0] for m in mail.outbox]
    assert "worker@example.org" in [m.to[0] for m in mail.outbox]
    # ...and it is on the manager's today page, and counted in the header.
    home = world.client_for(world.manager).get("/")
    rows = {s["section"].key: s["rows"] for s in home.context["sections"]}
    assert [r.person for r, _ in rows["incidents"]] == ["Sam Taylor"]
    assert [r.text for r, _ in rows["open-triggers"]] == [
        "An incident (mini-review): Morning routine"
    ]
    assert home.context["unread_notifications"] == 2


def test_an_incident_that_is_not_serious_is_not_emailed(
    world, routine, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _record_incident(world, routine, severity="low")
    assert ReviewTrigger.objects.filter(kind="incident", status="open").count() == 1
    assert Notification.objects.filter(kind="incident", recipient=world.manager).exists()
    assert mail.outbox == []


def test_a_second_flag_adds_to_the_open_trigger_and_is_quoted_first(
    world, routine, django_capture_on_commit_callbacks
):
    two_days_ago = timezone.now() - timedelta(days=2)
    with clock(two_days_ago), django_capture_on_commit_callbacks(execute=True):
        assert _flag(world, routine, "Only one of us at 7 on the old rota").status_code == 302
    (trigger,) = ReviewTrigger.objects.filter(kind="not_practical")
    assert Notification.objects.filter(kind="not_practical", recipient=world.manager).exists()
    version = trigger.version

    with django_capture_on_commit_callbacks(execute=True):
        assert _flag(world, routine, "Still only one of us at 7").status_code == 302

    (same,) = ReviewTrigger.objects.filter(kind="not_practical")
    assert same.pk == trigger.pk and same.is_open
    assert len(same.evidence["flag_ids"]) == 2
    assert [f["text"] for f in same.evidence["flags"]] == [
        "Still only one of us at 7",
        "Only one of us at 7 on the old rota",
    ]
    assert same.reason.endswith("Still only one of us at 7")
    assert "2 times" in same.reason
    assert same.version == version + 1
    assert same.due_on == trigger.due_on  # new evidence does not move the due date

    page = world.client_for(world.manager).get(f"/reviews/people/{world.person.pk}/")
    html = page.content.decode()
    assert html.index("Still only one of us at 7") < html.index("Only one of us at 7 on the old")
    assert "latest first" in html


def test_the_fifth_refusal_opens_its_trigger_when_committed(
    world, routine, django_capture_on_commit_callbacks
):
    for n in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            RoutineRunFactory(
                routine=routine,
                outcome="refused",
                by=world.worker,
                occurred_at=timezone.now() - timedelta(hours=n + 1),
            )
    assert not ReviewTrigger.objects.filter(kind="refusals").exists()
    with django_capture_on_commit_callbacks(execute=True):
        RoutineRunFactory(routine=routine, outcome="refused", by=world.worker)
    (trigger,) = ReviewTrigger.objects.filter(kind="refusals")
    assert trigger.evidence["count"] == 5
    assert Notification.objects.filter(
        kind="new_trigger", event_key=f"trigger:{trigger.pk}", recipient=world.manager
    ).exists()

    with django_capture_on_commit_callbacks(execute=True):
        RoutineRunFactory(routine=routine, outcome="refused", by=world.worker)
    trigger.refresh_from_db()
    assert ReviewTrigger.objects.filter(kind="refusals").count() == 1
    assert trigger.evidence["count"] == 6
    assert trigger.reason.startswith("6 refusals of “Morning routine”")


def test_a_trip_queues_its_missed_check_in_alerts_for_when_they_fall_due(
    world, django_capture_on_commit_callbacks
):
    from unittest import mock

    from coplan.delivery.idempotency import new_key
    from coplan.reviews import alerts, receivers
    from coplan.risk.services import practice as practice_services
    from tests.access.test_today import _independent_plan

    plan = _independent_plan(world)
    task = mock.Mock()
    task.get_backend.return_value.supports_defer = True
    with (
        mock.patch.object(receivers, "missed_check_ins_task", task),
        django_capture_on_commit_callbacks(execute=True),
    ):
        log = practice_services.travel_log_start(
            plan=plan,
            planned_route="The 08:15 bus",
            occurred_at=timezone.now() - timedelta(minutes=25),
            idempotency_key=new_key(),
            by=world.worker,
        )
    due = sorted(c.missed_after + receivers.MISSED_CHECK_IN_LAG for c in log.check_ins.all())
    assert sorted(call.kwargs["run_after"] for call in task.using.call_args_list) == due
    assert task.using.return_value.enqueue.call_count == 2

    # When the task runs, the manager and the key worker are told, by email too, once.
    people_services.person_update(person=world.person, by=world.manager, key_worker=world.worker)
    with django_capture_on_commit_callbacks(execute=True):
        alerts.missed_check_ins_found()
    with django_capture_on_commit_callbacks(execute=True):
        alerts.missed_check_ins_found()  # a second run tells no one again
    told = Notification.objects.filter(kind="missed_check_in")
    assert told.count() == 3  # the bus stop: the manager, the team leader, the key worker
    assert len(mail.outbox) == 3
    assert {"manager", "worker"} <= set(told.values_list("recipient__username", flat=True))


def test_without_a_scheduler_a_trip_queues_nothing(world):
    from coplan.reviews import receivers

    assert receivers.schedule_missed_check_in_alerts(0) == 0  # the tests' immediate backend
