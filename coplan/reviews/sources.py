"""What the review stage reads from the stages before it (planning, support, delivery).

Each function here is small and stands alone, so a change in another stage's models means a
change here only. The trigger engine and the pages call these; nothing else in this app
imports another stage's models (apart from planning's Decision and Goal, which reviews link
to directly).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from coplan.delivery.models import ActivityRecord, Incident, PracticalityFlag, RoutineRun
from coplan.people.models import Person
from coplan.planning.models import Decision, Goal
from coplan.risk.models import IncidentLink
from coplan.support.models import RhythmEntry, Routine, RoutineStep


@dataclass(frozen=True)
class Item:
    """One thing the person is asked about in a check-in."""

    kind: str  # an ItemKind value
    id: int | None
    label: str
    picture: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.id}"


def checkin_items(person: Person) -> list[Item]:
    """The things to ask about this week: the person's routines in force, the priority
    activities of their current weekly rhythm, and their active goals."""
    # A routine's picture is its first step's (in the version on shift), as the shift shows.
    first_picture = (
        RoutineStep.objects.filter(version__routine=OuterRef("pk"), version__is_current=True)
        .exclude(picture="")
        .order_by("position", "id")
        .values("picture")[:1]
    )
    routines = (
        Routine.objects.filter(person=person, is_active=True)
        .annotate(first_picture=Subquery(first_picture))
        .order_by("name", "id")
    )
    items = [Item("routine", r.pk, r.name, r.first_picture or "") for r in routines]
    entries = RhythmEntry.objects.filter(
        version__rhythm__person=person,
        version__rhythm__is_active=True,
        version__is_current=True,
        kind=RhythmEntry.Kind.PRIORITY,
    ).order_by("day", "time", "position", "id")
    seen: set[str] = set()
    for entry in entries:
        # One question per activity, however many days of the week it is on.
        name = entry.activity.strip()
        if name.lower() not in seen:
            seen.add(name.lower())
            items.append(Item("activity", entry.pk, name, entry.picture))
    goals = Goal.objects.filter(person=person, status=Goal.Status.ACTIVE).order_by("id")
    items += [Item("goal", g.pk, g.in_own_words, g.picture) for g in goals]
    return items


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Happening:
    """One day's count of something that happened to one plan element."""

    person_id: int
    subject_id: int | None
    label: str
    day: date
    n: int


def routine_refusals_by_day(people: QuerySet, since: date, until: date) -> list[Happening]:
    """Refused routine runs, per person, routine and day, over everyone at once. One query."""
    rows = (
        RoutineRun.objects.filter(
            person__in=people,
            outcome=RoutineRun.Outcome.REFUSED,
            occurred_at__gte=_start_of(since),
            occurred_at__lt=_start_of(until + timedelta(days=1)),
        )
        .annotate(day=TruncDate("occurred_at"))
        .values("person_id", "routine_version__routine_id", "day")
        .annotate(n=Count("id"), label=Max("routine_version__routine__name"))
        .order_by()
    )
    return [
        Happening(r["person_id"], r["routine_version__routine_id"], r["label"], r["day"], r["n"])
        for r in rows
    ]


def activity_declines_by_day(people: QuerySet, since: date, until: date) -> list[Happening]:
    """Declined activities, per person, weekly rhythm and day, over everyone at once (an
    activity offered outside the rhythm counts under no rhythm). One query."""
    rows = (
        ActivityRecord.objects.filter(
            person__in=people,
            outcome=ActivityRecord.Outcome.DECLINED,
            occurred_at__gte=_start_of(since),
            occurred_at__lt=_start_of(until + timedelta(days=1)),
        )
        .annotate(day=TruncDate("occurred_at"))
        .values("person_id", "rhythm_version__rhythm_id", "day")
        .annotate(n=Count("id"), label=Max("rhythm_version__rhythm__name"))
        .order_by()
    )
    return [
        Happening(
            r["person_id"],
            r["rhythm_version__rhythm_id"],
            r["label"] or "Activities offered outside the weekly rhythm",
            r["day"],
            r["n"],
        )
        for r in rows
    ]


def routine_decisions(routine_ids: set[int]) -> dict[int, int]:
    """The agreed decision each routine's current version comes from. One query."""
    rows = Decision.routine_versions.through.objects.filter(
        routineversion__routine_id__in=routine_ids,
        routineversion__is_current=True,
        decision__status=Decision.Status.AGREED,
    ).values_list("routineversion__routine_id", "decision_id")
    return dict(rows)


def rhythm_decisions(rhythm_ids: set[int]) -> dict[int, int]:
    """The agreed decision each rhythm's current version comes from. One query."""
    rows = Decision.rhythm_versions.through.objects.filter(
        rhythmversion__rhythm_id__in=rhythm_ids,
        rhythmversion__is_current=True,
        decision__status=Decision.Status.AGREED,
    ).values_list("rhythmversion__rhythm_id", "decision_id")
    return dict(rows)


