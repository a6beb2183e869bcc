"""The risk plan page reads in a fixed number of queries however many practice sessions the
plan has: measured with 2 and with 10, it must count the same."""

from django.urls import reverse

from tests.factories import PracticeSessionFactory

# The most the page may take today; a change that needs more should say why.
RISK_PLAN_PAGE_QUERIES = 23


def test_risk_plan_page_takes_the_same_queries_for_2_practice_sessions_and_for_10(
    world, plan, django_assert_num_queries, django_assert_max_num_queries
):
    client = world.client_for(world.team_leader)
    url = reverse("risk:plan", args=[world.person.pk, plan.pk])
    for pattern in ["pp", "ip"]:
        PracticeSessionFactory(plan=plan, by=world.worker, pattern=pattern)
    client.get(url)
    with django_assert_max_num_queries(RISK_PLAN_PAGE_QUERIES) as two:
        response = client.get(url)
    assert [p.independent for p in response.context["points"]] == [0, 1]

    for pattern in ["ip", "pi", "ii", "ii", "in", "ii", "ii", "ii"]:
        PracticeSessionFactory(plan=plan, by=world.worker, pattern=pattern)
    with django_assert_num_queries(len(two)):
        response = client.get(url)
    points = response.context["points"]
    assert [p.independent for p in points] == [0, 1, 1, 1, 2, 2, 1, 2, 2, 2]
    assert [p.prompts for p in points] == [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    assert {p.competencies for p in points} == {2}
    assert len(response.context["page"].recent_sessions) == 10
