"""Spot checks: a quality lead draws a random sample of one service's recent records, checks
each against a checklist (was the choice recorded, the adjustments, the agreed words, the
order of steps, why an entry was late, the person's own words), and records findings and
actions. The draw is reproducible: the records of the period are put in a fixed order (kind,
then id) and `random.Random(seed)` samples them, so the same seed over the same records
draws the same sample (`draw`). `spot_check_results` gives the trend the evidence pack
reads."""

from __future__ import annotations

import random
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Model
from django.utils import timezone

from coplan.accounts.models import Membership, Service, User
from coplan.assurance.models import FollowUp, SpotCheck, SpotCheckItem
from coplan.delivery.models import ActivityRecord, DailyNote, Incident, RoutineRun
from coplan.lib import input as policy
from coplan.risk.models import PracticeSession

PASS, FAIL, NA = "pass", "fail", "na"
MARKS = {PASS: "Yes", FAIL: "No", NA: "Does not apply"}
DEFAULT_SIZE = 10
MAX_SIZE = 50
DEFAULT_DAYS = 28

# The checklist, in the order it is shown.
CHECKS: dict[str, str] = {
    "step_order": "Step order recorded",
    "adjustments": "Adjustments or differences recorded",
    "agreed_words": "Agreed words used",
    "choice": "Person's choice recorded",
    "own_words": "Person's own words recorded",
    "plan_link": "Part of the plan involved named",
    "competencies": "Competencies and prompts recorded",
    "late_entry": "Late entry explained",
}


@dataclass(frozen=True)
class RecordKind:
    key: str
    label: str
    model: type[Model]
    checks: tuple[str, ...]


KINDS: dict[str, RecordKind] = {
    k.key: k
    for k in (
        RecordKind(
            "routine_run",
            "Routine record",
            RoutineRun,
            ("step_order", "adjustments", "agreed_words", "late_entry"),
        ),
        RecordKind(
            "activity", "Activity record", ActivityRecord, ("choice", "adjustments", "late_entry")
        ),
        RecordKind("daily_note", "Daily note", DailyNote, ("own_words", "late_entry")),
        RecordKind("incident", "Incident", Incident, ("plan_link", "late_entry")),
        RecordKind(
            "practice",
            "Travel practice session",
            PracticeSession,
            ("competencies", "own_words", "late_entry"),
        ),
    )
}

SIZE_RANGE = f"Give a sample size from 1 to {MAX_SIZE}."
PERIOD_ORDER = "The period must end on or after its first day."
ANSWER_ALL = "Answer every check for every record (Yes, No or Does not apply)."


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    begin = timezone.make_aware(datetime.combine(start, time.min))
    finish = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    return begin, finish