@dataclass(frozen=True)
class PlanEvent:
    """An incident or a practicality flag, with the plan element it is about."""

    id: int
    person_id: int
    subject_kind: str  # routine, activity (a weekly rhythm) or other
    subject_id: int | None
    label: str
    day: date
    text: str


def _element(row: dict) -> tuple[str, int | None, str]:
    if row["routine_version__routine_id"]:
        return "routine", row["routine_version__routine_id"], row["routine_version__routine__name"]
    if row["rhythm_version__rhythm_id"]:
        return "activity", row["rhythm_version__rhythm_id"], row["rhythm_version__rhythm__name"]
    return "other", None, row.get("other_plan_element") or "Another part of the plan"


_ELEMENT_FIELDS = (
    "routine_version__routine_id",
    "routine_version__routine__name",
    "rhythm_version__rhythm_id",
    "rhythm_version__rhythm__name",
)


def incidents_on_plan_elements(people: QuerySet, since: date) -> list[PlanEvent]:
    """Incidents linked to a routine, a weekly rhythm or another named plan element. Those
    linked to a risk plan are left out: `incidents_on_risk_plans` finds those. One query."""
    rows = (
        Incident.objects.filter(person__in=people, occurred_at__gte=_start_of(since))
        .filter(
            Q(routine_version__isnull=False)
            | Q(rhythm_version__isnull=False)
            | ~Q(other_plan_element="")
        )
        .exclude(Exists(IncidentLink.objects.filter(incident=OuterRef("pk"))))
        .values(
            "id",
            "person_id",
            "occurred_at",
            "incident_type",
            "severity",
            "what_happened",
            "other_plan_element",
            *_ELEMENT_FIELDS,
        )
    )
    types = dict(Incident.Type.choices)
    out = []
    for r in rows:
        kind, subject_id, label = _element(r)
        out.append(
            PlanEvent(
                r["id"],
                r["person_id"],
                kind,
                subject_id,
                label,
                timezone.localtime(r["occurred_at"]).date(),
                f"{types.get(r['incident_type'], r['incident_type'])} ({r['severity']}): "
                f"{r['what_happened'][:300]}",
            )
        )
    return out


def practicality_flags(people: QuerySet, since: date) -> list[PlanEvent]:
    """Staff flags that a routine or weekly rhythm "isn't practical". One query."""
    rows = PracticalityFlag.objects.filter(
        person__in=people, occurred_at__gte=_start_of(since)
    ).values("id", "person_id", "occurred_at", "what_happened", *_ELEMENT_FIELDS)
    return [
        PlanEvent(
            r["id"],
            r["person_id"],
            *_element(r),
            timezone.localtime(r["occurred_at"]).date(),
            r["what_happened"][:300],
        )
        for r in rows
    ]


def record_counts_since(person: Person, since: date) -> dict[str, int]:
    """Counts from the shift records since `since`, for a review's evidence."""
    after = {"person": person, "occurred_at__gte": _start_of(since)}
    runs = RoutineRun.objects.filter(**after).aggregate(
        done=Count("id", filter=Q(outcome=RoutineRun.Outcome.COMPLETED)),
        partly=Count("id", filter=Q(outcome=RoutineRun.Outcome.PARTLY)),
        refused=Count("id", filter=Q(outcome=RoutineRun.Outcome.REFUSED)),
        distress=Count("id", filter=Q(distress_noticed=True)),
    )
    activities = ActivityRecord.objects.filter(**after).aggregate(
        took_part=Count("id", filter=Q(outcome=ActivityRecord.Outcome.TOOK_PART)),
        declined=Count("id", filter=Q(outcome=ActivityRecord.Outcome.DECLINED)),
    )
    return {
        "Routines completed": runs["done"],
        "Routines partly completed": runs["partly"],
        "Routines refused": runs["refused"],
        "Distress noticed during a routine": runs["distress"],
        "Activities taken part in": activities["took_part"],
        "Activities declined": activities["declined"],
        "Incidents": Incident.objects.filter(**after).count(),
        "Flags that the plan isn't practical": PracticalityFlag.objects.filter(**after).count(),
    }


@dataclass
class RiskIncident:
    """An incident that happened under a risk plan, at the stage then in force."""

    incident_id: int
    person_id: int
    plan_id: int
    plan_title: str
    decision_id: int
    stage: str
    occurred_at: datetime
    text: str


def incidents_on_risk_plans(people: QuerySet, since: date) -> list[RiskIncident]:
    """Incidents linked to a risk plan since `since`. One query."""
    rows = IncidentLink.objects.filter(
        plan__person__in=people, incident__occurred_at__gte=_start_of(since)
    ).values(
        "incident_id",
        "plan_id",
        "plan__person_id",
        "plan__title",
        "plan__decision_id",
        "stage__number",
        "stage__title",
        "incident__occurred_at",
        "incident__what_happened",
    )
    return [
        RiskIncident(
            r["incident_id"],
            r["plan__person_id"],
            r["plan_id"],
            r["plan__title"],
            r["plan__decision_id"],
            f"Stage {r['stage__number']}: {r['stage__title']}",
            r["incident__occurred_at"],
            r["incident__what_happened"][:300],
        )
        for r in rows
    ]
