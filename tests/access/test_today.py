"""The manager's today page: team leaders, managers and quality leads start on what needs
dealing with in their services (reviews due, open triggers, incidents not followed up,
missed travel check-ins, agency shifts not briefed, plan elements citing replaced
decisions, communication needs to review), each row linking to where it is dealt with,
with counts per service, in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coplan.accounts.models import Membership, ShiftBooking
from coplan.delivery import services as delivery_services
from coplan.delivery.idempotency import new_key
from coplan.people import services as people_services
from coplan.planning import services as planning_services
from coplan.planning.models import Decision
from coplan.reviews import services as review_services
from coplan.reviews.models import ReviewTrigger
from coplan.risk.services import plans as risk_services
from coplan.risk.services import practice as practice_services
from tests.conftest import make_user, member
from tests.factories import AgreedDecisionFactory, IncidentFactory, RoutineFactory, supersede
from tests.risk.conftest import STAGES, move_on, practice, risk_decision

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


def _decision_due(world, person, days: int, question: str) -> Decision:
    """An agreed decision whose review-by date is `days` from today (negative: passed)."""
    d = AgreedDecisionFactory(person=person, by=world.manager, question=question)
    Decision.objects.filter(pk=d.pk).update(review_by=_today() + timedelta(days=days))
    return d


def _independent_plan(world):
    d = planning_services.decision_agree(
        decision=risk_decision(world), by=world.team_leader, confirmed=True
    )
    plan = risk_services.risk_plan_create(
        decision=d, by=world.team_leader, title="Travelling to college", stages=STAGES
    )
    for _ in range(2):
        for _ in range(3):
            practice(plan, world.worker, "ii")
        move_on(plan, world)
        plan.refresh_from_db()
    return plan


class Known:
    """`n` of each thing to deal with in Elm House (Sam), one of each that is not to deal
    with (not due, closed, followed up, briefed, too old), and one in Birch Court (Ola)."""

    def __init__(self, world, n: int):
        self.world = world
        self.routine = RoutineFactory(person=world.person, by=world.manager, name="Bath time")
        self.plan = _independent_plan(world)
        self.cited = AgreedDecisionFactory(
            person=world.person, by=world.manager, question="Who helps at bath time?"
        )
        self.agency = []
        self.add(n)

        # Not to deal with today.
        _decision_due(world, world.person, 30, "Not due for a month")
        closed = review_services.trigger_open_by_hand(
            person=world.person, by=world.manager, kind="not_practical", reason="Closed one"
        )
        review_services.trigger_close(trigger=closed, by=world.manager, reason="Rota fixed")
        IncidentFactory(
            person=world.person, by=world.worker, occurred_at=timezone.now() - timedelta(days=8)
        )
        followed = IncidentFactory(
            routine=self.routine, by=world.worker, what_happened="Followed up already"
        )
        review_services.scan(person=world.person)  # as after the incident is committed
        (mini,) = ReviewTrigger.objects.filter(evidence__incident_id=followed.pk)
        review_services.trigger_close(trigger=mini, by=world.manager, reason="Talked it through")
        people_services.communication_need_create(
            person=world.person,
            by=world.manager,
            category="information_format",
            information_format="easy_read",
            need="Not due yet",
            review_on=_today() + timedelta(days=60),
        )
        briefed = self._agency_booking("briefed")
        delivery_services.briefing_acknowledge(booking=briefed, by=briefed.user)

        # In the other service: only the quality lead sees it.
        _decision_due(world, world.person_b, -1, "Ola's evenings")

    def _agency_booking(self, name: str) -> ShiftBooking:
        now = timezone.now()
        user = member(
            make_user(f"agency_{name}", f"Agency {name}"), self.world.service_a, "agency_worker"
        )
        return ShiftBooking.objects.create(
            user=user,
            service=self.world.service_a,
            starts_at=now - timedelta(minutes=30),
            ends_at=now + timedelta(hours=4),
        )

    def add(self, n: int) -> None:
        world = self.world
        start = len(self.agency)
        for i in range(start, start + n):
            _decision_due(world, world.person, -3, f"Overdue decision {i}")
            _decision_due(world, world.person, 0, f"Due today decision {i}")
            review_services.trigger_open_by_hand(
                person=world.person, by=world.manager, kind="not_practical", reason=f"Flag {i}"
            )
            IncidentFactory(
                person=world.person,
                by=world.worker,
                occurred_at=timezone.now() - timedelta(hours=1),
                what_happened=f"Incident {i}",
            )
            practice_services.travel_log_start(
                plan=self.plan,
                planned_route=f"Bus {i}",
                occurred_at=timezone.now() - timedelta(minutes=25),
                idempotency_key=new_key(),
                by=world.worker,
            )
            RoutineFactory(
                person=world.person, by=world.manager, name=f"Routine {i}", decisions=[self.cited]
            )
            people_services.communication_need_create(
                person=world.person,
                by=world.manager,
                category="information_format",
                information_format="easy_read",
                need=f"Need {i}",
                review_on=_today() + timedelta(days=3),
            )
            self.agency.append(self._agency_booking(str(i)))
        # Each routine above cites the decision: replacing it puts them all to re-cite.
        self.cited = supersede(self.cited, by=world.manager)


def _sections(response) -> dict[str, list]:
    return {s["section"].key: [r for r, _ in s["rows"]] for s in response.context["sections"]}


def test_the_manager_sees_exactly_what_is_due_and_overdue(world):
    Known(world, 2)
    response = world.client_for(world.manager).get("/")
    assert response.templates[0].name == "access/today.html"
    rows = _sections(response)
    today = _today()
    assert [(r.text, r.due, r.overdue) for r in rows["reviews-due"]] == [
        ("Review the decision “Overdue decision 0”", today - timedelta(days=3), True),
        ("Review the decision “Overdue decision 1”", today - timedelta(days=3), True),
        ("Review the decision “Due today decision 0”", today, False),
        ("Review the decision “Due today decision 1”", today, False),
    ]
    assert [r.text for r in rows["open-triggers"]] == [
        "Staff say the plan isn't practical",
        "Staff say the plan isn't practical",
    ]
    assert [r.text.rsplit(": ", 1)[1] for r in rows["incidents"]] == ["Incident 1", "Incident 0"]
    assert [r.text.split(",")[0] for r in rows["missed-check-ins"]] == [
        "Text from the bus stop",
        "Text from the bus stop",
    ]
    assert sorted(r.person for r in rows["briefings"]) == ["Ada Agency", "Agency 0", "Agency 1"]
    assert sorted(r.text.split(" cites")[0] for r in rows["to-recite"]) == [
        "Routine 0",
        "Routine 1",
    ]
    assert [r.text for r in rows["communication-needs"]] == ["Review: Need 0", "Review: Need 1"]
    assert {r.person for key in rows for r in rows[key] if key != "briefings"} == {"Sam Taylor"}
    # Counts per service: one service, its count for each section.
    ((service, busy, clear, total),) = response.context["service_counts"]
    assert service == world.service_a
    assert [n for _, n in busy] == [4, 2, 2, 2, 3, 2, 2] and clear == []
    assert total == 17
    page = response.content.decode()
    assert '<span class="glance-n">4</span> Reviews due</a>' in page


def test_each_row_links_to_where_it_is_dealt_with(world):
    known = Known(world, 1)
    response = world.client_for(world.manager).get("/")
    rows = _sections(response)
    pid = world.person.pk
    assert rows["reviews-due"][0].url == f"/reviews/people/{pid}/#reviews"
    assert rows["open-triggers"][0].url == f"/reviews/people/{pid}/#triggers"
    assert rows["missed-check-ins"][0].url.startswith(f"/people/{pid}/risk/{known.plan.pk}/trips/")
    assert rows["briefings"][0].url == f"/services/{world.service_a.pk}/briefings/"
    assert rows["communication-needs"][0].url.startswith(f"/people/{pid}/communication/")
    html = response.content.decode()
    for key in rows:
        for row in rows[key]:
            assert f'href="{row.url}"' in html
            assert world.client_for(world.manager).get(row.url).status_code == 200


def test_the_today_page_costs_the_same_queries_with_one_or_five_of_each(world):
    known = Known(world, 1)
    client = world.client_for(world.manager)
    client.get("/")
    # Counted at once: the next request clears the query log.
    with CaptureQueriesContext(connection) as one:
        response = client.get("/")
    queries_with_one = len(one)
    assert sum(len(r) for r in _sections(response).values()) == 9
    known.add(4)
    with CaptureQueriesContext(connection) as five:
        response = client.get("/")
    queries_with_five = len(five)
    assert sum(len(r) for r in _sections(response).values()) == 10 + 5 + 5 + 5 + 6 + 5 + 5
    assert queries_with_one > 10  # the page was counted
    assert queries_with_five == queries_with_one, [q["sql"][:120] for q in five.captured_queries]


def test_with_nothing_to_deal_with_the_page_says_all_clear(world):
    response = world.client_for(world.team_leader).get("/")
    assert response.templates[0].name == "access/today.html"
    html = response.content.decode()
    assert "All clear" in html
    assert "No review is overdue or due this week." in html
    assert "To re-cite or retire" not in html


@pytest.mark.parametrize("who", ["worker", "agency_now", "admin"])
def test_support_workers_agency_and_the_admin_get_their_own_home(world, who):
    Known(world, 1)
    response = world.client_for(getattr(world, who)).get("/")
    assert response.status_code == 200
    assert response.templates[0].name == "access/home.html"
    assert "sections" not in response.context
    assert "Overdue decision" not in response.content.decode()


@pytest.mark.parametrize(
    ("who", "space"), [("person_user", "/me/"), ("sister_user", "/me/circle/")]
)
def test_the_person_and_their_circle_go_to_their_own_space(world, who, space):
    Known(world, 1)
    client = world.client_for(getattr(world, who))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(space)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "sections" not in page.context
    assert "Overdue decision" not in page.content.decode()


def test_the_quality_lead_sees_across_their_services(world):
    Known(world, 1)
    response = world.client_for(world.quality_lead).get("/")
    assert response.templates[0].name == "access/today.html"
    people = {r.person for r in _sections(response)["reviews-due"]}
    assert people == {"Sam Taylor", "Ola Adeyemi"}
    counts = {s.name: total for s, _, _, total in response.context["service_counts"]}
    assert counts["Birch Court"] == 1
    assert counts["Elm House"] == 9


def test_the_manager_does_not_see_the_other_service(world):
    Known(world, 1)
    response = world.client_for(world.manager).get("/")
    people = {r.person for rows in _sections(response).values() for r in rows}
    assert "Ola Adeyemi" not in people
    assert "Ola" not in response.content.decode()
    assert [s.name for s, *_ in response.context["service_counts"]] == ["Elm House"]


def test_a_team_leader_of_another_service_sees_only_theirs(world):
    Known(world, 1)
    lead_b = member(make_user("lead_b", "Bea Birch"), world.service_b, Membership.Role.TEAM_LEADER)
    response = world.client_for(lead_b).get("/")
    rows = _sections(response)
    assert [r.person for r in rows["reviews-due"]] == ["Ola Adeyemi"]
    assert all(not rows[k] for k in rows if k != "reviews-due")


def test_anonymous_is_sent_to_sign_in(world):
    assert world.client_for(None).get("/").status_code == 302
