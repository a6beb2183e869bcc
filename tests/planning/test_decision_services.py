import pytest
from django.core.exceptions import ValidationError

from coplan.lib.errors import Conflict
from coplan.planning import services
from coplan.planning.models import (
    Decision,
    DecisionOption,
    DecisionParticipant,
    Domain,
    ParticipantKind,
    TakingPart,
)
from coplan.planning.services import AGREED_CANNOT_CHANGE
from tests.snapshot import snapshot

from .conftest import make_draft


def _refusal(decision: Decision) -> dict[str, list[str]]:
    """The agree service's refusal, which leaves the draft, its options and its participants
    exactly as they were."""
    before = snapshot(decision, DecisionOption, DecisionParticipant)
    with pytest.raises(ValidationError) as exc:
        services.decision_agree(decision=decision, by=decision.created_by, confirmed=True)
    assert snapshot(decision, DecisionOption, DecisionParticipant) == before
    return exc.value.message_dict


def test_a_complete_draft_is_agreed_and_signed(world, draft):
    decision = services.decision_agree(decision=draft, by=world.manager, confirmed=True)
    decision.refresh_from_db()
    assert decision.status == Decision.Status.AGREED
    assert decision.agreed_by == world.manager
    assert decision.agreed_at is not None


def test_agree_needs_two_options(world):
    decision = make_draft(world, options=[{"label": "Only one", "is_chosen": True}])
    assert _refusal(decision) == {"options": ["Record at least two options that were discussed."]}


def test_agree_needs_exactly_one_chosen_option(world):
    decision = make_draft(world, options=[{"label": "A"}, {"label": "B"}])
    assert _refusal(decision) == {"options": ["Mark exactly one option as the one chosen."]}


def test_two_chosen_options_are_refused_even_in_a_draft(world):
    snapshot_of_none = snapshot(Decision, DecisionOption)
    with pytest.raises(ValidationError) as exc:
        make_draft(
            world, options=[{"label": "A", "is_chosen": True}, {"label": "B", "is_chosen": True}]
        )
    assert exc.value.message_dict == {"options": ["Only one option can be marked as chosen."]}
    assert snapshot(Decision, DecisionOption) == snapshot_of_none


def test_agree_needs_a_reason(world):
    decision = make_draft(world, reason="  ")
    assert _refusal(decision) == {"reason": ["Say why this was agreed."]}


def test_agree_needs_someone_who_is_not_staff_or_why_not(world):
    staff_only = [{"kind": ParticipantKind.STAFF, "name": "Tariq", "how": TakingPart.IN_PERSON}]
    decision = make_draft(world, participants=staff_only)
    assert list(_refusal(decision)) == ["participants"]
    services.decision_update(
        decision=decision,
        by=world.team_leader,
        why_person_not_involved="Sam was in hospital; this is an interim decision.",
    )
    assert services.decision_agree(decision=decision, by=world.manager, confirmed=True).is_agreed


def test_agree_needs_a_review_date_or_triggers(world):
    decision = make_draft(world, review_by=None, review_triggers="")
    assert _refusal(decision) == {
        "review_by": ["Give a review-by date or what would make us review it sooner."]
    }
    services.decision_update(
        decision=decision, by=world.team_leader, review_triggers="Sam asks to change it"
    )
    assert services.decision_agree(decision=decision, by=world.manager, confirmed=True).is_agreed


def test_best_interests_decision_needs_all_five_checklist_answers(world):
    decision = make_draft(
        world, capacity=Decision.Capacity.BEST_INTERESTS, bi_wishes="Sam has always loved toast."
    )
    problems = _refusal(decision)
    assert sorted(problems) == [
        "bi_encouraged",
        "bi_least_restrictive",
        "bi_others_views",
        "bi_practicable_steps",
    ]
    assert problems["bi_least_restrictive"] == [
        "For a best-interests decision, record why this is the least restrictive option."
    ]


def _risk_options(chosen: int, workable_freer: bool = True) -> list[dict]:
    return [
        {"label": "No travel", "restrictiveness": 1, "is_chosen": chosen == 1},
        {"label": "Staged", "restrictiveness": 2, "is_chosen": chosen == 2},
        {
            "label": "Independent now",
            "restrictiveness": 3,
            "is_workable": workable_freer,
            "is_chosen": chosen == 3,
        },
    ]


def test_risk_options_must_all_be_ranked(world):
    options = _risk_options(2)
    options[0]["restrictiveness"] = None
    decision = make_draft(world, domain=Domain.RISK, options=options)
    assert _refusal(decision) == {
        "options": [
            "For a risk decision, rank every option from most restrictive (1) to least restrictive."
        ]
    }


