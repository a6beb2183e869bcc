"""The demo's assurance story: alignment checks with Elm House staff (some not aligned,
with follow-ups, one done), spot checks over the last months, and an honest index: Daniel
and Marcus well delivered, one of the five others flagged "described, not delivered"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from coplan.accounts.models import Service
from coplan.assurance import index as coindex
from coplan.assurance.models import AlignmentCheck, FollowUp, SpotCheck


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


def test_the_demo_index_is_honest(demo):
    today = timezone.localdate()
    start = today - timedelta(days=coindex_days())
    found = {
        p.name.split()[0]: p
        for s in Service.objects.all()
        for p in coindex.service_index(s, start, today)
    }
    assert len(found) == 8
    assert not found["Dan"].flagged
    assert not found["Marcus"].flagged
    others = [p for name, p in found.items() if name not in ("Dan", "Marcus", "Priya")]
    assert len(others) == 5
    flagged = [p.name for p in others if p.flagged]
    assert flagged == ["Aisha Khan"]
    assert found["Aisha"].why  # with the records that show why


def coindex_days() -> int:
    from coplan.assurance.views.index import INDEX_DAYS

    return INDEX_DAYS - 1


def test_the_demo_has_alignment_and_spot_checks_and_runs_twice(demo):
    checks = AlignmentCheck.objects.all()
    assert checks.filter(is_aligned=False).count() >= 2 and checks.filter(is_aligned=True).exists()
    assert (
        FollowUp.objects.filter(done_at__isnull=False, alignment_check__isnull=False).count() == 1
    )
    assert FollowUp.objects.filter(done_at__isnull=True).count() >= 2
    assert SpotCheck.objects.filter(status="done").count() == 3
    # Each with real records observed and answered: no "0 of 0" beside its findings.
    for check in SpotCheck.objects.all():
        items = list(check.items.all())
        assert len(items) == check.sample_size, check.period_start
        assert all(item.results and item.checked_at for item in items)
        assert check.findings and check.drawn_at.date() > check.period_end
    before = (checks.count(), SpotCheck.objects.count(), FollowUp.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (
        AlignmentCheck.objects.count(),
        SpotCheck.objects.count(),
        FollowUp.objects.count(),
    ) == before
