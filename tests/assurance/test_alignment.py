"""Alignment checks: the questions come from the plan in force, the manager records answers
beside the plan's text, a check that is not aligned makes a follow-up that stays on the
manager's home until done, and the share aligned over time per staff member and routine."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import escape

from coplan.assurance import alignment
from coplan.assurance.models import AlignmentCheck, FollowUp
from tests.assurance.helpers import check_with
from tests.factories import MORNING_STEPS


def test_questions_come_from_the_routines_and_decisions_in_force(world, plan):
    questions = alignment.questions_for(world.person, "supervision")
    prompts = [q.prompt for q in questions]
    assert prompts[0] == "How does Sam like the morning routine to go?"
    assert questions[0].plan_text == " \u2192 ".join(s["title"] for s in MORNING_STEPS)
    words = next(q for q in questions if q.prompt.startswith("What words do you use"))
    assert words.plan_text == "Breakfast is ready when you are."
    avoid = next(q for q in questions if q.prompt.startswith("What should you avoid"))
    assert avoid.plan_text == "Mentioning the shower before breakfast."
    assert any(q.source.startswith("decision:") for q in questions)


def test_an_observation_follows_the_routines_steps(world, plan):
    version = plan["routine"].versions.get(is_current=True)
    steps = alignment.questions_for(world.person, "observation", version)
    assert [q.prompt for q in steps] == [
        f"Step {n}: {s['title']}" for n, s in enumerate(MORNING_STEPS, start=1)
    ]
    assert steps[0].plan_text.startswith("Say \u201cBreakfast is ready when you are.\u201d")


def test_a_check_that_is_not_aligned_needs_a_follow_up(world, plan):
    questions = alignment.questions_for(world.person, "supervision")
    items = [
        {"prompt": q.prompt, "plan_text": q.plan_text, "source": q.source, "result": "differs"}
        for q in questions
    ]
    with pytest.raises(ValidationError) as caught:
        alignment.alignment_check_record(
            person=world.person,
            staff=world.worker,
            by=world.manager,
            kind="supervision",
            items=items,
        )
    assert "follow_up" in caught.value.message_dict
    assert not AlignmentCheck.objects.exists()


def test_only_staff_of_the_persons_service_are_checked(world, plan):
    with pytest.raises(ValidationError):
        alignment.alignment_check_record(
            person=world.person,
            staff=world.outsider,
            by=world.manager,
            kind="supervision",
            items=[{"prompt": "Q", "result": "matches"}],
        )


def test_a_not_aligned_check_shows_on_the_managers_home_until_done(world, plan):
    check = check_with(world, aligned=False)
    assert not check.is_aligned
    follow_up = FollowUp.objects.get(alignment_check=check)
    assert follow_up.owner == world.manager
    assert follow_up.due_on == timezone.localdate() + timedelta(days=alignment.FOLLOW_UP_DAYS)
    manager = world.client_for(world.manager)
    home = manager.get("/").content.decode()
    what = escape(follow_up.what)
    assert what in home
    # The worker checked does not get it as a task.
    assert what not in world.client_for(world.worker).get("/").content.decode()
    response = manager.post(f"/assurance/follow-ups/{follow_up.pk}/done/", {"note": "Talked"})
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.done_at is not None and follow_up.done_by == world.manager
    assert "Done: " + what in manager.get("/").content.decode()  # the message, once
    assert what not in manager.get("/").content.decode()


def test_an_aligned_check_makes_no_follow_up(world, plan):
    check = check_with(world, aligned=True)
    assert check.is_aligned
    assert not FollowUp.objects.exists()


def test_the_manager_records_a_check_through_the_form(world, plan):
    client = world.client_for(world.manager)
    url = f"/assurance/people/{world.person.pk}/alignment/new/"
    page = client.get(url, {"staff": world.worker.pk, "kind": "supervision"})
    html = page.content.decode()
    assert "How does Sam like the morning routine to go?" in html
    assert "Breakfast is ready when you are." in html  # the plan's text, beside the question
    questions = alignment.questions_for(world.person, "supervision")
    data = {
        "staff": world.worker.pk,
        "kind": "supervision",
        "routine": "",
        "idempotency_key": "2d1a4a52-8d0e-4c8c-9d53-6f2c0a1c0b11",
        "source": [q.source for q in questions],
        "follow_what": "Observe Wendy at breakfast",
        "follow_owner": world.manager.pk,
        "follow_due": (timezone.localdate() + timedelta(days=7)).isoformat(),
    }
    for n, _q in enumerate(questions):
        data[f"result_{n}"] = "matches"
        data[f"answer_{n}"] = "Breakfast first"
    data["result_1"] = "differs"
    data["answer_1"] = "I tell him it's shower time"
    response = client.post(url, data)
    assert response.status_code == 302
    client.post(url, data)  # sent twice: saved once
    check = AlignmentCheck.objects.get()
    assert not check.is_aligned
    assert check.items.get(position=1).answer == "I tell him it's shower time"
    assert FollowUp.objects.get().what == "Observe Wendy at breakfast"


def test_the_form_asks_again_when_a_question_is_unanswered(world, plan):
    client = world.client_for(world.manager)
    url = f"/assurance/people/{world.person.pk}/alignment/new/"
    questions = alignment.questions_for(world.person, "supervision")
    response = client.post(
        url,
        {
            "staff": world.worker.pk,
            "kind": "supervision",
            "source": [q.source for q in questions],
            "idempotency_key": "2d1a4a52-8d0e-4c8c-9d53-6f2c0a1c0b12",
        },
    )
    assert response.status_code == 200
    assert alignment.ANSWER_EACH in response.content.decode()
    assert not AlignmentCheck.objects.exists()


def test_share_aligned_per_staff_member_and_routine(world, plan):
    routine = plan["routine"]
    check_with(world, aligned=True, routine=routine)
    check_with(world, aligned=False, routine=routine)
    check_with(world, aligned=True)
    today = timezone.localdate()
    summary = alignment.alignment_summary(
        service=world.service_a, start=today - timedelta(days=30), end=today
    )
    assert (summary.aligned, summary.checks) == (2, 3)
    (staff_row,) = summary.by_staff
    assert (staff_row.label, staff_row.aligned, staff_row.checks) == ("Wendy Worker", 2, 3)
    (routine_row,) = summary.by_routine
    assert (routine_row.aligned, routine_row.checks, routine_row.percent) == (1, 2, 50)
    assert summary.open_follow_ups == 1
    assert sum(m.checks for m in staff_row.months) == 3
    page = world.client_for(world.manager).get(f"/assurance/services/{world.service_a.pk}/")
    html = page.content.decode()
    assert "<svg" in html and "2 of 3" in html
    assert (
        alignment.alignment_summary(
            service=world.service_b, start=today - timedelta(days=30), end=today
        ).checks
        == 0
    )


def test_a_support_worker_sees_only_their_own_results(world, plan):
    mine = check_with(world, aligned=False)
    page = world.client_for(world.worker).get("/assurance/alignment/mine/")
    assert f"/assurance/alignment/{mine.pk}/" in page.content.decode()
    assert world.client_for(world.worker).get(f"/assurance/alignment/{mine.pk}/").status_code == 200
    # Another worker in the service sees nothing of it.
    assert (
        world.client_for(world.team_leader).get(f"/assurance/alignment/{mine.pk}/").status_code
        == 403
    )
    other = world.client_for(world.team_leader).get("/assurance/alignment/mine/")
    assert f"/assurance/alignment/{mine.pk}/" not in other.content.decode()
