"""A deterministic synthetic data set: an organisation with a few services, people with a
morning routine and a weekly rhythm in force, and years of daily shift records written with
bulk_create (no change history, as a migration of old records would be).

The same arguments give the same data: names, outcomes and times come from a seeded
random generator, and dates count back from one fixed "today" per run. `save` and `load`
keep a world's ids beside a copy of its database, so `make bench` builds each size once.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone

from coplan.accounts.models import Membership, Organisation, Service, User
from coplan.delivery.models import (
    ActivityRecord,
    DailyNote,
    DistressRecord,
    HandoverNote,
    Incident,
    RoutineRun,
)
from coplan.people import services as people_services
from coplan.people.models import Person
from coplan.planning.models import Decision
from coplan.support import services as support_services
from coplan.support.models import RhythmVersion, RoutineVersion

FIRST = ["Alex", "Bea", "Cal", "Dee", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jess", "Kit", "Lou"]
LAST = ["Arden", "Brook", "Cole", "Dale", "Ennis", "Frost", "Grey", "Hale", "Irwin", "Jay"]
STEPS = [
    ("Breakfast first", "Breakfast is ready when you are.", time(7, 30), time(9, 0)),
    ("Clothes chosen last night", "Here are the clothes you picked.", time(8, 30), time(9, 30)),
    ("Shower, later", "Shower when you are ready.", time(9, 30), time(11, 0)),
    ("Plan the day", "What would you like to do first?", time(10, 0), time(11, 0)),
]
ACTIVITIES = ["Library quiet room", "Swimming", "Park walk", "Garden centre cafe"]


@dataclass
class BenchWorld:
    org: Organisation
    services: list[Service]
    worker: User  # a support worker in the first service (a house of several people)
    solo_worker: User  # a support worker in a flat for one person
    manager: User  # manages every service: the today page and the review dashboard
    quality_lead: User  # reads across the organisation: their today page
    people: list[Person]
    routine_versions: dict[int, RoutineVersion] = field(default_factory=dict)  # person id ->
    rhythm_versions: dict[int, RhythmVersion] = field(default_factory=dict)
    step_ids: dict[int, list[int]] = field(default_factory=dict)
    today: datetime = field(default_factory=timezone.now)


def _user(username: str, name: str) -> User:
    user = User(username=username, display_name=name)
    user.set_unusable_password()
    user.save()
    return user


def make_world(*, people: int = 30, per_service: int = 6, seed: int = 7) -> BenchWorld:
    rng = random.Random(seed)
    suffix = f"{seed}-{rng.randrange(10**8):08d}-{timezone.now():%H%M%S%f}"
    org = Organisation.objects.create(name=f"Bench {suffix}", slug=f"bench-{suffix}")
    services = [
        Service.objects.create(organisation=org, name=f"House {n + 1}")
        for n in range((people + per_service - 1) // per_service)
    ]
    solo = Service.objects.create(organisation=org, name="Flat for one")
    manager = _user(f"bench-manager-{suffix}", "Bench Manager")
    worker = _user(f"bench-worker-{suffix}", "Bench Worker")
    for service in services:
        Membership.objects.create(user=manager, service=service, role=Membership.Role.MANAGER)
    Membership.objects.create(user=worker, service=services[0], role="support_worker")
    solo_worker = _user(f"bench-solo-{suffix}", "Bench Solo Worker")
    Membership.objects.create(user=solo_worker, service=solo, role="support_worker")
    Membership.objects.create(user=manager, service=solo, role=Membership.Role.MANAGER)
    quality_lead = _user(f"bench-quality-{suffix}", "Bench Quality Lead")
    Membership.objects.create(
        user=quality_lead, service=services[0], role=Membership.Role.QUALITY_LEAD
    )
    world = BenchWorld(
        org=org,
        services=services,
        worker=worker,
        solo_worker=solo_worker,
        manager=manager,
        quality_lead=quality_lead,
        people=[],
    )
    for n in range(people + 1):
        person = people_services.person_create(
            service=services[n // per_service] if n < people else solo,
            by=manager,
            given_name=rng.choice(FIRST),
            family_name=f"{rng.choice(LAST)} {n}",
        )
        decision = Decision.objects.create(
            person=person,
            domain="support",
            question="How should my mornings go?",
            status="agreed",
            agreed_by=manager,
            agreed_at=timezone.now(),
            created_by=manager,
        )
        routine = support_services.routine_create(
            person=person,
            name="Morning routine",
            decisions=[decision],
            steps=[
                {"title": t, "agreed_words": w, "window_start": a, "window_end": b}
                for t, w, a, b in STEPS
            ],
            agency_summary="Breakfast first.\nShower later.",
            activate=True,
            by=manager,
        )
        rhythm = support_services.rhythm_create(
            person=person,
            name="My week",
            decisions=[decision],
            entries=[
                {
                    "day": d,
                    "time": time(10 + d % 3, 0),
                    "activity": ACTIVITIES[d % 4],
                    "kind": "priority" if d % 2 == 0 else "flexible",
                }
                for d in range(7)
            ],
            preparation="Clothes out\nTravel card\nPreferred snack",
            choice_prompt="Library or park today?",
            activate=True,
            by=manager,
        )
        version = routine.versions.get(is_current=True)
        world.people.append(person)
        world.routine_versions[person.pk] = version
        world.rhythm_versions[person.pk] = rhythm.versions.get(is_current=True)
        world.step_ids[person.pk] = list(version.steps.values_list("pk", flat=True))
    return world


BUSY = 7  # the first person's records come this many times over: the evidence pack's person


def add_history(world: BenchWorld, *, from_day: int, to_day: int, seed: int = 7) -> int:
    """Daily records for every person for the days `from_day` up to `to_day` days ago
    (one routine run, two activity records, a daily note and a handover a day; distress
    records on refusals, an incident now and then). The first person has BUSY times as many
    (about 30,000 rows in 3 years: DESIGN.md's evidence pack). Returns the rows written."""
    rng = random.Random(seed * 1000 + from_day)
    batch: dict[type, list] = {
        RoutineRun: [],
        ActivityRecord: [],
        DailyNote: [],
        HandoverNote: [],
        Incident: [],
        DistressRecord: [],
    }
    written = 0

    def flush(force: bool = False) -> None:
        nonlocal written
        for model, rows in batch.items():
            if rows and (force or len(rows) >= 5000):
                model.objects.bulk_create(rows, batch_size=1000)
                written += len(rows)
                rows.clear()

    for day in range(from_day, to_day):
        base = world.today - timedelta(days=day + 1)
        busy = [world.people[0]] * (BUSY - 1)
        for person in [*world.people, *busy]:
            common = {"person_id": person.pk, "recorded_by_id": world.worker.pk}
            steps = world.step_ids[person.pk]
            roll = rng.random()
            outcome = "completed" if roll < 0.7 else "partly" if roll < 0.9 else "refused"
            used = steps if outcome == "completed" else steps[: rng.randrange(0, len(steps))]
            batch[RoutineRun].append(
                RoutineRun(
                    routine_version=world.routine_versions[person.pk],
                    steps_used=used,
                    outcome=outcome,
                    deviations="" if used == steps else "Chose to stop after breakfast.",
                    distress_noticed=outcome == "refused",
                    distress_notes="Covered ears." if outcome == "refused" else "",
                    occurred_at=base.replace(hour=8, minute=rng.randrange(60)),
                    **common,
                )
            )
            for slot in (11, 15):
                declined = rng.random() < 0.2
                batch[ActivityRecord].append(
                    ActivityRecord(
                        rhythm_version=world.rhythm_versions[person.pk],
                        offered=rng.choice(ACTIVITIES),
                        outcome="declined" if declined else "took_part",
                        chosen="" if declined else "The quiet room",
                        adjustments="" if declined else "Went at a quieter time.",
                        decline_reason="Too noisy today." if declined else "",
                        alternative_offered="Garden" if declined else "",
                        occurred_at=base.replace(hour=slot, minute=rng.randrange(60)),
                        **common,
                    )
                )
            batch[DailyNote].append(
                DailyNote(text="A settled day.", occurred_at=base.replace(hour=20), **common)
            )
            batch[HandoverNote].append(
                HandoverNote(
                    summary="Calm shift; breakfast first worked.",
                    watch_for="Clothes out tonight.",
                    occurred_at=base.replace(hour=21, minute=30),
                    **common,
                )
            )
            if outcome == "refused" and rng.random() < 0.5:
                batch[DistressRecord].append(
                    DistressRecord(
                        intensity=rng.randint(1, 5),
                        before="The shower was mentioned before breakfast.",
                        what_person_did="Covered ears and went back to bed.",
                        what_helped="Stepping back; breakfast first.",
                        duration_minutes=rng.randint(2, 40),
                        routine_version=world.routine_versions[person.pk],
                        occurred_at=base.replace(hour=8, minute=30),
                        **common,
                    )
                )
            if rng.random() < 0.03:
                batch[Incident].append(
                    Incident(
                        incident_type="distress",
                        severity="low",
                        what_happened="Upset when the shower was mentioned early.",
                        actions_taken="Stepped back; offered breakfast.",
                        routine_version=world.routine_versions[person.pk],
                        occurred_at=base.replace(hour=9),
                        **common,
                    )
                )
        flush()
    flush(force=True)
    return written


def save(world: BenchWorld, path) -> None:
    """The world's ids, to find it again in a copy of its database."""
    data = {
        "org": world.org.pk,
        "services": [s.pk for s in world.services],
        "worker": world.worker.pk,
        "solo_worker": world.solo_worker.pk,
        "manager": world.manager.pk,
        "quality_lead": world.quality_lead.pk,
        "people": [p.pk for p in world.people],
        "routine_versions": {str(k): v.pk for k, v in world.routine_versions.items()},
        "rhythm_versions": {str(k): v.pk for k, v in world.rhythm_versions.items()},
        "step_ids": {str(k): v for k, v in world.step_ids.items()},
        "today": world.today.isoformat(),
    }
    path.write_text(json.dumps(data))


def load(path) -> BenchWorld:
    data = json.loads(path.read_text())
    users = User.objects.in_bulk(
        [data["worker"], data["solo_worker"], data["manager"], data["quality_lead"]]
    )
    people = Person.objects.in_bulk(data["people"])
    routines = RoutineVersion.objects.in_bulk(list(data["routine_versions"].values()))
    rhythms = RhythmVersion.objects.in_bulk(list(data["rhythm_versions"].values()))
    return BenchWorld(
        org=Organisation.objects.get(pk=data["org"]),
        services=list(Service.objects.filter(pk__in=data["services"]).order_by("pk")),
        worker=users[data["worker"]],
        solo_worker=users[data["solo_worker"]],
        manager=users[data["manager"]],
        quality_lead=users[data["quality_lead"]],
        people=[people[pk] for pk in data["people"]],
        routine_versions={int(k): routines[v] for k, v in data["routine_versions"].items()},
        rhythm_versions={int(k): rhythms[v] for k, v in data["rhythm_versions"].items()},
        step_ids={int(k): v for k, v in data["step_ids"].items()},
        today=datetime.fromisoformat(data["today"]),
    )
