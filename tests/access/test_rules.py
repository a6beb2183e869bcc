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
    assert caps == frozenset({Action.VIEW_PROFILE, Action.VIEW_PHOTOS, Action.ADD_VIEWS})


def test_answering_a_review_needs_both_adding_views_and_seeing_reviews(world):
    assert Action.CONTRIBUTE in access.capabilities(world.worker, world.person)
    assert Action.CONTRIBUTE in access.capabilities(world.person_user, world.person)
    # The quality lead reads reviews but adds no views; the sister adds views but was not
    # shared the reviews, until she is.
    assert Action.CONTRIBUTE not in access.capabilities(world.quality_lead, world.person)
    assert Action.CONTRIBUTE not in access.capabilities(world.sister_user, world.person)
    world.sister.may_see_reviews = True
    world.sister.save(update_fields=["may_see_reviews"])
    access.forget(world.sister_user)
    assert Action.CONTRIBUTE in access.capabilities(world.sister_user, world.person)


def test_delivery_reports_are_for_those_who_plan_or_assure(world):
    who = {
        name: Action.VIEW_REPORTS in access.capabilities(user, world.person)
        for name, user in world.staff.items()
    }
    assert who == {
        "worker": False,
        "team_leader": True,
        "manager": True,
        "outsider": False,
        "agency_now": False,
        "agency_later": False,
        "quality_lead": True,
        "admin": False,
    }
