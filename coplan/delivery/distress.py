"""Distress and behaviour records (positive behaviour support): the writes and the reads.

A distress record says how intense the episode was (1 to 5, in words), what happened
before, what the person did, what helped afterwards and how long it lasted, and may point
at the part of the plan involved: a routine step (the version in force when it happened),
a routine run, or an activity. It is written like every shift record: by who may record
for the person (agency staff only on a booked, briefed shift), once per idempotency key,
and announced on commit so later stages hear of it. An incident can be started from it;
the record then points at that incident.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet, Sum, Value
from django.db.models.functions import TruncDate
from django.utils import timezone

from coplan.accounts.models import User
from coplan.delivery import idempotency
from coplan.delivery import services as delivery_services
from coplan.delivery.models import ActivityRecord, DistressRecord, Incident, RoutineRun
from coplan.lib import events
from coplan.lib.dates import occurred
from coplan.people.models import Person
from coplan.support.models import Routine, RoutineStep, RoutineVersion

Intensity = DistressRecord.Intensity

# What each point of the scale looks like, so two workers score the same episode alike.
INTENSITY_HELP: dict[int, str] = {
    1: "Restless, withdrawn or more watchful than usual; settles with a little reassurance.",
    2: "Clear signs of distress (pacing, raised voice, repeating a question); responds to the "
    "agreed support.",
    3: "Shouting, crying, refusing or pushing things away; needs active support and space.",
    4: "Hard to reach for a while; may throw or damage things; other people kept at a distance.",
    5: "Harm to themselves or others was likely or happened; the agreed emergency steps "
    "were needed.",
}
INTENSITY_RANGE = "Choose how intense it was, from 1 (unsettled) to 5 (severe distress)."
DURATION_RANGE = "Give how long it lasted in minutes, from 0 to 1440 (a day)."
ONE_LINK = "Link the episode to one part of the plan: a routine step or an activity."
NOT_THEIRS = "That record is not one of {name}'s."
STEP_NOT_IN_ROUTINE = "Choose a step of the routine version it happened under."
MAX_MINUTES = 24 * 60


def _check(*, intensity: Any, duration_minutes: Any) -> None:
    errors: dict[str, str] = {}
    if not isinstance(intensity, int) or isinstance(intensity, bool) or not 1 <= intensity <= 5:
        errors["intensity"] = INTENSITY_RANGE
    if (
        not isinstance(duration_minutes, int)
        or isinstance(duration_minutes, bool)
        or not 0 <= duration_minutes <= MAX_MINUTES
    ):
        errors["duration_minutes"] = DURATION_RANGE
    if errors:
        raise ValidationError(errors)


def _links(
    *,
    person: Person,
    at: datetime,
    routine: Routine | None,
    step: RoutineStep | None,
    routine_run: RoutineRun | None,
    activity: ActivityRecord | None,
) -> dict[str, Any]:
    """The plan element involved, as fields of the record: the routine version in force
    when it happened (or the one the run was made under), the step within it, or the
    activity record with its rhythm version and entry."""
    if (routine or routine_run or step) and activity:
        raise ValidationError(ONE_LINK)
    for record in (routine_run, activity):
        if record is not None and record.person_id != person.pk:
            raise ValidationError(NOT_THEIRS.format(name=person.called))
    if activity is not None:
        return {
            "activity_record": activity,
            "rhythm_version": activity.rhythm_version,
            "rhythm_entry": activity.entry,
        }
    version: RoutineVersion | None = None
    if routine_run is not None:
        version = routine_run.routine_version
        if routine is not None and routine.pk != version.routine_id:
            raise ValidationError({"routine": "That run is of another routine."})
    elif routine is not None:
        found = delivery_services.in_force(routine, person, at)
        assert isinstance(found, RoutineVersion)
        version = found
    elif step is not None:
        version = step.version
        if version.routine.person_id != person.pk:
            raise ValidationError(NOT_THEIRS.format(name=person.called))
    if step is not None and (version is None or step.version_id != version.pk):
        raise ValidationError({"step": STEP_NOT_IN_ROUTINE})
    return {"routine_version": version, "routine_step": step, "routine_run": routine_run}


@transaction.atomic
def distress_record_create(
    *,
    person: Person,
    intensity: int,
    before: str,
    what_person_did: str,
    what_helped: str,
    duration_minutes: int,
    routine: Routine | None = None,
    step: RoutineStep | None = None,
    routine_run: RoutineRun | None = None,
    activity: ActivityRecord | None = None,
    occurred_at: datetime | None = None,
    idempotency_key: Any,
    by: User,
) -> DistressRecord:
    body = {
        "person": person,
        "occurred_at": occurred_at,
        "intensity": intensity,
        "before": before,
        "what_person_did": what_person_did,
        "what_helped": what_helped,
        "duration_minutes": duration_minutes,
        "routine": routine,
        "step": step,
        "routine_run": routine_run,
        "activity": activity,
    }

    def create() -> DistressRecord:
        booking = delivery_services.recording_booking(person=person, by=by)
        _check(intensity=intensity, duration_minutes=duration_minutes)
        at = occurred(occurred_at)
        record = DistressRecord(
            person=person,
            occurred_at=at,
            recorded_by=by,
            booking=booking,
            intensity=intensity,
            before=before.strip(),
            what_person_did=what_person_did.strip(),
            what_helped=what_helped.strip(),
            duration_minutes=duration_minutes,
            **_links(
                person=person,
                at=at,
                routine=routine,
                step=step,
                routine_run=routine_run,
                activity=activity,
            ),
        )
        record.full_clean()
        record.save()
        events.record_committed(model=DistressRecord, person_id=person.pk, record_id=record.pk)
        return record

    record, _ = idempotency.save_once(
        key=idempotency_key, user=by, model=DistressRecord, body=body, create=create
    )
    return record


def incident_prefill(record: DistressRecord) -> dict[str, Any]:
    """What an incident started from a distress record begins with."""
    severity = (
        Incident.Severity.HIGH
        if record.intensity >= 5
        else Incident.Severity.MODERATE
        if record.intensity >= 3
        else Incident.Severity.LOW
    )
    happened = (
        f"Before: {record.before}\n"
        f"What {record.person.called} did: {record.what_person_did}\n"
        f"It lasted {record.duration_minutes} minutes "
        f"(intensity {record.get_intensity_display()})."
    )
    initial: dict[str, Any] = {
        "occurred_at": timezone.localtime(record.occurred_at).replace(second=0, microsecond=0),
        "incident_type": Incident.Type.DISTRESS,
        "severity": severity,
        "what_happened": happened,
        "actions_taken": record.what_helped,
    }
    if record.routine_version is not None:
        initial["plan_element"] = f"routine:{record.routine_version.routine_id}"
    elif record.rhythm_version is not None:
        initial["plan_element"] = f"rhythm:{record.rhythm_version.rhythm_id}"
    return initial


@transaction.atomic
def distress_incident_start(
    *, record: DistressRecord, idempotency_key: Any, by: User, **incident: Any
) -> Incident:
    """An incident started from a distress record (through delivery's one incident write,
    once per key); the distress record then points at it, as a new version of it."""
    made = delivery_services.incident_create(
        person=record.person, idempotency_key=idempotency_key, by=by, **incident
    )
    locked = DistressRecord.objects.select_for_update().get(pk=record.pk)
    if locked.incident_id is None:
        locked.incident = made
        locked.bump_version()
        locked.save(update_fields=["incident", "version", "updated_at"])
        record.incident, record.version = made, locked.version
    return made


# Reads


def records_for_person_any() -> QuerySet[DistressRecord]:
    """Distress records with what their pages show (one query)."""
    return DistressRecord.objects.select_related(
        "recorded_by",
        "routine_version__routine",
        "routine_step",
        "rhythm_version__rhythm",
        "rhythm_entry",
        "activity_record",
        "incident",
    )


def records_for_person(person: Person) -> QuerySet[DistressRecord]:
    return records_for_person_any().filter(person=person)


@dataclass
class Week:
    starts: date
    episodes: int
    mean_intensity: float | None
    refusals: int

    @property
    def ends(self) -> date:
        return self.starts + timedelta(days=6)


WEEKS = 8


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_trend(person: Person, *, weeks: int = WEEKS, today: date | None = None) -> list[Week]:
    """Per week (Monday to Sunday), oldest first, ending with this week: the distress
    episodes and their mean intensity, beside the routine refusals (one query)."""
    last = _monday(today or timezone.localdate())
    first = last - timedelta(weeks=weeks - 1)
    since = timezone.make_aware(datetime.combine(first, time.min))
    zone = timezone.get_current_timezone()
    episodes_by_day = (
        DistressRecord.objects.filter(person=person, occurred_at__gte=since)
        .annotate(day=TruncDate("occurred_at", tzinfo=zone))
        .values("day")
        .annotate(n=Count("id"), total=Sum("intensity"), kind=Value("distress"))
        .order_by()
    )
    refusals_by_day = (
        RoutineRun.objects.filter(
            person=person, occurred_at__gte=since, outcome=RoutineRun.Outcome.REFUSED
        )
        .annotate(day=TruncDate("occurred_at", tzinfo=zone))
        .values("day")
        .annotate(n=Count("id"), total=Count("id"), kind=Value("refusal"))
        .order_by()
    )
    episodes: dict[date, int] = defaultdict(int)
    intensity_sum: dict[date, int] = defaultdict(int)
    refusals: dict[date, int] = defaultdict(int)
    # One query for both: the person page shows this beside everything else.
    for row in episodes_by_day.union(refusals_by_day, all=True):
        monday = _monday(row["day"])
        if row["kind"] == "distress":
            episodes[monday] += row["n"]
            intensity_sum[monday] += row["total"]
        else:
            refusals[monday] += row["n"]
    found = []
    for i in range(weeks):
        monday = first + timedelta(weeks=i)
        n = episodes.get(monday, 0)
        mean = round(intensity_sum[monday] / n, 1) if n else None
        found.append(Week(monday, n, mean, refusals.get(monday, 0)))
    return found


# The chart beside the table: episodes and refusals as paired bars per week, with the mean
# intensity as a dot on its own 1-5 scale. Hand-drawn SVG, no script.
WIDTH, HEIGHT = 360, 170
LEFT, RIGHT, TOP, BOTTOM = 28, 28, 10, 26


def trend_chart(weeks: list[Week]) -> dict[str, Any]:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = max([w.episodes for w in weeks] + [w.refusals for w in weeks] + [4])
    top += -top % 2
    step = plot_w / max(len(weeks), 1)
    bar_w = max(min(step * 0.32, 14), 2)
    base = TOP + plot_h
    bars, dots = [], []
    for i, w in enumerate(weeks):
        x0 = LEFT + i * step + (step - 2 * bar_w) / 2
        for j, (kind, value) in enumerate((("distress", w.episodes), ("refusal", w.refusals))):
            h = plot_h * value / top
            bars.append(
                {
                    "x": round(x0 + j * bar_w, 1),
                    "y": round(base - h, 1),
                    "width": round(bar_w, 1),
                    "height": round(h, 1),
                    "kind": kind,
                }
            )
        if w.mean_intensity is not None:
            dots.append(
                {
                    "cx": round(x0 + bar_w, 1),
                    "cy": round(base - plot_h * (w.mean_intensity - 0) / 5, 1),
                    "label": f"mean intensity {w.mean_intensity}",
                }
            )
    labels = [
        {"x": round(LEFT + i * step + step / 2, 1), "text": f"{w.starts:%-d %b}"}
        for i, w in enumerate(weeks)
        if i % 2 == 0
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "bars": bars,
        "dots": dots,
        "labels": labels,
        "ticks": [
            {"y": round(base - plot_h * v / top, 1), "text": str(v)} for v in (0, top // 2, top)
        ],
        "right_ticks": [{"y": round(base - plot_h * v / 5, 1), "text": str(v)} for v in (1, 5)],
        "x1": LEFT,
        "x2": WIDTH - RIGHT,
        "label_y": HEIGHT - 8,
        "right_x": WIDTH - RIGHT + 4,
    }
