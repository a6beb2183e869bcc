"""Reads for the review stage: the weekly history, working / not working by perspective,
triggers, a review's evidence and the service dashboard. Each in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from coplan.people.models import Person
from coplan.reviews import sources
from coplan.reviews.models import (
    CheckIn,
    CheckInAnswer,
    Perspective,
    Review,
    ReviewTrigger,
    WorkingNotWorking,
)

Answer = CheckInAnswer.Answer
Kind = ReviewTrigger.Kind
HISTORY_WEEKS = 12
# Triggers that come from shift records: their reasons quote those records (an incident's
# narrative, a staff flag's words, counts of refusals and declines).
FROM_SHIFT_RECORDS = frozenset(
    {Kind.INCIDENT, Kind.REFUSALS, Kind.DECLINES, Kind.NOT_PRACTICAL, Kind.PROGRESSION}
)
REASON_WITHHELD = "The details are in shift records, which were not shared with you."


def checkin_history(person: Person, weeks: int = HISTORY_WEEKS) -> list[CheckIn]:
    """The last `weeks` weeks of check-ins, newest first, each answerer's apart, with their
    answers. Two queries."""
    since = timezone.localdate() - timedelta(weeks=weeks)
    return list(
        CheckIn.objects.filter(person=person, week_start__gte=since)
        .select_related("person", "recorded_by", "circle_member")
        .prefetch_related("answers")
        .order_by("-week_start", "answered_by", "id")
    )


@dataclass
class Bar:
    label: str
    x: int
    worked: tuple[int, int]  # (y, height)
    not_sure: tuple[int, int]
    didnt_work: tuple[int, int]
    counts: dict[str, int]


CHART_HEIGHT = 120
BAR_WIDTH = 28
BAR_GAP = 14


# The chart keeps the person's own answers apart from those recorded on their behalf, and
# both apart from other people's views: each is a series of its own, on one scale.
CHART_SERIES = [
    ("own", "{called}'s own answers", {CheckIn.AnsweredBy.PERSON}),
    (
        "on_behalf",
        "{called}'s answers, recorded with staff",
        {CheckIn.AnsweredBy.STAFF_WITH_PERSON},
    ),
    ("others", "Family and staff views", {CheckIn.AnsweredBy.FAMILY, CheckIn.AnsweredBy.STAFF}),
]


def checkin_chart(checkins: list[CheckIn]) -> dict:
    """Stacked bars, one a week for each series (the person's own answers; theirs recorded
    on their behalf; family and staff views): how many answers worked, were not sure, didn't
    work. Geometry for inline SVGs (no script, readable without colour: each bar has a
    title and the table beside it holds the same answers). Every series shares the weeks'
    positions and one scale, so they can be compared."""
    counts: dict[str, dict[date, dict[str, int]]] = {key: {} for key, _, _ in CHART_SERIES}
    group = {kind: key for key, _, kinds in CHART_SERIES for kind in kinds}
    for checkin in checkins:
        week = counts[group[checkin.answered_by]].setdefault(
            checkin.week_start, dict.fromkeys(Answer.values, 0)
        )
        for answer in checkin.answers.all():
            week[answer.answer] += 1
    weeks = sorted({w for per_week in counts.values() for w in per_week})
    x_of = {week: i * (BAR_WIDTH + BAR_GAP) + BAR_GAP for i, week in enumerate(weeks)}
    most = max((sum(c.values()) for s in counts.values() for c in s.values()), default=0) or 1
    scale = CHART_HEIGHT / most
    called = checkins[0].person.called if checkins else ""
    series = []
    for key, label, _ in CHART_SERIES:
        bars: list[Bar] = []
        for week in sorted(counts[key]):
            week_counts = counts[key][week]
            y = CHART_HEIGHT
            parts = {}
            for answer in (Answer.WORKED, Answer.NOT_SURE, Answer.DIDNT_WORK):
                h = round(week_counts[answer] * scale)
                y -= h
                parts[answer] = (y, h)
            bars.append(
                Bar(
                    label=f"{week.day} {week:%b}",
                    x=x_of[week],
                    worked=parts[Answer.WORKED],
                    not_sure=parts[Answer.NOT_SURE],
                    didnt_work=parts[Answer.DIDNT_WORK],
                    counts=week_counts,
                )
            )
        if bars:
            series.append({"key": key, "label": label.format(called=called), "bars": bars})
    return {
        "series": series,
        "width": max(len(weeks), 1) * (BAR_WIDTH + BAR_GAP) + BAR_GAP,
        "height": CHART_HEIGHT,
        "bar_width": BAR_WIDTH,
        "most": most,
    }


def working_by_perspective(person: Person, per_perspective: int = 10) -> list[dict]:
    """Working / not working, each perspective kept apart: [{perspective, label, entries}].
    One query."""
    entries = WorkingNotWorking.objects.filter(person=person).order_by("-on", "-id")[:200]
    grouped: dict[str, list[WorkingNotWorking]] = defaultdict(list)
    for entry in entries:
        if len(grouped[entry.perspective]) < per_perspective:
            grouped[entry.perspective].append(entry)
    return [
        {"perspective": value, "label": label, "entries": grouped.get(value, [])}
        for value, label in Perspective.choices
    ]


def person_triggers(person: Person) -> list[ReviewTrigger]:
    """Open triggers first (soonest due first), then the closed ones, newest first."""
    triggers = list(
        ReviewTrigger.objects.filter(person=person)
        .select_related("owner", "decision", "raised_by")
        .order_by("due_on", "id")[:200]
    )
    open_ = [t for t in triggers if t.is_open]
    closed = sorted((t for t in triggers if not t.is_open), key=lambda t: t.closed_at, reverse=True)
    return open_ + closed


def person_reviews(person: Person) -> QuerySet[Review]:
    return (
        Review.objects.filter(person=person)
        .select_related("opened_by", "concluded_by")
        .order_by("-created_at")
    )


def trigger_reason(trigger: ReviewTrigger, *, may_see_records: bool) -> str:
    """The trigger's reason as far as this reader may see: one that comes from shift records
    only to those who may see the records (so not to a circle member they were not shared
    with), a neutral label to anyone else."""
    if trigger.kind in FROM_SHIFT_RECORDS and not may_see_records:
        return f"{trigger.get_kind_display()}. {REASON_WITHHELD}"
    return trigger.reason


def reviews_for_page() -> QuerySet[Review]:
    """Reviews with everything their page shows, for the access helper to fetch one."""
    return Review.objects.select_related("opened_by", "concluded_by").prefetch_related(
        "triggers__decision", "new_decisions", "contributions__recorded_by"
    )


def review_page(review_id: int, person: Person) -> Review:
    return reviews_for_page().get(pk=review_id, person=person)


def evidence_snapshot(person: Person, since: date | None) -> dict:
    """What the review looks at, counted since the decision: check-in answers (overall and
    per item), working / not working entries and triggers by kind. JSON-ready."""
    since = since or timezone.localdate() - timedelta(days=90)
    answers = (
        CheckInAnswer.objects.filter(checkin__person=person, checkin__week_start__gte=since)
        .values("item_kind", "item_label", "answer")
        .annotate(n=Count("id"))
        .order_by("item_label")
    )
    overall = dict.fromkeys(Answer.values, 0)
    items: dict[str, dict[str, int]] = {}
    for row in answers:
        overall[row["answer"]] += row["n"]
        item = items.setdefault(row["item_label"], dict.fromkeys(Answer.values, 0))
        item[row["answer"]] += row["n"]
    trigger_counts = dict(
        ReviewTrigger.objects.filter(person=person, created_at__date__gte=since)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("kind", "n")
    )
    kinds = dict(ReviewTrigger.Kind.choices)
    working = WorkingNotWorking.objects.filter(person=person, on__gte=since).aggregate(
        n=Count("id"),
        person=Count("id", filter=Q(perspective=Perspective.PERSON)),
        family=Count("id", filter=Q(perspective=Perspective.FAMILY)),
        staff=Count("id", filter=Q(perspective=Perspective.STAFF)),
    )
    return {
        "since": since.isoformat(),
        "checkins": overall,
        "checkin_items": [{"label": label, **counts} for label, counts in items.items()],
        "working_notes": working,
        "triggers": {kinds.get(k, k): n for k, n in trigger_counts.items()},
        "records": sources.record_counts_since(person, since),
    }


# The service dashboard -----------------------------------------------------------------------


def open_triggers(people: QuerySet[Person], limit: int = 200) -> list[ReviewTrigger]:
    """Open triggers for these people, soonest due first (so overdue ones lead)."""
    return list(
        ReviewTrigger.objects.filter(person__in=people, status=ReviewTrigger.Status.OPEN)
        .select_related("person", "owner", "decision")
        .order_by("due_on", "id")[:limit]
    )


def on_time_share(people: QuerySet[Person], today: date | None = None) -> list[dict]:
    """Of the triggers due in the last 3 and 12 months (or reviewed in them), how many were
    reviewed by their due date. One query."""
    today = today or timezone.localdate()
    periods = [("3 months", today - timedelta(days=91)), ("12 months", today - timedelta(days=365))]
    on_time = Q(status=ReviewTrigger.Status.REVIEWED, closed_at__date__lte=F("due_on"))
    aggregates = {}
    for i, (_, start) in enumerate(periods):
        # Due in the period, or reviewed in it ahead of a later due date.
        due = Q(due_on__gte=start, due_on__lte=today) | Q(
            status=ReviewTrigger.Status.REVIEWED, closed_at__date__gte=start
        )
        aggregates[f"due_{i}"] = Count("id", filter=due)
        aggregates[f"on_time_{i}"] = Count("id", filter=due & on_time)
    totals = ReviewTrigger.objects.filter(person__in=people).aggregate(**aggregates)
    out = []
    for i, (label, start) in enumerate(periods):
        due, done = totals[f"due_{i}"], totals[f"on_time_{i}"]
        out.append(
            {
                "label": label,
                "since": start,
                "due": due,
                "on_time": done,
                "percent": round(100 * done / due) if due else None,
            }
        )
    return out
