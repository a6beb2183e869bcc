"""The co-production index: for each person and each of the four domains (goals; how
support is delivered; risk; review), three figures side by side, never blended into one
score, each with how it was computed and the records behind it:

- influence: of the agreed decisions in force in the period in that domain, the share with
  the person's own participation, their own words and at least two options (planning);
- practice: of the records that show the plan being followed in that domain, the share that
  follow it (steps in the agreed order, differences explained, choices recorded, alignment
  checks passed, competencies recorded, goal actions done, weekly check-ins held);
- review discipline: of the review triggers due (or reviewed) in the period about that
  domain, the share reviewed by their due date (reviews).

Where a plan exists in a domain (an agreed decision in force) but practice is below
`PRACTICE_THRESHOLD`, the person is flagged "described, not delivered", with the records
that show why. `person_index` and `service_index` compute it in a fixed number of queries
(the evidence pack calls them too)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.db.models import (
    Count,
    Exists,
    Func,
    OuterRef,
    Q,
    TextField,
    Value,
)
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone

from coplan.accounts.models import Service
from coplan.assurance.models import AlignmentCheck
from coplan.delivery.models import ActivityRecord, RoutineRun
from coplan.people.models import Person
from coplan.planning.models import (
    Decision,
    DecisionParticipant,
    Domain,
    GoalAction,
    ParticipantKind,
)
from coplan.reviews.models import CheckIn, ItemKind, ReviewTrigger
from coplan.risk.models import PracticeSession
from coplan.support.models import RoutineStep

# Practice below this share (in percent), where a plan exists, is "described, not delivered".
PRACTICE_THRESHOLD = 60
DESCRIBED_NOT_DELIVERED = "Described, not delivered"
MIN_OPTIONS = 2

HOW = {
    "influence": (
        "agreed decisions in force in the period with the person taking part, their own "
        "words recorded and at least two options discussed",
        "agreed decisions in force in the period",
    ),
    "review": (
        "review triggers reviewed by their due date",
        "review triggers due (or reviewed) in the period",
    ),
}
PRACTICE_HOW: dict[str, tuple[str, str]] = {
    Domain.GOALS: (
        "goal actions due in the period that are done",
        "goal actions due in the period",
    ),
    Domain.SUPPORT: (
        "routine records with the steps in the agreed order and any difference explained, "
        "activity records with the person's choice (or the alternative offered) recorded, "
        "and alignment checks passed",
        "routine records, activity records and alignment checks in the period",
    ),
    Domain.RISK: (
        "practice sessions with every competency of the stage recorded",
        "practice sessions in the period",
    ),
    Domain.REVIEW: (
        "weeks with a check-in recorded",
        "weeks in the period (to today)",
    ),
}


@dataclass(frozen=True)
class RecordRef:
    """A record behind a figure: what it is, a link to it, and whether it counted for."""

    kind: str
    id: int
    label: str
    url: str
    ok: bool
    on: date | None = None


@dataclass(frozen=True)
class Figure:
    numerator: int
    denominator: int
    numerator_means: str
    denominator_means: str
    records: list[RecordRef] = field(default_factory=list)

    @property
    def percent(self) -> int | None:
        return round(100 * self.numerator / self.denominator) if self.denominator else None

    @property
    def how(self) -> str:
        """How it was computed, in words."""
        if not self.denominator:
            return f"Nothing to count: no {self.denominator_means}."
        return (
            f"{self.numerator} of {self.denominator} {self.denominator_means}: "
            f"the {self.numerator_means}."
        )

    @property
    def failing(self) -> list[RecordRef]:
        return [r for r in self.records if not r.ok]


@dataclass(frozen=True)
class DomainIndex:
    domain: str
    label: str
    influence: Figure
    practice: Figure
    review: Figure

    @property
    def has_plan(self) -> bool:
        return self.influence.denominator > 0

    @property
    def described_not_delivered(self) -> bool:
        percent = self.practice.percent
        return self.has_plan and percent is not None and percent < PRACTICE_THRESHOLD


@dataclass(frozen=True)
class PersonIndex:
    person_id: int
    name: str
    service_id: int
    service: str
    start: date
    end: date
    domains: list[DomainIndex]

    @property
    def flagged(self) -> bool:
        return any(d.described_not_delivered for d in self.domains)

    @property
    def flagged_domains(self) -> list[DomainIndex]:
        return [d for d in self.domains if d.described_not_delivered]

    @property
    def why(self) -> list[RecordRef]:
        """The records that show why practice fell short, in the flagged domains."""
        return [r for d in self.flagged_domains for r in d.practice.failing]

    def domain(self, key: str) -> DomainIndex:
        return next(d for d in self.domains if d.domain == key)


@lru_cache(maxsize=4096)
def _url(name: str, *args: int) -> str:
    return reverse(name, args=args)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    begin = timezone.make_aware(datetime.combine(start, time.min))
    finish = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    return begin, finish


def _in_order(used: list[int], agreed: list[int]) -> bool:
    place = {pk: n for n, pk in enumerate(agreed)}
    if any(pk not in place for pk in used):
        return False
    positions = [place[pk] for pk in used]
    return positions == sorted(positions) and len(set(positions)) == len(positions)


def run_follows_plan(used: list[int], agreed: list[int], deviations: str) -> bool:
    """Steps in the agreed order, and, where not every step was used in it, the difference
    explained."""
    if used == agreed:
        return True
    return _in_order(used, agreed) and bool(deviations.strip())


def choice_recorded(outcome: str, chosen: str, decline_reason: str, alternative: str) -> bool:
    """What the person chose, or, if they declined, why and what else was offered."""
    if outcome == ActivityRecord.Outcome.DECLINED:
        return bool(decline_reason.strip() and alternative.strip())
    return bool(chosen.strip())


def _trigger_domain(trigger: ReviewTrigger) -> str:
    if trigger.decision is not None:
        return trigger.decision.domain
    if trigger.subject_kind in (ItemKind.ROUTINE, ItemKind.ACTIVITY):
        return Domain.SUPPORT
    if trigger.subject_kind == ItemKind.GOAL:
        return Domain.GOALS
    if trigger.dedupe_key.startswith("incident:risk_plan:"):
        return Domain.RISK
    return Domain.REVIEW


def _mondays(start: date, end: date) -> list[date]:
    first = start - timedelta(days=start.weekday())
    if first < start:
        first += timedelta(days=7)
    weeks = []
    while first + timedelta(days=6) <= end:
        weeks.append(first)
        first += timedelta(days=7)
    return weeks


def _compute(
    people: list[Person], start: date, end: date, *, every_record: bool = True
) -> list[PersonIndex]:
    """The index for these people: ten queries, whatever their number or their history.

    With `every_record=False` (the evidence pack, which shows the figures and the records
    why), routine and activity records, tens of thousands over a person's years, are counted
    in the database, not listed: each figure's `records` then leaves them out, except, for a
    person flagged "described, not delivered", those that did not count (`why`), which take
    up to three queries more."""
    ids = [p.pk for p in people]
    begin, finish = _bounds(start, end)
    today = timezone.localdate()
    # ref lists: person -> domain -> figure name -> [RecordRef]
    refs: dict[int, dict[str, dict[str, list[RecordRef]]]] = {
        pid: {d: {"influence": [], "practice": [], "review": []} for d in Domain.values}
        for pid in ids
    }

    # Influence: agreed decisions in force at some time in the period.
    person_took_part = DecisionParticipant.objects.filter(
        decision=OuterRef("pk"), kind=ParticipantKind.PERSON
    )
    decisions = (
        Decision.objects.filter(
            person_id__in=ids,
            status__in=[Decision.Status.AGREED, Decision.Status.SUPERSEDED],
            agreed_at__lt=finish,
        )
        .filter(
            Q(status=Decision.Status.AGREED)
            | Q(
                superseded_by__agreed_at__gte=begin,
                superseded_by__status__in=["agreed", "superseded"],
            )
        )
        .annotate(option_count=Count("options", distinct=True), took_part=Exists(person_took_part))
        .only("id", "person_id", "domain", "question", "persons_words", "agreed_at")
        .order_by("agreed_at", "id")
    )
    for d in decisions:
        ok = bool(d.took_part and d.persons_words.strip() and d.option_count >= MIN_OPTIONS)
        missing = [
            what
            for what, there in (
                ("the person did not take part", d.took_part),
                ("no words of their own", d.persons_words.strip()),
                (f"fewer than {MIN_OPTIONS} options", d.option_count >= MIN_OPTIONS),
            )
            if not there
        ]
        label = d.question + (f" ({'; '.join(missing)})" if missing else "")
        refs[d.person_id][d.domain]["influence"].append(
            RecordRef(
                "decision",
                d.pk,
                label,
                _url("planning:decision_detail", d.person_id, d.pk),
                ok,
                timezone.localtime(d.agreed_at).date() if d.agreed_at else None,
            )
        )

    # Practice, goals: goal actions due in the period.
    for a in (
        GoalAction.objects.filter(goal__person_id__in=ids, review_on__gte=start, review_on__lte=end)
        .select_related("goal")
        .only("id", "what", "is_done", "review_on", "goal__id", "goal__person_id")
        .order_by("review_on", "id")
    ):
        pid = a.goal.person_id
        refs[pid][Domain.GOALS]["practice"].append(
            RecordRef(
                "goal_action",
                a.pk,
                f"{a.what} ({'done' if a.is_done else 'not done'})",
                _url("planning:goal_detail", pid, a.goal_id),
                a.is_done,
                a.review_on,
            )
        )

    # Practice, support: routine records, activity records, alignment checks.
    counted: dict[int, tuple[int, int]] = {}  # person -> (counting for, all), when not listed
    if every_record:
        for pid, found in _support_records(ids, start, end).items():
            refs[pid][Domain.SUPPORT]["practice"].extend(found)
    else:
        counted = _support_counts(ids, begin, finish)
    for c in (
        AlignmentCheck.objects.filter(person_id__in=ids, held_at__gte=begin, held_at__lt=finish)
        .select_related("staff")
        .order_by("held_at", "id")
    ):
        day = timezone.localtime(c.held_at).date()
        refs[c.person_id][Domain.SUPPORT]["practice"].append(
            RecordRef(
                "alignment_check",
                c.pk,
                f"Alignment check with {c.staff}, {day:%d %b}: "
                + ("aligned" if c.is_aligned else "not aligned"),
                _url("assurance:alignment_detail", c.pk),
                c.is_aligned,
                day,
            )
        )

    # Practice, risk: practice sessions with every competency recorded.
    for s in (
        PracticeSession.objects.filter(
            person_id__in=ids, occurred_at__gte=begin, occurred_at__lt=finish
        )
        .annotate(
            result_count=Count("results", distinct=True),
            competency_count=Count("stage__competencies", distinct=True),
        )
        .only("id", "person_id", "plan_id", "route", "occurred_at")
        .order_by("occurred_at", "id")
    ):
        ok = s.result_count >= s.competency_count
        day = timezone.localtime(s.occurred_at).date()
        refs[s.person_id][Domain.RISK]["practice"].append(
            RecordRef(
                "practice_session",
                s.pk,
                f"{s.route}, {day:%d %b}: "
                + ("every competency recorded" if ok else "competencies missing"),
                _url("risk:plan", s.person_id, s.plan_id),
                ok,
                day,
            )
        )

    # Practice, review: weeks with a check-in.
    weeks = _mondays(start, min(end, today))
    held: dict[int, set[date]] = defaultdict(set)
    for pid, week in CheckIn.objects.filter(
        person_id__in=ids, week_start__gte=start, week_start__lte=end
    ).values_list("person_id", "week_start"):
        held[pid].add(week)
    for pid in ids:
        for week in weeks:
            ok = week in held[pid]
            refs[pid][Domain.REVIEW]["practice"].append(
                RecordRef(
                    "week",
                    0,
                    f"Week of {week:%d %b}: " + ("check-in recorded" if ok else "no check-in"),
                    _url("reviews:person", pid),
                    ok,
                    week,
                )
            )

    # Review discipline: triggers due, or reviewed, in the period.
    last_due = min(end, today)
    triggers = (
        ReviewTrigger.objects.filter(person_id__in=ids)
        .filter(
            Q(due_on__gte=start, due_on__lte=last_due)
            | Q(status=ReviewTrigger.Status.REVIEWED, closed_at__gte=begin, closed_at__lt=finish)
        )
        .select_related("decision")
        .only(
            "id",
            "person_id",
            "kind",
            "subject_kind",
            "subject_label",
            "reason",
            "dedupe_key",
            "due_on",
            "status",
            "closed_at",
            "decision__domain",
        )
        .order_by("due_on", "id")
    )
    for t in triggers:
        on_time = (
            t.status == ReviewTrigger.Status.REVIEWED
            and t.closed_at is not None
            and timezone.localtime(t.closed_at).date() <= t.due_on
        )
        refs[t.person_id][_trigger_domain(t)]["review"].append(
            RecordRef(
                "trigger",
                t.pk,
                f"{t}, due {t.due_on:%d %b}: " + ("reviewed on time" if on_time else "not on time"),
                _url("reviews:person", t.person_id),
                on_time,
                t.due_on,
            )
        )

    if counted:
        short = [
            pid for pid in ids if _support_falls_short(refs[pid][Domain.SUPPORT], counted[pid])
        ]
        for pid, found in _support_records(short, start, end).items():
            # Ahead of the alignment checks, in the order every record would have them.
            refs[pid][Domain.SUPPORT]["practice"][:0] = [r for r in found if not r.ok]

    out = []
    labels = dict(Domain.choices)
    for p in people:
        domains = []
        for key in Domain.values:
            mine = refs[p.pk][key]
            figures = {}
            for name in ("influence", "practice", "review"):
                records = mine[name]
                num_means, den_means = PRACTICE_HOW[key] if name == "practice" else HOW[name]
                listed = [r for r in records if r.kind not in COUNTED_KINDS] if counted else records
                shown, total = _tally(listed)
                if counted and key == Domain.SUPPORT and name == "practice":
                    shown, total = shown + counted[p.pk][0], total + counted[p.pk][1]
                figures[name] = Figure(
                    numerator=shown,
                    denominator=total,
                    numerator_means=num_means,
                    denominator_means=den_means,
                    records=records,
                )
            domains.append(DomainIndex(domain=key, label=labels[key], **figures))
        out.append(
            PersonIndex(
                person_id=p.pk,
                name=p.display_name,
                service_id=p.service_id,
                service=str(p.service),
                start=start,
                end=end,
                domains=domains,
            )
        )
    return out


COUNTED_KINDS = ("routine_run", "activity")

# Every character Python's str.strip() removes (str.isspace), so that the database strips
# text as run_follows_plan and choice_recorded do.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


class _Strip(Func):
    """TRIM(text, characters): SQLite's name; PostgreSQL calls it BTRIM."""

    function = "TRIM"
    arity = 2
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="BTRIM", **extra)


