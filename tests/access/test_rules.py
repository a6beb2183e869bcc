from coplan.access import rules as access
from coplan.access.rules import Action


def test_support_worker_sees_people_of_their_service_only(world):
    people = set(access.people_for_user(world.worker))
    assert world.person in people
    assert world.person_b not in people


def test_agency_worker_sees_people_only_during_booked_shift(world):
    assert world.person in access.people_for_user(world.agency_now)
    assert list(access.people_for_user(world.agency_later)) == []


def test_admin_sees_no_care_records(world):
    assert access.capabilities(world.admin, world.person) == frozenset()


def test_quality_lead_reads_across_services_but_cannot_plan(world):
    caps = access.capabilities(world.quality_lead, world.person)
    assert Action.VIEW_PLAN in caps and Action.ASSURE in caps
    assert Action.PLAN not in caps and Action.RECORD not in caps


def test_sister_sees_only_what_was_shared(world):
    caps = access.capabilities(world.sister_user, world.person)
    assert caps == frozenset({Action.VIEW_PROFILE, Action.ADD_VIEWS})
