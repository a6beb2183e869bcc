"""One of each record a page or endpoint fetches by id, for Sam and for Ravi (a second
person in Sam's service), built through the services the way users build them."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from coplan.accounts.services import api_token_create
from coplan.people import services as people_services
from coplan.people.models import CircleMember, Person
from coplan.planning import services as planning_services
from coplan.planning.models import CoproductionSession, Decision, Domain, Goal
from coplan.reviews import services as review_services
from coplan.reviews.models import Review, ReviewTrigger
from coplan.risk.models import RiskPlan
from coplan.risk.services import plans as risk_services
from coplan.support import services as support_services
from coplan.support.models import ActivityRhythm, Routine, StaffInstruction
from tests.planning.conftest import good_options, good_participants
from tests.risk.conftest import STAGES
from tests.support.factories import morning_routine, week_rhythm


@dataclass
class Records:
    person: Person
    session: CoproductionSession
    decision: Decision
    goal: Goal
    routine: Routine
    rhythm: ActivityRhythm
    instruction: StaffInstruction
    risk_plan: RiskPlan
    trigger: ReviewTrigger
    review: Review
    circle_member: CircleMember


def _agreed(person: Person, world, **fields) -> Decision:
    draft = planning_services.decision_create(
        person=person,
        by=world.team_leader,
        question=fields.pop("question", "How should mornings go?"),
        domain=fields.pop("domain", Domain.SUPPORT),
        agreed="Breakfast first, shower after.",
        reason=f"{person.called} chose this with picture cards.",
        persons_words="Toast first.",
        review_by=timezone.localdate() + timedelta(days=60),
        options=fields.pop("options", good_options()),
        participants=good_participants(),
        **fields,
    )
    return planning_services.decision_agree(decision=draft, by=world.manager, confirmed=True)


def build_records(world, person: Person, circle_member: CircleMember) -> Records:
    leader = world.team_leader
    decision = _agreed(person, world)
    risk_decision = _agreed(
        person,
        world,
        question="How can I travel to college on my own?",
        domain=Domain.RISK,
        goal_kept="Get the bus to college on my own",
        options=[
            {"label": "No travel", "restrictiveness": 1, "is_workable": False},
            {"label": "Staged independence", "restrictiveness": 2, "is_chosen": True},
        ],
    )
    return Records(
        person=person,
        session=planning_services.session_create(
            person=person,
            by=leader,
            purpose="Plan the mornings together",
            domain=Domain.SUPPORT,
            scheduled_for=timezone.now() + timedelta(days=3),
        ),
        decision=decision,
        goal=planning_services.goal_create(
            person=person,
            by=leader,
            in_own_words="Go to the café on my own",
            success_looks_like="I go every week",
            measure=Goal.Measure.COUNT,
            decisions=[decision],
        ),
        routine=morning_routine(person, leader, decision),
        rhythm=week_rhythm(person, leader, decision),
        instruction=support_services.instruction_create(
            person=person,
            category=StaffInstruction.Category.SENSORY,
            title="Quiet voices in the morning",
            text="Speak softly before breakfast.",
            decisions=[decision],
            by=leader,
        ),
        risk_plan=risk_services.risk_plan_create(
            decision=risk_decision, by=leader, title="Travelling to college", stages=STAGES
        ),
        trigger=review_services.trigger_open_by_hand(
            person=person,
            by=leader,
            reason="The morning routine does not fit the weekend rota.",
            kind=ReviewTrigger.Kind.NOT_PRACTICAL,
        ),
        review=review_services.review_open(person=person, by=leader),
        circle_member=circle_member,
    )


@pytest.fixture
def ravi(world) -> Person:
    """A second person supported in Sam's service, whom Sam's staff also support."""
    return people_services.person_create(
        service=world.service_a,
        by=world.manager,
        given_name="Ravi",
        family_name="Shah",
        preferred_name="Ravi",
    )


@pytest.fixture
def records(world) -> Records:
    return build_records(world, world.person, world.sister)


@pytest.fixture
def ravis_records(world, ravi) -> Records:
    friend = people_services.circle_member_create(
        person=ravi,
        by=world.manager,
        name="Dev Shah",
        relationship_type=CircleMember.Relationship.FAMILY,
        relationship="my brother",
    )
    return build_records(world, ravi, friend)


def bearer(user) -> dict[str, str]:
    _, secret = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def get_request():
    """A GET request to `path` from `user`, as a view receives it."""

    def make(user, path: str = "/people/1/", method: str = "get"):
        request = getattr(RequestFactory(), method)(path)
        request.user = user
        return request

    return make
