import pytest

from coplan.access.models import AccessLog
from coplan.support import services as support_services
from coplan.support.models import Routine
from tests.snapshot import snapshot
from tests.support.factories import (
    agreed_decision,
    draft_decision,
    morning_routine,
    revise_morning,
    staff_instruction,
    tomorrow_at,
    week_rhythm,
)


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
    with django_assert_max_num_queries(21):  # 20 + the unread notifications count
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
        "version": routine.version,
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
        "activate": "on",
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
    off = {"active": "0", "version": routine.version}
    assert world.client_for(world.worker).post(url, off).status_code == 403
    assert snapshot(routine) == before
    world.client_for(world.team_leader).post(url, off)
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


# Versions on the web


def _change_form(routine, decision, **fields):
    return {
        "name": "Morning routine",
        "decisions": [decision.pk],
        "agency_summary": "Shower first.",
        "change_reason": "Sam changed their mind at the review.",
        "version": routine.version,
        "steps-TOTAL_FORMS": "2",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "30",
        "steps-0-title": "Shower",
        "steps-0-agreed_words": "Shower time?",
        "steps-1-title": "Breakfast",
        **fields,
    }


def test_web_stale_change_shows_who_changed_it_with_their_value_beside_yours(world, plan):
    routine, _ = plan
    url = f"/people/{world.person.pk}/support/routine/{routine.pk}/change/"
    decision = routine.versions.get().decisions.get()
    read = _change_form(routine, decision)  # both opened the form at version 1
    theirs = world.client_for(world.team_leader).post(url, {**read, "agency_summary": "Theirs."})
    assert theirs.status_code == 302
    mine = world.client_for(world.manager).post(url, {**read, "agency_summary": "Mine."})
    assert mine.status_code == 200
    html = mine.content.decode()
    assert "Someone else changed this while you were working on it" in html
    assert "Tariq Leader changed this" in html
    assert "<td>Theirs.</td><td>Mine.</td>" in html
    assert 'name="version" value="2"' in html  # saving again is deliberate, on top of theirs
    routine.refresh_from_db()
    assert routine.version == 2
    assert routine.versions.get(is_current=True).agency_summary == "Theirs."
    # As the page drawn again sends it: its two step rows are the form's initial rows.
    again = world.client_for(world.manager).post(
        url, {**read, "agency_summary": "Mine.", "version": "2", "steps-INITIAL_FORMS": "2"}
    )
    assert again.status_code == 302
    assert routine.versions.get(is_current=True).agency_summary == "Mine."


def test_web_change_with_new_steps_and_the_old_summary_asks_to_confirm_it(world, plan):
    routine, _ = plan
    url = f"/people/{world.person.pk}/support/routine/{routine.pk}/change/"
    decision = routine.versions.get().decisions.get()
    same = _change_form(routine, decision, agency_summary="Breakfast first.\nShower later.")
    refused = world.client_for(world.team_leader).post(url, same)
    assert refused.status_code == 200
    assert "update the summary, or confirm that it still fits" in refused.content.decode()
    assert routine.versions.count() == 1
    confirmed = world.client_for(world.team_leader).post(url, {**same, "summary_confirmed": "on"})
    assert confirmed.status_code == 302
    assert routine.versions.count() == 2


def test_web_change_in_force_from_tomorrow_shows_both_versions(world, plan):
    routine, _ = plan
    decision = routine.versions.get().decisions.get()
    client = world.client_for(world.team_leader)
    tomorrow = tomorrow_at(7).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/people/{world.person.pk}/support/routine/{routine.pk}/change/",
        _change_form(routine, decision, effective_from=tomorrow),
    )
    assert response.status_code == 302
    page = client.get(f"/people/{world.person.pk}/support/").content.decode()
    assert "version 2 in force from" in page
    detail = client.get(f"/people/{world.person.pk}/support/routine/{routine.pk}/").content
    assert "Morning routine, version 1" in detail.decode()
    assert "the version in force now" in detail.decode()


def test_instruction_change_page_makes_a_new_version(world):
    decision = agreed_decision(world.person, world.manager)
    instruction = staff_instruction(world.person, world.team_leader, decision)
    url = f"/people/{world.person.pk}/support/instructions/{instruction.pk}/"
    client = world.client_for(world.team_leader)
    assert "Keep voices low." in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "category": "sensory",
            "title": "Quiet voices",
            "text": "Keep voices low, all day.",
            "decisions": [decision.pk],
            "change_reason": "All day, Sam said.",
            "version": instruction.version,
        },
    )
    assert response.status_code == 302
    assert [v.text for v in instruction.versions.all()] == [
        "Keep voices low, all day.",
        "Keep voices low.",
    ]
    assert world.client_for(world.worker).get(url).status_code == 403


def _supersede(world, old, question):
    new = agreed_decision(world.person, world.manager, question)
    new.supersedes = old
    new.save()
    old.status = "superseded"
    old.save()
    return new


def test_plan_element_citing_a_superseded_decision_is_listed_for_planners(world, plan):
    routine, _ = plan
    old = routine.versions.get().decisions.get()
    _supersede(world, old, "Mornings, decided again?")
    plan_page = world.client_for(world.manager).get(f"/people/{world.person.pk}/support/")
    html = plan_page.content.decode()
    assert "To re-cite or retire" in html
    assert "replaced by" in html and "Mornings, decided again?" in html
    worker_page = world.client_for(world.worker).get(f"/people/{world.person.pk}/support/")
    assert "To re-cite or retire" not in worker_page.content.decode()
    detail = world.client_for(world.worker).get(
        f"/people/{world.person.pk}/support/routine/{routine.pk}/"
    )
    assert "This cites a decision that has been replaced." in detail.content.decode()
    assert "Mornings, decided again?" in detail.content.decode()


def test_planners_home_lists_plan_elements_citing_a_superseded_decision(world, plan):
    routine, _ = plan
    _supersede(world, routine.versions.get().decisions.get(), "Mornings, decided again?")
    home = world.client_for(world.manager).get("/").content.decode()
    assert "To re-cite or retire" in home
    assert "Morning routine" in home and "Sam Taylor" in home
    assert "To re-cite or retire" not in world.client_for(world.worker).get("/").content.decode()
    assert "To re-cite or retire" not in world.client_for(world.outsider).get("/").content.decode()
    support_services.routine_deactivate(routine=routine, based_on=routine.version, by=world.manager)
    assert "To re-cite or retire" not in world.client_for(world.manager).get("/").content.decode()


def test_support_plan_page_queries_do_not_grow_with_elements(world, plan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client_for(world.worker)
    url = f"/people/{world.person.pk}/support/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(3):
        routine = morning_routine(world.person, world.team_leader)
        revise_morning(routine, world.team_leader, effective_from=tomorrow_at(7))
    staff_instruction(world.person, world.team_leader)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) <= len(few.captured_queries) + 6  # the kinds' prefetches
    many_count = len(many.captured_queries)
    routine = morning_routine(world.person, world.team_leader)
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more.captured_queries) == many_count


def test_web_take_out_of_force_from_a_stale_page_changes_nothing(world, plan):
    routine, _ = plan
    revise_morning(routine, world.team_leader)  # the routine is now at version 2
    url = f"/people/{world.person.pk}/support/routine/{routine.pk}/in-force/"
    response = world.client_for(world.manager).post(
        url, {"active": "0", "version": "1"}, follow=True
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any("Tariq Leader changed this" in m for m in messages)
    routine.refresh_from_db()
    assert (routine.is_active, routine.version) == (True, 2)
