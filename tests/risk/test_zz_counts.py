import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coplan.people import services as people_services
from coplan.planning import services as planning_services
from tests.planning.conftest import make_draft
from tests.risk.conftest import practice, STAGES, risk_decision
from coplan.risk.services import plans as risk_services


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, r.status_code
    return len(ctx.captured_queries), ctx


def test_counts(world, plan):
    c = world.client_for(world.manager)
    hist = reverse("people:history", args=[world.person.pk])
    det = reverse("people:detail", args=[world.person.pk])
    rp = reverse("risk:plan", args=[world.person.pk, plan.pk])
    print("history", count(c, hist)[0])
    print("detail", count(c, det)[0])
    print("riskplan", count(c, rp)[0])
    for i in range(10):
        people_services.person_update(person=world.person, by=world.manager, strengths=f"s{i}")
    practice(plan, world.worker, "ii"); practice(plan, world.worker, "ip")
    print("history+10", count(c, hist)[0])
    print("riskplan+2", count(c, rp)[0])
    for i in range(8):
        practice(plan, world.worker, "in")
    print("riskplan+10", count(c, rp)[0])
    print("detail 1 plan 10 sess", count(c, det)[0])
    for i in range(2):
        d = planning_services.decision_agree(decision=risk_decision(world, question=f"Q{i}?"), by=world.team_leader)
        risk_services.risk_plan_create(decision=d, by=world.team_leader, title=f"T{i}", stages=STAGES)
    n, ctx = count(c, det)
    print("detail 3 plans", n)
    d = make_draft(world); d = planning_services.decision_agree(decision=d, by=world.manager)
    url = lambda d: reverse("planning:decision_detail", args=[world.person.pk, d.pk])
    print("decision 0 links", count(c, url(d))[0])
    for i in range(5):
        new = planning_services.decision_supersede(decision=d, by=world.manager)
        d = planning_services.decision_agree(decision=new, by=world.manager)
        if i == 0: print("decision 1 link", count(c, url(d))[0])
    print("decision 5 links", count(c, url(d))[0])
