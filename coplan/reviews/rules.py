"""The trigger engine's rules: reads that find reasons to review, over many people at once.

Every rule is set-based: a fixed number of aggregate queries whatever the number of people,
then plain Python over the (small) grouped rows. A rule returns candidates; services.scan
creates the ones not already there.

Each rule fires exactly when its threshold is reached, and not twice for the same evidence:
a trigger records the last day of evidence it counted (`evidence_until`), later runs count
only what came after it, and nothing new fires for a subject while a trigger of the same
kind is still open for it. A new "not practical" flag, refusal or decline for a subject
with an open trigger adds to that trigger's evidence instead (a candidate with `adds_to`),
so the trigger quotes the latest record, not the first one it found.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from coplan.lib.dates import day_label
from coplan.people.models import Person
from coplan.planning.models import Decision
from coplan.reviews import sources
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
    adds_to: int | None = None  # the open trigger this new evidence is added to


@dataclass
class Prior:
    """What earlier triggers of one kind say about one subject."""

    until: date | None = None
    open: int = 0


PriorMap = dict[tuple[int, str, str, int | None], Prior]


def prior_triggers(people: QuerySet, kinds: Iterable[str]) -> PriorMap:
    """For every (person, kind, subject) that has had a trigger: the last day of evidence
    counted (or the day it was closed, if later) and how many are still open. One query."""
    rows = (
        ReviewTrigger.objects.filter(person__in=people, kind__in=list(kinds))
        .values("person_id", "kind", "subject_kind", "subject_id")
        .annotate(
            until=Max("evidence_until"),
            closed=Max("closed_at"),
            open=Count("id", filter=Q(status=ReviewTrigger.Status.OPEN)),
        )
        .order_by()
    )
    prior: PriorMap = {}
    for r in rows:
        # What came before a trigger was closed was looked at by whoever closed it.
        until = r["until"]
        if r["closed"] is not None:
            closed_on = timezone.localtime(r["closed"]).date()
            until = max(until, closed_on) if until else closed_on
        prior[(r["person_id"], r["kind"], r["subject_kind"], r["subject_id"])] = Prior(
            until, r["open"]
        )
    return prior


def _prior(prior: PriorMap, person_id: int, kind: str, subject_kind: str, subject_id) -> Prior:
    return prior.get((person_id, kind, subject_kind, subject_id), Prior())


@dataclass(frozen=True)
class OpenTrigger:
    pk: int
    evidence: dict


OpenMap = dict[tuple[int, str, str, int | None], OpenTrigger]

# Kinds whose open trigger gathers the evidence that comes after it.
GATHERING_KINDS = [Kind.NOT_PRACTICAL, Kind.REFUSALS, Kind.DECLINES]


def open_triggers(people: QuerySet, prior: PriorMap) -> OpenMap:
    """The open triggers of the gathering kinds, by subject: one query, and none at all
    when `prior` says none is open."""
    if not any(p.open for (_, kind, _, _), p in prior.items() if kind in GATHERING_KINDS):
        return {}
    rows = ReviewTrigger.objects.filter(
        person__in=people, kind__in=GATHERING_KINDS, status=ReviewTrigger.Status.OPEN
    ).values("pk", "person_id", "kind", "subject_kind", "subject_id", "evidence")
    return {
        (r["person_id"], r["kind"], r["subject_kind"], r["subject_id"]): OpenTrigger(
            r["pk"], r["evidence"] if isinstance(r["evidence"], dict) else {}
        )
        for r in rows
    }


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


DailyCount = sources.Happening


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
    opened: OpenMap | None = None,
) -> list[Candidate]:
    """Fire when a plan element's count in the rolling window ending today, counting only
    days after the last trigger's evidence, reaches its threshold. `services` maps person
    id to service id (for service thresholds). While a trigger is open for the element,
    later days' counts are added to it instead."""
    by_person, by_service = thresholds
    grouped: dict[tuple[int, int | None], list[DailyCount]] = defaultdict(list)
    for c in counts:
        grouped[(c.person_id, c.subject_id)].append(c)
    out: list[Candidate] = []
    for (person_id, subject_id), days in grouped.items():
        seen = _prior(prior, person_id, kind, subject_kind, subject_id)
        if seen.open:
            still_open = (opened or {}).get((person_id, kind, subject_kind, subject_id))
            if still_open is not None:
                out += _more_of_a_run(still_open, kind, subject_kind, subject_id, days, what)
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
                subject_kind=subject_kind,
                subject_id=subject_id,
                subject_label=label[:300],
            )
        )
    return out


