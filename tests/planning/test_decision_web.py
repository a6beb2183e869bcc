import pytest
from django.urls import reverse

from coplan.people import services as people_services
from coplan.planning import services
from coplan.planning.models import Decision, DecisionOption, DecisionParticipant
from coplan.planning.services import AGREED_CANNOT_CHANGE
from tests.snapshot import snapshot

from .conftest import make_draft
from .helpers import decision_post

LOG_QUERIES = (
    10  # +1: the unread notifications count in the header; the own person and circle are one
)


def url(name: str, world, *args) -> str:
    return reverse(f"planning:{name}", args=[world.person.pk, *args])


def test_team_leader_records_a_draft_decision_with_options_and_participants(world):
    client = world.client_for(world.team_leader)
    response = client.post(url("decision_add", world), decision_post())
    decision = Decision.objects.get(person=world.person)
    assert response.status_code == 302
    assert response["Location"] == url("decision_detail", world, decision.pk)
    assert decision.status == Decision.Status.DRAFT
    assert decision.created_by == world.team_leader
    assert [(o.label, o.is_chosen) for o in decision.options.all()] == [
        ("Tea at six, then music", True),
        ("Music first", False),
    ]
    assert [(p.kind, p.name, p.how) for p in decision.participants.all()] == [
        ("person", "Sam", "pictures"),
        ("staff", "Tariq", "in_person"),
    ]


def test_decision_form_shows_a_service_refusal_on_the_form(world):
    client = world.client_for(world.team_leader)
    two_chosen = [
        {"label": "A", "is_workable": True, "is_chosen": True},
        {"label": "B", "is_workable": True, "is_chosen": True},
    ]
    response = client.post(url("decision_add", world), decision_post(options=two_chosen))
    assert response.status_code == 200
    assert "Only one option can be marked as chosen." in response.content.decode()
    assert not Decision.objects.exists()


def test_final_say_is_prefilled_from_the_matching_agreement_entry(world):
    people_services.agreement_entry_create(
        person=world.person,
        by=world.manager,
        decision_kind="My morning routine",
        how_involved="Show me pictures the night before.",
        final_say="Sam",
    )
    client = world.client_for(world.team_leader)
    response = client.get(url("decision_add", world) + "?domain=support")
    form = response.context["form"]
    assert form.initial["final_say"] == "Sam"
    assert 'value="Sam"' in response.content.decode()


def test_picking_an_agreement_entry_fills_the_final_say(world):
    entry = people_services.agreement_entry_create(
        person=world.person,
        by=world.manager,
        decision_kind="Money",
        how_involved="Show me my balance.",
        final_say="Sam, with Jo",
    )
    client = world.client_for(world.team_leader)
    client.post(
        url("decision_add", world), decision_post(agreement_entry=str(entry.pk), final_say="")
    )
    assert Decision.objects.get().final_say == "Sam, with Jo"


def test_agreed_decision_edit_page_refuses_with_409(world, agreed):
    client = world.client_for(world.manager)
    response = client.get(url("decision_edit", world, agreed.pk))
    assert response.status_code == 409
    assert AGREED_CANNOT_CHANGE in response.content.decode()


def test_agreed_decision_cannot_be_edited_through_the_form(world, agreed):
    client = world.client_for(world.manager)
    before = snapshot(DecisionOption, DecisionParticipant)
    response = client.post(
        url("decision_edit", world, agreed.pk), decision_post(question="Sneaky change")
    )
    assert response.status_code == 409
    assert snapshot(DecisionOption, DecisionParticipant) == before
    agreed.refresh_from_db()
    assert agreed.question == "How should Sam's mornings go?"
    assert agreed.version == 2  # created, then agreed


def test_agreed_decision_cannot_be_deleted_through_the_page(world, agreed):
    client = world.client_for(world.manager)
    response = client.post(url("decision_delete", world, agreed.pk))
    assert response.status_code == 409
    assert AGREED_CANNOT_CHANGE in response.content.decode()
    assert Decision.objects.filter(pk=agreed.pk).exists()


