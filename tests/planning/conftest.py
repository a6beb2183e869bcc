"""Planning fixtures: a draft decision that can be agreed as it stands, and an agreed one."""

from datetime import timedelta

import pytest
from django.utils import timezone

from coplan.planning import services
from coplan.planning.models import Decision, Domain, ParticipantKind, TakingPart


def good_options() -> list[dict]:
    return [
        {"label": "Breakfast first, shower later", "proposed_by": "Sam", "is_chosen": True},
        {"label": "Shower first thing", "proposed_by": "Staff team"},
    ]


def good_participants() -> list[dict]:
    return [
        {"kind": ParticipantKind.PERSON, "name": "Sam", "how": TakingPart.PICTURES},
        {"kind": ParticipantKind.STAFF, "name": "Tariq Leader", "how": TakingPart.IN_PERSON},
    ]


def make_draft(world, **overrides) -> Decision:
    fields = {
        "domain": Domain.SUPPORT,
        "question": "How should Sam's mornings go?",
        "agreed": "Breakfast first, shower after.",
        "reason": "Sam chose this with picture cards.",
        "persons_words": "Toast first.",
        "review_by": timezone.localdate() + timedelta(days=60),
        "options": good_options(),
        "participants": good_participants(),
    }
    fields.update(overrides)
    return services.decision_create(person=world.person, by=world.team_leader, **fields)


@pytest.fixture
def draft(world) -> Decision:
    return make_draft(world)


@pytest.fixture
def agreed(world) -> Decision:
    decision = make_draft(world)
    return services.decision_agree(decision=decision, by=world.manager, confirmed=True)
