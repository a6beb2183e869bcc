"""Reads of the plan in practice, each in a fixed number of queries."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse

from coplan.lib.contributions import contribute
from coplan.people.models import Person
from coplan.planning.models import Decision
from coplan.support.models import (
    ActivityRhythm,
    RhythmEntry,
    RhythmVersion,
    Routine,
    RoutineStep,
    RoutineVersion,
    StaffInstruction,
)

_DECISIONS = Prefetch("decisions", queryset=Decision.objects.order_by("-agreed_at", "-id"))


def _routine_versions(qs: QuerySet[RoutineVersion]) -> QuerySet[RoutineVersion]:
    return qs.select_related("created_by").prefetch_related("steps", _DECISIONS)


def _rhythm_versions(qs: QuerySet[RhythmVersion]) -> QuerySet[RhythmVersion]:
    return qs.select_related("created_by").prefetch_related("entries", _DECISIONS)


def support_plan(person: Person) -> dict:
    """Everything the support plan page shows: routines, rhythms and instructions, each
    with its current version and the decisions behind it."""
    routines = list(
        Routine.objects.filter(person=person).prefetch_related(
            Prefetch(
                "versions",
                queryset=_routine_versions(RoutineVersion.objects.filter(is_current=True)),
                to_attr="current_versions",
            )
        )
    )
    rhythms = list(
        ActivityRhythm.objects.filter(person=person).prefetch_related(
            Prefetch(
                "versions",
                queryset=_rhythm_versions(RhythmVersion.objects.filter(is_current=True)),
                to_attr="current_versions",
            )
        )
    )
    for element in [*routines, *rhythms]:
        element.current = element.current_versions[0] if element.current_versions else None
    instructions = list(StaffInstruction.objects.filter(person=person).prefetch_related(_DECISIONS))
    return {"routines": routines, "rhythms": rhythms, "instructions": instructions}


def routine_for_person(person: Person, routine_id: int) -> Routine:
    routine = Routine.objects.filter(person=person, pk=routine_id).first()
    if routine is None:
        raise Http404("No such routine.")
    return routine


def rhythm_for_person(person: Person, rhythm_id: int) -> ActivityRhythm:
    rhythm = ActivityRhythm.objects.filter(person=person, pk=rhythm_id).first()
    if rhythm is None:
        raise Http404("No such rhythm.")
    return rhythm


def routine_versions(routine: Routine) -> list[RoutineVersion]:
    """Every version, newest first, with steps and decisions."""
    return list(_routine_versions(routine.versions.all()))


def rhythm_versions(rhythm: ActivityRhythm) -> list[RhythmVersion]:
    return list(_rhythm_versions(rhythm.versions.all()))


def current_routine_version(routine: Routine) -> RoutineVersion | None:
    return _routine_versions(routine.versions.filter(is_current=True)).first()


def current_rhythm_version(rhythm: ActivityRhythm) -> RhythmVersion | None:
    return _rhythm_versions(rhythm.versions.filter(is_current=True)).first()


def routines_in_force(person_ids: Iterable[int]) -> list[RoutineVersion]:
    """Current versions of active routines for these people, with their steps (2 queries)."""
    return list(
        RoutineVersion.objects.filter(
            is_current=True, routine__is_active=True, routine__person_id__in=list(person_ids)
        )
        .select_related("routine")
        .prefetch_related(Prefetch("steps", queryset=RoutineStep.objects.order_by("position")))
        .order_by("routine__name", "routine_id")
    )


def rhythms_in_force(person_ids: Iterable[int], weekday: int | None = None) -> list[RhythmVersion]:
    """Current versions of active rhythms, with entries (only that day's, if given)."""
    entries = RhythmEntry.objects.order_by("time", "id")
    if weekday is not None:
        entries = entries.filter(day=weekday)
    return list(
        RhythmVersion.objects.filter(
            is_current=True, rhythm__is_active=True, rhythm__person_id__in=list(person_ids)
        )
        .select_related("rhythm")
        .prefetch_related(Prefetch("entries", queryset=entries, to_attr="day_entries"))
        .order_by("rhythm__name", "rhythm_id")
    )


def instructions_in_force(person_ids: Iterable[int]) -> list[StaffInstruction]:
    return list(
        StaffInstruction.objects.filter(is_active=True, person_id__in=list(person_ids)).order_by(
            "category", "title"
        )
    )


def citable_decisions(person: Person) -> QuerySet[Decision]:
    """Decisions a plan element may cite: agreed ones, and drafts (which cannot put it in
    force until agreed)."""
    return Decision.objects.filter(
        person=person, status__in=[Decision.Status.AGREED, Decision.Status.DRAFT]
    ).order_by("status", "-agreed_at", "-created_at")


def routine_lookup_for_decision(decision: Decision) -> dict:
    """What a decision shaped in practice: the routine and rhythm versions citing it."""
    return {
        "routine_versions": list(
            decision.routine_versions.select_related("routine").order_by("routine__name", "number")
        ),
        "rhythm_versions": list(
            decision.rhythm_versions.select_related("rhythm").order_by("rhythm__name", "number")
        ),
        "staff_instructions": list(decision.staff_instructions.all()),
    }


@contribute("planning.decision_shaped", order=10)
def shaped_by(*, decision: Decision, **_: Any) -> list[dict]:
    """For the decision page: each routine or rhythm version and staff instruction that
    cites this decision, with a link (contributed to planning's "What this shaped")."""
    found = routine_lookup_for_decision(decision)
    rows = []
    for kind, label, versions in (
        ("routine", "Routine", found["routine_versions"]),
        ("rhythm", "Activity rhythm", found["rhythm_versions"]),
    ):
        for v in versions:
            element = v.routine if kind == "routine" else v.rhythm
            rows.append(
                {
                    "kind": label,
                    "title": f"{element.name}, version {v.number}"
                    + ("" if v.is_current else " (earlier version)"),
                    "url": reverse(
                        "support:version",
                        kwargs={
                            "person_id": element.person_id,
                            "kind": kind,
                            "pk": element.pk,
                            "number": v.number,
                        },
                    ),
                }
            )
    for instruction in found["staff_instructions"]:
        rows.append(
            {
                "kind": "Staff instruction",
                "title": instruction.title,
                "url": reverse("support:plan", kwargs={"person_id": instruction.person_id})
                + "#instructions",
            }
        )
    return rows