def test_draft_can_be_edited_and_deleted_through_the_pages(world, draft):
    client = world.client_for(world.team_leader)
    option_ids = list(draft.options.values_list("pk", flat=True))
    participant_ids = list(draft.participants.values_list("pk", flat=True))
    data = decision_post(
        question="Mornings, revised",
        options=[
            {
                "id": option_ids[0],
                "label": "Breakfast first",
                "is_workable": True,
                "is_chosen": True,
            },
            {"id": option_ids[1], "label": "Shower first", "is_workable": True, "DELETE": True},
            {"label": "Shower at lunchtime", "is_workable": True},
        ],
        participants=[
            {"id": participant_ids[0], "kind": "person", "name": "Sam", "how": "pictures"},
        ],
    )
    response = client.post(url("decision_edit", world, draft.pk), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.question == "Mornings, revised"
    assert [o.label for o in draft.options.all()] == ["Breakfast first", "Shower at lunchtime"]
    assert draft.participants.count() == 1
    response = client.post(url("decision_delete", world, draft.pk))
    assert response.status_code == 302
    assert not Decision.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"options": [{"label": "Only", "is_chosen": True}]},
            "Record at least two options that were discussed.",
        ),
        (
            {"options": [{"label": "A"}, {"label": "B"}]},
            "Mark exactly one option as the one chosen.",
        ),
        ({"reason": ""}, "Say why this was agreed."),
        (
            {"participants": [{"kind": "staff", "name": "Tariq", "how": "in_person"}]},
            "Record at least one participant who is not staff",
        ),
        ({"review_by": None}, "Give a review-by date or what would make us review it sooner."),
        (
            {"capacity": "best_interests"},
            "For a best-interests decision, record all practicable steps taken to help the "
            "person decide.",
        ),
        (
            {
                "domain": "risk",
                "options": [
                    {"label": "A", "restrictiveness": 1, "is_chosen": True},
                    {"label": "B"},
                ],
            },
            "For a risk decision, rank every option from most restrictive (1) to least "
            "restrictive.",
        ),
        (
            {
                "domain": "risk",
                "options": [
                    {"label": "Stay in", "restrictiveness": 1, "is_chosen": True},
                    {"label": "Go out", "restrictiveness": 2, "is_workable": True},
                ],
            },
            "The chosen option is more restrictive than “Go out”, which was marked workable",
        ),
    ],
)
def test_agree_page_names_what_is_missing(world, overrides, message):
    decision = make_draft(world, **overrides)
    client = world.client_for(world.manager)
    response = client.post(
        url("decision_agree", world, decision.pk), {"confirm": "on", "version": decision.version}
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    decision.refresh_from_db()
    assert decision.status == Decision.Status.DRAFT


def test_draft_page_lists_what_is_still_needed(world):
    decision = make_draft(world, reason="")
    response = world.client_for(world.worker).get(url("decision_detail", world, decision.pk))
    assert "Still needed before it can be agreed" in response.content.decode()
    assert "Say why this was agreed." in response.content.decode()


def test_manager_agrees_a_draft_through_the_page(world, draft):
    response = world.client_for(world.manager).post(
        url("decision_agree", world, draft.pk), {"confirm": "on", "version": draft.version}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.agreed_by) == (Decision.Status.AGREED, world.manager)


def test_support_worker_cannot_agree_or_draft(world, draft):
    client = world.client_for(world.worker)
    assert client.get(url("decision_agree", world, draft.pk)).status_code == 403
    assert client.post(url("decision_agree", world, draft.pk), {"confirm": "on"}).status_code == 403
    assert client.get(url("decision_add", world)).status_code == 403
    assert client.get(url("decision_edit", world, draft.pk)).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Decision.Status.DRAFT


def test_supersede_through_the_page_keeps_both_and_shows_the_chain(world, agreed):
    client = world.client_for(world.manager)
    response = client.post(url("decision_supersede", world, agreed.pk))
    new = Decision.objects.get(supersedes=agreed)
    assert response["Location"] == url("decision_edit", world, new.pk)
    chosen, other = new.options.order_by("position")
    services.decision_update(
        decision=new,
        by=world.manager,
        reason="Sam chose it again.",
        review_by=agreed.review_by,
        options=[
            {"id": chosen.pk, "label": chosen.label, "is_chosen": True},
            {"id": other.pk, "label": other.label},
        ],
        participants=[{"kind": "person", "name": "Sam", "how": "pictures"}],
    )
    services.decision_agree(decision=new, by=world.manager, confirmed=True)

    old_page = client.get(url("decision_detail", world, agreed.pk)).content.decode()
    new_page = client.get(url("decision_detail", world, new.pk)).content.decode()
    assert "Superseded by:" in old_page and url("decision_detail", world, new.pk) in old_page
    assert "Supersedes:" in new_page and url("decision_detail", world, agreed.pk) in new_page
    assert "What this shaped" in new_page


def test_decision_page_shows_options_participants_and_who_agreed(world, agreed):
    page = world.client_for(world.person_user).get(url("decision_detail", world, agreed.pk))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Breakfast first, shower later" in html and "Chosen" in html
    assert "Tariq Leader" in html
    assert "Agreed by Mona Manager" in html


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("worker", 200),
        ("team_leader", 200),
        ("manager", 200),
        ("agency_now", 200),
        ("quality_lead", 200),
        ("person_user", 200),
        ("sister_user", 403),
        ("outsider", 404),
        ("agency_later", 404),
        ("admin", 404),
    ],
)
def test_who_may_see_the_decision_log(world, agreed, who, status):
    response = world.client_for(world.everyone[who]).get(url("decision_log", world))
    assert response.status_code == status


def test_anonymous_is_sent_to_log_in(world, agreed):
    response = world.client_for(None).get(url("decision_detail", world, agreed.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_decision_of_another_person_is_not_found_under_this_person(world, agreed):
    other = services.decision_create(
        person=world.person_b, by=world.manager, domain="support", question="Ola's question"
    )
    response = world.client_for(world.manager).get(url("decision_detail", world, other.pk))
    assert response.status_code == 404


def test_decision_log_filters_by_domain_and_status(world, agreed):
    make_draft(world, domain="risk", question="Going out alone?")
    client = world.client_for(world.worker)
    risk = client.get(url("decision_log", world) + "?domain=risk").context["decisions"]
    assert [d.question for d in risk] == ["Going out alone?"]
    agreed_only = client.get(url("decision_log", world) + "?status=agreed").context["decisions"]
    assert [d.pk for d in agreed_only] == [agreed.pk]


def test_decision_log_queries_do_not_grow_with_decisions(world, django_assert_num_queries):
    """Session, user, the memberships (read once for the two-step check and the access
    rules), the person, own person and circle, the access-log write, the decisions joined to
    their people, the chosen options, the communication needs for the header and the unread
    count: 11, whatever the number of decisions."""
    client = world.client_for(world.worker)
    for n in range(3):
        make_draft(world, question=f"Question {n}")
    client.get(url("decision_log", world))
    with django_assert_num_queries(LOG_QUERIES):
        client.get(url("decision_log", world))
    for n in range(12):
        decision = make_draft(world, question=f"More {n}")
        services.decision_agree(decision=decision, by=world.manager, confirmed=True)
    with django_assert_num_queries(LOG_QUERIES):
        response = client.get(url("decision_log", world))
    assert len(response.context["decisions"]) == 15