def _more_of_a_run(
    trigger: OpenTrigger,
    kind: str,
    subject_kind: str,
    subject_id: int | None,
    days: list[DailyCount],
    what: str,
) -> list[Candidate]:
    """The open trigger's count with the days since it was found added (a day counted
    again replaces its old count), when that count has grown."""
    counted = dict(trigger.evidence.get("days") or {})
    if not counted:
        return []
    first = min(counted)
    fresh = {c.day.isoformat(): c.n for c in days if c.day.isoformat() >= first}
    merged = {**counted, **fresh}
    total = sum(merged.values())
    if total <= int(trigger.evidence.get("count") or 0):
        return []
    latest = max(days, key=lambda c: c.day)
    since = date.fromisoformat(first)
    threshold = trigger.evidence.get("threshold")
    return [
        Candidate(
            person_id=latest.person_id,
            kind=kind,
            dedupe_key="",
            reason=(
                f"{total} {what} of “{latest.label}” since {long_date(since)}, the latest on "
                f"{long_date(latest.day)} (the threshold is {threshold})."
            ),
            due_on=latest.day,
            evidence={
                **trigger.evidence,
                "count": total,
                "days": dict(sorted(merged.items(), reverse=True)),
            },
            evidence_until=max(latest.day, since),
            subject_kind=subject_kind,
            subject_id=subject_id,
            subject_label=latest.label[:300],
            adds_to=trigger.pk,
        )
    ]


# Incidents and "not practical" flags -------------------------------------------------------

EVENT_LOOKBACK_DAYS = 30


def incidents(people: QuerySet, today: date) -> list[Candidate]:
    """Each incident linked to a plan element starts its own mini-review: one trigger per
    incident, never an automatic step back. One query."""
    out: list[Candidate] = []
    since = today - timedelta(days=EVENT_LOOKBACK_DAYS)
    for e in sources.incidents_on_plan_elements(people, since):
        out.append(
            Candidate(
                person_id=e.person_id,
                kind=Kind.INCIDENT,
                dedupe_key=f"incident:{e.id}",
                reason=(
                    f"Incident on {long_date(e.day)} during “{e.label}”: {e.text} "
                    "Mini-review: what happened, what we learned, and whether the plan needs "
                    "a new decision."
                ),
                due_on=today + timedelta(days=DUE_IN_DAYS[Kind.INCIDENT]),
                evidence={"incident_id": e.id},
                evidence_until=e.day,
                subject_kind=e.subject_kind,
                subject_id=e.subject_id,
                subject_label=e.label[:300],
            )
        )
    return out


def risk_incidents(people: QuerySet, today: date) -> list[Candidate]:
    """An incident under a risk plan is a reason to look again together (a mini-review),
    never a reason to step back by itself: the stage stays until a new decision. One
    trigger per incident, naming the plan as its subject. One query."""
    out: list[Candidate] = []
    since = today - timedelta(days=EVENT_LOOKBACK_DAYS)
    for e in sources.incidents_on_risk_plans(people, since):
        when = timezone.localtime(e.occurred_at)
        out.append(
            Candidate(
                person_id=e.person_id,
                kind=Kind.INCIDENT,
                dedupe_key=f"incident:risk_plan:{e.plan_id}:incident:{e.incident_id}",
                reason=(
                    f"Incident on the risk plan “{e.plan_title}” at {e.stage} on "
                    f"{day_label(when)} at {when:%H:%M}: {e.text} Mini-review: what happened, what we "
                    "learned, and whether the plan needs a new decision. The stage stays as it "
                    "is until then."
                ),
                due_on=today + timedelta(days=DUE_IN_DAYS[Kind.INCIDENT]),
                evidence={"incident_id": e.incident_id, "risk_plan_id": e.plan_id},
                evidence_until=when.date(),
                decision_id=e.decision_id,
                subject_kind=ItemKind.OTHER,
                subject_id=e.plan_id,
                subject_label=f"Risk plan: {e.plan_title}"[:300],
            )
        )
    return out


def _flag_evidence(flags: list[sources.PlanEvent]) -> dict:
    """The flags a trigger gathers, latest first, each with its day and words."""
    latest_first = sorted(flags, key=lambda f: (f.day, f.id), reverse=True)
    return {
        "flag_ids": sorted(f.id for f in flags),
        "flags": [{"id": f.id, "day": f.day.isoformat(), "text": f.text} for f in latest_first],
    }


def _flag_reason(flags: list[sources.PlanEvent], first_day: date) -> str:
    latest = max(flags, key=lambda f: (f.day, f.id))
    times = f"{len(flags)} time{'s' if len(flags) > 1 else ''}"
    return (
        f"Staff flagged “{latest.label}” as not practical {times} since "
        f"{long_date(first_day)}. The latest, on {long_date(latest.day)}: {latest.text}"
    )


