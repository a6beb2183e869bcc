"""Sam's plan with something in every part the easy read shows: a goal, a morning routine,
a week, a risk plan at stage 1 and an agreed decision with a review date."""

from datetime import time

import pytest

from coplan.easyread import services as easyread_services
from coplan.planning.services import goals as goal_services
from tests.factories import RhythmFactory, RiskPlanFactory, RoutineFactory


@pytest.fixture
def sam_plan(world):
    by = world.team_leader
    person = world.person
    goal_services.goal_create(
        person=person,
        by=by,
        in_own_words="Get the bus to college on my own",
        success_looks_like="Sam travels on his own three days a week.",
        measure="count",
        measure_unit="trips a week",
        target_value=3,
    )
    routine = RoutineFactory(person=person, by=by)
    rhythm = RhythmFactory(
        person=person,
        by=by,
        entries=[
            {"day": 0, "time": time(10, 0), "activity": "Library quiet room", "kind": "priority"},
            {"day": 2, "time": time(14, 0), "activity": "Swimming", "kind": "flexible"},
        ],
    )
    risk_plan = RiskPlanFactory(person=person, by=by, title="Travelling to college")
    easyread_services.easy_words_set(
        person=person,
        source="Put on the clothes chosen last night",
        words="I put on the clothes I picked.",
        picture="clothes",
        by=by,
    )
    return {"routine": routine, "rhythm": rhythm, "risk_plan": risk_plan}


@pytest.fixture
def audio_dir(settings, tmp_path):
    settings.EASYREAD_AUDIO_DIR = tmp_path / "audio"
    return settings.EASYREAD_AUDIO_DIR
