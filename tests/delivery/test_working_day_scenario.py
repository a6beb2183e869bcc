"""The working day, end to end, as its users go through it: at 07:45 a support worker's
shift view puts Sam's morning routine first; she ticks its steps as they happen and
finishes the run; she opens "why we do it this way" and reads the decision in Sam's own
words; she records a distress episode with what helped, then an incident; and by the time
anyone loads a page, the manager's today page and notification centre show the incident,
whose link opens it."""

import uuid

import pytest

from coplan.delivery import selectors
from coplan.delivery.models import DistressRecord, RoutineChecklist, RoutineRun
from coplan.notifications.models import Notification
from coplan.people import services as people_services
from coplan.planning.models import Decision
from tests.delivery.helpers import clock, today_at
from tests.support.factories import morning_routine, week_rhythm

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world):
    people_services.person_update(person=world.person, by=world.manager, key_worker=world.worker)
    with clock(today_at(0, 1)):
        routine = morning_routine(world.person, world.team_leader)
        week_rhythm(world.person, world.team_leader)
    decision = routine.versions.get().decisions.get()
    Decision.objects.filter(pk=decision.pk).update(persons_words="Breakfast before anything.")
    return routine


def _at(hour, minute):
    return {"occurred_at": today_at(hour, minute).strftime("%Y-%m-%dT%H:%M")}


def test_a_support_workers_morning_reaches_the_managers_today_page(
    world, plan, django_capture_on_commit_callbacks
):
    routine = plan
    worker = world.client_for(world.worker)
    base = f"/people/{world.person.pk}"
    breakfast, clothes, shower = list(routine.versions.get().steps.order_by("position"))

    # 07:45: the morning routine is what is due now, first on the page.
    with clock(today_at(7, 45)):
        shift = selectors.shift_for_user(world.worker)
        html = worker.get("/shift/").content.decode()
    assert (shift.upcoming[0].title, shift.upcoming[0].state) == ("Morning routine", "now")
    assert html.index("Morning routine") < html.index("Later today")
    assert "Breakfast is ready when you are." in html

    # Each step ticked as it happens: a fragment each time, never a page.
    times = [(7, 50), (8, 35), (9, 40)]
    for (hour, minute), step in zip(times, [breakfast, clothes, shower], strict=True):
        with clock(today_at(hour, minute)):
            tick = worker.post(
                f"{base}/routine/{routine.pk}/tick/",
                {"idempotency_key": str(uuid.uuid4()), "step": step.pk},
                HTTP_HX_REQUEST="true",
            )
        assert tick.status_code == 200 and "<html" not in tick.content.decode()
    checklist = RoutineChecklist.objects.get(person=world.person)
    with clock(today_at(9, 45)):
        done = worker.post(
            f"{base}/checklist/{checklist.pk}/finish/",
            {"idempotency_key": str(uuid.uuid4()), "outcome": "completed"},
            HTTP_HX_REQUEST="true",
        )
    assert "Saved at" in done.content.decode()
    run = RoutineRun.objects.get(person=world.person)
    assert run.steps_used == [breakfast.pk, clothes.pk, shower.pk]
    assert run.occurred_at == today_at(7, 50) and run.recorded_by == world.worker

    # "Why we do it this way", one tap from the routine: the decision in Sam's words.
    why = worker.get(f"{base}/why/routine/{routine.pk}/", HTTP_HX_REQUEST="true")
    decision = routine.versions.get().decisions.get()
    assert decision.question in why.content.decode()
    assert "Breakfast before anything." in why.content.decode()

    # A distress episode, with what helped.
    with clock(today_at(10, 0)):
        distress = worker.post(
            f"{base}/distress/new/",
            {
                "idempotency_key": str(uuid.uuid4()),
                **_at(9, 55),
                "intensity": "3",
                "before": "A delivery van beeped outside during the shower.",
                "what_person_did": "Covered his ears and sat on the floor.",
                "what_helped": "Headphones and the blue towel, then quiet.",
                "duration_minutes": "12",
                "plan_link": "",
            },
        )
    assert distress.status_code == 302
    record = DistressRecord.objects.get(person=world.person)
    assert (record.intensity, record.duration_minutes) == (3, 12)
    assert record.what_helped == "Headphones and the blue towel, then quiet."

    # An incident at 10:05: the trigger, the alerts and the email come with the commit.
    with clock(today_at(10, 5)), django_capture_on_commit_callbacks(execute=True):
        incident = worker.post(
            f"{base}/record/incident/",
            {
                "idempotency_key": str(uuid.uuid4()),
                **_at(10, 5),
                "incident_type": "injury",
                "severity": "high",
                "what_happened": "Slipped on the wet bathroom floor and hurt his wrist.",
                "actions_taken": "First aid, ice pack, called his GP.",
                "plan_element": f"routine:{routine.pk}",
            },
        )
    assert incident.status_code == 302

    # The manager's next page: today, the notification centre, and the incident itself.
    manager = world.client_for(world.manager)
    with clock(today_at(10, 10)):
        today = manager.get("/").content.decode()
        centre = manager.get("/notifications/").content.decode()
    section = today[today.index('id="incidents"') :]
    assert world.person.display_name in section[: section.index("</section>")]
    alert = Notification.objects.get(recipient=world.manager, kind="serious_incident")
    assert alert.title in centre and alert.read_at is None
    assert Notification.objects.filter(recipient=world.worker, kind="serious_incident").exists()
    path = alert.url.partition("#")[0]
    opened = manager.get(path).content.decode()
    assert "Slipped on the wet bathroom floor and hurt his wrist." in opened
    assert "First aid, ice pack, called his GP." in opened
