"""The decision page reads in a fixed number of queries however long its chain of versions:
measured with one superseded version behind it and with five, it must count the same."""

from django.urls import reverse

from tests.factories import AgreedDecisionFactory, superseded_chain

# The most the page may take today; a change that needs more should say why.
DECISION_PAGE_QUERIES = 19


def _url(decision):
    return reverse("planning:decision_detail", args=[decision.person_id, decision.pk])


def test_decision_page_takes_the_same_queries_for_1_superseded_version_and_for_5(
    world, django_assert_num_queries, django_assert_max_num_queries
):
    client = world.client_for(world.team_leader)
    short = superseded_chain(
        AgreedDecisionFactory(person=world.person, by=world.team_leader), by=world.manager, links=1
    )
    client.get(_url(short[-1]))
    with django_assert_max_num_queries(DECISION_PAGE_QUERIES) as one_link:
        response = client.get(_url(short[-1]))
    assert response.context["chain"] == short

    long = superseded_chain(
        AgreedDecisionFactory(person=world.person, by=world.team_leader, question="Evenings?"),
        by=world.manager,
        links=5,
    )
    with django_assert_num_queries(len(one_link)):
        response = client.get(_url(long[-1]))
    assert response.context["chain"] == long
    assert [d.status for d in long] == ["superseded"] * 5 + ["agreed"]
    with django_assert_num_queries(len(one_link)):
        response = client.get(_url(long[2]))  # from the middle, both ways
    assert response.context["chain"] == long


def test_a_decision_with_no_other_versions_needs_no_query_for_its_chain(
    world, django_assert_max_num_queries
):
    decision = AgreedDecisionFactory(person=world.person, by=world.team_leader)
    client = world.client_for(world.team_leader)
    client.get(_url(decision))
    with django_assert_max_num_queries(DECISION_PAGE_QUERIES - 1):
        response = client.get(_url(decision))
    assert response.context["chain"] == [decision]
    assert "This is the only version." in response.content.decode()
