"""The shift view follows the clock: what is due now and next first, later folded, late
marked, a jump list of the people on shift; each routine a live checklist; "why we do it
this way" one tap from every routine, step, activity and instruction; a fixed number of
queries whatever the number of people."""

import uuid
from datetime import time, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coplan.access.models import AccessLog
from coplan.accounts.models import User
from coplan.delivery import selectors, services
from coplan.delivery.idempotency import new_key
from coplan.delivery.models import ActivityRecord
from coplan.people import services as people_services
from coplan.support import services as support_services
from tests.delivery.helpers import clock, today_at
from tests.support.factories import agreed_decision, morning_routine, week_rhythm


def _plan_for(person, by):
    routine = morning_routine(person, by)
    rhythm = week_rhythm(person, by)
    support_services.instruction_create(
        person=person,
        category="communication",
        title="One thing at a time",
        text="Short sentences, then wait.",
        decisions=[agreed_decision(person, by, "How should we talk with me?")],
        by=by,
    )
    return routine, rhythm


@pytest.fixture
def plan(world):
    with clock(today_at(0, 1)):
        return _plan_for(world.person, world.team_leader)


def _titles(items):
    return [(i.title, i.state) for i in items]


def test_the_clock_puts_what_is_due_now_and_next_first(world, plan):
    with clock(today_at(9, 45)):
        shift = selectors.shift_for_user(world.worker)
    # The morning routine's window (07:30-11:00) is open; the library at 10:00 is next.
    assert _titles(shift.upcoming) == [
        ("Morning routine", "now"),
        ("Library quiet room", "next"),
    ]
    (rt,) = shift.people[0].routines
    late = [s.step.title for s in rt.steps_now if s.is_late]
    now = [s.step.title for s in rt.steps_now if s.is_now]
    assert late == ["Breakfast first", "Put on the clothes chosen last night"]
    assert now == ["Shower, later"]


def test_early_in_the_day_the_routine_is_next_and_the_rest_folded(world, plan):
    with clock(today_at(6, 0)):
        shift = selectors.shift_for_user(world.worker)
        html = world.client_for(world.worker).get("/shift/").content.decode()
    assert _titles(shift.upcoming) == [("Morning routine", "next")]
    assert ("Library quiet room", "later") in _titles(shift.later)
    assert "Later today (" in html
    assert html.index("Now and next") < html.index("Later today")


def test_late_and_done_at_noon(world, plan):
    routine, rhythm = plan
    with clock(today_at(10, 5)):
        services.activity_record_create(
            person=world.person,
            rhythm=rhythm,
            entry=rhythm.versions.get().entries.get(
                day=timezone.localdate().weekday(), time=time(10)
            ),
            offered="Library quiet room",
            outcome="took_part",
            chosen="Library quiet room",
            idempotency_key=uuid.uuid4(),
            by=world.worker,
        )
    with clock(today_at(12, 0)):
        shift = selectors.shift_for_user(world.worker)
    assert ("Morning routine", "late") in _titles(shift.upcoming)
    assert ("Library quiet room", "done") in _titles(shift.done)


def test_a_routine_being_ticked_is_now_whatever_the_time(world, plan):
    routine, _ = plan
    step = routine.versions.get().steps.order_by("position").first()
    with clock(today_at(7, 0)):
        services.routine_step_tick(
            person=world.person,
            routine=routine,
            step_id=step.pk,
            idempotency_key=uuid.uuid4(),
            by=world.worker,
        )
        shift = selectors.shift_for_user(world.worker)
    assert shift.upcoming[0].title == "Morning routine" and shift.upcoming[0].state == "now"
    assert shift.upcoming[0].routine.ticked[0].step == step


def test_the_page_shows_the_checklist_the_jump_list_and_the_why_folds(world, plan):
    routine, rhythm = plan
    with clock(today_at(7, 45)):
        html = world.client_for(world.worker).get("/shift/").content.decode()
    assert 'aria-label="People on shift"' in html and f'href="#person-{world.person.pk}"' in html
    assert f"/people/{world.person.pk}/routine/{routine.pk}/tick/" in html
    assert html.count('name="idempotency_key"') >= 3  # one key per step button
    assert "Breakfast is ready when you are." in html
    assert "Avoid: Mentioning the shower before breakfast." in html
    assert "/pictograms/openmoji/" in html  # the step's picture, a real pictogram
    assert html.count(f"/people/{world.person.pk}/why/routine/{routine.pk}/") >= 4
    assert f"/people/{world.person.pk}/why/rhythm/{rhythm.pk}/" in html
    assert f"/people/{world.person.pk}/why/instruction/" in html
    assert "Record what Sam chose" in html