def test_more_restrictive_choice_than_a_workable_option_needs_a_reason(world):
    decision = make_draft(world, domain=Domain.RISK, options=_risk_options(2))
    assert _refusal(decision) == {
        "more_restrictive_reason": [
            "The chosen option is more restrictive than “Independent now”, which was marked "
            "workable: say why a more restrictive option was chosen."
        ]
    }
    services.decision_update(
        decision=decision, by=world.team_leader, more_restrictive_reason="Road skills first."
    )
    assert services.decision_agree(decision=decision, by=world.manager, confirmed=True).is_agreed


def test_no_reason_needed_when_freer_options_are_not_workable(world):
    decision = make_draft(world, domain=Domain.RISK, options=_risk_options(2, workable_freer=False))
    assert services.decision_agree(decision=decision, by=world.manager, confirmed=True).is_agreed


def test_agreed_decision_cannot_be_updated(world, agreed):
    with pytest.raises(Conflict) as exc:
        services.decision_update(decision=agreed, by=world.manager, question="Changed?")
    assert exc.value.message == AGREED_CANNOT_CHANGE
    agreed.refresh_from_db()
    assert agreed.question == "How should Sam's mornings go?"


def test_agreed_decision_cannot_be_deleted(world, agreed):
    with pytest.raises(Conflict) as exc:
        services.decision_delete(decision=agreed, by=world.manager)
    assert exc.value.message == AGREED_CANNOT_CHANGE
    assert Decision.objects.filter(pk=agreed.pk).exists()


def test_a_draft_can_be_deleted(world, draft):
    services.decision_delete(decision=draft, by=world.team_leader)
    assert not Decision.objects.filter(pk=draft.pk).exists()


def test_update_moves_the_chosen_option_and_bumps_the_version(world, draft):
    first, second = draft.options.order_by("position")
    services.decision_update(
        decision=draft,
        by=world.team_leader,
        options=[
            {"id": first.pk, "label": first.label, "is_chosen": False},
            {"id": second.pk, "label": second.label, "is_chosen": True},
            {"label": "A third idea"},
        ],
    )
    draft.refresh_from_db()
    assert draft.version == 2
    assert [(o.label, o.is_chosen) for o in draft.options.order_by("position")] == [
        ("Breakfast first, shower later", False),
        ("Shower first thing", True),
        ("A third idea", False),
    ]
    assert DecisionOption.objects.get(pk=second.pk).is_chosen


def test_supersede_keeps_both_and_the_old_one_in_force_until_the_new_one_is_agreed(world, agreed):
    new = services.decision_supersede(decision=agreed, by=world.team_leader)
    assert (new.status, new.supersedes) == (Decision.Status.DRAFT, agreed)
    agreed.refresh_from_db()
    assert agreed.status == Decision.Status.AGREED  # until the new one is agreed

    first, second = new.options.order_by("position")
    services.decision_update(
        decision=new,
        by=world.team_leader,
        agreed="Shower at lunchtime.",
        reason="Sam chose lunchtime.",
        review_by=agreed.review_by,
        options=[
            {"id": first.pk, "label": first.label, "is_chosen": True},
            {"id": second.pk, "label": second.label},
        ],
        participants=[{"kind": ParticipantKind.PERSON, "name": "Sam", "how": TakingPart.PICTURES}],
    )
    services.decision_agree(decision=new, by=world.manager, confirmed=True)
    agreed.refresh_from_db()
    assert agreed.status == Decision.Status.SUPERSEDED
    assert agreed.superseded_by == new
    assert Decision.objects.filter(person=world.person).count() == 2


def test_a_second_supersede_is_refused_while_one_draft_exists(world, agreed):
    first = services.decision_supersede(decision=agreed, by=world.team_leader)
    with pytest.raises(Conflict) as exc:
        services.decision_supersede(decision=agreed, by=world.manager)
    assert f"(decision {first.pk})" in exc.value.message
    assert Decision.objects.filter(supersedes=agreed).count() == 1


def test_only_agreed_decisions_can_be_superseded(world, draft):
    before = snapshot(Decision, DecisionOption, DecisionParticipant, draft)
    with pytest.raises(Conflict):
        services.decision_supersede(decision=draft, by=world.manager)
    assert snapshot(Decision, DecisionOption, DecisionParticipant, draft) == before


def test_a_decision_cannot_use_another_persons_session(world):
    from django.utils import timezone

    other = services.session_create(
        person=world.person_b,
        by=world.manager,
        purpose="Ola's mornings",
        domain=Domain.SUPPORT,
        scheduled_for=timezone.now(),
    )
    with pytest.raises(ValidationError) as exc:
        make_draft(world, session=other)
    assert exc.value.message_dict == {"session": ["Pick one of this person's sessions."]}
    assert not Decision.objects.exists()


def test_markup_is_refused_in_decisions(world):
    with pytest.raises(ValidationError) as exc:
        make_draft(world, reason="<script>alert(1)</script>")
    assert "reason" in exc.value.message_dict
    assert (Decision.objects.count(), DecisionOption.objects.count()) == (0, 0)
