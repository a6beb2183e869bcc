"""Reads for risk plans in practice: whether the current stage's criteria are met, the
competency and prompt trends over time, and missed check-ins while someone is out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from coplan.lib.contributions import gather
from coplan.people.models import Person
from coplan.risk.models import (
    Competency,
    IncidentLink,
    PracticeSession,
    RiskPlan,
    RiskStage,
    StageChange,
    TravelCheckIn,
    TravelLog,
)


@dataclass
class CompetencyProgress:
    competency: Competency
    independent: int  # sessions in the window where it was shown with no prompt
    met: bool


@dataclass
class StageProgress:
    stage: RiskStage
    since: datetime | None
    sessions: list[PracticeSession]  # the window: the last `of_last`, newest first
    competencies: list[CompetencyProgress]
    met: bool

    @property
    def needed(self) -> int:
        return self.stage.shown_in

    @property
    def window(self) -> int:
        return self.stage.of_last


def stage_started_at(plan: RiskPlan, stage: RiskStage) -> datetime | None:
    change = (
        StageChange.objects.filter(plan=plan, to_stage=stage).order_by("-changed_at", "-id").first()
    )
    return change.changed_at if change else None


def stage_progress(plan: RiskPlan, stage: RiskStage | None = None) -> StageProgress:
    """The stage's criteria, from its practice sessions since it last became current.

    Met exactly when the window holds at least `shown_in` sessions and every competency was
    shown with no prompt in at least `shown_in` of the last `of_last` sessions at this stage.
    Sessions at other stages, or from an earlier time at this stage, do not count."""
    stage = stage or RiskStage.objects.get(pk=plan.current_stage_id)
    competencies = list(stage.competencies.all())
    since = stage_started_at(plan, stage)
    sessions_qs = PracticeSession.objects.filter(plan=plan, stage=stage)
    if since is not None:
        sessions_qs = sessions_qs.filter(occurred_at__gte=since)
    sessions = list(
        sessions_qs.order_by("-occurred_at", "-id").prefetch_related("results")[: stage.of_last]
    )
    counts = {c.pk: 0 for c in competencies}
    for s in sessions:
        for r in s.results.all():
            if r.independent and r.competency_id in counts:
                counts[r.competency_id] += 1
    rows = [
        CompetencyProgress(c, counts[c.pk], counts[c.pk] >= stage.shown_in) for c in competencies
    ]
    met = bool(rows) and len(sessions) >= stage.shown_in and all(r.met for r in rows)
    return StageProgress(stage=stage, since=since, sessions=sessions, competencies=rows, met=met)


def next_stage(plan: RiskPlan, stage: RiskStage) -> RiskStage | None:
    return RiskStage.objects.filter(plan=plan, number=stage.number + 1).first()


@dataclass
class TrendPoint:
    session_id: int
    occurred_at: datetime
    stage_number: int
    verbal: int
    gestural: int
    physical: int
    independent: int  # competencies shown with no prompt
    competencies: int  # competencies at that stage

    @property
    def prompts(self) -> int:
        return self.verbal + self.gestural + self.physical

    @property
    def percent(self) -> int:
        return round(100 * self.independent / self.competencies) if self.competencies else 0


def trends(plan: RiskPlan) -> list[TrendPoint]:
    """Every practice session of the plan, oldest first: prompts by kind, and how many of
    the stage's competencies were shown with no prompt. Two queries."""
    return _trends(
        RiskStage.objects.filter(plan=plan), PracticeSession.objects.filter(plan=plan)
    ).get(plan.pk, [])


def active_plans_with_trends(person: Person) -> list[tuple[RiskPlan, list[TrendPoint]]]:
    """The person's active risk plans, each with its trend points (as `trends`). Three
    queries however many plans and sessions there are."""
    plans = list(plans_for_person(person).filter(is_active=True))
    active = {"plan__person": person, "plan__is_active": True}
    points = _trends(RiskStage.objects.filter(**active), PracticeSession.objects.filter(**active))
    return [(plan, points.get(plan.pk, [])) for plan in plans]


