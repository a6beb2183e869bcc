"""The hand-written reads on the write path (coplan/lib/rows.py) return what the ORM's
queries return: the same rows, the same converted values (aware datetimes, booleans, uuids,
JSON lists on both databases), the same order, and the related objects already in hand."""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coplan.access.rules import _person_with_service, _with_person
from coplan.accounts.models import Membership, ShiftBooking
from coplan.accounts.services import api_token_authenticate, api_token_create, api_token_revoke
from coplan.accounts.services import memberships as held_memberships
from coplan.delivery.services import running_booking
from coplan.people.models import Person
from coplan.support import selectors
from coplan.support.models import ActivityRhythm, Routine
from coplan.support.services import RHYTHM, ROUTINE
from tests.support.factories import morning_routine, revise_morning, week_rhythm

pytestmark = pytest.mark.django_db


def _values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_the_person_and_their_service_are_the_orm_rows_in_one_statement(world):
    orm = Person.objects.select_related("service").get(pk=world.person.pk)
    with CaptureQueriesContext(connection) as queries:
        person = _person_with_service(world.person.pk)
        service_name = person.service.name
    assert len(queries) == 1
    assert _values(person) == _values(orm)
    assert person.created_at.tzinfo is not None and isinstance(person.is_active, bool)
    assert service_name == "Elm House" and _values(person.service) == _values(orm.service)
    assert _person_with_service(world.person.pk + 1000) is None


def test_a_record_comes_with_its_person_and_service(world):
    routine = morning_routine(world.person, world.team_leader)
    with CaptureQueriesContext(connection) as queries:
        found = _with_person(Routine, routine.pk)
        called = found.person.service.name, found.person.preferred_name
    assert len(queries) == 1 and called == ("Elm House", "Sam")
    assert _values(found) == _values(Routine.objects.get(pk=routine.pk))
    assert _with_person(Routine, routine.pk + 1000) is None


def test_the_version_in_force_has_its_steps_in_order_and_the_earlier_one_before(world):
    routine = morning_routine(world.person, world.team_leader)
    first = routine.versions.get(number=1)
    revise_morning(
        routine,
        world.team_leader,
        steps=[{"title": "Kettle on", "agreed_words": "Tea?"}, {"title": "Open curtains"}],
        effective_from=timezone.now() + timedelta(days=2),
        agency_summary="Tea first, then curtains.",
    )
    element = Routine.objects.get(pk=routine.pk)
    with CaptureQueriesContext(connection) as queries:
        now = selectors.version_in_force(element, rows_only=True)
        titles = [s.title for s in now.steps.all()]
        back = {s.version_id for s in now.steps.all()} == {now.pk} and now.steps.all()[0].version
    assert len(queries) == 1
    assert now.pk == first.pk and back == now
    assert titles == [s.title for s in first.steps.order_by("position", "id")]
    later = selectors.version_in_force(element, timezone.now() + timedelta(days=3), rows_only=True)
    assert later.number == 2 and [s.title for s in later.steps.all()] == [
        "Kettle on",
        "Open curtains",
    ]
    assert (
        selectors.version_in_force(element, timezone.now() - timedelta(days=400), rows_only=True)
        is None
    )


def test_rhythm_entries_keep_the_models_order_with_untimed_entries(world):
    rhythm = week_rhythm(world.person, world.team_leader)
    version = rhythm.versions.get()
    version.entries.create(day=0, time=None, activity="Anytime: call Mum", position=9)
    version.entries.create(day=0, time=time(8, 0), activity="Early swim", position=5)
    element = ActivityRhythm.objects.get(pk=rhythm.pk)
    hand = [e.activity for e in selectors.version_in_force(element, rows_only=True).entries.all()]
    orm = [e.activity for e in version.entries.all()]  # Meta ordering: day, time, position
    assert hand == orm and len(hand) == 10 and "Anytime: call Mum" in hand


def test_an_element_is_found_only_for_its_own_person(world):
    rhythm = week_rhythm(world.person, world.team_leader)
    found = selectors.element_for_person(RHYTHM, world.person, rhythm.pk)
    assert found.pk == rhythm.pk and found.person is world.person
    with pytest.raises(Exception, match="No such"):
        selectors.element_for_person(RHYTHM, world.person_b, rhythm.pk)
    with pytest.raises(Exception, match="No such"):
        selectors.element_for_person(ROUTINE, world.person, rhythm.pk + 1000)


