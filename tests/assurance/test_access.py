"""Who may use the assurance pages: managers run alignment checks for their service's staff;
quality leads run spot checks across their organisation's services; managers and quality
leads see the index; a support worker sees their own alignment results only. Every wrong
role, the other service and anonymous are refused, and a refused write changes nothing."""

from __future__ import annotations

import pytest

from coplan.assurance import spotchecks
from coplan.assurance.models import AlignmentCheck, FollowUp, SpotCheck
from tests.assurance.helpers import check_with

LOGIN = 302
EVERYONE = [
    "worker",
    "team_leader",
    "manager",
    "outsider",
    "agency_now",
    "agency_later",
    "quality_lead",
    "admin",
    "person_user",
    "sister_user",
    "anonymous",
]


def _expect(allowed: set[str], forbidden: set[str]) -> dict[str, int]:
    """200 for `allowed`, 403 for `forbidden`, the login page for anonymous, 404 for the
    rest (who may not know the person or service is there)."""
    return {
        who: 200
        if who in allowed
        else 403
        if who in forbidden
        else LOGIN
        if who == "anonymous"
        else 404
        for who in EVERYONE
    }


PAGES = {
    "home": (
        "/assurance/",
        {
            **{w: 403 for w in EVERYONE},
            "manager": 200,
            "quality_lead": 200,
            "worker": 302,  # to their own alignment results: they have one
            "anonymous": LOGIN,
        },
    ),
    "service": (
        "/assurance/services/{a}/",
        _expect(
            {"manager", "quality_lead"},
            {"worker", "team_leader", "agency_now", "agency_later", "admin"},
        ),
    ),
    "person_index": (
        "/assurance/people/{sam}/index/",
        _expect(
            {"manager", "quality_lead"},
            {"worker", "team_leader", "agency_now", "person_user", "sister_user"},
        ),
    ),
    "alignment_new": (
        "/assurance/people/{sam}/alignment/new/",
        _expect(
            {"manager"},
            {"worker", "team_leader", "agency_now", "quality_lead", "person_user", "sister_user"},
        ),
    ),
    "spot_check_new": (
        "/assurance/services/{a}/spot-checks/new/",
        _expect(
            {"quality_lead"},
            {"worker", "team_leader", "manager", "agency_now", "agency_later", "admin"},
        ),
    ),
    "alignment_detail": (
        "/assurance/alignment/{check}/",
        _expect(
            {"manager", "quality_lead", "worker"},
            {"team_leader", "agency_now", "person_user", "sister_user"},
        ),
    ),
    "spot_check": (
        "/assurance/spot-checks/{spot}/",
        _expect({"manager", "quality_lead"}, {"worker", "team_leader", "agency_now"}),
    ),
}


@pytest.fixture
def ids(world, plan, period):
    check = check_with(world, aligned=False)
    spot = spotchecks.spot_check_draw(
        service=world.service_a,
        by=world.quality_lead,
        period_start=period[0],
        period_end=period[1],
    )
    return {
        "a": world.service_a.pk,
        "sam": world.person.pk,
        "check": check.pk,
        "spot": spot.pk,
    }


@pytest.mark.parametrize("page", list(PAGES))
def test_each_role_gets_what_the_rules_allow(world, ids, page):
    template, expected = PAGES[page]
    url = template.format(**ids)
    got = {}
    for who in EVERYONE:
        user = world.everyone[who]
        got[who] = world.client_for(user).get(url).status_code
    assert got == expected


def test_the_other_service_is_refused(world, ids):
    manager = world.client_for(world.manager)
    assert manager.get(f"/assurance/services/{world.service_b.pk}/").status_code == 404
    assert manager.get(f"/assurance/people/{world.person_b.pk}/index/").status_code == 404
    assert manager.get(f"/assurance/people/{world.person_b.pk}/alignment/new/").status_code == 404
    # The quality lead reads across the organisation, both services.
    lead = world.client_for(world.quality_lead)
    assert lead.get(f"/assurance/services/{world.service_b.pk}/").status_code == 200


def test_refused_writes_change_nothing(world, ids, period):
    before = (
        AlignmentCheck.objects.count(),
        SpotCheck.objects.count(),
        FollowUp.objects.filter(done_at=None).count(),
    )
    draw = {"period_start": period[0], "period_end": period[1], "sample_size": 3}
    for who in ("manager", "worker", "outsider", "admin"):
        client = world.client_for(world.everyone[who])
        response = client.post(f"/assurance/services/{ids['a']}/spot-checks/new/", draw)
        assert response.status_code in (403, 404), who
        response = client.post(f"/assurance/spot-checks/{ids['spot']}/", {"findings": "x"})
        assert response.status_code in (403, 404), who
    for who in ("quality_lead", "worker", "team_leader", "outsider"):
        client = world.client_for(world.everyone[who])
        response = client.post(
            f"/assurance/people/{ids['sam']}/alignment/new/",
            {"staff": world.worker.pk, "kind": "supervision"},
        )
        assert response.status_code in (403, 404), who
    follow_up = FollowUp.objects.get()
    for who in ("worker", "outsider", "quality_lead", "admin"):
        response = world.client_for(world.everyone[who]).post(
            f"/assurance/follow-ups/{follow_up.pk}/done/"
        )
        assert response.status_code in (403, 404), who
    assert (
        world.client_for(None).post(f"/assurance/follow-ups/{follow_up.pk}/done/").status_code
        == LOGIN
    )
    after = (
        AlignmentCheck.objects.count(),
        SpotCheck.objects.count(),
        FollowUp.objects.filter(done_at=None).count(),
    )
    assert after == before