def _blank(field_name: str) -> Exact:
    """Whether the text is empty once stripped, decided in the database."""
    return Exact(_Strip(field_name, Value(WHITESPACE)), Value(""))


def _tally(records: list[RecordRef]) -> tuple[int, int]:
    return sum(r.ok for r in records), len(records)


def _support_counts(
    ids: list[int], begin: datetime, finish: datetime
) -> dict[int, tuple[int, int]]:
    """Per person, (records counting for, all records) among their routine and activity
    records in the period, counted in the database: the runs grouped by the steps used, the
    activity records by whether each part of the choice is written, so the rules above judge
    a few groups, not every record."""
    counted = dict.fromkeys(ids, (0, 0))

    def add(pid: int, ok: bool, n: int) -> None:
        good, total = counted[pid]
        counted[pid] = (good + (n if ok else 0), total + n)

    runs = list(
        RoutineRun.objects.filter(person_id__in=ids, occurred_at__gte=begin, occurred_at__lt=finish)
        .annotate(unexplained=_blank("deviations"))
        .values_list("person_id", "routine_version_id", "steps_used", "unexplained")
        .annotate(n=Count("id"))
        .order_by()
    )
    agreed = _agreed_steps({r[1] for r in runs})
    # The rules take text; a stand-in says whether there was any.
    text = {True: "", False: "written"}
    for pid, version_id, used, unexplained, n in runs:
        add(pid, run_follows_plan(used or [], agreed[version_id], text[unexplained]), n)
    for pid, outcome, no_choice, no_reason, no_alternative, n in (
        ActivityRecord.objects.filter(
            person_id__in=ids, occurred_at__gte=begin, occurred_at__lt=finish
        )
        .annotate(
            no_choice=_blank("chosen"),
            no_reason=_blank("decline_reason"),
            no_alternative=_blank("alternative_offered"),
        )
        .values_list("person_id", "outcome", "no_choice", "no_reason", "no_alternative")
        .annotate(n=Count("id"))
        .order_by()
    ):
        recorded = choice_recorded(outcome, text[no_choice], text[no_reason], text[no_alternative])
        add(pid, recorded, n)
    return counted


