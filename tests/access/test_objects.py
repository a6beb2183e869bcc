"""Every record a page or endpoint fetches by id goes through the one access helper: the
right role gets it (and the read is logged once), a role that sees the person but may not do
this gets 403, anyone else 404, and another person's record under this person's URL is 404."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from coplan.access.models import AccessLog
from tests.access.conftest import Records, bearer


@dataclass(frozen=True)
class Case:
    name: str
    url: Callable[[int, Records], str]  # (person id in the URL, whose records) -> path
    right: str  # a role that may
    wrong: str  # a role that sees the person but may not do this
    names_person: bool = True  # the URL names the person as well as the record

    def __str__(self) -> str:
        return self.name


def _web(name: str, field: str, *extra: str):
    def url(person_id: int, r: Records) -> str:
        return reverse(name, args=[person_id, *extra, getattr(r, field).pk])

    return url


CASES = [
    Case("session page", _web("planning:session_detail", "session"), "worker", "sister_user"),
    Case("session edit form", _web("planning:session_edit", "session"), "team_leader", "worker"),
    Case("decision page", _web("planning:decision_detail", "decision"), "worker", "sister_user"),
    Case("goal page", _web("planning:goal_detail", "goal"), "agency_now", "sister_user"),
    Case("routine page", _web("support:element", "routine", "routine"), "worker", "sister_user"),
    Case("rhythm page", _web("support:element", "rhythm", "rhythm"), "worker", "sister_user"),
    Case(
        "routine change form",
        _web("support:revise", "routine", "routine"),
        "team_leader",
        "worker",
    ),
    Case(
        "staff instruction form",
        _web("support:instruction_edit", "instruction"),
        "manager",
        "quality_lead",
    ),
    Case("risk plan page", _web("risk:plan", "risk_plan"), "quality_lead", "sister_user"),
    Case("trigger close form", _web("reviews:trigger_close", "trigger"), "team_leader", "worker"),
    Case("review page", _web("reviews:review", "review"), "person_user", "agency_now"),
    Case("circle member form", _web("people:circle_edit", "circle_member"), "manager", "worker"),
    Case(
        "decision (API)",
        lambda _, r: f"/api/v1/planning/decisions/{r.decision.pk}",
        "worker",
        "sister_user",
        names_person=False,
    ),
    Case(
        "session (API)",
        lambda _, r: f"/api/v1/planning/sessions/{r.session.pk}",
        "team_leader",
        "sister_user",
        names_person=False,
    ),
    Case(
        "goal (API)",
        lambda _, r: f"/api/v1/planning/goals/{r.goal.pk}",
        "worker",
        "sister_user",
        names_person=False,
    ),
    Case(
        "routine (API)",
        lambda p, r: f"/api/v1/support/people/{p}/routines/{r.routine.pk}",
        "worker",
        "sister_user",
    ),
    Case(
        "rhythm (API)",
        lambda p, r: f"/api/v1/support/people/{p}/rhythms/{r.rhythm.pk}",
        "worker",
        "sister_user",
    ),
    Case(
        "risk plan (API)",
        lambda p, r: f"/api/v1/risk/people/{p}/plans/{r.risk_plan.pk}",
        "worker",
        "sister_user",
    ),
    Case(
        "review (API)",
        lambda _, r: f"/api/v1/reviews/reviews/{r.review.pk}",
        "worker",
        "admin",
        names_person=False,
    ),
]


def _get(world, role: str | None, path: str):
    user = world.everyone[role] if role else None
    if path.startswith("/api/"):
        return world.client_for(None).get(path, **(bearer(user) if user else {}))
    return world.client_for(user).get(path)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_only_the_right_role_in_the_persons_service_gets_the_record(world, records, case):
    path = case.url(world.person.pk, records)
    through_api = path.startswith("/api/")
    statuses = {
        role: _get(world, role, path).status_code
        for role in (case.right, case.wrong, "outsider", None)
    }
    assert statuses == {
        case.right: 200,
        # The admin sees no care records at all, so for them the person does not exist.
        case.wrong: 404 if case.wrong == "admin" else 403,
        "outsider": 404,
        None: 401 if through_api else 302,
    }
    # The one read that showed the record is logged, once; the refusals are not.
    rows = list(AccessLog.objects.values_list("user", "person", "action", "path"))
    assert rows == [
        (
            world.everyone[case.right].pk,
            world.person.pk,
            AccessLog.Action.API_READ if through_api else AccessLog.Action.VIEW,
            path,
        )
    ]


def test_anonymous_callers_are_sent_to_sign_in_or_told_to_send_a_token(world, records):
    web = world.client_for(None).get(
        reverse("planning:decision_detail", args=[world.person.pk, records.decision.pk])
    )
    assert web.status_code == 302 and web.url.startswith(reverse("login"))
    api = world.client_for(None).get(f"/api/v1/planning/decisions/{records.decision.pk}")
    assert api.status_code == 401
    assert api.json()["code"] == "unauthenticated"


def test_another_persons_record_under_this_persons_url_is_not_found(world, records, ravis_records):
    """The manager may see both Sam and Ravi, but none of Ravi's records is Sam's."""
    named = [c for c in CASES if c.names_person]
    assert len(named) == 15
    for case in named:
        assert _get(world, "manager", case.url(world.person.pk, records)).status_code == 200
        assert (
            _get(world, "manager", case.url(ravis_records.person.pk, ravis_records)).status_code
            == 200
        )
    AccessLog.objects.all().delete()
    crossed = {
        c.name: _get(world, "manager", c.url(world.person.pk, ravis_records)).status_code
        for c in named
    }
    assert crossed == {c.name: 404 for c in named}
    assert AccessLog.objects.count() == 0
