"""One versioned plan element: in force from a time, no lost updates, the summary kept true
to the steps, and elements citing a superseded decision listed until re-cited or retired."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coplan.delivery import services as delivery_services
from coplan.lib.versioning import StaleVersion
from coplan.planning.models import Decision
from coplan.support import selectors
from coplan.support import services as support_services
from coplan.support.models import InstructionVersion, RoutineVersion
from coplan.support.services import SUMMARY_CHECK
from tests.support.factories import (
    MORNING_STEPS,
    agreed_decision,
    morning_routine,
    revise_morning,
    staff_instruction,
    tomorrow_at,
    week_rhythm,
)

SHOWER_FIRST = [MORNING_STEPS[2], MORNING_STEPS[0], MORNING_STEPS[1]]


@pytest.fixture
def routine(world):
    return morning_routine(world.person, world.team_leader)


# In force from


def test_version_in_force_from_tomorrow_0700_is_not_used_today(world, routine):
    v1 = routine.versions.get()
    v2 = revise_morning(
        routine,
        world.team_leader,
        steps=SHOWER_FIRST,
        agency_summary="Shower first from tomorrow.",
        effective_from=tomorrow_at(7),
    )
    assert selectors.version_in_force(routine) == v1
    assert selectors.routines_in_force([world.person.pk]) == [v1]
    assert selectors.version_in_force(routine, tomorrow_at(7)) == v2
    assert selectors.version_in_force(routine, tomorrow_at(6, 59)) == v1
    run = delivery_services.routine_run_record(
        person=world.person,
        routine=routine,
        outcome="completed",
        steps_used=[s.pk for s in v1.steps.all()],
        idempotency_key=uuid.uuid4(),
        by=world.worker,
    )
    assert run.routine_version == v1
    assert (v2.is_current, RoutineVersion.objects.get(pk=v1.pk).is_current) == (True, False)


def test_shift_view_shows_todays_version_until_tomorrows_starts(world, routine):
    revise_morning(
        routine,
        world.team_leader,
        steps=[{"title": "Lie in until nine"}],
        agency_summary="Lie in.",
        effective_from=tomorrow_at(7),
    )
    html = world.client_for(world.worker).get("/shift/").content.decode()
    assert "Breakfast first" in html
    assert "Lie in until nine" not in html


def test_new_version_cannot_be_in_force_before_the_one_it_follows(world, routine):
    revise_morning(routine, world.team_leader, effective_from=tomorrow_at(7))
    routine.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        revise_morning(routine, world.team_leader, effective_from=timezone.now())
    assert (
        "cannot be in force before the version it follows"
        in (exc.value.message_dict["effective_from"][0])
    )
    assert routine.versions.count() == 2
    assert routine.version == 2


def test_a_change_after_a_version_still_to_come_starts_with_it(world, routine):
    revise_morning(routine, world.team_leader, effective_from=tomorrow_at(7))
    v3 = revise_morning(routine, world.team_leader)
    assert v3.effective_from == tomorrow_at(7)
    assert selectors.version_in_force(routine, tomorrow_at(7)) == v3


# No lost updates


def test_a_change_based_on_an_old_version_is_refused_and_overwrites_nothing(world, routine):
    read = routine.version
    mine = revise_morning(routine, world.team_leader, change_reason="Mine.", based_on=read)
    with pytest.raises(StaleVersion) as exc:
        revise_morning(
            routine,
            world.manager,
            steps=[{"title": "Something else"}],
            agency_summary="Other.",
            change_reason="Theirs.",
            based_on=read,
        )
    assert exc.value.current == 2 and exc.value.based_on == 1
    assert exc.value.changed_by == world.team_leader
    assert "Tariq Leader changed this" in exc.value.message
    routine.refresh_from_db()
    assert routine.version == 2
    assert list(routine.versions.values_list("pk", flat=True)) == [mine.pk, mine.pk - 1]
    assert routine.versions.get(is_current=True).change_reason == "Mine."


def test_each_change_raises_the_version_by_one_in_the_database(world, routine):
    assert routine.version == 1
    revise_morning(routine, world.team_leader)
    revise_morning(routine, world.team_leader)
    routine.refresh_from_db()
    assert routine.version == 3
    history = list(routine.history.order_by("history_date").values_list("version", flat=True))
    assert history == [1, 2, 3]
    assert routine.history.first().history_user == world.team_leader


def test_taking_out_of_force_needs_the_version_it_was_based_on(world, routine):
    revise_morning(routine, world.team_leader)
    with pytest.raises(StaleVersion):
        support_services.routine_deactivate(routine=routine, based_on=1, by=world.manager)
    routine.refresh_from_db()
    assert routine.is_active is True and routine.version == 2
    support_services.routine_deactivate(routine=routine, based_on=2, by=world.manager)
    routine.refresh_from_db()
    assert routine.is_active is False and routine.version == 3


def test_a_change_without_the_version_it_was_based_on_is_refused(world, routine):
    with pytest.raises(ValidationError) as exc:
        revise_morning(routine, world.team_leader, based_on=None)
    assert "version" in exc.value.message_dict
    assert routine.versions.count() == 1


# The agency summary


def test_steps_changed_with_the_summary_unchanged_asks_to_confirm_the_summary(world, routine):
    with pytest.raises(ValidationError) as exc:
        revise_morning(routine, world.team_leader, steps=SHOWER_FIRST)
    assert exc.value.message_dict["agency_summary"] == [SUMMARY_CHECK]
    assert routine.versions.count() == 1
    confirmed = revise_morning(
        routine, world.team_leader, steps=SHOWER_FIRST, summary_confirmed=True
    )
    assert confirmed.number == 2
    updated = revise_morning(
        routine, world.team_leader, steps=MORNING_STEPS, agency_summary="Breakfast first again."
    )
    assert updated.number == 3


def test_only_the_decisions_changing_needs_no_summary_check(world, routine):
    new = agreed_decision(world.person, world.manager, "Mornings, again?")
    version = revise_morning(routine, world.team_leader, new)
    assert list(version.decisions.all()) == [new]


def test_rhythm_entries_changed_with_the_summary_unchanged_asks_to_confirm(world):
    rhythm = support_services.rhythm_create(
        person=world.person,
        name="My week",
        decisions=[agreed_decision(world.person, world.manager, "My week?")],
        entries=[{"day": 0, "activity": "Library", "kind": "priority"}],
        agency_summary="Library on Mondays.",
        activate=True,
        by=world.team_leader,
    )
    change = {
        "rhythm": rhythm,
        "based_on": rhythm.version,
        "decisions": rhythm.versions.get().decisions.all(),
        "entries": [{"day": 0, "activity": "Library", "kind": "priority"}],
        "alternatives": "Museum if the library is closed",
        "agency_summary": "Library on Mondays.",
        "change_reason": "An alternative agreed.",
        "by": world.team_leader,
    }
    with pytest.raises(ValidationError) as exc:
        support_services.rhythm_revise(**change)
    assert exc.value.message_dict["agency_summary"] == [SUMMARY_CHECK]
    assert rhythm.versions.count() == 1
    assert support_services.rhythm_revise(**change, summary_confirmed=True).number == 2


# Staff instructions are versioned like routines


def test_instruction_change_is_a_new_version_in_force_from_its_time(world):
    decision = agreed_decision(world.person, world.manager)
    instruction = staff_instruction(
        world.person, world.team_leader, decision, text="Keep voices low in the morning."
    )
    v2 = support_services.instruction_revise(
        instruction=instruction,
        based_on=instruction.version,
        decisions=[decision],
        text="Keep voices low all day.",
        change_reason="Sam asked at the review.",
        effective_from=tomorrow_at(7),
        by=world.team_leader,
    )
    (today,) = selectors.instructions_in_force([world.person.pk])
    assert today.text == "Keep voices low in the morning."
    (tomorrow,) = selectors.instructions_in_force([world.person.pk], at=tomorrow_at(8))
    assert tomorrow == v2 and tomorrow.text == "Keep voices low all day."
    assert InstructionVersion.objects.filter(instruction=instruction).count() == 2


# What changed


def test_changes_between_versions_name_steps_added_removed_reworded_and_moved(world, routine):
    v1 = routine.versions.get()
    steps = [
        {**MORNING_STEPS[2]},  # the shower, moved first
        {**MORNING_STEPS[0], "agreed_words": "Toast or cereal?"},  # reworded
        {"title": "Cream on", "picture": "cream"},  # added; the clothes step removed
    ]
    v2 = revise_morning(routine, world.team_leader, steps=steps, agency_summary="Shower first.")
    changes = [(c.what, c.text) for c in selectors.changes_between(v1, v2)]
    assert ("moved", "\u201cShower, later\u201d is now step 1") in changes
    assert ("reworded", "\u201cBreakfast first\u201d: say \u201cToast or cereal?\u201d") in changes
    assert ("added", "Step added: \u201cCream on\u201d") in changes
    assert ("removed", "Step removed: \u201cPut on the clothes chosen last night\u201d") in changes
    assert ("changed", "The shift summary for agency staff changed") in changes


def test_changes_between_rhythm_versions_name_entries_and_alternatives(world):
    rhythm = week_rhythm(world.person, world.team_leader)
    v1 = rhythm.versions.get()
    v2 = support_services.rhythm_revise(
        rhythm=rhythm,
        based_on=rhythm.version,
        decisions=v1.decisions.all(),
        entries=[{"day": 2, "activity": "Swimming", "kind": "flexible"}],
        alternatives="Museum if the library is closed",
        preparation=v1.preparation,
        choice_prompt=v1.choice_prompt,
        change_reason="Swimming instead.",
        by=world.team_leader,
    )
    texts = [c.text for c in selectors.changes_between(v1, v2)]
    assert "Activity added: Wednesday: Swimming" in texts
    assert "Activity removed: Monday 10:00: Library quiet room" in texts
    assert "Alternative added: Museum if the library is closed" in texts
    assert "Alternative removed: Garden centre cafe if the library is closed" in texts


# Citing a superseded decision


def _supersede(world, old: Decision, question: str) -> Decision:
    new = agreed_decision(world.person, world.manager, question)
    new.supersedes = old
    new.save()
    old.status = Decision.Status.SUPERSEDED
    old.save()
    return new


def test_element_citing_a_superseded_decision_is_listed_until_re_cited(world, routine):
    old = routine.versions.get().decisions.get()
    new = _supersede(world, old, "Mornings, decided again?")
    (row,) = selectors.support_plan(world.person)["to_recite"]
    assert row["element"] == routine
    assert [(c.decision, c.successor) for c in row["cites"]] == [(old, new)]
    assert [r["element"] for r in selectors.superseded_citations([world.service_a.pk])] == [routine]
    revise_morning(routine, world.team_leader, new)
    assert selectors.support_plan(world.person)["to_recite"] == []
    assert selectors.superseded_citations([world.service_a.pk]) == []


def test_element_citing_a_superseded_decision_is_no_longer_listed_once_retired(world, routine):
    old = routine.versions.get().decisions.get()
    _supersede(world, old, "Mornings, decided again?")
    support_services.routine_deactivate(routine=routine, based_on=routine.version, by=world.manager)
    assert selectors.support_plan(world.person)["to_recite"] == []
    assert selectors.superseded_citations([world.service_a.pk]) == []