def test_the_running_booking_is_the_earliest_begun_and_not_ended(world):
    now = timezone.now()
    running = ShiftBooking.objects.get(user=world.agency_now)
    ShiftBooking.objects.create(
        user=world.agency_now,
        service=world.service_a,
        starts_at=now - timedelta(minutes=30),
        ends_at=now + timedelta(hours=1),
    )
    found = running_booking(world.agency_now, world.service_a.pk)
    assert found.pk == running.pk and found.starts_at == running.starts_at
    assert found.ends_at.tzinfo is not None
    assert running_booking(world.agency_now, world.service_b.pk) is None
    assert running_booking(world.agency_later, world.service_a.pk) is None
    later = running_booking(world.agency_now, world.service_a.pk, at=now + timedelta(hours=5))
    assert later.pk == running.pk  # the half-hour booking has ended by then
    assert (
        running_booking(world.agency_now, world.service_a.pk, at=now + timedelta(hours=7)) is None
    )


def test_a_token_finds_its_active_user_until_revoked(world):
    token, secret = api_token_create(user=world.worker, name="phone")
    with CaptureQueriesContext(connection) as queries:
        user = api_token_authenticate(secret)
    assert user == world.worker and user.username == "worker" and user.is_active is True
    # The first use is written; within the minute it is not written again.
    assert [q["sql"].split()[0] for q in queries] == ["SELECT", "UPDATE"]
    with CaptureQueriesContext(connection) as queries:
        assert api_token_authenticate(secret) == world.worker
    assert len(queries) == 1
    assert api_token_authenticate(secret + "x") is None
    world.worker.is_active = False
    world.worker.save()
    assert api_token_authenticate(secret) is None
    world.worker.is_active = True
    world.worker.save()
    api_token_revoke(token=token)
    assert api_token_authenticate(secret) is None


def test_memberships_are_the_users_roles_with_their_organisations_rule(world):
    world.org.require_two_factor = True
    world.org.save()
    user = type(world.manager).objects.get(pk=world.manager.pk)
    held = held_memberships(user)
    assert [(h.service_id, h.role, h.organisation_id, h.require_two_factor) for h in held] == [
        (world.service_a.pk, "manager", world.org.pk, True)
    ]


def test_a_token_brings_its_users_memberships_in_the_same_statement(world):
    Membership.objects.create(
        user=world.worker, service=world.service_b, role=Membership.Role.TEAM_LEADER
    )
    _, secret = api_token_create(user=world.worker, name="phone")
    api_token_authenticate(secret)  # the first use is written
    with CaptureQueriesContext(connection) as queries:
        user = api_token_authenticate(secret)
        held = held_memberships(user)
    assert len(queries) == 1
    assert sorted((h.service_id, h.role, h.organisation_id) for h in held) == sorted(
        (m.service_id, m.role, m.service.organisation_id)
        for m in Membership.objects.filter(user=world.worker).select_related("service")
    )
    assert len(held) == 2 and all(type(h.require_two_factor) is bool for h in held)
    Membership.objects.filter(user=world.worker).delete()
    with CaptureQueriesContext(connection) as queries:
        user = api_token_authenticate(secret)
        assert user == world.worker and held_memberships(user) == []
    assert len(queries) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("pk", [2**63, 2**64 + 5, -(2**63) - 1])
def test_ids_beyond_what_the_database_holds_are_refused_not_a_server_error(world, pk):
    from tests.delivery.helpers import Api

    api = Api(world.worker)
    routine = morning_routine(world.person, world.team_leader)
    for path, body in [
        (f"/delivery/people/{pk}/daily-notes", {"text": "Chose the blue mug."}),
        (
            f"/delivery/people/{world.person.pk}/routine-runs",
            {"routine_id": pk, "outcome": "refused"},
        ),
        (
            f"/delivery/people/{world.person.pk}/activity-records",
            {"rhythm_id": pk, "offered": "Swimming", "outcome": "took_part", "chosen": "Swimming"},
        ),
    ]:
        response = api.post(path, body)
        assert 400 <= response.status_code < 500, (path, response.status_code)
        assert response.json()["code"], response.content
    assert routine.pk


@pytest.mark.parametrize("pk", [2**63, -(2**63) - 1, 10**30])
def test_an_id_no_column_can_hold_finds_nothing(world, pk):
    assert _person_with_service(pk) is None
    assert _with_person(Routine, pk) is None
    with pytest.raises(Exception, match="No such"):
        selectors.element_for_person(RHYTHM, world.person, pk)


def test_a_web_page_for_an_id_no_column_can_hold_is_not_found(world, client):
    client.force_login(world.manager)
    assert client.get(f"/people/{2**64}/").status_code == 404
