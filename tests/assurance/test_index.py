"""The co-production index from a known fixture, each figure worked out by hand; and the
"described, not delivered" flag exactly when practice falls below its threshold."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from coplan.assurance import index as coindex
from coplan.planning.models import Domain
from coplan.reviews.models import ReviewTrigger
from tests.assurance.helpers import check_with, trigger
from tests.factories import (
    ActivityRecordFactory,
    AgreedDecisionFactory,
    PracticeSessionFactory,
    RiskPlanFactory,
    RoutineRunFactory,
)


def _steps(routine):
    return [s.pk for s in routine.versions.get(is_current=True).steps.all()]


def test_index_figures_equal_hand_computed_values(world, plan, period):
    start, end = period
    routine, rhythm = plan["routine"], plan["rhythm"]
    today = timezone.localdate()
    # Influence, support: the routine's and the rhythm's decisions have Sam taking part, his
    # words and two options (2 count); one more agreed without his words does not: 2 of 3.
    no_words = AgreedDecisionFactory(
        person=world.person, by=world.manager, persons_words="", question="Evenings?"
    )
    # Practice, support:
    s1, s2, _s3 = _steps(routine)
    RoutineRunFactory(routine=routine, by=world.worker)  # all steps in order: counts
    RoutineRunFactory(routine=routine, by=world.worker)  # counts
    RoutineRunFactory(routine=routine, by=world.worker, outcome="refused")  # no reason: not
    RoutineRunFactory(  # part of it, in order, explained: counts
        routine=routine,
        by=world.worker,
        outcome="partly",
        steps_used=[s1, s2],
        deviations="Sam wanted to shower tomorrow.",
    )
    RoutineRunFactory(  # out of the agreed order, explained: not
        routine=routine,
        by=world.worker,
        outcome="completed",
        steps_used=[s2, s1],
        deviations="Clothes first today.",
    )
    ActivityRecordFactory(rhythm=rhythm, by=world.worker)  # choice recorded: counts
    ActivityRecordFactory(rhythm=rhythm, by=world.worker, outcome="declined")  # no alternative
    check_with(world, aligned=True)  # counts
    check_with(world, aligned=False)  # not
    # Review discipline, support: one reviewed before it was due, one overdue and open.
    trigger(world, no_words, due=today - timedelta(days=3), reviewed_on=today - timedelta(days=5))
    trigger(world, no_words, due=today - timedelta(days=2))
    # Risk: the plan's decision (Sam took part, his words, three options) and one session
    # with both competencies recorded.
    risk_plan = RiskPlanFactory(person=world.person, by=world.manager)
    PracticeSessionFactory(plan=risk_plan, by=world.worker)

    found = coindex.person_index(world.person, start, end)

    support = found.domain(Domain.SUPPORT)
    assert (support.influence.numerator, support.influence.denominator) == (2, 3)
    assert support.influence.percent == 67
    assert (support.practice.numerator, support.practice.denominator) == (3 + 1 + 1, 5 + 2 + 2)
    assert support.practice.percent == 56
    on_time = [t for t in ReviewTrigger.objects.filter(person=world.person, decision=no_words)]
    assert len(on_time) == 2
    assert (support.review.numerator, support.review.denominator) == (1, 2)
    assert support.described_not_delivered  # 56% < 60%
    assert found.flagged
    assert {r.kind for r in found.why} == {"routine_run", "activity", "alignment_check"}
    assert len(found.why) == 4

    risk = found.domain(Domain.RISK)
    assert (risk.influence.numerator, risk.influence.denominator) == (1, 1)
    assert (risk.practice.numerator, risk.practice.denominator) == (1, 1)
    assert not risk.described_not_delivered

    goals = found.domain(Domain.GOALS)
    assert goals.influence.denominator == 0 and goals.influence.percent is None
    assert not goals.has_plan and not goals.described_not_delivered
    assert goals.practice.how.startswith("Nothing to count")

    # Each figure says how it was computed, in words, and links to its records.
    assert support.influence.how.startswith("2 of 3 agreed decisions in force in the period")
    assert all(r.url.startswith("/") for r in support.practice.records)
    assert any(
        f"/decisions/{no_words.pk}/" in r.url and not r.ok for r in support.influence.records
    )

    # Counted in the database, as the evidence pack does: the same figures, the same why.
    counted = coindex.person_index(world.person, start, end, every_record=False)
    assert _figures(counted) == _figures(found)
    assert counted.why == found.why
    assert not any(
        r.kind == "routine_run" and r.ok for r in counted.domain(Domain.SUPPORT).practice.records
    )


def _figures(found: coindex.PersonIndex) -> list[tuple[str, str, int, int]]:
    return [
        (d.domain, name, getattr(d, name).numerator, getattr(d, name).denominator)
        for d in found.domains
        for name in ("influence", "practice", "review")
    ]


def test_an_alternative_of_only_spaces_and_line_breaks_is_none_whether_listed_or_counted(
    world, plan, period
):
    rhythm = plan["rhythm"]
    ActivityRecordFactory(  # declined, the alternative left blank: does not count
        rhythm=rhythm, by=world.worker, outcome="declined", alternative_offered=" \n\t\u00a0"
    )
    ActivityRecordFactory(  # declined, an alternative offered: counts
        rhythm=rhythm, by=world.worker, outcome="declined", alternative_offered="A walk"
    )
    listed = coindex.person_index(world.person, *period)
    counted = coindex.person_index(world.person, *period, every_record=False)
    practice = listed.domain(Domain.SUPPORT).practice
    assert (practice.numerator, practice.denominator) == (1, 2)
    assert _figures(counted) == _figures(listed)


def test_whitespace_is_what_python_strips():
    every = "".join(c for c in map(chr, range(0x110000)) if c.isspace())
    assert sorted(coindex.WHITESPACE) == sorted(every)


def _runs(world, routine, ok: int, not_ok: int) -> None:
    for _ in range(ok):
        RoutineRunFactory(routine=routine, by=world.worker)
    for _ in range(not_ok):
        RoutineRunFactory(routine=routine, by=world.worker, outcome="refused")


def test_at_the_threshold_the_person_is_not_flagged(world, plan, period):
    # 3 of 5 routine records follow the plan, and 3 of 5 is 60%: not below it.
    _runs(world, plan["routine"], ok=3, not_ok=2)
    found = coindex.person_index(world.person, *period)
    support = found.domain(Domain.SUPPORT)
    assert support.practice.percent == coindex.PRACTICE_THRESHOLD == 60
    assert not support.described_not_delivered
    assert not found.flagged
    page = world.client_for(world.manager).get(f"/assurance/people/{world.person.pk}/index/")
    assert "Described, not delivered" not in page.content.decode()


def test_below_the_threshold_the_person_is_flagged_with_the_records_why(world, plan, period):
    # 3 of 6 (50%).
    _runs(world, plan["routine"], ok=3, not_ok=3)
    found = coindex.person_index(world.person, *period)
    support = found.domain(Domain.SUPPORT)
    assert support.practice.percent == 50
    assert support.described_not_delivered and found.flagged
    assert len(found.why) == 3 and all(r.kind == "routine_run" and not r.ok for r in found.why)
    page = world.client_for(world.manager).get(f"/assurance/people/{world.person.pk}/index/")
    html = page.content.decode()
    assert "Described, not delivered" in html
    assert "steps out of the agreed order or not explained" in html


def test_practice_without_an_agreed_plan_is_not_flagged(world, period):
    """No agreed decision in the period: nothing is described, so nothing is flagged, even
    with no records at all."""
    found = coindex.person_index(world.person, *period)
    assert not found.flagged
    assert all(not d.has_plan for d in found.domains)