def _trends(
    stages: QuerySet[RiskStage], sessions: QuerySet[PracticeSession]
) -> dict[int, list[TrendPoint]]:
    """Trend points by plan id: one query for the competencies per stage, one for the
    sessions with their unprompted competencies counted in the database."""
    per_stage = dict(stages.annotate(n=Count("competencies")).values_list("pk", "n"))
    rows = (
        sessions.values(
            "id",
            "plan_id",
            "stage_id",
            "stage__number",
            "occurred_at",
            "prompts_verbal",
            "prompts_gestural",
            "prompts_physical",
        )
        .annotate(
            independent=Count("results", filter=Q(results__shown=True, results__prompted=False))
        )
        .order_by("occurred_at", "id")
    )
    found: dict[int, list[TrendPoint]] = {}
    for row in rows:
        found.setdefault(row["plan_id"], []).append(
            TrendPoint(
                session_id=row["id"],
                occurred_at=row["occurred_at"],
                stage_number=row["stage__number"],
                verbal=row["prompts_verbal"],
                gestural=row["prompts_gestural"],
                physical=row["prompts_physical"],
                independent=row["independent"],
                competencies=per_stage.get(row["stage_id"], 0),
            )
        )
    return found


@dataclass
class PlanPage:
    plan: RiskPlan
    stages: list[RiskStage]
    progress: StageProgress
    next_stage: RiskStage | None
    previous_stage: RiskStage | None
    changes: list[StageChange]
    recent_sessions: list[PracticeSession]
    travel_logs: list[TravelLog]
    incidents: list[IncidentLink]
    missed: list[TravelCheckIn] = field(default_factory=list)


def plans_for_person(person: Person) -> QuerySet[RiskPlan]:
    return RiskPlan.objects.filter(person=person).select_related("current_stage", "decision")


def plan_page(plan: RiskPlan) -> PlanPage:
    stages = list(
        RiskStage.objects.filter(plan=plan).prefetch_related("competencies").order_by("number")
    )
    by_pk = {s.pk: s for s in stages}
    current = by_pk[plan.current_stage_id]
    progress = stage_progress(plan, current)
    logs = list(
        TravelLog.objects.filter(plan=plan)
        .select_related("stage", "recorded_by")
        .prefetch_related("check_ins")
        .order_by("-occurred_at", "-id")[:10]
    )
    return PlanPage(
        plan=plan,
        stages=stages,
        progress=progress,
        next_stage=next((s for s in stages if s.number == current.number + 1), None),
        previous_stage=next((s for s in stages if s.number == current.number - 1), None),
        changes=list(
            StageChange.objects.filter(plan=plan)
            .select_related("from_stage", "to_stage", "decision", "changed_by")
            .order_by("-changed_at", "-id")
        ),
        recent_sessions=list(
            PracticeSession.objects.filter(plan=plan)
            .select_related("stage", "recorded_by")
            .prefetch_related("results__competency")
            .order_by("-occurred_at", "-id")[:10]
        ),
        travel_logs=logs,
        incidents=_with_mini_reviews(
            plan,
            list(
                IncidentLink.objects.filter(plan=plan)
                .select_related("incident", "stage")
                .order_by("-created_at", "-id")
            ),
        ),
        missed=[
            c for log in logs if log.is_out for c in log.check_ins.all() if c.status == "missed"
        ],
    )


def missed_check_ins(people: QuerySet[Person] | list[int]) -> list[TravelCheckIn]:
    """Check-ins past their grace time, not made, while the person is still out: the
    alert staff must act on, with the stage's agreed safeguard action. `people` is a
    queryset or their ids (a list plans faster on PostgreSQL than a join to it)."""
    return list(
        TravelCheckIn.objects.filter(
            log__person__in=people,
            log__returned_at__isnull=True,
            made_at__isnull=True,
            missed_after__lt=timezone.now(),
        )
        .select_related("log__person", "log__stage", "log__plan")
        .order_by("due_at", "id")
    )


def prompt_change(points: list[TrendPoint], n: int = 3) -> tuple[float, float] | None:
    """Mean prompts per session over the first `n` sessions and over the last `n`, to one
    decimal place; None until there are 2n sessions to compare."""
    if len(points) < 2 * n:
        return None
    first = sum(p.prompts for p in points[:n]) / n
    last = sum(p.prompts for p in points[-n:]) / n
    return round(first, 1), round(last, 1)


def _with_mini_reviews(plan: RiskPlan, links: list[IncidentLink]) -> list[IncidentLink]:
    """Each link with the mini-review the reviews stage opened for it (`link.mini_review`,
    or None), contributed through the "risk.mini_reviews" slot as (incident id, trigger)."""
    found = dict(gather("risk.mini_reviews", plan=plan)) if links else {}
    for link in links:
        link.mini_review = found.get(link.incident_id)
    return links
