"""The quality lead's journey: open their home, open a service, draw a spot check, record
the findings, then see the result in the trend and the index beside it; the action lands
on the manager's home."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone
from django.utils.html import escape

from coplan.assurance import spotchecks
from coplan.assurance.models import FollowUp, SpotCheck
from tests.factories import ActivityRecordFactory, RoutineRunFactory


def test_quality_lead_draws_a_spot_check_and_sees_the_trend_and_index(world, plan, period):
    for outcome in ("completed", "completed", "refused"):
        RoutineRunFactory(routine=plan["routine"], by=world.worker, outcome=outcome)
    ActivityRecordFactory(rhythm=plan["rhythm"], by=world.worker, outcome="declined")
    lead = world.client_for(world.quality_lead)

    home = lead.get("/assurance/").content.decode()
    service_url = f"/assurance/services/{world.service_a.pk}/"
    assert service_url in home and "Birch Court" in home  # both services side by side

    service = lead.get(service_url).content.decode()
    assert "Draw a spot check" in service
    assert "Sam Taylor" in service  # the index, per person
    assert "No spot check recorded" in service

    today = timezone.localdate()
    drawn = lead.post(
        f"/assurance/services/{world.service_a.pk}/spot-checks/new/",
        {
            "period_start": (today - timedelta(days=27)).isoformat(),
            "period_end": today.isoformat(),
            "sample_size": 10,
            "idempotency_key": "5b2f7f0e-0f7b-4b8e-9f7e-1c1c1c1c1c1c",
        },
    )
    assert drawn.status_code == 302
    check = SpotCheck.objects.get()
    assert drawn.url == f"/assurance/spot-checks/{check.pk}/"
    assert check.items.count() == 4  # every record of the period, as there are fewer than 10

    page = lead.get(drawn.url).content.decode()
    assert "drawing again from this seed gives the same records" in page
    names = sorted(set(re.findall(r'name="(r_\d+_[a-z_]+)"', page)))
    answers = {name: "pass" for name in names}
    refused = next(
        s
        for s in spotchecks.sample_records(check)
        if s.item.record_kind == "routine_run" and s.record.outcome == "refused"
    )
    answers[f"r_{refused.item.pk}_adjustments"] = "fail"  # no reason recorded for the refusal
    response = lead.post(
        drawn.url,
        {
            **answers,
            "findings": "One refusal without its reason.",
            "action_what_0": "Record why, when Sam refuses",
            "action_owner_0": world.manager.pk,
            "action_due_0": (today + timedelta(days=14)).isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    check.refresh_from_db()
    assert check.status == SpotCheck.Status.DONE
    done = lead.get(drawn.url).content.decode()
    assert "3 of 4 records passed every check that applied" in done

    service = lead.get(service_url).content.decode()
    assert "3 of 4" in service  # the result, in the trend table
    assert "Adjustments or differences recorded: 3 of 4" in service
    assert "<svg" in service
    index = lead.get(f"/assurance/people/{world.person.pk}/index/").content.decode()
    assert "Influence" in index and "Practice" in index and "Review discipline" in index

    home = lead.get("/assurance/").content.decode()
    assert "3 of 4 records passed" in home

    action = FollowUp.objects.get(spot_check=check)
    manager_home = world.client_for(world.manager).get("/").content.decode()
    assert escape(action.what) in manager_home
