"""Trends: per person or per service, over any period, each a weekly (monthly over long
periods) count made in SQL, with the agreed decisions that changed the plan marked on it, so
a reader sees whether a change worked.

Each series is a small function registered with `@trend(...)`: it takes the scope and the
period and returns its lines and markers. A new kind of record (a structured distress record)
adds one function here; the pages, the CSV, the charts, the API and the evidence pack pick
it up from `TRENDS`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Count,
    DateField,
    DateTimeField,
    F,
    Field,
    Func,
    IntegerField,
    Model,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from coplan.accounts.models import Service
from coplan.delivery.models import ActivityRecord, DistressRecord, Incident, RoutineRun
from coplan.people.models import Person
from coplan.planning.models import Decision
from coplan.reviews.models import CheckIn, CheckInAnswer
from coplan.risk.models import CompetencyResult, PracticeSession

# Up to about half a year, one point a week; longer, one a month.
WEEKLY_UP_TO_DAYS = 190
MAX_MARKERS = 8


@dataclass(frozen=True)
class Scope:
    """One person, or everyone supported in a service."""

    service: Service
    person: Person | None = None

    @classmethod
    def of(cls, subject: Person | Service) -> Scope:
        if isinstance(subject, Person):
            return cls(service=subject.service, person=subject)
        return cls(service=subject)

    @property
    def label(self) -> str:
        return self.person.display_name if self.person is not None else self.service.name

    def q(self, path: str = "person") -> Q:
        """Records of this scope, through `path` (the lookup to the record's person)."""
        if self.person is not None:
            return Q(**{path: self.person.pk})
        return Q(**{f"{path}__service": self.service.pk})


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def bucket(self) -> str:
        return "week" if (self.end - self.start).days <= WEEKLY_UP_TO_DAYS else "month"

    @property
    def first_moment(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def after_moment(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def moments(self, field_name: str) -> Q:
        return Q(
            **{f"{field_name}__gte": self.first_moment, f"{field_name}__lt": self.after_moment}
        )

    def bucket_of(self, day: date) -> date:
        if self.bucket == "week":
            return day - timedelta(days=day.weekday())
        return day.replace(day=1)

    def buckets(self) -> list[date]:
        """The start of each week (Monday) or month the period touches."""
        found, current = [], self.bucket_of(self.start)
        while current <= self.end:
            found.append(current)
            if self.bucket == "week":
                current += timedelta(days=7)
            else:
                current = (current + timedelta(days=32)).replace(day=1)
        return found

    def bucket_index(self, field_name: str, *, moments: bool = True) -> BucketIndex:
        """Which of `buckets()` a row falls in (its position), by comparing the field with
        the first day (for a date and time, the first moment here) of each bucket after."""
        # Each bucket's end; every row is in the period, so the last is the day after it.
        following = [*self.buckets()[1:], self.end + timedelta(days=1)]
        if moments:
            bounds = [timezone.make_aware(datetime.combine(d, time.min)) for d in following]
            return BucketIndex(F(field_name), bounds=bounds, bound_field=DateTimeField())
        return BucketIndex(F(field_name), bounds=following, bound_field=DateField())


class BucketIndex(Func):
    """CASE WHEN value < first bound THEN 0 WHEN value < second bound THEN 1 ... END: plain
    comparisons the database makes itself. SQLite truncates a date with time zones by calling
    back into Python once a row, which over years of records was most of a trend's time; and
    written out as Django's Case and When, the dozens of comparisons cost more to compile
    than to run."""

    output_field = IntegerField()

    def __init__(self, expression, *, bounds: list, bound_field: Field) -> None:
        super().__init__(expression)
        self.bounds = bounds
        self.bound_field = bound_field

    def as_sql(self, compiler, connection, **extra):
        value, value_params = compiler.compile(self.source_expressions[0])
        whens, params = [], []
        for i, bound in enumerate(self.bounds):
            whens.append(f"WHEN {value} < %s THEN {i}")
            params += [*value_params, self.bound_field.get_db_prep_value(bound, connection)]
        return f"CASE {' '.join(whens)} ELSE {len(self.bounds) - 1} END", params


@dataclass(frozen=True)
class Marker:
    """An agreed decision that changed the plan, on the day it was agreed."""

    on: date
    label: str
    decision_id: int


@dataclass
class Line:
    label: str
    values: list[int]

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass
class Series:
    key: str
    title: str
    y_label: str
    bucket: str
    buckets: list[date]
    lines: list[Line] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(line.total for line in self.lines)

    @property
    def x_label(self) -> str:
        return "Week starting" if self.bucket == "week" else "Month"

    def rows(self) -> list[tuple[date, list[int], list[Marker]]]:
        """Each week or month with its values and the decisions agreed in it."""
        out = []
        for i, start in enumerate(self.buckets):
            following = self.buckets[i + 1] if i + 1 < len(self.buckets) else date.max
            marks = [m for m in self.markers if start <= m.on < following]
            out.append((start, [line.values[i] for line in self.lines], marks))
        return out

    def as_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([self.x_label, *(line.label for line in self.lines), "Decisions agreed"])
        for start, values, marks in self.rows():
            writer.writerow(
                [start.isoformat(), *values, "; ".join(_csv_safe(m.label) for m in marks)]
            )
        return out.getvalue()

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "y_label": self.y_label,
            "bucket": self.bucket,
            "buckets": [b.isoformat() for b in self.buckets],
            "lines": [{"label": line.label, "values": line.values} for line in self.lines],
            "markers": [
                {"on": m.on.isoformat(), "label": m.label, "decision_id": m.decision_id}
                for m in self.markers
            ],
        }


def _csv_safe(text: str) -> str:
    # A cell a spreadsheet would read as a formula is quoted as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


# The registry ---------------------------------------------------------------------------

TrendFn = Callable[[Scope, Period], Series]
TRENDS: dict[str, TrendFn] = {}


def trend(key: str) -> Callable[[TrendFn], TrendFn]:
    def register(fn: TrendFn) -> TrendFn:
        TRENDS[key] = fn
        return fn

    return register


def all_trends(scope: Scope, period: Period) -> list[Series]:
    return [fn(scope, period) for fn in TRENDS.values()]


def one_trend(key: str, scope: Scope, period: Period) -> Series | None:
    fn = TRENDS.get(key)
    return fn(scope, period) if fn is not None else None


# Helpers each series uses ----------------------------------------------------------------


def counts_by(
    queryset: QuerySet, period: Period, date_field: str, label: str | None, value=None
) -> dict[str, dict[date, int]]:
    """{line label: {bucket: count}}, grouped and counted in the database."""
    names = ["b"] + ([label] if label else [])
    moments = isinstance(_field_at(queryset.model, date_field), DateTimeField)
    rows = (
        queryset.annotate(b=period.bucket_index(date_field, moments=moments))
        .values(*names)
        .annotate(n=value if value is not None else Count("id"))
        .order_by()
    )
    buckets = period.buckets()
    found: dict[str, dict[date, int]] = {}
    for row in rows:
        key = str(row[label]) if label else ""
        found.setdefault(key, {})[buckets[row["b"]]] = int(row["n"] or 0)
    return found


def _field_at(model: type[Model], path: str) -> Field:
    """The field a lookup path such as "session__occurred_at" ends at."""
    *relations, name = path.split(LOOKUP_SEP)
    for relation in relations:
        model = model._meta.get_field(relation).related_model  # type: ignore[assignment]
    return model._meta.get_field(name)  # type: ignore[return-value]


def lines_from(
    period: Period, counts: dict[str, dict[date, int]], names: dict[str, str] | None = None
) -> list[Line]:
    buckets = period.buckets()
    return [
        Line(label=(names or {}).get(key, key), values=[by.get(b, 0) for b in buckets])
        for key, by in sorted(counts.items())
    ]


def decision_markers(scope: Scope, period: Period, *cited_through: str) -> list[Marker]:
    """Agreed decisions in the period cited by the plan's versions (`cited_through`: the
    reverse names on Decision, e.g. "routine_versions"), or that moved a risk plan on."""
    cited = Q()
    for name in cited_through:
        cited |= Q(**{f"{name}__isnull": False})
    decisions = (
        Decision.objects.filter(scope.q(), cited, period.moments("agreed_at"))
        .filter(status__in=[Decision.Status.AGREED, Decision.Status.SUPERSEDED])
        .select_related("person")
        .distinct()
        .order_by("agreed_at")[:MAX_MARKERS]
    )
    markers = []
    for d in decisions:
        who = "" if scope.person is not None else f"{d.person.display_name}: "
        question = d.question if len(d.question) <= 48 else d.question[:47] + "…"
        markers.append(
            Marker(
                on=timezone.localdate(d.agreed_at),
                label=f"{who}decision {d.pk}, {question}",
                decision_id=d.pk,
            )
        )
    return markers


def _called(path: str):
    """Person.called in SQL: the preferred name, else the first name, so a line is labelled
    with the name the person goes by, as the decisions marked on it are."""
    return Coalesce(NullIf(F(f"{path}__preferred_name"), Value("")), F(f"{path}__given_name"))


def _series(key: str, title: str, y_label: str, period: Period, lines, markers) -> Series:
    return Series(
        key=key,
        title=title,
        y_label=y_label,
        bucket=period.bucket,
        buckets=period.buckets(),
        lines=lines,
        markers=markers,
    )


# The series ------------------------------------------------------------------------------

PLAN_CITATIONS = ("routine_versions", "rhythm_versions", "instruction_versions")


@trend("refusals")
def refusals_per_routine(scope: Scope, period: Period) -> Series:
    runs = RoutineRun.objects.filter(scope.q(), period.moments("occurred_at"), outcome="refused")
    label = "routine_version__routine__name"
    if scope.person is None:
        runs = runs.annotate(who=_called("person"))
        counts = counts_by(runs, period, "occurred_at", "who")
    else:
        counts = counts_by(runs, period, "occurred_at", label)
    return _series(
        "refusals",
        "Routines refused, per routine" if scope.person else "Routines refused, per person",
        "Refusals",
        period,
        lines_from(period, counts),
        decision_markers(scope, period, "routine_versions"),
    )


@trend("activities")
def participation_and_declines(scope: Scope, period: Period) -> Series:
    records = ActivityRecord.objects.filter(scope.q(), period.moments("occurred_at"))
    counts = counts_by(records, period, "occurred_at", "outcome")
    return _series(
        "activities",
        "Activities: took part and declined",
        "Activities",
        period,
        lines_from(period, counts, dict(ActivityRecord.Outcome.choices)),
        decision_markers(scope, period, "rhythm_versions"),
    )


@trend("distress")
def distress_and_incidents(scope: Scope, period: Period) -> Series:
    runs = RoutineRun.objects.filter(
        scope.q(), period.moments("occurred_at"), distress_noticed=True
    )
    counts = {
        "Distress noticed in a routine": counts_by(runs, period, "occurred_at", None).get("", {})
    }
    episodes = DistressRecord.objects.filter(scope.q(), period.moments("occurred_at"))
    counts["Distress episodes recorded"] = counts_by(episodes, period, "occurred_at", None).get(
        "", {}
    )
    counts["Distress episodes at intensity 4 or 5"] = counts_by(
        episodes.filter(intensity__gte=4), period, "occurred_at", None
    ).get("", {})
    incidents = Incident.objects.filter(scope.q(), period.moments("occurred_at"))
    names = {k: f"Incident: {v.lower()}" for k, v in Incident.Type.choices}
    for kind, by in counts_by(incidents, period, "occurred_at", "incident_type").items():
        counts[names.get(kind, kind)] = by
    counts = {k: v for k, v in counts.items() if v}
    return _series(
        "distress",
        "Distress and incidents, by kind",
        "Times",
        period,
        lines_from(period, counts),
        decision_markers(scope, period, *PLAN_CITATIONS),
    )


@trend("prompts")
def prompts_and_competencies(scope: Scope, period: Period) -> Series:
    sessions = PracticeSession.objects.filter(scope.q(), period.moments("occurred_at"))
    prompts = counts_by(
        sessions,
        period,
        "occurred_at",
        None,
        Sum(F("prompts_verbal") + F("prompts_gestural") + F("prompts_physical")),
    ).get("", {})
    shown = CompetencyResult.objects.filter(
        scope.q("session__person"),
        period.moments("session__occurred_at"),
        shown=True,
        prompted=False,
    )
    unprompted = counts_by(shown, period, "session__occurred_at", None).get("", {})
    counts = {"Prompts given": prompts, "Competencies shown without a prompt": unprompted}
    return _series(
        "prompts",
        "Risk plans: prompts and competencies in practice",
        "Count",
        period,
        lines_from(period, {k: v for k, v in counts.items() if v}),
        decision_markers(scope, period, "risk_plan", "stage_changes"),
    )


OWN_VOICE = [CheckIn.AnsweredBy.PERSON, CheckIn.AnsweredBy.STAFF_WITH_PERSON]


@trend("checkins")
def checkin_answers(scope: Scope, period: Period) -> Series:
    answers = CheckInAnswer.objects.filter(
        scope.q("checkin__person"),
        checkin__answered_by__in=OWN_VOICE,
        checkin__week_start__gte=period.start,
        checkin__week_start__lte=period.end,
    )
    counts = counts_by(answers, period, "checkin__week_start", "answer")
    return _series(
        "checkins",
        "Check-ins in the person's own voice"
        if scope.person
        else "Check-ins in people's own voice",
        "Answers",
        period,
        lines_from(period, counts, dict(CheckInAnswer.Answer.choices)),
        decision_markers(scope, period, *PLAN_CITATIONS),
    )