def _support_falls_short(support: dict[str, list[RecordRef]], counted: tuple[int, int]) -> bool:
    """Whether the person would be flagged in support (with the alignment checks listed)."""
    ok, total = _tally(support["practice"])
    ok, total = ok + counted[0], total + counted[1]
    return (
        bool(support["influence"]) and bool(total) and round(100 * ok / total) < PRACTICE_THRESHOLD
    )


def _agreed_steps(version_ids: set[int]) -> dict[int, list[int]]:
    agreed: dict[int, list[int]] = defaultdict(list)
    for version_id, step_id in (
        RoutineStep.objects.filter(version_id__in=version_ids)
        .order_by("position", "id")
        .values_list("version_id", "id")
    ):
        agreed[version_id].append(step_id)
    return agreed


def _support_records(ids: list[int], start: date, end: date) -> dict[int, list[RecordRef]]:
    """Every routine record, then every activity record, of these people in the period."""
    found: dict[int, list[RecordRef]] = {pid: [] for pid in ids}
    if not ids:
        return found
    begin, finish = _bounds(start, end)
    # Plain rows, not model objects: a person's years hold tens of thousands of these.
    runs = list(
        RoutineRun.objects.filter(person_id__in=ids, occurred_at__gte=begin, occurred_at__lt=finish)
        .order_by("occurred_at", "id")
        .values_list(
            "id",
            "person_id",
            "steps_used",
            "deviations",
            "occurred_at",
            "routine_version_id",
            "routine_version__routine__name",
        )
    )
    agreed = _agreed_steps({r[5] for r in runs})
    report = {pid: _url("delivery:report", pid) + f"?start={start}&end={end}" for pid in ids}
    zone = timezone.get_current_timezone()
    day_names: dict[date, str] = {}  # a few hundred days behind tens of thousands of records

    def local_day(at: datetime) -> tuple[date, str]:
        day = at.astimezone(zone).date()
        return day, day_names.get(day) or day_names.setdefault(day, f"{day:%d %b}")

    for pk, pid, used, deviations, at, version_id, routine_name in runs:
        ok = run_follows_plan(used or [], agreed[version_id], deviations)
        day, day_name = local_day(at)
        found[pid].append(
            RecordRef(
                "routine_run",
                pk,
                f"{routine_name}, {day_name}: "
                + ("as agreed" if ok else "steps out of the agreed order or not explained"),
                report[pid],
                ok,
                day,
            )
        )
    for pk, pid, offered, outcome, chosen, reason, alternative, at in (
        ActivityRecord.objects.filter(
            person_id__in=ids, occurred_at__gte=begin, occurred_at__lt=finish
        )
        .order_by("occurred_at", "id")
        .values_list(
            "id",
            "person_id",
            "offered",
            "outcome",
            "chosen",
            "decline_reason",
            "alternative_offered",
            "occurred_at",
        )
    ):
        ok = choice_recorded(outcome, chosen, reason, alternative)
        day, day_name = local_day(at)
        found[pid].append(
            RecordRef(
                "activity",
                pk,
                f"{offered}, {day_name}: "
                + ("choice recorded" if ok else "no choice or alternative recorded"),
                report[pid],
                ok,
                day,
            )
        )
    return found


