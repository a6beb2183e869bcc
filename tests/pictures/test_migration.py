"""The data migration turns the demo's typed picture names into OpenMoji references, and
back."""

from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone

from coplan.planning.models import CoproductionSession, SessionChoice
from coplan.support.models import RoutineStep
from tests.support.factories import morning_routine

migration = import_module("coplan.pictures.migrations.0002_typed_names_to_openmoji")

pytestmark = pytest.mark.django_db

DEMO_NAMES = {
    "alarm": "openmoji:23F0",
    "shower": "openmoji:1F6BF",
    "clothes": "openmoji:1F455",
    "breakfast": "openmoji:1F963",
    "music": "openmoji:1F3B5",
    "cream": "openmoji:1F9F4",
    "chair": "openmoji:1FA91",
    "library": "openmoji:1F4DA",
    "garden": "openmoji:1FAB4",
    "paint": "openmoji:1F3A8",
}


def test_demo_names_map_to_openmoji_and_back(world):
    routine = morning_routine(world.person, world.team_leader)
    version = routine.versions.get()
    steps = [
        RoutineStep.objects.create(version=version, position=10 + i, title=name, picture=name)
        for i, name in enumerate([*DEMO_NAMES, "nan's teapot"])
    ]
    session = CoproductionSession.objects.create(
        person=world.person,
        purpose="Where to go on Saturdays",
        scheduled_for=timezone.now(),
        created_by=world.team_leader,
    )
    choice = SessionChoice.objects.create(session=session, label="Allotment", picture="Garden")

    migration.forwards(apps, None)
    got = {s.title: s.picture for s in RoutineStep.objects.filter(pk__in=[s.pk for s in steps])}
    assert got == {**DEMO_NAMES, "nan's teapot": "nan's teapot"}
    choice.refresh_from_db()
    assert choice.picture == "openmoji:1FAB4"

    migration.backwards(apps, None)
    got = {s.title: s.picture for s in RoutineStep.objects.filter(pk__in=[s.pk for s in steps])}
    assert got == {name: name for name in [*DEMO_NAMES, "nan's teapot"]}