def test_why_shows_the_decision_behind_the_routine(world, plan):
    routine, _ = plan
    decision = routine.versions.get().decisions.get()
    response = world.client_for(world.worker).get(
        f"/people/{world.person.pk}/why/routine/{routine.pk}/", HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert decision.question in html and decision.agreed in html
    assert str(decision.agreed_by) in html
    assert AccessLog.objects.filter(
        user=world.worker, person=world.person, what="Why we do it this way"
    ).exists()
    page = world.client_for(world.worker).get(
        f"/people/{world.person.pk}/why/routine/{routine.pk}/"
    )
    assert page.status_code == 200 and "<html" in page.content.decode()


@pytest.mark.parametrize(
    "who, status",
    [("outsider", 404), ("agency_later", 404), ("admin", 404), ("sister_user", 403)],
)
def test_why_is_refused_outside_the_plan(world, plan, who, status):
    routine, _ = plan
    response = world.client_for(getattr(world, who)).get(
        f"/people/{world.person.pk}/why/routine/{routine.pk}/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == status
    assert not AccessLog.objects.filter(what="Why we do it this way").exists()


def test_why_for_an_agency_worker_during_the_booked_shift(world, plan):
    routine, _ = plan
    response = world.client_for(world.agency_now).get(
        f"/people/{world.person.pk}/why/routine/{routine.pk}/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200


def test_why_refuses_anonymous_and_unknown_kinds(world, plan):
    routine, _ = plan
    anonymous = world.client_for(None).get(f"/people/{world.person.pk}/why/routine/{routine.pk}/")
    assert anonymous.status_code == 302
    unknown = world.client_for(world.worker).get(f"/people/{world.person.pk}/why/goal/1/")
    assert unknown.status_code == 404


def _more_people(world, n):
    for i in range(n):
        person = people_services.person_create(
            service=world.service_a, by=world.manager, given_name=f"Extra{i}", family_name="Person"
        )
        with clock(today_at(0, 1)):
            routine, rhythm = _plan_for(person, world.team_leader)
        step = routine.versions.get().steps.first()
        services.routine_step_tick(
            person=person,
            routine=routine,
            step_id=step.pk,
            idempotency_key=uuid.uuid4(),
            by=world.worker,
        )
        services.handover_note_create(
            person=person, summary="Fine.", idempotency_key=uuid.uuid4(), by=world.worker
        )


def test_shift_view_queries_do_not_grow_with_the_people(world, plan):
    people_services.person_create(
        service=world.service_a, by=world.manager, given_name="Second", family_name="Person"
    )
    _more_people(world, 1)  # two people with plans, one without
    client = world.client_for(world.worker)
    client.get("/shift/")
    with CaptureQueriesContext(connection) as two:
        assert client.get("/shift/").status_code == 200
    _more_people(world, 4)  # six with plans
    with CaptureQueriesContext(connection) as six:
        html = client.get("/shift/").content.decode()
    assert html.count('class="card shift-person"') == 7
    assert len(six.captured_queries) == len(two.captured_queries)


def test_travel_check_ins_due_today_are_on_the_clock(world):
    from coplan.demo.stories import planning as planning_demo
    from coplan.demo.stories import risk as risk_demo
    from coplan.risk.models import RiskPlan
    from coplan.risk.services import practice

    people = {"marcus": world.person}
    staff = {
        "manager_elm": world.manager,
        "team_leader_elm": world.team_leader,
        "worker_elm": world.worker,
    }
    planning_demo.seed(org=world.org, people=people, staff=staff)
    risk_demo.seed(org=world.org, people=people, staff=staff)
    plan = RiskPlan.objects.get(person=world.person)
    set_off = timezone.now() - timedelta(hours=1)
    practice.travel_log_start(
        plan=plan,
        planned_route="Bus 12 to college",
        occurred_at=set_off,
        idempotency_key=new_key(),
        by=world.worker,
    )
    with clock(set_off + timedelta(minutes=15)):
        shift = selectors.shift_for_user(world.worker)
    check_ins = [(i.title, i.state) for i in shift.items if i.kind == "check_in"]
    assert check_ins == [
        ("Travel check-in: Text from the bus stop", "now"),  # due at 10 minutes, 10 of grace
        ("Travel check-in: Text from college", "next"),  # due at 40 minutes
    ]
    assert shift.upcoming[0].url.endswith(f"/trips/{plan.travel_logs.latest('occurred_at').pk}/")
    assert shift.upcoming[0].kind == "check_in"


def test_demo_at_0745_daniels_morning_routine_comes_first_for_sarah(db):
    call_command("seed_demo", verbosity=0)
    sarah = User.objects.get(username="sarah")
    with clock(today_at(7, 45)):
        shift = selectors.shift_for_user(sarah)
    first = shift.upcoming[0]
    assert (first.person.given_name, first.title) == ("Daniel", "Morning routine")
    assert first.state == "next"
    assert {ps.person.service.name for ps in shift.people} == {"Elm House"}
    # Daniel's plan changed 18 days ago, not this week: nothing on his card is "new".
    daniel = next(ps for ps in shift.people if ps.person.given_name == "Daniel")
    routines = {v.element.name: v.number for v in daniel.versions if v.element.kind == "routine"}
    assert routines["Morning routine"] == 2
    assert all(v.reached_staff_at == v.effective_from for v in daniel.versions)
    assert daniel.changed == []


def test_activity_form_offers_the_options_and_alternatives_as_choices(world, plan):
    _, rhythm = plan
    entry = rhythm.versions.get().entries.filter(day=0).first()
    url = f"/people/{world.person.pk}/record/activity/?entry={entry.pk}"
    html = world.client_for(world.worker).get(url).content.decode()
    assert html.count('type="radio" name="chosen_pick"') == 3  # library, garden centre, other
    assert 'value="Garden centre cafe if the library is closed"' in html
    assert "Library or park today? Point when you&#x27;re ready." in html
    response = world.client_for(world.worker).post(
        url,
        {
            "idempotency_key": str(uuid.uuid4()),
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "entry": entry.pk,
            "outcome": "took_part",
            "offered_pick": "Library quiet room",
            "chosen_pick": "Garden centre cafe if the library is closed",
            "persons_words": "Cake!",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record = ActivityRecord.objects.get()
    assert record.offered == "Library quiet room"
    assert record.chosen == "Garden centre cafe if the library is closed"
    assert record.persons_words == "Cake!" and record.entry == entry
