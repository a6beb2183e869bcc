"""Recording a routine on the web: the steps in the order they were used, "completed" only
with a step used, and each step's picture and agreed words beside its tick box."""

import re
import uuid

import pytest
from django.utils import timezone

from coplan.delivery import services
from coplan.delivery.models import RoutineRun
from tests.delivery.helpers import Api
from tests.support.factories import morning_routine


@pytest.fixture
def routine(world):
    return morning_routine(world.person, world.team_leader)


def _steps(routine) -> list[int]:
    return [s.pk for s in routine.versions.get().steps.all()]


def _post(world, routine, **fields):
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        **fields,
    }
    return world.client_for(world.worker).post(
        f"/people/{world.person.pk}/record/routine/{routine.pk}/", data
    )


def test_web_form_keeps_the_order_the_steps_were_used_in(world, routine):
    breakfast, clothes, shower = _steps(routine)
    response = _post(
        world,
        routine,
        steps_used=[breakfast, clothes, shower],
        **{f"order_{shower}": "1", f"order_{breakfast}": "2", f"order_{clothes}": "3"},
        outcome="completed",
        deviations="Sam wanted the shower first today.",
    )
    assert response.status_code == 302
    assert RoutineRun.objects.get().steps_used == [shower, breakfast, clothes]


def test_web_form_without_numbers_keeps_the_agreed_order_of_the_ticked_steps(world, routine):
    breakfast, clothes, shower = _steps(routine)
    response = _post(world, routine, steps_used=[shower, breakfast, clothes], outcome="completed")
    assert response.status_code == 302
    assert RoutineRun.objects.get().steps_used == [breakfast, clothes, shower]


def test_a_numbered_step_counts_as_used_and_ticked_ones_without_a_number_follow(world, routine):
    breakfast, clothes, shower = _steps(routine)
    response = _post(
        world,
        routine,
        steps_used=[breakfast],
        **{f"order_{shower}": "1"},
        outcome="partly",
        deviations="Clothes later.",
    )
    assert response.status_code == 302
    assert RoutineRun.objects.get().steps_used == [shower, breakfast]


def test_two_steps_with_one_number_are_refused(world, routine):
    breakfast, clothes, shower = _steps(routine)
    response = _post(
        world,
        routine,
        **{f"order_{shower}": "1", f"order_{breakfast}": "1"},
        outcome="completed",
        deviations="x",
    )
    assert response.status_code == 200
    assert "Give each step you used its own number" in response.content.decode()
    assert not RoutineRun.objects.exists()


def test_completed_with_no_step_used_is_refused_on_the_web_and_in_the_api(world, routine):
    web = _post(world, routine, outcome="completed")
    assert web.status_code == 200
    assert services.DONE_NEEDS_A_STEP in web.content.decode()
    api = Api(world.worker).post(
        f"/delivery/people/{world.person.pk}/routine-runs",
        {"routine_id": routine.pk, "outcome": "completed", "steps_used": []},
    )
    assert api.status_code == 422
    assert api.json()["fields"]["steps_used"] == [services.DONE_NEEDS_A_STEP]
    assert not RoutineRun.objects.exists()


def test_refused_with_no_step_used_is_kept(world, routine):
    assert _post(world, routine, outcome="refused").status_code == 302
    assert RoutineRun.objects.get().steps_used == []


def test_form_shows_each_steps_picture_and_words_beside_its_tick_box(world, routine):
    page = world.client_for(world.worker).get(
        f"/people/{world.person.pk}/record/routine/{routine.pk}/"
    )
    html = page.content.decode()
    items = re.findall(r"<li>(.*?)</li>", html.split("data-step-order")[1], re.S)
    breakfast = next(i for i in items if "Breakfast first" in i)
    assert 'type="checkbox" name="steps_used"' in breakfast
    assert 'src="/pictograms/openmoji/17.0.0/1F963.svg" alt="Breakfast first"' in breakfast
    assert "Say: \u201cBreakfast is ready when you are.\u201d" in breakfast
    assert "Avoid: Mentioning the shower before breakfast." in breakfast
    assert 'class="order-input"' in breakfast
    assert "js/step-order.js" in html
