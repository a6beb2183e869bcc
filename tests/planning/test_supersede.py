"""A decision that supersedes another starts its own participation and agreement, and
agreeing any decision is a deliberate, confirmed step (issue 10, finding 1)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coplan.lib.errors import Conflict
from coplan.planning import services
from coplan.planning.models import Decision, Goal, ParticipantKind, TakingPart

from .conftest import make_draft
from .helpers import formset


def url(name: str, world, *args) -> str:
    return reverse(f"planning:{name}", args=[world.person.pk, *args])


def agree(decision: Decision, by) -> Decision:
    return services.decision_agree(
        decision=decision, by=by, confirmed=True, based_on=decision.version
    )


@pytest.fixture
def agreed_with_goal(world):
    old = make_draft(
        world,
        what_matters="Toast before anything else.",
        goal_kept="",
        final_say="Sam",
        person_agrees=Decision.PersonAgrees.AGREES,
        why_person_not_involved="",
        information_withheld="The rota change was not settled yet.",
        review_triggers="Sam asks to change it",
    )
    goal = services.goal_create(
        person=world.person,
        by=world.team_leader,
        in_own_words="Start my day calm",
        success_looks_like="Calm mornings most days",
        measure=Goal.Measure.COUNT,
        decisions=[old],
    )
    return agree(old, world.manager), goal


def test_superseding_draft_carries_the_question_context_goals_and_options(world, agreed_with_goal):
    old, goal = agreed_with_goal
    new = services.decision_supersede(decision=old, by=world.team_leader)

    assert (new.question, new.domain, new.what_matters, new.goal_kept) == (
        old.question,
        old.domain,
        "Toast before anything else.",
        old.goal_kept,
    )
    assert list(new.goals.all()) == [goal]
    assert list(old.goals.all()) == [goal]  # the old decision keeps its link too
    options = list(new.options.order_by("position"))
    assert [o.label for o in options] == ["Breakfast first, shower later", "Shower first thing"]
    assert {o.carried_over_from_id for o in options} == {old.pk}
    assert [o.proposed_by for o in options] == ["Sam", "Staff team"]


def test_superseding_draft_starts_with_no_one_taking_part_and_nothing_agreed(
    world, agreed_with_goal
):
    old, _ = agreed_with_goal
    new = services.decision_supersede(decision=old, by=world.team_leader)

    assert new.participants.count() == 0
    assert (new.agreed, new.reason, new.persons_words, new.person_agrees) == ("", "", "", "")
    assert (new.final_say, new.review_by, new.review_triggers) == ("", None, "")
    assert (new.information_withheld, new.why_person_not_involved) == ("", "")
    assert new.capacity == Decision.Capacity.ASSUMED
    assert not new.options.filter(is_chosen=True).exists()
    # The old decision is untouched.
    old.refresh_from_db()
    assert old.participants.count() == 2 and old.persons_words == "Toast first."


def test_superseding_draft_is_held_to_the_same_rules_as_a_new_one(world, agreed_with_goal):
    old, _ = agreed_with_goal
    new = services.decision_supersede(decision=old, by=world.team_leader)
    fresh = services.decision_create(
        person=world.person,
        by=world.team_leader,
        domain=old.domain,
        question=old.question,
        options=[{"label": o.label} for o in old.options.all()],
    )
    assert services.decision_problems(new) == services.decision_problems(fresh)
    with pytest.raises(ValidationError) as exc:
        services.decision_agree(decision=new, by=world.manager, confirmed=True)
    assert "participants" in exc.value.message_dict
    old.refresh_from_db()
    assert old.status == Decision.Status.AGREED


def test_superseding_decision_is_agreed_once_its_own_participants_are_recorded(
    world, agreed_with_goal
):
    old, _ = agreed_with_goal
    new = services.decision_supersede(decision=old, by=world.team_leader)
    first, second = new.options.order_by("position")
    services.decision_update(
        decision=new,
        by=world.team_leader,
        based_on=new.version,
        agreed="Shower after breakfast.",
        reason="Sam chose it again at the review.",
        review_by=old.review_by,
        options=[
            {"id": first.pk, "label": first.label, "is_chosen": True},
            {"id": second.pk, "label": second.label},
        ],
        participants=[
            {"kind": ParticipantKind.PERSON, "name": "Sam", "how": TakingPart.PICTURES},
        ],
    )
    new.refresh_from_db()
    agree(new, world.manager)
    new.refresh_from_db()
    old.refresh_from_db()
    assert (new.status, old.status) == (Decision.Status.AGREED, Decision.Status.SUPERSEDED)
    assert [p.name for p in new.participants.all()] == ["Sam"]


def test_carried_over_option_can_be_removed(world, agreed_with_goal):
    old, _ = agreed_with_goal
    new = services.decision_supersede(decision=old, by=world.team_leader)
    first, _second = new.options.order_by("position")
    services.decision_update(
        decision=new,
        by=world.team_leader,
        options=[{"id": first.pk, "label": "Breakfast first, then a warm shower"}],
    )
    (kept,) = new.options.all()
    assert (kept.label, kept.carried_over_from_id) == (
        "Breakfast first, then a warm shower",
        old.pk,
    )
    assert old.options.count() == 2


def test_agreeing_needs_an_explicit_confirmation(world, draft):
    with pytest.raises(ValidationError) as exc:
        services.decision_agree(decision=draft, by=world.manager, confirmed=False)
    assert "confirmed" in exc.value.message_dict
    draft.refresh_from_db()
    assert draft.status == Decision.Status.DRAFT


def test_confirming_an_older_version_of_the_draft_agrees_nothing(world, draft):
    seen = draft.version
    services.decision_update(decision=draft, by=world.team_leader, reason="A new reason.")
    with pytest.raises(Conflict) as exc:
        services.decision_agree(decision=draft, by=world.manager, confirmed=True, based_on=seen)
    assert exc.value.code == "stale_version"
    draft.refresh_from_db()
    assert draft.status == Decision.Status.DRAFT


# Web ---------------------------------------------------------------------------------------


def test_agree_button_leads_to_a_confirmation_page_showing_what_will_be_locked(world, draft):
    client = world.client_for(world.manager)
    detail = client.get(url("decision_detail", world, draft.pk)).content.decode()
    assert f'href="{url("decision_agree", world, draft.pk)}"' in detail

    page = client.get(url("decision_agree", world, draft.pk))
    html = page.content.decode()
    assert page.status_code == 200
    for text in [
        "Sam",  # who took part
        "With pictures",
        "Tariq Leader",
        "Toast first.",  # the person's words
        "Breakfast first, shower later",  # the options, the chosen one and why
        "Shower first thing",
        "Sam chose this with picture cards.",
        "Confirm and agree",
    ]:
        assert text in html
    assert f'name="version" value="{draft.version}"' in html
    draft.refresh_from_db()
    assert draft.status == Decision.Status.DRAFT  # looking agrees nothing


def test_posting_agree_without_confirming_agrees_nothing(world, draft):
    client = world.client_for(world.manager)
    response = client.post(url("decision_agree", world, draft.pk), {"version": draft.version})
    assert response.status_code == 422
    assert "Tick the box to confirm" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Decision.Status.DRAFT


def test_confirmed_agreement_through_the_page(world, draft):
    client = world.client_for(world.manager)
    response = client.post(
        url("decision_agree", world, draft.pk), {"version": draft.version, "confirm": "on"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.agreed_by) == (Decision.Status.AGREED, world.manager)


def test_confirmation_page_refuses_a_draft_changed_since_it_was_drawn(world, draft):
    client = world.client_for(world.manager)
    seen = draft.version
    services.decision_update(decision=draft, by=world.team_leader, persons_words="No toast.")
    response = client.post(
        url("decision_agree", world, draft.pk), {"version": seen, "confirm": "on"}
    )
    assert response.status_code == 409
    assert "Tariq Leader changed" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Decision.Status.DRAFT


def test_confirmation_page_names_what_is_missing_and_offers_no_confirm(world):
    decision = make_draft(world, participants=[], why_person_not_involved="")
    page = world.client_for(world.manager).get(url("decision_agree", world, decision.pk))
    html = page.content.decode()
    assert "Record at least one participant who is not staff" in html
    assert "Confirm and agree" not in html


def test_superseding_draft_form_shows_carried_options_and_no_participants(world, agreed):
    client = world.client_for(world.manager)
    client.post(url("decision_supersede", world, agreed.pk))
    new = Decision.objects.get(supersedes=agreed)
    html = client.get(url("decision_edit", world, new.pk)).content.decode()
    assert html.count(f"Carried over from decision {agreed.pk}") == 2
    assert 'value="Tariq Leader"' not in html  # nobody carried over as taking part
    assert "Nobody is carried over" in html


def test_superseded_draft_edited_through_the_form_keeps_the_carried_mark(world, agreed):
    new = services.decision_supersede(decision=agreed, by=world.manager)
    first, second = new.options.order_by("position")
    data = {
        "domain": "support",
        "question": new.question,
        "capacity": "assumed",
        "version": str(new.version),
    }
    data |= formset(
        "options",
        [
            {"id": first.pk, "label": "Breakfast first, warm shower", "is_workable": True},
            {"id": second.pk, "label": second.label, "is_workable": True, "DELETE": True},
        ],
    )
    data |= formset("participants", [])
    response = world.client_for(world.manager).post(url("decision_edit", world, new.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    (kept,) = new.options.all()
    assert (kept.label, kept.carried_over_from_id) == ("Breakfast first, warm shower", agreed.pk)


# API ---------------------------------------------------------------------------------------


def test_api_agree_needs_the_confirmation_field(world, draft):
    from tests.planning.test_api import Api

    api = Api(world.manager)
    response = api.post(f"/decisions/{draft.pk}/agree", {"version": draft.version})
    assert response.status_code == 422
    assert "confirmed" in response.json()["fields"]
    draft.refresh_from_db()
    assert draft.status == Decision.Status.DRAFT

    response = api.post(
        f"/decisions/{draft.pk}/agree", {"confirmed": True, "version": draft.version}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "agreed"


def test_api_supersede_returns_a_draft_without_participants(world, agreed):
    from tests.planning.test_api import Api

    response = Api(world.manager).post(f"/decisions/{agreed.pk}/supersede")
    body = response.json()
    assert response.status_code == 201
    assert body["participants"] == [] and body["persons_words"] == ""
    assert body["review_by"] is None and body["final_say"] == ""
    assert [o["carried_over_from_id"] for o in body["options"]] == [agreed.pk, agreed.pk]
