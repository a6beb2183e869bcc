"""The shift's body is drawn with Jinja2 (coplan/delivery/jinja.py): what people and staff
type is shown as text there, as everywhere, and the live checklist answers a tap with the
same markup the page drew."""

import uuid

import pytest

from coplan.delivery import services
from coplan.delivery.models import HandoverNote
from coplan.support.models import Routine, RoutineStep
from tests.delivery.helpers import clock, today_at
from tests.support.factories import morning_routine

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def routine(world):
    """Forms and services refuse < and >; rows from before that rule, or put in by hand,
    can still hold them, so the page must not trust its data."""
    with clock(today_at(0, 1)):
        routine = morning_routine(world.person, world.team_leader)
    Routine.objects.filter(pk=routine.pk).update(name=f"Morning {SCRIPT}")
    RoutineStep.objects.filter(version__routine=routine, position=1).update(
        title=f"Breakfast {SCRIPT}", agreed_words=f"Ready {SCRIPT}"
    )
    return routine


def test_typed_text_on_the_shift_view_is_shown_as_text(world, routine):
    note = services.handover_note_create(
        person=world.person, summary="Settled", idempotency_key=uuid.uuid4(), by=world.worker
    )
    HandoverNote.objects.filter(pk=note.pk).update(summary=f"Settled {SCRIPT}")
    with clock(today_at(8, 0)):
        html = world.client_for(world.worker).get("/shift/").content.decode()
    assert SCRIPT not in html
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert f"Breakfast {escaped}" in html
    assert f"Say: “Ready {escaped}”" in html
    assert f"Settled {escaped}" in html
    assert f"Record morning {escaped} afterwards" in html  # |lower of the routine's name


def test_a_tap_answers_the_checklist_as_the_page_drew_it(world, routine):
    step = routine.versions.get().steps.order_by("position").first()
    client = world.client_for(world.worker)
    with clock(today_at(8, 0)):
        answer = client.post(
            f"/people/{world.person.pk}/routine/{routine.pk}/tick/",
            {"step": step.pk, "idempotency_key": "6f1c1f56-5b1e-4c52-9d0c-3b8f3c7f5e11"},
            HTTP_HX_REQUEST="true",
        )
    html = answer.content.decode()
    assert answer.status_code == 200 and SCRIPT not in html
    assert html.lstrip().startswith(f'<div class="live-checklist" id="checklist-{routine.pk}"')
    assert "Started 08:00: 1 of 3 steps done." in html
    assert '<span class="tag tag-ok">done 08:00</span>' in html
    assert "Finish morning &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'name="outcome" value="completed"' in html
    assert "bound method" not in html and "Undefined" not in html
