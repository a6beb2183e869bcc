"""Demo shift records: weeks of Daniel's mornings (many refusals under the old routine, few
after the re-co-produced one), Priya's activities (declines falling once the rhythm starts),
daily notes, an incident, a "not practical" flag, handovers and an agency briefing.
Idempotent: a person who already has shift records is left alone. All fictional.

Records go through the services where the plan they describe is still in force. Daniel's
old routine was replaced before this runs, so his records under it are written with the
model's own validation instead (demo history only), and every record's `created_at` is set
back to a few minutes after the moment it describes, as if written on the shift.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, time, timedelta

from django.db import models
from django.utils import timezone

from coplan.accounts.models import Organisation, ShiftBooking, User
from coplan.delivery import services
from coplan.delivery.models import (
    Incident,
    PracticalityFlag,
    RoutineRun,
)
from coplan.people.models import Person
from coplan.support.models import ActivityRhythm, Routine, RoutineVersion

NAMESPACE = uuid.UUID("6f1d0c6e-5a0b-4c55-9d57-2b7c1f0a9e11")


def _key(*parts: object) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts))


def _at(days_ago: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def _written(record: models.Model, minutes: int = 10) -> None:
    # Demo history only: the records were "written on the shift", shortly after.
    type(record).objects.filter(pk=record.pk).update(
        created_at=record.occurred_at + timedelta(minutes=minutes)
    )


def _has_records(person: Person) -> bool:
    return person.routine_runs.exists() or person.activity_records.exists()


def seed(*, org: Organisation, people: dict[str, Person], staff: dict[str, User]) -> None:
    worker = staff.get("worker_elm") or staff.get("team_leader_elm")
    if worker is None:
        return
    rng = random.Random(2026)  # noqa: S311 (repeatable demo data, not security)
    if "daniel" in people and not _has_records(people["daniel"]):
        _daniel(people["daniel"], worker, staff.get("worker_elm_2") or worker, rng)
    if "priya" in people and not _has_records(people["priya"]):
        _priya(people["priya"], staff.get("worker_elm_2") or worker, rng)
    agency = staff.get("agency_elm")
    if agency is not None:
        _briefing(agency)


def _old_run(
    dan: Person, version: RoutineVersion, worker: User, day: int, rng: random.Random
) -> None:
    steps = [s.pk for s in version.steps.all()]
    refused = rng.random() < 0.55
    partly = not refused and rng.random() < 0.5
    run = RoutineRun(
        person=dan,
        routine_version=version,
        steps_used=[] if refused else steps[:2] if partly else steps,
        outcome="refused" if refused else "partly" if partly else "completed",
        deviations="Dan pushed the shower away and went back to bed."
        if refused
        else "Stopped after the shower; breakfast late."
        if partly
        else "",
        distress_noticed=refused or partly,
        distress_notes="Rocking and shouting 'no' at the bathroom door."
        if refused
        else "Quiet and tense in the shower."
        if partly
        else "",
        occurred_at=_at(day, 7, rng.randrange(15, 55)),
        recorded_by=worker,
    )
    run.full_clean()
    run.save()
    _written(run, rng.randrange(5, 40))


def _daniel(dan: Person, worker: User, other: User, rng: random.Random) -> None:
    routine = Routine.objects.filter(person=dan, name="Morning routine").first()
    if routine is None:
        return
    versions = {v.number: v for v in routine.versions.prefetch_related("steps")}
    old, new = versions.get(1), versions.get(2)
    old_days = range(0)
    if old is not None and new is not None:
        old_days = range(
            (timezone.now() - old.effective_from).days,
            (timezone.now() - new.effective_from).days,
            -1,
        )
    if old_days:
        for day in old_days:
            _old_run(dan, old, worker, day, rng)
        incident = Incident(
            person=dan,
            incident_type=Incident.Type.DISTRESS,
            severity=Incident.Severity.MODERATE,
            what_happened="Dan became very distressed when woken at 7:15 for the shower; he "
            "hit the bathroom door and hurt his hand.",
            actions_taken="Stepped back, turned the big light off, put his music on. Checked "
            "his hand (bruised, no cut). Told the team leader; Mum informed.",
            routine_version=old,
            occurred_at=_at(old_days[len(old_days) // 2], 7, 40),
            recorded_by=worker,
        )
        incident.full_clean()
        incident.save()
        _written(incident, 35)
        flag = PracticalityFlag(
            person=dan,
            routine_version=old,
            what_happened="Third refusal this week at the 7:30 shower. Dan is calm after "
            "breakfast; the 7:30 slot is for the rota, not for him.",
            occurred_at=_at(old_days[max(0, len(old_days) - 5)], 8, 10),
            recorded_by=worker,
        )
        flag.full_clean()
        flag.save()
        _written(flag, 20)
    current = new or old
    if current is None:
        return
    steps = [s.pk for s in current.steps.all()]
    days_current = (timezone.now() - current.effective_from).days
    for day in range(days_current, 0, -1):
        refused = rng.random() < 0.08
        partly = not refused and rng.random() < 0.15
        by = worker if day % 3 else other
        run = services.routine_run_record(
            person=dan,
            routine=routine,
            outcome="refused" if refused else "partly" if partly else "completed",
            steps_used=[] if refused else steps[:3] if partly else steps,
            deviations="Dan wanted his shower after lunch today; agreed."
            if partly
            else "Dan said 'not today'; offered again at 11, still no."
            if refused
            else "",
            distress_noticed=refused,
            distress_notes="Quiet, turned away; settled with music." if refused else "",
            occurred_at=_at(day, 9, rng.randrange(0, 50)),
            idempotency_key=_key("dan-run", day),
            by=by,
        )
        _written(run, rng.randrange(5, 30))
        if day % 3 == 0:
            note = services.daily_note_create(
                person=dan,
                text="Good morning. Breakfast first, then a warm shower with the fan off. "
                "Chose the blue jumper last night.",
                persons_words="Toast. Then shower. Not hot.",
                occurred_at=_at(day, 12),
                idempotency_key=_key("dan-note", day),
                by=by,
            )
            _written(note, 15)
    for day in range(6, 0, -1):
        handover = services.handover_note_create(
            person=dan,
            summary="Calm day. Morning routine as agreed: music, breakfast, shower."
            if day % 2
            else "Morning went well; a little tense at the shower, chose to wait ten minutes.",
            watch_for="Put two outfits out at 8pm for Dan to choose.",
            occurred_at=_at(day, 21, 45),
            idempotency_key=_key("dan-handover", day),
            by=worker,
        )
        _written(handover, 5)
    late = services.daily_note_create(
        person=dan,
        text="Forgot to note earlier: Mum phoned at lunch, Dan was happy to chat.",
        occurred_at=_at(1, 13),
        idempotency_key=_key("dan-late-note"),
        by=worker,
    )
    _written(late, 200)  # written after the shift: shown as a late entry


PRIYA_BEFORE = [
    ("Swimming at the leisure centre", "Said 'too loud, too many people'."),
    ("Shopping centre trip", "Covered her ears at the bus station; did not want to go."),
    ("Cinema afternoon", "Said 'no' when asked the third time."),
    ("Bowling", "Did not want to go; the route was new to her."),
]
PRIYA_AFTER_DECLINES = [
    ("Said she was tired and wanted to paint at home.", "Painting at home, new paper"),
    ("The bus was diverted; she did not want the new route.", "Canal walk to the garden"),
]


def _priya(priya: Person, worker: User, rng: random.Random) -> None:
    rhythm = ActivityRhythm.objects.filter(person=priya, is_active=True).first()
    version = rhythm.versions.filter(is_current=True).first() if rhythm else None
    start = (timezone.now() - version.effective_from).days if version else 0
    # Before the rhythm: "offered activities", mostly declined (each with its reason).
    for day in range(start + 28, start, -2):
        offered, reason = PRIYA_BEFORE[day % len(PRIYA_BEFORE)]
        declined = rng.random() < 0.75
        record = services.activity_record_create(
            person=priya,
            offered=offered,
            outcome="declined" if declined else "took_part",
            chosen="" if declined else "Went for half an hour",
            decline_reason=reason if declined else "",
            alternative_offered="Stay in and watch TV" if declined else "",
            occurred_at=_at(day, 14),
            idempotency_key=_key("priya-before", day),
            by=worker,
        )
        _written(record, rng.randrange(5, 60))
    if version is None:
        return
    entries = {e.day: e for e in version.entries.all()}
    for day in range(start, 0, -1):
        entry = entries.get((timezone.localdate() - timedelta(days=day)).weekday())
        if entry is None:
            continue
        declined = rng.random() < 0.15
        reason, alternative = PRIYA_AFTER_DECLINES[day % 2]
        record = services.activity_record_create(
            person=priya,
            rhythm=rhythm,
            entry=entry,
            offered=entry.activity,
            outcome="declined" if declined else "took_part",
            chosen=""
            if declined
            else rng.choice(
                ["Went after lunch, as she chose", "Went straight away", "Chose the quiet corner"]
            ),
            adjustments=""
            if declined
            else rng.choice(
                [
                    "Went at the quieter time she chose",
                    "Took the known bus route; snack packed the night before",
                    "Sat by the window, headphones on",
                ]
            ),
            decline_reason=reason if declined else "",
            alternative_offered=alternative if declined else "",
            occurred_at=_at(day, (entry.time or time(11, 0)).hour, 30),
            idempotency_key=_key("priya-after", day),
            by=worker,
        )
        _written(record, rng.randrange(5, 45))
    handover = services.handover_note_create(
        person=priya,
        summary="Library today: Priya chose to go after lunch and stayed an hour.",
        watch_for="Travel card needs topping up tonight.",
        occurred_at=_at(1, 21, 30),
        idempotency_key=_key("priya-handover"),
        by=worker,
    )
    _written(handover, 5)


def _briefing(agency: User) -> None:
    """Kasia confirmed tomorrow's briefing in advance; today's is left for the demo."""
    tomorrow = timezone.now() + timedelta(days=1)
    booking = (
        ShiftBooking.objects.filter(user=agency, starts_at__gt=timezone.now())
        .filter(starts_at__date__lte=tomorrow.date())
        .order_by("starts_at")
        .first()
    )
    if booking is not None:
        services.briefing_acknowledge(booking=booking, by=agency)
