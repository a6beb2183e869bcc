"""The quality lead's home and the service index take the same number of queries for one
person as for five."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coplan.assurance import index as coindex
from coplan.people import services as people_services
from tests.assurance.helpers import check_with
from tests.factories import ActivityRecordFactory, RhythmFactory, RoutineFactory, RoutineRunFactory


def _with_records(world, person):
    routine = RoutineFactory(person=person, by=world.manager)
    rhythm = RhythmFactory(person=person, by=world.manager)
    RoutineRunFactory(routine=routine, by=world.worker)
    RoutineRunFactory(routine=routine, by=world.worker, outcome="refused")
    ActivityRecordFactory(rhythm=rhythm, by=world.worker)


def _more_people(world, n):
    for i in range(n):
        person = people_services.person_create(
            service=world.service_a, by=world.manager, given_name=f"Extra{i}", family_name="Person"
        )
        _with_records(world, person)


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


@pytest.fixture
def one(world, plan, period):
    _with_records(world, world.person)
    check_with(world, aligned=False)


def test_the_service_index_takes_fixed_queries(world, one, period):
    single = _count(lambda: coindex.service_index(world.service_a, *period))
    _more_people(world, 4)
    assert len(coindex.service_index(world.service_a, *period)) == 5
    assert _count(lambda: coindex.service_index(world.service_a, *period)) == single == 10


def test_the_quality_lead_home_takes_fixed_queries(world, one, period):
    lead = world.client_for(world.quality_lead)
    lead.get("/assurance/")  # warm the session
    single = _count(lambda: lead.get("/assurance/"))
    _more_people(world, 4)
    page = lead.get("/assurance/")
    assert page.status_code == 200 and "5 people" in page.content.decode()
    assert _count(lambda: lead.get("/assurance/")) == single
    assert single <= 25
