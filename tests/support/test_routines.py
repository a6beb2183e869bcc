import pytest
from django.core.exceptions import ValidationError

from coplan.planning import services as planning_services
from coplan.support import selectors
from coplan.support import services as support_services
from coplan.support.models import Routine, RoutineStep, RoutineVersion, StaffInstruction
from coplan.support.services import CHANGE_NEEDS_AGREED, ROUTINE_NEEDS_AGREED
from tests.factories import supersede
from tests.snapshot import snapshot
from tests.support.factories import (
    MORNING_STEPS,
    agreed_decision,
    draft_decision,
    morning_routine,
    week_rhythm,
)


def test_routine_cannot_be_activated_without_an_agreed_decision(world):
    draft = draft_decision(world.person, world.team_leader)
    with pytest.raises(ValidationError) as exc:
        morning_routine(world.person, world.team_leader, draft, activate=True)
    assert exc.value.message_dict["decisions"] == [ROUTINE_NEEDS_AGREED]
    assert not Routine.objects.exists()


def test_draft_routine_is_activated_once_its_decision_is_agreed(world):
    draft = draft_decision(world.person, world.team_leader)
    routine = morning_routine(world.person, world.team_leader, draft, activate=False)
    assert routine.is_active is False
    before = snapshot(routine, RoutineVersion)
    with pytest.raises(ValidationError, match="cannot be activated without the agreed decision"):
        support_services.routine_activate(
            routine=routine, based_on=routine.version, by=world.team_leader
        )
    assert snapshot(routine, RoutineVersion) == before
    planning_services.decision_agree(decision=draft, by=world.manager, confirmed=True)
    support_services.routine_activate(
        routine=routine, based_on=routine.version, by=world.team_leader
    )
    routine.refresh_from_db()
    assert routine.is_active is True


def test_routine_cannot_cite_another_persons_decision(world):
    other = agreed_decision(world.person_b, world.manager)
    with pytest.raises(ValidationError, match="Cite only decisions made with or about Sam"):
        morning_routine(world.person, world.team_leader, other)
    assert (Routine.objects.count(), RoutineVersion.objects.count()) == (0, 0)


def test_change_makes_a_new_version_and_keeps_the_old(world):
    routine = morning_routine(world.person, world.team_leader)
    v1 = routine.versions.get()
    new_decision = agreed_decision(world.person, world.manager, "Breakfast before shower?")
    v2 = support_services.routine_revise(
        routine=routine,
        based_on=routine.version,
        decisions=[new_decision],
        steps=[dict(s) for s in reversed(MORNING_STEPS)],
        change_reason="Sam asked for the shower first on weekdays.",
        by=world.team_leader,
    )
    v1.refresh_from_db()
    assert (v1.number, v1.is_current) == (1, False)
    assert (v2.number, v2.is_current) == (2, True)
    assert [s.title for s in v1.steps.all()][0] == "Breakfast first"
    assert [s.title for s in v2.steps.all()][0] == "Shower, later"
    assert list(v2.decisions.all()) == [new_decision]
    assert RoutineVersion.objects.filter(routine=routine).count() == 2


def test_change_to_a_routine_in_force_must_cite_an_agreed_decision(world):
    routine = morning_routine(world.person, world.team_leader)
    draft = draft_decision(world.person, world.team_leader)
    before = snapshot(routine, RoutineStep)
    with pytest.raises(ValidationError) as exc:
        support_services.routine_revise(
            routine=routine,
            based_on=routine.version,
            decisions=[draft],
            steps=[dict(s) for s in MORNING_STEPS],
            change_reason="Trying something",
            by=world.team_leader,
        )
    assert exc.value.message_dict["decisions"] == [CHANGE_NEEDS_AGREED]
    assert routine.versions.count() == 1
    assert snapshot(routine, RoutineStep) == before


