"""Reads of the plan in practice, each in a fixed number of queries.

Which version is in force: the newest of an element's versions whose "in force from" has
come. A version made today in force from tomorrow 07:00 leaves today's version in force
until then, on the shift view, in the briefing and for every record made before it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.lib import rows
from coplan.lib.contributions import Panel, contribute
from coplan.people.models import Person
from coplan.planning.models import Decision
from coplan.support.models import (
    ActivityRhythm,
    InstructionVersion,
    PlanElement,
    PlanVersion,
    RhythmEntry,
    RhythmVersion,
    Routine,
    RoutineStep,
    RoutineVersion,
    StaffInstruction,
)
from coplan.support.services import INSTRUCTION, KINDS, RHYTHM, ROUTINE, Kind

_DECISIONS = Prefetch(
    "decisions",
    queryset=Decision.objects.select_related("superseded_by").order_by("-agreed_at", "-id"),
)


def _rows(kind: Kind) -> list[Any]:
    if kind is ROUTINE:
        return [Prefetch("steps", queryset=RoutineStep.objects.order_by("position", "id"))]
    if kind is RHYTHM:
        return ["entries"]
    return []


def with_details(kind: Kind, qs: QuerySet) -> QuerySet:
    """Versions with their element, maker, rows and decisions (each decision with the one
    that replaced it, if any)."""
    return qs.select_related(kind.element_field, "created_by").prefetch_related(
        *_rows(kind), _DECISIONS
    )


def in_force_filter(kind: Kind, at: datetime) -> Q:
    """Versions in force at `at`: begun, and no newer version of the same element begun."""
    newer = kind.version_model.objects.filter(
        **{kind.element_field: OuterRef(kind.element_field)},
        number__gt=OuterRef("number"),
        effective_from__lte=at,
    )
    return Q(effective_from__lte=at) & ~Q(Exists(newer))


def versions_in_force(
    kind: Kind, person_ids: Iterable[int], at: datetime | None = None
) -> QuerySet:
    """The version in force of each active element of this kind, for these people."""
    element = kind.element_field
    people = person_ids if isinstance(person_ids, QuerySet) else list(person_ids)
    return kind.version_model.objects.filter(
        in_force_filter(kind, at or timezone.now()),
        **{f"{element}__is_active": True, f"{element}__person_id__in": people},
    ).select_related(element)


def routines_in_force(
    person_ids: Iterable[int], at: datetime | None = None
) -> list[RoutineVersion]:
    """Versions in force of active routines for these people, with their steps (2 queries)."""
    return list(
        versions_in_force(ROUTINE, person_ids, at)
        .prefetch_related(*_rows(ROUTINE))
        .order_by("routine__name", "routine_id")
    )


def rhythms_in_force(
    person_ids: Iterable[int], weekday: int | None = None, at: datetime | None = None
) -> list[RhythmVersion]:
    """Versions in force of active rhythms, with entries (only that day's, if given)."""
    entries = RhythmEntry.objects.order_by("time", "id")
    if weekday is not None:
        entries = entries.filter(day=weekday)
    return list(
        versions_in_force(RHYTHM, person_ids, at)
        .prefetch_related(Prefetch("entries", queryset=entries, to_attr="day_entries"))
        .order_by("rhythm__name", "rhythm_id")
    )


def instructions_in_force(
    person_ids: Iterable[int], at: datetime | None = None
) -> list[InstructionVersion]:
    return list(
        versions_in_force(INSTRUCTION, person_ids, at).order_by(
            "instruction__category", "instruction__title", "instruction_id"
        )
    )


def version_in_force(
    element: PlanElement, at: datetime | None = None, *, rows_only: bool = False
) -> PlanVersion | None:
    """The version of this element in force at `at` (now), with its rows and decisions (or,
    `rows_only`, its rows alone: what a shift record checks itself against)."""
    kind = KINDS[element.kind]
    # For one element, "begun, and no newer version begun" (in_force_filter) is the newest
    # version begun: the same row, without a subquery to build and run.
    qs = kind.version_model.objects.filter(
        effective_from__lte=at or timezone.now(), **{kind.element_field: element}
    ).order_by("-number")
    if rows_only:
        return _version_with_rows(kind, element, at or timezone.now())
    return with_details(kind, qs).first()


def _version_with_rows(kind: Kind, element: PlanElement, at: datetime) -> PlanVersion | None:
    """The newest version of the element begun by `at`, with its steps or entries in their
    order, in one hand-written statement (every shift record reads it; coplan/lib/rows.py).
    The same rows as `version_in_force`'s query with its rows prefetched."""
    version_model, row_model = kind.version_model, kind.row_model
    q = rows.quote
    element_column = rows.column(version_model, kind.element_field)
    newest = (
        f"SELECT n.id FROM {rows.table(version_model)} n "  # noqa: S608
        f"WHERE n.{element_column} = %s AND n.{q('effective_from')} <= %s "
        f"ORDER BY n.{q('number')} DESC LIMIT 1"
    )
    params = [element.pk, rows.moment(at)]
    if row_model is None:
        sql = f"SELECT {rows.columns(version_model, 'v')} FROM {rows.table(version_model)} v WHERE v.id = ({newest})"  # noqa: S608, E501
        found = rows.fetch(sql, params, version_model)
        return found[0][0] if found else None
    order = ", ".join(
        f"r.{rows.column(row_model, str(f))}" for f in row_model._meta.ordering or ["id"]
    )
    sql = (
        f"SELECT {rows.columns(version_model, 'v')}, {rows.columns(row_model, 'r')} "  # noqa: S608
        f"FROM {rows.table(version_model)} v LEFT JOIN {rows.table(row_model)} r "
        f"ON r.{q('version_id')} = v.id WHERE v.id = ({newest}) ORDER BY {order}"
    )
    found = rows.fetch(sql, params, version_model, row_model)
    if not found:
        return None
    version = found[0][0]
    steps = [row for _, row in found if row.pk is not None]
    for row in steps:
        rows.relate(row, "version", version)
    rows.prefetched(version, kind.rows_name, steps)  # type: ignore[arg-type]
    return version


def element_for_person(kind: Kind, person: Person, pk: int) -> PlanElement:
    model = kind.element_model
    if not rows.a_key(pk):
        raise Http404(f"No such {kind.element_model.label}.")
    sql = (
        f"SELECT {rows.columns(model, 'e')} FROM {rows.table(model)} e "  # noqa: S608
        f"WHERE e.{rows.quote('person_id')} = %s AND e.id = %s"
    )
    found = rows.fetch(sql, [person.pk, pk], model)
    element = found[0][0] if found else None
    if element is None:
        raise Http404(f"No such {kind.element_model.label}.")
    rows.relate(element, "person", person)
    return element


def routine_for_person(person: Person, routine_id: int) -> Routine:
    return element_for_person(ROUTINE, person, routine_id)  # type: ignore[return-value]


def rhythm_for_person(person: Person, rhythm_id: int) -> ActivityRhythm:
    return element_for_person(RHYTHM, person, rhythm_id)  # type: ignore[return-value]


def instruction_for_person(person: Person, instruction_id: int) -> StaffInstruction:
    return element_for_person(INSTRUCTION, person, instruction_id)  # type: ignore[return-value]


def element_versions(element: PlanElement) -> list[PlanVersion]:
    """Every version, newest first, with rows and decisions."""
    return list(with_details(KINDS[element.kind], element.versions.all()))


@dataclass
class Superseded:
    """A decision a plan element cites that has been replaced, and what replaced it."""

    decision: Decision
    successor: Decision | None


def superseded_in(version: PlanVersion | None) -> list[Superseded]:
    """The superseded decisions a version cites (decisions prefetched with _DECISIONS)."""
    if version is None:
        return []
    found = []
    for d in version.decisions.all():
        if d.status == Decision.Status.SUPERSEDED:
            found.append(Superseded(d, getattr(d, "superseded_by", None)))
    return found


def _place(element: PlanElement) -> None:
    """Set on an element its version in force, the versions still to come, and the newest."""
    element.in_force = element.in_force_versions[0] if element.in_force_versions else None
    element.upcoming = list(element.upcoming_versions)
    element.current = element.upcoming[-1] if element.upcoming else element.in_force
    element.superseded = superseded_in(element.current) if element.is_active else []


def _elements(kind: Kind, person: Person, now: datetime) -> list[PlanElement]:
    rows = with_details(kind, kind.version_model.objects.all())
    elements = list(
        kind.element_model.objects.filter(person=person).prefetch_related(
            Prefetch(
                "versions",
                queryset=rows.filter(in_force_filter(kind, now)),
                to_attr="in_force_versions",
            ),
            Prefetch(
                "versions",
                queryset=rows.filter(effective_from__gt=now).order_by("number"),
                to_attr="upcoming_versions",
            ),
        )
    )
    for element in elements:
        _place(element)
    return elements


def support_plan(person: Person) -> dict:
    """Everything the support plan page shows: routines, rhythms and instructions, each
    with its version in force, any version still to come, the decisions behind them, and
    the elements that still cite a superseded decision."""
    now = timezone.now()
    plan = {
        "routines": _elements(ROUTINE, person, now),
        "rhythms": _elements(RHYTHM, person, now),
        "instructions": _elements(INSTRUCTION, person, now),
    }
    plan["to_recite"] = [
        {"element": e, "version": e.current, "cites": e.superseded}
        for items in plan.values()
        for e in items
        if e.superseded
    ]
    return plan


def superseded_citations(service_ids: Iterable[int]) -> list[dict]:
    """Elements in force in these services whose newest version cites a superseded
    decision: each with its person and what replaced the decision (one query a kind, and
    one for their decisions)."""
    ids = list(service_ids)
    found = []
    for kind in (ROUTINE, RHYTHM, INSTRUCTION):
        element = kind.element_field
        versions = (
            kind.version_model.objects.filter(
                is_current=True,
                decisions__status=Decision.Status.SUPERSEDED,
                **{f"{element}__is_active": True, f"{element}__person__service_id__in": ids},
            )
            .distinct()
            .select_related(f"{element}__person")
            .prefetch_related(_DECISIONS)
        )
        for version in versions:
            found.append(
                {"element": version.element, "version": version, "cites": superseded_in(version)}
            )
    found.sort(key=lambda row: (row["element"].person.display_name, str(row["element"])))
    return found


@contribute("access.home", order=20)
def home_superseded_citations(*, request: Any, **_: Any) -> Panel | None:
    """For planners' home pages: the plan elements to re-cite or retire."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    services = list(access.services_for_user(user, Action.PLAN).values_list("pk", flat=True))
    if not services:
        return None
    rows = superseded_citations(services)
    if not rows:
        return None
    return Panel("support/_superseded.html", {"rows": rows, "on_home": True})


def citable_decisions(person: Person) -> QuerySet[Decision]:
    """Decisions a plan element may cite: agreed ones, and drafts (which cannot put it in
    force until agreed)."""
    return Decision.objects.filter(
        person=person, status__in=[Decision.Status.AGREED, Decision.Status.DRAFT]
    ).order_by("status", "-agreed_at", "-created_at")


# What changed between two versions


@dataclass(frozen=True)
class Change:
    """One difference between two versions, in words a worker on shift reads quickly."""

    what: str  # new, added, removed, reworded, moved, changed
    text: str


def _step_details(old: RoutineStep, new: RoutineStep) -> list[str]:
    said = []
    if old.agreed_words != new.agreed_words:
        said.append(f"say \u201c{new.agreed_words}\u201d" if new.agreed_words else "no set words")
    if (old.window_start, old.window_end) != (new.window_start, new.window_end):
        said.append(f"now {_window(new)}" if new.window_start else "no set time")
    if old.avoid != new.avoid:
        said.append(f"avoid: {new.avoid}" if new.avoid else "nothing to avoid")
    if old.picture != new.picture:
        said.append("a new picture")
    return said


def _window(step: RoutineStep) -> str:
    start = f"{step.window_start:%H:%M}" if step.window_start else ""
    end = f"\u2013{step.window_end:%H:%M}" if step.window_end else ""
    return start + end


def _same_step(old: RoutineStep, new: RoutineStep) -> bool:
    if old.agreed_words and old.agreed_words == new.agreed_words:
        return True
    ratio = SequenceMatcher(a=old.title.lower(), b=new.title.lower(), autojunk=False).ratio()
    return ratio >= 0.6


def _step_changes(old: list[RoutineStep], new: list[RoutineStep]) -> list[Change]:
    changes: list[Change] = []
    added: list[RoutineStep] = []
    removed: list[RoutineStep] = []
    a = [s.title.strip().lower() for s in old]
    b = [s.title.strip().lower() for s in new]
    for op, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            for o, n in zip(old[i1:i2], new[j1:j2], strict=True):
                if details := _step_details(o, n):
                    changes.append(
                        Change("reworded", f"\u201c{n.title}\u201d: {'; '.join(details)}")
                    )
            continue
        removed.extend(old[i1:i2])
        added.extend(new[j1:j2])
    moved = {s.title.strip().lower() for s in removed} & {s.title.strip().lower() for s in added}
    for step in added:
        if step.title.strip().lower() in moved:
            changes.append(Change("moved", f"\u201c{step.title}\u201d is now step {step.position}"))
    removed = [s for s in removed if s.title.strip().lower() not in moved]
    added = [s for s in added if s.title.strip().lower() not in moved]
    # A step whose title changed (same words to say, or a title much like the old one) reads
    # as reworded, not as one step removed and another added.
    for step in list(added):
        before = next((s for s in removed if _same_step(s, step)), None)
        if before is not None:
            removed.remove(before)
            added.remove(step)
            details = _step_details(before, step)
            said = f"\u201c{before.title}\u201d is now \u201c{step.title}\u201d"
            changes.append(Change("reworded", "; ".join([said, *details])))
    changes += [Change("added", f"Step added: \u201c{s.title}\u201d") for s in added]
    changes += [Change("removed", f"Step removed: \u201c{s.title}\u201d") for s in removed]
    return changes


def _line_changes(label: str, old: list[str], new: list[str]) -> list[Change]:
    before = {line.lower() for line in old}
    after = {line.lower() for line in new}
    return [
        *(Change("added", f"{label} added: {line}") for line in new if line.lower() not in before),
        *(
            Change("removed", f"{label} removed: {line}")
            for line in old
            if line.lower() not in after
        ),
    ]


def _entry_key(entry: RhythmEntry) -> tuple[int, str]:
    return entry.day, entry.activity.strip().lower()


def _entry_label(entry: RhythmEntry) -> str:
    at = f" {entry.time:%H:%M}" if entry.time else ""
    return f"{entry.get_day_display()}{at}: {entry.activity}"


def _rhythm_changes(old: RhythmVersion, new: RhythmVersion) -> list[Change]:
    before = {_entry_key(e): e for e in old.entries.all()}
    after = {_entry_key(e): e for e in new.entries.all()}
    changes = []
    for key, entry in after.items():
        was = before.get(key)
        if was is None:
            changes.append(Change("added", f"Activity added: {_entry_label(entry)}"))
        elif (was.time, was.kind, was.notes, was.picture) != (
            entry.time,
            entry.kind,
            entry.notes,
            entry.picture,
        ):
            changes.append(Change("changed", f"Activity changed: {_entry_label(entry)}"))
    changes += [
        Change("removed", f"Activity removed: {_entry_label(e)}")
        for key, e in before.items()
        if key not in after
    ]
    changes += _line_changes("Alternative", old.alternative_lines, new.alternative_lines)
    changes += _line_changes("Preparation", old.preparation_lines, new.preparation_lines)
    if old.choice_prompt.strip() != new.choice_prompt.strip():
        changes.append(Change("reworded", f"Choice prompt now: \u201c{new.choice_prompt}\u201d"))
    return changes


def changes_between(old: PlanVersion | None, new: PlanVersion) -> list[Change]:
    """What a worker who knew `old` needs to know about `new` (rows prefetched)."""
    if old is None:
        return [Change("new", f"New {new.element.label}")]
    if isinstance(new, RoutineVersion):
        changes = _step_changes(list(old.steps.all()), list(new.steps.all()))
    elif isinstance(new, RhythmVersion):
        changes = _rhythm_changes(old, new)  # type: ignore[arg-type]
    else:
        changes = []
        if old.text.strip() != new.text.strip():  # type: ignore[attr-defined]
            changes.append(Change("reworded", f"Now says: {new.text}"))  # type: ignore[attr-defined]
    if old.agency_summary.strip() != new.agency_summary.strip():
        changes.append(Change("changed", "The shift summary for agency staff changed"))
    if not changes:
        changes.append(Change("changed", new.change_reason or "The decisions it cites changed"))
    return changes


def earlier_versions(kind: Kind, element_ids: Iterable[int]) -> dict[int, list[PlanVersion]]:
    """Every version of these elements, oldest first, with their rows: to compare what is in
    force now with what a worker last saw (two queries for routines and rhythms)."""
    found: dict[int, list[PlanVersion]] = {}
    qs = kind.version_model.objects.filter(**{f"{kind.element_field}_id__in": list(element_ids)})
    for version in qs.prefetch_related(*_rows(kind)).order_by("number"):
        found.setdefault(version.element_id, []).append(version)
    return found


def in_force_among(versions: list[PlanVersion], at: datetime) -> PlanVersion | None:
    """Of one element's versions (oldest first), the one in force at `at`."""
    begun = [v for v in versions if v.effective_from <= at]
    return begun[-1] if begun else None


# What a decision shaped


def routine_lookup_for_decision(decision: Decision) -> dict:
    """What a decision shaped in practice: the routine, rhythm and instruction versions
    citing it."""
    return {
        "routine_versions": list(
            decision.routine_versions.select_related("routine").order_by("routine__name", "number")
        ),
        "rhythm_versions": list(
            decision.rhythm_versions.select_related("rhythm").order_by("rhythm__name", "number")
        ),
        "instruction_versions": list(
            decision.instruction_versions.select_related("instruction").order_by(
                "instruction__title", "number"
            )
        ),
    }


@contribute("planning.decision_shaped", order=10)
def shaped_by(*, decision: Decision, **_: Any) -> list[dict]:
    """For the decision page: each routine, rhythm or staff instruction version that cites
    this decision, with a link (contributed to planning's "What this shaped")."""
    found = routine_lookup_for_decision(decision)
    rows = []
    for label, versions in (
        ("Routine", found["routine_versions"]),
        ("Activity rhythm", found["rhythm_versions"]),
        ("Staff instruction", found["instruction_versions"]),
    ):
        for v in versions:
            element = v.element
            rows.append(
                {
                    "kind": label,
                    "title": f"{element}, version {v.number}"
                    + ("" if v.is_current else " (earlier version)"),
                    "url": reverse(
                        "support:version",
                        kwargs={
                            "person_id": element.person_id,
                            "kind": element.kind,
                            "pk": element.pk,
                            "number": v.number,
                        },
                    ),
                }
            )
    return rows
