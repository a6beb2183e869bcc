"""The person's change history and the person's page read in a fixed number of queries,
whatever the size of the record: each is measured at two sizes and must count the same."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coplan.people import selectors, services
from coplan.people.models import CircleMember, CommunicationNeed
from tests.factories import PracticeSessionFactory, RiskPlanFactory

# The most each page may take today; a change that needs more should say why.
HISTORY_QUERIES = 16  # with the unread notifications count in the header
PERSON_PAGE_QUERIES = 17  # 16, and the distress trend beside refusals (one query)


@pytest.fixture
def newcomer(world):
    """A person with two changes on record: added, with an empty decision-making profile."""
    return services.person_create(
        service=world.service_a, by=world.manager, given_name="Nadia", family_name="Khan"
    )


def ten_more_changes(person, by):
    """Ten more changes, across every kind of record the history page shows."""
    for n in range(3):
        services.person_update(person=person, by=by, please_do=f"Knock first ({n})")
    need = services.communication_need_create(
        person=person,
        by=by,
        category=CommunicationNeed.Category.INFORMATION_FORMAT,
        information_format=CommunicationNeed.Format.EASY_READ,
        need="Easy read",
        review_on=timezone.localdate() + timedelta(days=90),
    )
    services.communication_need_update(communication_need=need, by=by, need="Easy read, large")
    services.chart_entry_create(
        person=person,
        by=by,
        happening="Shower offered",
        person_does="Turns away",
        we_think="Not yet",
        we_should="Ask again later",
    )
    services.decision_profile_update(person=person, by=by, best_time="After lunch")
    services.decision_profile_update(person=person, by=by, best_time="After tea")
    services.agreement_entry_create(
        person=person, by=by, decision_kind="Money", how_involved="Show me", final_say="Me"
    )
    services.circle_member_create(
        person=person, by=by, name="Pat", relationship_type=CircleMember.Relationship.FRIEND
    )


def test_change_history_takes_the_same_queries_for_2_changes_and_for_12(
    world, newcomer, django_assert_num_queries, django_assert_max_num_queries
):
    client = world.client_for(world.manager)
    url = reverse("people:history", args=[newcomer.pk])
    client.get(url)  # the first request of a session warms caches
    with django_assert_max_num_queries(HISTORY_QUERIES) as few:
        response = client.get(url)
    assert len(response.context["rows"]) == 2

    ten_more_changes(newcomer, world.manager)
    with django_assert_num_queries(len(few)):
        response = client.get(url)
    rows = response.context["rows"]
    assert len(rows) == 12
    profile = [r for r in rows if r["label"] == "Decision-making profile"]
    assert [r["what"] for r in profile] == ["Decision-making profile of Nadia Khan"] * 3
    assert [[(c["field"], c["old"], c["new"]) for c in r["changes"]] for r in profile] == [
        [("best time for me to decide", "After lunch", "After tea")],
        [("best time for me to decide", "", "After lunch")],
        [],
    ]
    (need,) = [r for r in rows if r["label"] == "Communication need" and r["changes"]]
    assert [(c["old"], c["new"]) for c in need["changes"]] == [("Easy read", "Easy read, large")]


def test_change_history_over_its_limit_still_diffs_the_oldest_row_shown(world, newcomer):
    for n in range(4):
        services.person_update(person=newcomer, by=world.manager, please_do=f"Knock ({n})")
    rows = selectors.person_history(newcomer, limit=3)
    assert [r["record"].please_do for r in rows] == ["Knock (3)", "Knock (2)", "Knock (1)"]
    assert [(c["old"], c["new"]) for c in rows[-1]["changes"]] == [("Knock (0)", "Knock (1)")]


def test_person_page_takes_the_same_queries_with_no_risk_plans_and_with_three(
    world, django_assert_num_queries, django_assert_max_num_queries
):
    client = world.client_for(world.manager)
    url = reverse("people:detail", args=[world.person.pk])
    client.get(url)
    with django_assert_max_num_queries(PERSON_PAGE_QUERIES) as none:
        html = client.get(url).content.decode()
    assert "Positive risk-taking" not in html

    for n in range(3):
        plan = RiskPlanFactory(person=world.person, by=world.team_leader)
        for pattern in ["ip", "ii", "pi"][: n + 1]:
            PracticeSessionFactory(plan=plan, by=world.worker, pattern=pattern)
    with django_assert_num_queries(len(none)):
        response = client.get(url)
    html = response.content.decode()
    assert "Positive risk-taking" in html
    assert html.count("now at stage 1: Accompanied, with teaching") == 3