def test_change_needs_a_reason(world):
    routine = morning_routine(world.person, world.team_leader)
    before = snapshot(routine, RoutineVersion, RoutineStep)
    with pytest.raises(ValidationError, match="Say what changed and why"):
        support_services.routine_revise(
            routine=routine,
            based_on=routine.version,
            decisions=[routine.versions.get().decisions.get()],
            steps=[dict(s) for s in MORNING_STEPS],
            change_reason="  ",
            by=world.team_leader,
        )
    assert snapshot(routine, RoutineVersion, RoutineStep) == before


def test_step_window_must_end_after_it_starts(world):
    from datetime import time

    bad = [{"title": "Wake", "window_start": time(9), "window_end": time(8)}]
    with pytest.raises(ValidationError) as exc:
        support_services.routine_create(
            person=world.person,
            name="Morning",
            decisions=[agreed_decision(world.person, world.manager)],
            steps=bad,
            by=world.team_leader,
        )
    assert "Step 1" in exc.value.message_dict["steps"][0]
    assert (Routine.objects.count(), RoutineVersion.objects.count()) == (0, 0)


def test_rhythm_is_versioned_with_preparation_and_prompt(world):
    rhythm = week_rhythm(world.person, world.team_leader)
    version = selectors.version_in_force(rhythm)
    assert version.preparation_lines == ["Clothes out", "Travel card in coat", "Preferred snack"]
    assert version.choice_prompt.startswith("Library or park")
    assert version.entries.filter(kind="priority").count() == 7


def test_instruction_in_force_needs_an_agreed_decision(world):
    draft = draft_decision(world.person, world.team_leader)
    with pytest.raises(ValidationError, match="cannot be in force without the agreed decision"):
        support_services.instruction_create(
            person=world.person,
            category="sensory",
            title="Quiet voices",
            text="Keep voices low in the morning.",
            decisions=[draft],
            by=world.team_leader,
        )
    assert not StaffInstruction.objects.exists()
    instruction = support_services.instruction_create(
        person=world.person,
        category="sensory",
        title="Quiet voices",
        text="Keep voices low in the morning.",
        decisions=[agreed_decision(world.person, world.manager)],
        by=world.team_leader,
    )
    assert instruction.is_active and instruction.version == 1


def test_decision_lookup_finds_what_it_shaped(world):
    decision = agreed_decision(world.person, world.manager)
    morning_routine(world.person, world.team_leader, decision)
    shaped = selectors.routine_lookup_for_decision(decision)
    assert [str(v) for v in shaped["routine_versions"]] == ["Morning routine, version 1"]


def test_decision_page_hook_lists_what_the_decision_shaped(world):
    from coplan.planning.selectors import decision_shaped

    decision = agreed_decision(world.person, world.manager)
    routine = morning_routine(world.person, world.team_leader, decision)
    rows = decision_shaped(decision)
    assert rows == [
        {
            "kind": "Routine",
            "title": "Morning routine, version 1",
            "url": f"/people/{world.person.pk}/support/routine/{routine.pk}/v1/",
        }
    ]


def test_decision_links_go_to_the_planning_page(world):
    from coplan.support.templatetags.support_tags import decision_url

    decision = agreed_decision(world.person, world.manager)
    assert decision_url(decision) == f"/plan/people/{world.person.pk}/decisions/{decision.pk}/"


def test_past_version_may_cite_a_decision_superseded_only_later(world):
    from datetime import timedelta

    from django.utils import timezone

    old = agreed_decision(world.person, world.manager, "Shower first?")
    supersede(old, by=world.manager, question="Breakfast first?")
    old.refresh_from_db()
    assert old.status == "superseded"
    with pytest.raises(ValidationError, match="superseded decision cannot shape"):
        morning_routine(world.person, world.team_leader, old)
    assert not Routine.objects.exists()
    routine = support_services.routine_create(
        person=world.person,
        name="Morning routine",
        decisions=[old],
        steps=[dict(s) for s in MORNING_STEPS],
        activate=True,
        effective_from=timezone.now() - timedelta(days=30),
        by=world.team_leader,
    )
    assert routine.is_active
