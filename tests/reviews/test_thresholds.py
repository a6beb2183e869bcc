"""Runs over a threshold in a rolling window: exactly at the threshold, not before, not
twice; thresholds per person, then per service, then the defaults."""

from datetime import date, timedelta

import pytest

from coplan.people.models import Person
from coplan.reviews import rules
from coplan.reviews.models import ReviewThreshold

TODAY = date(2026, 11, 25)
REFUSALS = ReviewThreshold.Kind.REFUSALS
DECLINES = ReviewThreshold.Kind.DECLINES
NO_THRESHOLDS: tuple[dict, dict] = ({}, {})


def counts(*days_ago: int, person_id: int = 1, subject_id: int = 7) -> list[rules.DailyCount]:
    per_day: dict[int, int] = {}
    for d in days_ago:
        per_day[d] = per_day.get(d, 0) + 1
    return [
        rules.DailyCount(person_id, subject_id, "Morning routine", TODAY - timedelta(days=d), n)
        for d, n in per_day.items()
    ]


def run(c, *, kind=REFUSALS, thresholds=NO_THRESHOLDS, prior=None, services=None, today=TODAY):
    return rules.runs_over_threshold(
        kind=kind,
        subject_kind="routine",
        counts=c,
        services=services or {1: 10},
        thresholds=thresholds,
        prior=prior or {},
        today=today,
        what="refusals",
    )


def test_four_refusals_in_seven_days_do_not_fire():
    assert run(counts(0, 1, 2, 6)) == []


def test_the_fifth_refusal_in_seven_days_fires():
    (found,) = run(counts(0, 1, 2, 3, 6))
    assert found.kind == "refusals"
    assert found.dedupe_key == f"refusals:routine:7:{TODAY.isoformat()}"
    assert found.evidence["count"] == 5 and found.evidence["threshold"] == 5
    assert "5 refusals of “Morning routine” in the last 7 days" in found.reason


def test_refusals_older_than_the_window_do_not_count():
    assert run(counts(0, 1, 2, 3, 7)) == []


def test_the_key_names_the_day_the_threshold_was_crossed_so_later_scans_agree():
    (today,) = run(counts(1, 1, 2, 3, 4))
    (tomorrow,) = run(counts(1, 1, 2, 3, 4), today=TODAY + timedelta(days=1))
    assert today.dedupe_key == tomorrow.dedupe_key


def test_not_twice_counting_starts_after_the_last_trigger():
    prior = {(1, "refusals", "routine", 7): rules.Prior(until=TODAY - timedelta(days=1))}
    assert run(counts(0, 1, 2, 3, 4, 5), prior=prior) == []
    assert len(run(counts(0, 0, 0, 0, 0, 1, 2), prior=prior)) == 1


def test_nothing_new_while_a_trigger_is_open():
    prior = {(1, "refusals", "routine", 7): rules.Prior(until=None, open=1)}
    assert run(counts(0, 1, 2, 3, 4), prior=prior) == []


def test_declines_default_is_four_in_fourteen_days():
    assert run(counts(0, 5, 13), kind=DECLINES) == []
    (found,) = run(counts(0, 5, 12, 13), kind=DECLINES)
    assert found.evidence["window_days"] == 14


def test_a_persons_threshold_beats_the_services_which_beats_the_default():
    service_only = ({}, {(REFUSALS, 10): (3, 7)})
    assert len(run(counts(0, 1, 2), thresholds=service_only)) == 1
    both = ({(REFUSALS, 1): (4, 7)}, {(REFUSALS, 10): (3, 7)})
    assert run(counts(0, 1, 2), thresholds=both) == []
    assert len(run(counts(0, 1, 2, 3), thresholds=both)) == 1


@pytest.mark.django_db
def test_thresholds_are_loaded_for_everyone_in_scope_in_one_query(world, django_assert_num_queries):
    ReviewThreshold.objects.create(kind=REFUSALS, service=world.service_a, count=3, window_days=5)
    ReviewThreshold.objects.create(kind=DECLINES, person=world.person, count=2, window_days=21)
    people = Person.objects.filter(is_active=True).values("pk")
    with django_assert_num_queries(1):
        by_person, by_service = rules.thresholds_for(people)
    assert by_person == {(DECLINES, world.person.pk): (2, 21)}
    assert by_service == {(REFUSALS, world.service_a.pk): (3, 5)}
    assert rules.longest_window(DECLINES, (by_person, by_service)) == 21
