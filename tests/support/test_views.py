import pytest

from coplan.access.models import AccessLog
from coplan.support.models import Routine
from tests.snapshot import snapshot
from tests.support.factories import agreed_decision, draft_decision, morning_routine, week_rhythm


@pytest.fixture
def plan(world):
    routine = morning_routine(world.person, world.team_leader)
    rhythm = week_rhythm(world.person, world.team_leader)
    return routine, rhythm


READERS = {
    "worker": 200,
    "team_leader": 200,
    "manager": 200,
    "agency_now": 200,
    "quality_lead": 200,
    "person_user": 200,
    "outsider": 404,
    "agency_later": 404,
    "admin": 404,
    "sister_user": 403,
}


@pytest.mark.parametrize(("who", "status"), READERS.items())
def test_support_plan_page_access(world, plan, who, status):
    response = world.client_for(world.everyone[who]).get(f"/people/{world.person.pk}/support/")
    assert response.status_code == status


def test_support_plan_page_anonymous_goes_to_login(world, plan):
    response = world.client_for(None).get(f"/people/{world.person.pk}/support/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_support_plan_lists_routines_with_the_decisions_behind_them(world, plan):
    response = world.client_for(world.worker).get(f"/people/{world.person.pk}/support/")
    html = response.content.decode()
    assert "Morning routine" in html and "My week" in html
    assert "How should my mornings go?" in html
    assert AccessLog.objects.filter(user=world.worker, what="Support plan").count() == 1


def test_support_plan_page_query_count_does_not_grow_with_routines(
    world, plan, django_assert_max_num_queries
):
    for _ in range(3):
        morning_routine(world.person, world.team_leader)
    client = world.client_for(world.worker)
    with django_assert_max_num_queries(20):
        client.get(f"/people/{world.person.pk}/support/")


def test_earlier_version_stays_viewable(world, plan):
    routine, _ = plan
    client = world.client_for(world.team_leader)
    decision = agreed_decision(world.person, world.manager, "Shower first after all?")
    data = {
        "name": "Morning routine",
        "decisions": [decision.pk],
        "agency_summary": "Shower first.",
        "change_reason": "Sam changed their mind at the review.",
        "steps-TOTAL_FORMS": "2",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "30",
        "steps-0-title": "Shower",
        "steps-0-agreed_words": "Shower time?",
        "steps-1-title": "Breakfast",
    }
    response = client.post(f"/people/{world.person.pk}/support/routine/{routine.pk}/change/", data)
    assert response.status_code == 302
    assert routine.versions.count() == 2
    old = client.get(f"/people/{world.person.pk}/support/routine/{routine.pk}/v1/")
    assert "earlier version, no longer in force" in old.content.decode()
    assert "Breakfast first" in old.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("team_leader", 200), ("manager", 200), ("worker", 403), ("outsider", 404)],
)
def test_routine_add_page_access(world, who, status):
    response = world.client_for(world.everyone[who]).get(
        f"/people/{world.person.pk}/support/routine/add/"
    )
    assert response.status_code == status


def test_routine_add_form_refuses_activation_with_draft_decision(world):
    draft = draft_decision(world.person, world.team_leader)
    data = {
        "name": "Evening routine",
        "decisions": [draft.pk],
        "activate": "on",
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "30",
        "steps-0-title": "Wind down",
    }
    response = world.client_for(world.team_leader).post(
        f"/people/{world.person.pk}/support/routine/add/", data
    )
    assert response.status_code == 200
    assert "A routine cannot be activated without the agreed decision it comes from." in (
        response.content.decode()
    )
    assert not Routine.objects.filter(name="Evening routine").exists()


def test_routine_add_form_saves_draft_and_active(world):
    decision = agreed_decision(world.person, world.manager)
    data = {
        "name": "Evening routine",
        "decisions": [decision.pk],
        "activate": "on",
        "steps-TOTAL_FORMS": "3",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "30",
        "steps-0-title": "Wind down",
        "steps-0-window_start": "20:00",
        "steps-0-window_end": "21:00",
        "steps-1-title": "Choose clothes for tomorrow",
    }
    response = world.client_for(world.team_leader).post(
        f"/people/{world.person.pk}/support/routine/add/", data
    )
    assert response.status_code == 302
    routine = Routine.objects.get(name="Evening routine")
    assert routine.is_active
    assert [s.title for s in routine.versions.get().steps.all()] == [
        "Wind down",
        "Choose clothes for tomorrow",
    ]


def test_instruction_form_for_planners_only(world):
    decision = agreed_decision(world.person, world.manager)
    data = {
        "category": "communication",
        "title": "Two choices at once",
        "text": "Offer two choices, with pictures.",
        "is_active": "on",
        "decisions": [decision.pk],
    }
    url = f"/people/{world.person.pk}/support/instructions/add/"
    assert world.client_for(world.worker).post(url, data).status_code == 403
    assert not world.person.staff_instructions.exists()
    assert world.client_for(world.team_leader).post(url, data).status_code == 302
    assert world.person.staff_instructions.get().title == "Two choices at once"


def test_activate_toggle_is_post_only_and_checked(world, plan):
    routine, _ = plan
    url = f"/people/{world.person.pk}/support/routine/{routine.pk}/in-force/"
    before = snapshot(routine)
    assert world.client_for(world.team_leader).get(url).status_code == 405
    assert world.client_for(world.worker).post(url, {"active": "0"}).status_code == 403
    assert snapshot(routine) == before
    world.client_for(world.team_leader).post(url, {"active": "0"})
    routine.refresh_from_db()
    assert routine.is_active is False


def test_rhythm_add_form_saves_the_week(world):
    from coplan.support.models import ActivityRhythm

    decision = agreed_decision(world.person, world.manager, "My week?")
    data = {
        "name": "Sam's week",
        "decisions": [decision.pk],
        "activate": "on",
        "preparation": "Clothes out\nTravel card",
        "choice_prompt": "Library or park?",
        "entries-TOTAL_FORMS": "3",
        "entries-INITIAL_FORMS": "0",
        "entries-MIN_NUM_FORMS": "0",
        "entries-MAX_NUM_FORMS": "40",
        "entries-0-day": "1",
        "entries-0-time": "10:30",
        "entries-0-activity": "Library",
        "entries-0-kind": "priority",
        "entries-1-day": "4",
        "entries-1-activity": "Park",
        "entries-1-kind": "flexible",
    }
    response = world.client_for(world.team_leader).post(
        f"/people/{world.person.pk}/support/rhythm/add/", data
    )
    assert response.status_code == 302
    version = ActivityRhythm.objects.get(name="Sam's week").versions.get()
    assert [(e.day, e.activity, e.kind) for e in version.entries.all()] == [
        (1, "Library", "priority"),
        (4, "Park", "flexible"),
    ]
    assert version.preparation_lines == ["Clothes out", "Travel card"]