def not_practical(
    people: QuerySet, today: date, prior: PriorMap, opened: OpenMap | None = None
) -> list[Candidate]:
    """Staff flagged that a routine or weekly rhythm isn't practical: one trigger for the
    plan element, gathering every flag since its last one; a flag while it is open is
    added to it, and the trigger quotes the latest. One query."""
    since = today - timedelta(days=EVENT_LOOKBACK_DAYS)
    grouped: dict[tuple[int, str, int | None], list[sources.PlanEvent]] = defaultdict(list)
    for e in sources.practicality_flags(people, since):
        grouped[(e.person_id, e.subject_kind, e.subject_id)].append(e)
    out: list[Candidate] = []
    for (person_id, subject_kind, subject_id), flags in grouped.items():
        seen = _prior(prior, person_id, Kind.NOT_PRACTICAL, subject_kind, subject_id)
        if seen.open:
            still_open = (opened or {}).get(
                (person_id, Kind.NOT_PRACTICAL, subject_kind, subject_id)
            )
            if still_open is None:
                continue
            known = set(still_open.evidence.get("flag_ids") or [])
            # Flags come in id order: those after the trigger's last one are new to it.
            newer = [f for f in flags if f.id > max(known, default=0)]
            if not newer:
                continue
            gathered = [f for f in flags if f.id in known] + newer
            first_day = min(f.day for f in gathered)
            latest = max(gathered, key=lambda f: (f.day, f.id))
            evidence = _flag_evidence(gathered)
            # Flags older than the look-back stay counted, though no longer quoted.
            evidence["flag_ids"] = sorted(known | set(evidence["flag_ids"]))
            out.append(
                Candidate(
                    person_id=person_id,
                    kind=Kind.NOT_PRACTICAL,
                    dedupe_key="",
                    reason=_flag_reason(gathered, first_day),
                    due_on=today,
                    evidence=evidence,
                    evidence_until=latest.day,
                    subject_kind=subject_kind,
                    subject_id=subject_id,
                    subject_label=latest.label[:300],
                    adds_to=still_open.pk,
                )
            )
            continue
        new = sorted(
            (f for f in flags if seen.until is None or f.day > seen.until),
            key=lambda f: (f.day, f.id),
        )
        if not new:
            continue
        latest = new[-1]
        out.append(
            Candidate(
                person_id=person_id,
                kind=Kind.NOT_PRACTICAL,
                dedupe_key=f"not_practical:{subject_kind}:{subject_id}:flag:{new[0].id}",
                reason=_flag_reason(new, new[0].day),
                due_on=today + timedelta(days=DUE_IN_DAYS[Kind.NOT_PRACTICAL]),
                evidence=_flag_evidence(new),
                evidence_until=today,
                subject_kind=subject_kind,
                subject_id=subject_id,
                subject_label=latest.label[:300],
            )
        )
    return out


# All rules -------------------------------------------------------------------------------

COUNTED_KINDS = [Kind.CHECKIN_DIDNT_WORK, Kind.REFUSALS, Kind.DECLINES, Kind.NOT_PRACTICAL]


def _services_of(people_ids: set[int], thresholds: tuple[dict, dict]) -> dict[int, int]:
    """Person id -> service id, needed only when a service has its own threshold."""
    if not thresholds[1] or not people_ids:
        return {}
    return dict(Person.objects.filter(pk__in=people_ids).values_list("pk", "service_id"))


def _link_decisions(found: list[Candidate], lookup) -> None:
    ids = {c.subject_id for c in found if c.subject_id is not None}
    if not ids:
        return
    decisions = lookup(ids)
    for c in found:
        c.decision_id = decisions.get(c.subject_id)


RUN_RULES = [
    # kind, what it is about, the daily counts, in words, the decision behind the element
    (
        ReviewThreshold.Kind.REFUSALS,
        ItemKind.ROUTINE,
        sources.routine_refusals_by_day,
        "refusals",
        sources.routine_decisions,
    ),
    (
        ReviewThreshold.Kind.DECLINES,
        ItemKind.ACTIVITY,
        sources.activity_declines_by_day,
        "declined activities",
        sources.rhythm_decisions,
    ),
]


def runs(
    people: QuerySet, today: date, prior: PriorMap, opened: OpenMap | None = None
) -> list[Candidate]:
    """Refusals of a routine and declines of activities over their thresholds: one query
    for the thresholds, one for each kind's daily counts, and one to link the decision
    behind the routine or rhythm when a rule fires."""
    thresholds = thresholds_for(people)
    out: list[Candidate] = []
    for kind, subject_kind, fetch, what, lookup in RUN_RULES:
        since = today - timedelta(days=longest_window(kind, thresholds) - 1)
        counts = fetch(people, since, today)
        found = runs_over_threshold(
            kind=kind,
            subject_kind=subject_kind,
            counts=counts,
            services=_services_of({c.person_id for c in counts}, thresholds),
            thresholds=thresholds,
            prior=prior,
            today=today,
            what=what,
            opened=opened,
        )
        _link_decisions([c for c in found if c.adds_to is None], lookup)
        out += found
    return out


def find_all(people: QuerySet, today: date) -> list[Candidate]:
    """Every rule, over everyone in `people` (a queryset of person ids)."""
    prior = prior_triggers(people, COUNTED_KINDS)
    opened = open_triggers(people, prior)
    found = review_dates(people, today)
    found += checkins_didnt_work(people, today, prior)
    found += runs(people, today, prior, opened)
    found += incidents(people, today)
    found += risk_incidents(people, today)
    found += not_practical(people, today, prior, opened)
    return found