def population(service: Service, start: date, end: date) -> list[tuple[str, int]]:
    """Every record of the service's people that happened in the period, in a fixed order:
    by kind (the order of KINDS), then id."""
    begin, finish = _bounds(start, end)
    found: list[tuple[str, int]] = []
    for kind in KINDS.values():
        ids = (
            kind.model._default_manager.filter(
                person__service=service, occurred_at__gte=begin, occurred_at__lt=finish
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        found.extend((kind.key, pk) for pk in ids)
    return found


def draw(service: Service, start: date, end: date, seed: int, size: int) -> list[tuple[str, int]]:
    """The sample this seed draws from the period's records: the same seed over the same
    records gives the same sample, in the same order."""
    records = population(service, start, end)
    rng = random.Random(seed)  # noqa: S311 (a reproducible sample, not a secret)
    return rng.sample(records, min(size, len(records)))


def _check_period(start: date, end: date, size: int) -> None:
    errors: dict[str, str] = {}
    for name, value in (("period_start", start), ("period_end", end)):
        problem = policy.date_problem(name, value)
        if problem:
            errors[name] = problem
    if not errors and end < start:
        errors["period_end"] = PERIOD_ORDER
    if not 1 <= size <= MAX_SIZE:
        errors["sample_size"] = SIZE_RANGE
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def spot_check_draw(
    *,
    service: Service,
    by: User,
    period_start: date,
    period_end: date,
    sample_size: int = DEFAULT_SIZE,
    seed: int | None = None,
) -> SpotCheck:
    """Draw and keep a sample: the seed (a new random one unless given), the period and the
    records drawn. The caller has decided `by` may spot-check this service."""
    _check_period(period_start, period_end, sample_size)
    seed = secrets.randbelow(2**62) if seed is None else seed
    if not 0 <= seed < 2**63:
        raise ValidationError({"seed": policy.INT_RANGE})
    check = SpotCheck(
        service=service,
        by=by,
        seed=seed,
        period_start=period_start,
        period_end=period_end,
        sample_size=sample_size,
    )
    check.full_clean()
    check.save()
    sample = draw(service, period_start, period_end, seed, sample_size)
    people = _people_of(sample)
    SpotCheckItem.objects.bulk_create(
        SpotCheckItem(
            spot_check=check,
            position=n,
            record_kind=kind,
            record_id=pk,
            person_id=people[(kind, pk)],
        )
        for n, (kind, pk) in enumerate(sample)
    )
    return check


def _people_of(sample: list[tuple[str, int]]) -> dict[tuple[str, int], int]:
    by_kind: dict[str, list[int]] = defaultdict(list)
    for kind, pk in sample:
        by_kind[kind].append(pk)
    out = {}
    for kind, ids in by_kind.items():
        rows = KINDS[kind].model._default_manager.filter(pk__in=ids).values_list("pk", "person_id")
        out.update({(kind, pk): person for pk, person in rows})
    return out


def redraw(check: SpotCheck) -> list[tuple[str, int]]:
    """Draw again from the stored seed and period: equal to the kept sample while the
    period's records are unchanged."""
    return draw(check.service, check.period_start, check.period_end, check.seed, check.sample_size)


def kept_sample(check: SpotCheck) -> list[tuple[str, int]]:
    return [(i.record_kind, i.record_id) for i in check.items.order_by("position")]


# Suggested answers, from what the record itself shows -----------------------------------------


def _suggest(kind: str, record: Any) -> dict[str, str | None]:
    """What the record shows for each check it can show by itself (None: the lead judges)."""
    late = NA if not record.is_late else None
    if kind == "routine_run":
        agreed = [s.pk for s in record.routine_version.steps.all()]
        used = record.steps_used or []
        differs = used != agreed
        return {
            "step_order": PASS if used or record.outcome == RoutineRun.Outcome.REFUSED else FAIL,
            "adjustments": (PASS if record.deviations.strip() else FAIL) if differs else NA,
            "agreed_words": None,
            "late_entry": late,
        }
    if kind == "activity":
        if record.is_declined:
            choice = PASS if record.decline_reason and record.alternative_offered else FAIL
        else:
            choice = PASS if record.chosen.strip() else FAIL
        return {
            "choice": choice,
            "adjustments": PASS if record.adjustments.strip() else None,
            "late_entry": late,
        }
    if kind == "daily_note":
        return {"own_words": PASS if record.persons_words.strip() else FAIL, "late_entry": late}
    if kind == "incident":
        return {"plan_link": PASS if record.plan_element else FAIL, "late_entry": late}
    if kind == "practice":
        complete = record.result_count >= record.competency_count
        return {
            "competencies": PASS if complete else FAIL,
            "own_words": PASS if record.persons_words.strip() else FAIL,
            "late_entry": late,
        }
    return {}


def _summary(kind: str, record: Any) -> list[str]:
    if kind == "routine_run":
        names = {s.pk: s.title for s in record.routine_version.steps.all()}
        used = ", ".join(names.get(s, "?") for s in record.steps_used) or "none"
        lines = [
            f"{record.routine_version}: {record.get_outcome_display().lower()}",
            f"Steps used, in order: {used}",
        ]
        if record.deviations:
            lines.append(f"Done differently: {record.deviations}")
        return lines
    if kind == "activity":
        lines = [f"Offered: {record.offered} ({record.get_outcome_display().lower()})"]
        if record.chosen:
            lines.append(f"Chose: {record.chosen}")
        if record.decline_reason:
            lines.append(f"Why declined: {record.decline_reason}")
        if record.alternative_offered:
            lines.append(f"Alternative offered: {record.alternative_offered}")
        if record.adjustments:
            lines.append(f"Adjustments: {record.adjustments}")
        return lines
    if kind == "daily_note":
        lines = [record.text]
        if record.persons_words:
            lines.append(f"In their words: \u201c{record.persons_words}\u201d")
        return lines
    if kind == "incident":
        return [
            f"{record.get_incident_type_display()} ({record.get_severity_display().lower()})",
            record.what_happened,
            f"Plan involved: {record.plan_element or 'not named'}",
        ]
    if kind == "practice":
        lines = [
            f"{record.route}: {record.result_count} of {record.competency_count} "
            "competencies recorded",
            f"Prompts: {record.prompts_verbal} verbal, {record.prompts_gestural} gestural, "
            f"{record.prompts_physical} physical",
        ]
        if record.persons_words:
            lines.append(f"In their words: \u201c{record.persons_words}\u201d")
        return lines
    return []


def _plan_of(kind: str, record: Any) -> str:
    """The part of the plan the record is checked against ("" where it names none)."""
    if kind == "routine_run":
        return str(record.routine_version)
    if kind == "activity":
        return str(record.rhythm_version) if record.rhythm_version_id else ""
    if kind == "incident":
        return record.plan_element
    if kind == "practice":
        return f"{record.plan}, {record.route}"
    return ""


@dataclass
class CheckLine:
    key: str
    label: str
    suggested: str | None
    value: str | None


@dataclass
class SampledRecord:
    item: SpotCheckItem
    kind_label: str
    record: Any
    summary: list[str]
    lines: list[CheckLine]
    plan: str = ""


def _records(kind: str, ids: list[int]) -> dict[int, Any]:
    qs = KINDS[kind].model._default_manager.filter(pk__in=ids).select_related("recorded_by")
    if kind == "routine_run":
        qs = qs.select_related("routine_version__routine").prefetch_related(
            "routine_version__steps"
        )
    elif kind == "activity":
        qs = qs.select_related("rhythm_version__rhythm", "entry")
    elif kind == "incident":
        qs = qs.select_related("routine_version__routine", "rhythm_version__rhythm")
    elif kind == "practice":
        qs = qs.select_related("plan").annotate(
            result_count=Count("results", distinct=True),
            competency_count=Count("stage__competencies", distinct=True),
        )
    return {r.pk: r for r in qs}


def sample_records(check: SpotCheck) -> list[SampledRecord]:
    """The kept sample with each record, what it says, and its checklist (the suggestion
    from the record beside the answer recorded, if any). One query per kind of record."""
    items = list(check.items.select_related("person").order_by("position"))
    by_kind: dict[str, list[int]] = defaultdict(list)
    for item in items:
        by_kind[item.record_kind].append(item.record_id)
    records = {kind: _records(kind, ids) for kind, ids in by_kind.items()}
    out = []
    for item in items:
        record = records[item.record_kind].get(item.record_id)
        kind = KINDS[item.record_kind]
        suggested = _suggest(item.record_kind, record) if record is not None else {}
        out.append(
            SampledRecord(
                item=item,
                kind_label=kind.label,
                record=record,
                summary=_summary(item.record_kind, record) if record is not None else [],
                plan=_plan_of(item.record_kind, record) if record is not None else "",
                lines=[
                    CheckLine(key, CHECKS[key], suggested.get(key), item.results.get(key))
                    for key in kind.checks
                ],
            )
        )
    return out


@transaction.atomic
def spot_check_record(
    *,
    spot_check: SpotCheck,
    by: User,
    results: dict[int, dict[str, str]],
    notes: dict[int, str] | None = None,
    findings: str = "",
    actions: list[dict[str, Any]] | None = None,
) -> SpotCheck:
    """Record the checklist for every sampled record (`results` by item id: check key to
    pass, fail or na), the findings and any actions (what, owner, due date); the check is
    then done and counts in the trend."""
    check = SpotCheck.objects.select_for_update().get(pk=spot_check.pk)
    if check.status == SpotCheck.Status.DONE:
        raise ValidationError({"results": "This spot check is already recorded."})
    items = list(check.items.all())
    notes = notes or {}
    now = timezone.now()
    for item in items:
        given = results.get(item.pk) or {}
        wanted = KINDS[item.record_kind].checks
        if set(given) != set(wanted) or any(v not in MARKS for v in given.values()):
            raise ValidationError({"results": ANSWER_ALL})
        item.results = {k: given[k] for k in wanted}
        item.note = str(notes.get(item.pk, ""))
        item.checked_at = now
        item.full_clean()
    SpotCheckItem.objects.bulk_update(items, ["results", "note", "checked_at"])
    check.findings = findings
    check.status = SpotCheck.Status.DONE
    check.completed_at = now
    check.full_clean()
    check.save(update_fields=["findings", "status", "completed_at", "updated_at"])
    staff = set(
        Membership.objects.filter(service_id=check.service_id).values_list("user_id", flat=True)
    )
    for action in actions or []:
        what = str(action.get("what") or "").strip()
        if not what:
            continue
        owner = action.get("owner")
        owner_id = owner.pk if isinstance(owner, User) else owner
        if owner_id not in staff and owner_id != by.pk:
            raise ValidationError({"actions": "Each action's owner must work in this service."})
        if action.get("due_on") is None:
            raise ValidationError({"actions": "Each action needs a due date."})
        row = FollowUp(
            service_id=check.service_id,
            spot_check=check,
            what=what,
            owner_id=owner_id,
            due_on=action["due_on"],
        )
        row.full_clean()
        row.save()
    return check


# Results and the trend -------------------------------------------------------------------


@dataclass(frozen=True)
class CheckShare:
    key: str
    label: str
    passed: int
    counted: int  # items where the check applied

    @property
    def percent(self) -> int | None:
        return round(100 * self.passed / self.counted) if self.counted else None


@dataclass(frozen=True)
class SpotCheckSummary:
    id: int
    drawn_at: datetime
    completed_at: datetime | None
    period_start: date
    period_end: date
    seed: int
    by: str
    items: int
    items_passing: int  # every check that applied passed
    per_check: list[CheckShare]
    findings: str
    open_actions: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.items_passing / self.items) if self.items else None


@dataclass(frozen=True)
class SpotCheckResults:
    service_id: int
    service: str
    start: date
    end: date
    checks: list[SpotCheckSummary]  # completed ones, oldest first
    in_progress: int
    trend: dict[str, list[tuple[date, int | None]]] = field(default_factory=dict)

    @property
    def latest(self) -> SpotCheckSummary | None:
        return self.checks[-1] if self.checks else None


def _summarise(check: SpotCheck, items: list[SpotCheckItem], open_actions: int) -> SpotCheckSummary:
    passed: dict[str, int] = defaultdict(int)
    counted: dict[str, int] = defaultdict(int)
    passing = 0
    for item in items:
        values = item.results.values()
        if values and FAIL not in values:
            passing += 1
        for key, value in item.results.items():
            if value != NA:
                counted[key] += 1
                passed[key] += value == PASS
    return SpotCheckSummary(
        id=check.pk,
        drawn_at=check.drawn_at,
        completed_at=check.completed_at,
        period_start=check.period_start,
        period_end=check.period_end,
        seed=check.seed,
        by=str(check.by),
        items=len(items),
        items_passing=passing,
        per_check=[CheckShare(k, CHECKS[k], passed[k], counted[k]) for k in CHECKS if counted[k]],
        findings=check.findings,
        open_actions=open_actions,
    )


def results_for_services(
    services: list[Service], start: date, end: date
) -> dict[int, SpotCheckResults]:
    """Completed spot checks drawn in the period for each service, with the share of items
    passing per check. Three queries whatever the number of services."""
    service_ids = [s.pk for s in services]
    begin, finish = _bounds(start, end)
    checks = list(
        SpotCheck.objects.filter(
            service_id__in=service_ids, drawn_at__gte=begin, drawn_at__lt=finish
        )
        .select_related("by")
        .order_by("drawn_at", "id")
    )
    done = [c for c in checks if c.status == SpotCheck.Status.DONE]
    items: dict[int, list[SpotCheckItem]] = defaultdict(list)
    for item in SpotCheckItem.objects.filter(spot_check__in=[c.pk for c in done]).only(
        "spot_check_id", "results"
    ):
        items[item.spot_check_id].append(item)
    open_actions = dict(
        FollowUp.objects.filter(spot_check__in=[c.pk for c in done], done_at__isnull=True)
        .values("spot_check")
        .annotate(n=Count("id"))
        .values_list("spot_check", "n")
    )
    out = {}
    for service in services:
        sid = service.pk
        mine = [
            _summarise(c, items[c.pk], open_actions.get(c.pk, 0))
            for c in done
            if c.service_id == sid
        ]
        trend = {
            key: [
                (s.drawn_at.date(), next((p.percent for p in s.per_check if p.key == key), None))
                for s in mine
            ]
            for key in CHECKS
            if any(p.key == key for s in mine for p in s.per_check)
        }
        out[sid] = SpotCheckResults(
            service_id=sid,
            service=str(service),
            start=start,
            end=end,
            checks=mine,
            in_progress=sum(
                1 for c in checks if c.service_id == sid and c.status == SpotCheck.Status.DRAWN
            ),
            trend=trend,
        )
    return out


def spot_check_results(service: Service, start: date, end: date) -> SpotCheckResults:
    """The service's completed spot checks drawn in the period, oldest first, each with the
    share of items passing overall and per check; and the trend per check."""
    return results_for_services([service], start, end)[service.pk]


def summary_of(check: SpotCheck) -> SpotCheckSummary | None:
    """The results of one recorded spot check (None while it is being checked)."""
    if check.status != SpotCheck.Status.DONE:
        return None
    open_actions = check.follow_ups.filter(done_at__isnull=True).count()
    return _summarise(check, list(check.items.only("spot_check_id", "results")), open_actions)
