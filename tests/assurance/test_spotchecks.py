"""Spot checks: a sample reproducible from its stored seed; the checklist recorded; the
result kept with its sample and shown as a trend per service."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coplan.assurance import spotchecks
from coplan.assurance.models import FollowUp, SpotCheck
from tests.factories import ActivityRecordFactory, IncidentFactory, RoutineRunFactory


@pytest.fixture
def records(world, plan):
    for _ in range(12):
        RoutineRunFactory(routine=plan["routine"], by=world.worker)
    for outcome in ["took_part", "declined"] * 4:
        ActivityRecordFactory(rhythm=plan["rhythm"], by=world.worker, outcome=outcome)
    IncidentFactory(person=world.person, by=world.worker)


def _draw(world, period, **kwargs):
    return spotchecks.spot_check_draw(
        service=world.service_a,
        by=world.quality_lead,
        period_start=period[0],
        period_end=period[1],
        **{"sample_size": 6, **kwargs},
    )


def test_the_same_seed_draws_the_same_records(world, records, period):
    first = _draw(world, period, seed=2026)
    again = _draw(world, period, seed=2026)
    kept = spotchecks.kept_sample(first)
    assert len(kept) == 6
    assert spotchecks.kept_sample(again) == kept
    assert spotchecks.redraw(first) == kept
    assert first.seed == 2026 and first.period_start == period[0]


def test_a_different_seed_draws_different_records(world, records, period):
    one = spotchecks.kept_sample(_draw(world, period, seed=1))
    two = spotchecks.kept_sample(_draw(world, period, seed=2))
    assert one != two
    assert len(set(one)) == len(one) == 6


def test_a_new_seed_is_stored_when_none_is_given(world, records, period):
    check = _draw(world, period)
    assert check.seed > 0
    assert spotchecks.redraw(check) == spotchecks.kept_sample(check)


def test_the_sample_is_only_of_the_service_and_the_period(world, records, period):
    population = spotchecks.population(world.service_a, *period)
    assert len(population) == 12 + 8 + 1
    assert spotchecks.population(world.service_b, *period) == []
    early = period[0] - timedelta(days=60)
    assert spotchecks.population(world.service_a, early, early + timedelta(days=5)) == []


def test_bad_periods_and_sizes_are_refused(world, period):
    with pytest.raises(ValidationError) as caught:
        _draw(world, (period[1], period[0]))
    assert "period_end" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        _draw(world, period, sample_size=0)
    assert "sample_size" in caught.value.message_dict
    assert not SpotCheck.objects.exists()


def _answers(check, mark="pass"):
    return {
        s.item.pk: {line.key: mark for line in s.lines} for s in spotchecks.sample_records(check)
    }


def test_recording_keeps_results_with_the_sample_and_makes_actions(world, records, period):
    check = _draw(world, period, seed=7)
    answers = _answers(check)
    first = next(iter(answers))
    answers[first] = {k: "fail" for k in answers[first]}
    spotchecks.spot_check_record(
        spot_check=check,
        by=world.quality_lead,
        results=answers,
        findings="Choices recorded well; one record without the order of steps.",
        actions=[
            {"what": "Remind the team", "owner": world.manager.pk, "due_on": timezone.localdate()}
        ],
    )
    check.refresh_from_db()
    assert check.status == SpotCheck.Status.DONE
    summary = spotchecks.summary_of(check)
    assert (summary.items_passing, summary.items) == (5, 6)
    action = FollowUp.objects.get(spot_check=check)
    assert action.owner == world.manager and action.is_open
    with pytest.raises(ValidationError):
        spotchecks.spot_check_record(spot_check=check, by=world.quality_lead, results=answers)


def test_every_check_must_be_answered(world, records, period):
    check = _draw(world, period, seed=7)
    answers = _answers(check)
    first = next(iter(answers))
    answers[first].popitem()
    with pytest.raises(ValidationError):
        spotchecks.spot_check_record(spot_check=check, by=world.quality_lead, results=answers)
    check.refresh_from_db()
    assert check.status == SpotCheck.Status.DRAWN
    assert not any(i.results for i in check.items.all())


def test_the_trend_gives_the_share_passing_per_check(world, records, period):
    today = timezone.localdate()
    good = _draw(world, period, seed=3)
    spotchecks.spot_check_record(spot_check=good, by=world.quality_lead, results=_answers(good))
    bad = _draw(world, period, seed=4)
    spotchecks.spot_check_record(
        spot_check=bad, by=world.quality_lead, results=_answers(bad, "fail")
    )
    results = spotchecks.spot_check_results(world.service_a, today - timedelta(days=1), today)
    assert [c.id for c in results.checks] == [good.pk, bad.pk]
    assert results.latest.id == bad.pk
    assert results.checks[0].percent == 100 and results.checks[1].percent == 0
    assert results.trend["late_entry"] == [(today, 100), (today, 0)]


def test_suggestions_come_from_the_record(world, plan, period):
    RoutineRunFactory(routine=plan["routine"], by=world.worker, outcome="refused")
    ActivityRecordFactory(rhythm=plan["rhythm"], by=world.worker, outcome="declined")
    check = _draw(world, period, seed=1)
    lines = {
        s.item.record_kind: {line.key: line.suggested for line in s.lines}
        for s in spotchecks.sample_records(check)
    }
    # A refusal with no reason: the steps are recorded (none), the difference is not.
    assert lines["routine_run"]["step_order"] == "pass"
    assert lines["routine_run"]["adjustments"] == "fail"
    assert lines["routine_run"]["agreed_words"] is None  # the lead judges
    # A decline with a reason but no alternative offered.
    assert lines["activity"]["choice"] == "fail"
    assert lines["activity"]["late_entry"] == "na"


def test_the_form_says_what_it_checks_and_keeps_what_was_typed_when_refused(world, records, period):
    check = _draw(world, period, seed=7)
    sample = spotchecks.sample_records(check)
    first, routine = sample[0], next(s for s in sample if s.item.record_kind == "routine_run")
    client = world.client_for(world.quality_lead)
    # Nothing answered for the first record: refused, everything typed is shown again.
    response = client.post(
        f"/assurance/spot-checks/{check.pk}/",
        {
            "findings": "Two records without the person's <own> words.",
            f"note_{first.item.pk}": "Asked Wendy about this one",
            "action_what_0": "Go through own words with the team",
            "action_owner_0": str(world.manager.pk),
            "action_due_0": "2027-01-15",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert spotchecks.ANSWER_ALL in html
    assert (
        '<textarea id="findings" name="findings" rows="4">'
        "Two records without the person&#x27;s &lt;own&gt; words.</textarea>"
    ) in html
    assert (
        f'name="note_{first.item.pk}" maxlength="1000" value="Asked Wendy about this one"' in html
    )
    assert 'value="Go through own words with the team"' in html
    assert f'<option value="{world.manager.pk}" selected>' in html
    assert 'name="action_due_0" value="2027-01-15"' in html
    check.refresh_from_db()
    assert check.status == SpotCheck.Status.DRAWN and check.findings == ""
    # At the top: what is being checked, the records, who made them and the plan for each.
    top = html[: html.index("record-form")]
    assert f"Spot check of {world.service_a.name}'s records" in top
    assert f"{len(sample)} records made in {world.service_a.name}" in top
    assert f"recorded by {routine.record.recorded_by}" in top
    assert f"Plan: {routine.record.routine_version}" in top
    assert routine.plan == str(routine.record.routine_version)