def person_index(
    person: Person, start: date, end: date, *, every_record: bool = True
) -> PersonIndex:
    """One person's index over the period (`every_record`: see `_compute`)."""
    return _compute([person], start, end, every_record=every_record)[0]


def service_index(
    service: Service, start: date, end: date, *, every_record: bool = True
) -> list[PersonIndex]:
    """The index of everyone supported in the service over the period, people flagged
    "described, not delivered" first, then by name."""
    return index_for_services([service], start, end, every_record=every_record)[service.pk]


@dataclass(frozen=True)
class ServiceSummary:
    """Per figure, the counts of everyone in the service added up (the three figures never
    blended); practice only in the parts of each plan that are agreed."""

    people: int
    flagged: list[PersonIndex]
    influence: tuple[int, int]
    practice: tuple[int, int]
    review: tuple[int, int]


def summarise(index: list[PersonIndex]) -> ServiceSummary:
    """Practice counts only where a plan is agreed (as the flag does)."""
    totals = {name: [0, 0] for name in ("influence", "practice", "review")}
    for person in index:
        for d in person.domains:
            for name in totals:
                if name == "practice" and not d.has_plan:
                    continue
                figure: Figure = getattr(d, name)
                totals[name][0] += figure.numerator
                totals[name][1] += figure.denominator
    return ServiceSummary(
        people=len(index),
        flagged=[p for p in index if p.flagged],
        influence=(totals["influence"][0], totals["influence"][1]),
        practice=(totals["practice"][0], totals["practice"][1]),
        review=(totals["review"][0], totals["review"][1]),
    )


def percent(pair: tuple[int, int]) -> int | None:
    return round(100 * pair[0] / pair[1]) if pair[1] else None


def index_for_services(
    services: list[Service], start: date, end: date, *, every_record: bool = True
) -> dict[int, list[PersonIndex]]:
    """The index of everyone in these services, by service, flagged people first: the same
    number of queries for one service or many."""
    people = list(
        Person.objects.filter(service__in=services, is_active=True)
        .select_related("service")
        .order_by("given_name", "family_name", "id")
    )
    out: dict[int, list[PersonIndex]] = {s.pk: [] for s in services}
    for found in _compute(people, start, end, every_record=every_record):
        out[found.service_id].append(found)
    for rows in out.values():
        rows.sort(key=lambda i: (not i.flagged, i.name))
    return out
