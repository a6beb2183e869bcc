"""The trigger engine's rules: reads that find reasons to review, over many people at once.

Every rule is set-based: a fixed number of aggregate queries whatever the number of people,
then plain Python over the (small) grouped rows. A rule returns candidates; services.scan
creates the ones not already there.

Each rule fires exactly when its threshold is reached, and not twice for the same evidence:
a trigger records the last day of evidence it counted (`evidence_until`), later runs count
only what came after it, and nothing new fires for a subject while a trigger of the same
kind is still open for it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from coplan.planning.models import Decision
from coplan.reviews.models import (
    CheckInAnswer,
    ItemKind,
    Review,
    ReviewThreshold,
    ReviewTrigger,
)

Kind = ReviewTrigger.Kind

REVIEW_DATE_AHEAD_DAYS = 14
CHECKIN_LOOKBACK_WEEKS = 8
DEFAULT_THRESHOLDS: dict[str, tuple[int, int]] = {
    # kind: (count, window in days)
    ReviewThreshold.Kind.REFUSALS: (5, 7),
    ReviewThreshold.Kind.DECLINES: (4, 14),
}
# Days from being found to being due, by kind.
DUE_IN_DAYS: dict[str, int] = {
    Kind.REVIEW_DATE: 14,
    Kind.INCIDENT: 7,
    Kind.REFUSALS: 7,
    Kind.DECLINES: 14,
    Kind.CHECKIN_DIDNT_WORK: 14,
    Kind.NOT_PRACTICAL: 14,
    Kind.PERSON_ASKED: 14,
    Kind.CIRCLE_ASKED: 14,
    Kind.PROGRESSION: 14,
}


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass
class Candidate:
    person_id: int
    kind: str
    dedupe_key: str
    reason: str
    due_on: date
    evidence: dict = field(default_factory=dict)
    evidence_until: date | None = None
    decision_id: int | None = None
    subject_kind: str = ""
    subject_id: int | None = None
    subject_label: str = ""


@dataclass
class Prior:
    """What earlier triggers of one kind say about one subject."""

    until: date | None = None
    open: int = 0


PriorMap = dict[tuple[int, str, str, int | None], Prior]


def prior_triggers(people: QuerySet, kinds: Iterable[str]) -> PriorMap:
    """For every (person, kind, subject) that has had a trigger: the last day of evidence
    counted and how many are still open. One query."""
    rows = (
        ReviewTrigger.objects.filter(person__in=people, kind__in=list(kinds))
        .values("person_id", "kind", "subject_kind", "subject_id")
        .annotate(
            until=Max("evidence_until"),
            open=Count("id", filter=Q(status=ReviewTrigger.Status.OPEN)),
        )
        .order_by()
    )
    return {
        (r["person_id"], r["kind"], r["subject_kind"], r["subject_id"]): Prior(
            r["until"], r["open"]
        )
        for r in rows
    }


def _prior(prior: PriorMap, person_id: int, kind: str, subject_kind: str, subject_id) -> Prior:
    return prior.get((person_id, kind, subject_kind, subject_id), Prior())


# Review dates ----------------------------------------------------------------------------


def review_dates(people: QuerySet, today: date) -> list[Candidate]:
    """An agreed decision's review-by date is within 14 days or past; or a review that kept
    the plan as it is set a next review date that is now that close. Two queries."""
    until = today + timedelta(days=REVIEW_DATE_AHEAD_DAYS)
    out: list[Candidate] = []
    decisions = (
        Decision.objects.filter(
            person__in=people,
            status=Decision.Status.AGREED,
            review_by__isnull=False,
            review_by__lte=until,
        )
        .exclude(
            Exists(ReviewTrigger.objects.filter(decision=OuterRef("pk"), kind=Kind.REVIEW_DATE))
        )
        .values("id", "person_id", "question", "review_by")
    )
    for d in decisions:
        when = d["review_by"]
        out.append(
            Candidate(
                person_id=d["person_id"],
                kind=Kind.REVIEW_DATE,
                dedupe_key=f"review_date:decision:{d['id']}:{when.isoformat()}",
                reason=(
                    f"The decision is due for review by {long_date(when)}."
                    if when >= today
                    else f"The decision's review date, {long_date(when)}, has passed."
                ),
                due_on=when,
                evidence={"review_by": when.isoformat()},
                evidence_until=today,
                decision_id=d["id"],
                subject_kind=ItemKind.DECISION,
                subject_id=d["id"],
                subject_label=d["question"][:300],
            )
        )
    later = Review.objects.filter(
        person_id=OuterRef("person_id"),
        status=Review.Status.CONCLUDED,
        concluded_at__gt=OuterRef("concluded_at"),
    )
    kept = (
        Review.objects.filter(
            person__in=people,
            status=Review.Status.CONCLUDED,
            outcome=Review.Outcome.KEEP_AS_IS,
            next_review_on__lte=until,
        )
        .exclude(Exists(later))
        .exclude(
            Exists(
                ReviewTrigger.objects.filter(
                    kind=Kind.REVIEW_DATE,
                    subject_kind=ItemKind.REVIEW,
                    subject_id=OuterRef("pk"),
                )
            )
        )
        .values("id", "person_id", "next_review_on", "concluded_at")
    )
    for r in kept:
        when = r["next_review_on"]
        out.append(
            Candidate(
                person_id=r["person_id"],
                kind=Kind.REVIEW_DATE,
                dedupe_key=f"review_date:review:{r['id']}:{when.isoformat()}",
                reason=(
                    f"The last review kept the plan as it is until {long_date(when)}; "
                    "it is time to look again."
                ),
                due_on=when,
                evidence={"next_review_on": when.isoformat()},
                evidence_until=today,
                subject_kind=ItemKind.REVIEW,
                subject_id=r["id"],
                subject_label=f"Review concluded {long_date(r['concluded_at'])}",
            )
        )
    return out


# Check-ins -------------------------------------------------------------------------------


def checkins_didnt_work(people: QuerySet, today: date, prior: PriorMap) -> list[Candidate]:
    """The same routine, activity or goal answered "didn't work" two weeks running (by any
    voice). One query."""
    this_week = today - timedelta(days=today.weekday())
    rows = (
        CheckInAnswer.objects.filter(
            checkin__person__in=people,
            answer=CheckInAnswer.Answer.DIDNT_WORK,
            item_id__isnull=False,
            checkin__week_start__gte=this_week - timedelta(weeks=CHECKIN_LOOKBACK_WEEKS),
            checkin__week_start__lte=this_week,
        )
        .exclude(item_kind=ItemKind.OTHER)
        .values("checkin__person_id", "item_kind", "item_id", "checkin__week_start")
        .annotate(n=Count("id"), label=Max("item_label"))
        .order_by()
    )
    weeks: dict[tuple[int, str, int], dict[date, str]] = defaultdict(dict)
    for r in rows:
        key = (r["checkin__person_id"], r["item_kind"], r["item_id"])
        weeks[key][r["checkin__week_start"]] = r["label"]
    out: list[Candidate] = []
    for (person_id, item_kind, item_id), labels in weeks.items():
        seen = _prior(prior, person_id, Kind.CHECKIN_DIDNT_WORK, item_kind, item_id)
        if seen.open:
            continue
        days = sorted(d for d in labels if seen.until is None or d > seen.until)
        pair = next(
            ((a, b) for a, b in zip(days, days[1:], strict=False) if b - a == timedelta(weeks=1)),
            None,
        )
        if pair is None:
            continue
        first, second = pair
        label = labels[second]
        out.append(
            Candidate(
                person_id=person_id,
                kind=Kind.CHECKIN_DIDNT_WORK,
                dedupe_key=f"checkin_didnt_work:{item_kind}:{item_id}:{second.isoformat()}",
                reason=(
                    f"“{label}” was answered “didn't work” in the check-ins for the weeks of "
                    f"{first.day} {first:%B} and {long_date(second)}."
                ),
                due_on=today + timedelta(days=DUE_IN_DAYS[Kind.CHECKIN_DIDNT_WORK]),
                evidence={"weeks": [first.isoformat(), second.isoformat()]},
                evidence_until=second,
                subject_kind=item_kind,
                subject_id=item_id,
                subject_label=label[:300],
            )
        )
    return out


# Runs over a threshold in a rolling window ------------------------------------------------


@dataclass(frozen=True)
class DailyCount:
    """How many times something happened to one plan element on one day."""

    person_id: int
    subject_id: int
    label: str
    day: date
    n: int
    decision_id: int | None = None


def thresholds_for(people: QuerySet) -> tuple[dict, dict]:
    """The per-person and per-service thresholds for everyone in scope. One query."""
    by_person: dict[tuple[str, int], tuple[int, int]] = {}
    by_service: dict[tuple[str, int], tuple[int, int]] = {}
    rows = ReviewThreshold.objects.filter(
        Q(person__in=people) | Q(service__in=people.values("service_id"))
    ).values("kind", "person_id", "service_id", "count", "window_days")
    for r in rows:
        value = (r["count"], r["window_days"])
        if r["person_id"]:
            by_person[(r["kind"], r["person_id"])] = value
        else:
            by_service[(r["kind"], r["service_id"])] = value
    return by_person, by_service


def longest_window(kind: str, thresholds: tuple[dict, dict]) -> int:
    windows = [DEFAULT_THRESHOLDS[kind][1]]
    for table in thresholds:
        windows += [w for (k, _), (_, w) in table.items() if k == kind]
    return max(windows)


def runs_over_threshold(
    *,
    kind: str,
    subject_kind: str,
    counts: Iterable[DailyCount],
    services: dict[int, int],
    thresholds: tuple[dict, dict],
    prior: PriorMap,
    today: date,
    what: str,
) -> list[Candidate]:
    """Fire when a plan element's count in the rolling window ending today, counting only
    days after the last trigger's evidence, reaches its threshold. `services` maps person
    id to service id (for service thresholds)."""
    by_person, by_service = thresholds
    grouped: dict[tuple[int, int], list[DailyCount]] = defaultdict(list)
    for c in counts:
        grouped[(c.person_id, c.subject_id)].append(c)
    out: list[Candidate] = []
    for (person_id, subject_id), days in grouped.items():
        seen = _prior(prior, person_id, kind, subject_kind, subject_id)
        if seen.open:
            continue
        threshold, window = by_person.get(
            (kind, person_id),
            by_service.get((kind, services.get(person_id)), DEFAULT_THRESHOLDS[kind]),
        )
        start = today - timedelta(days=window - 1)
        if seen.until is not None and seen.until >= start:
            start = seen.until + timedelta(days=1)
        in_window = sorted((c for c in days if start <= c.day <= today), key=lambda c: c.day)
        total, crossed = 0, None
        for c in in_window:
            total += c.n
            if crossed is None and total >= threshold:
                crossed = c.day
        if crossed is None:
            continue
        label = in_window[-1].label
        out.append(
            Candidate(
                person_id=person_id,
                kind=kind,
                dedupe_key=f"{kind}:{subject_kind}:{subject_id}:{crossed.isoformat()}",
                reason=(
                    f"{total} {what} of “{label}” in the last {window} days "
                    f"(the threshold is {threshold})."
                ),
                due_on=today + timedelta(days=DUE_IN_DAYS[kind]),
                evidence={
                    "count": total,
                    "threshold": threshold,
                    "window_days": window,
                    "days": {c.day.isoformat(): c.n for c in in_window},
                },
                evidence_until=today,
                decision_id=next((c.decision_id for c in in_window if c.decision_id), None),
                subject_kind=subject_kind,
                subject_id=subject_id,
                subject_label=label[:300],
            )
        )
    return out


# All rules -------------------------------------------------------------------------------

COUNTED_KINDS = [Kind.CHECKIN_DIDNT_WORK, Kind.REFUSALS, Kind.DECLINES]


def find_all(people: QuerySet, today: date) -> list[Candidate]:
    """Every rule, over everyone in `people` (a queryset of person ids)."""
    prior = prior_triggers(people, COUNTED_KINDS)
    found = review_dates(people, today)
    found += checkins_didnt_work(people, today, prior)
    return found
