"""Demo distress records and the house handover, made through the services.

Daniel: about eight weeks of episodes around personal care. Under the old morning routine
(shower at 7:30, woken for it) they came most mornings and ran high; after the routine was
re-co-produced (breakfast first, shower later, when he is ready) they became rare and mild,
so his person page shows the trend falling beside his refusals. Priya: a few episodes when
a new route or a crowd came up. Elm House: last night's house handover, which the next
shift reads first on /shift/. Idempotent (fixed keys; a person who already has distress
records is left alone). All fictional.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, time, timedelta

from django.utils import timezone

from coplan.accounts.models import Organisation, Service, User
from coplan.delivery import distress, house
from coplan.delivery.models import ActivityRecord, DistressRecord, HouseHandover
from coplan.people.models import Person
from coplan.support.models import Routine

NAMESPACE = uuid.UUID("0d7c5b1e-2f3a-4e8b-9a61-5c4d3e2f1a0b")
WEEKS = 8

BEFORE_OLD = [
    "Woken at 7:15 for the 7:30 shower; the bathroom fan was on.",
    "Asked to shower before breakfast; two staff in the corridor at handover.",
    "Shower mentioned while he was still in bed; the big light was on.",
    "Rushed because the college taxi was early.",
]
DID_OLD = [
    "Rocked, shouted 'no' and pushed the bathroom door shut.",
    "Hit the door with his hand and went back to bed.",
    "Covered his ears, paced the landing, threw his towel.",
    "Screamed and pushed past staff to his room.",
]
HELPED_OLD = [
    "Stepped back, turned the big light off, put his music on; breakfast first.",
    "Gave him space for ten minutes, then offered toast with no mention of the shower.",
    "One worker only, quiet voice, his playlist; he came down for breakfast.",
]
BEFORE_NEW = [
    "Fan came on by itself in the bathroom.",
    "A delivery van was loud outside during breakfast.",
]
DID_NEW = [
    "Went quiet and turned away; hands over ears for a minute.",
    "Said 'not now' and left the table.",
]
HELPED_NEW = [
    "Fan switched off; waited until he said 'ready'.",
    "Let him finish breakfast in his room with music.",
]


def _key(*parts: object) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts))


def _at(days_ago: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def _written(record: DistressRecord, minutes: int) -> None:
    # Demo history only: written on the shift, a little after the episode.
    DistressRecord.objects.filter(pk=record.pk).update(
        created_at=record.occurred_at + timedelta(minutes=minutes)
    )


def seed(*, org: Organisation, people: dict[str, Person], staff: dict[str, User]) -> None:
    worker = staff.get("worker_elm") or staff.get("team_leader_elm")
    if worker is None:
        return
    other = staff.get("worker_elm_2") or worker
    rng = random.Random(1205)  # noqa: S311 (repeatable demo data, not security)
    dan = people.get("daniel")
    if dan is not None and not dan.distress_records.exists():
        _daniel(dan, worker, other, rng)
    priya = people.get("priya")
    if priya is not None and not priya.distress_records.exists():
        _priya(priya, other)
    elm = Service.objects.filter(organisation=org, name="Elm House").first()
    if elm is not None:
        _house_handover(elm, other)


def _daniel(dan: Person, worker: User, other: User, rng: random.Random) -> None:
    routine = Routine.objects.filter(person=dan, name="Morning routine").first()
    versions = {v.number: v for v in routine.versions.prefetch_related("steps")} if routine else {}
    new = versions.get(2)
    # The day the re-co-produced routine came into force (the support story sets it).
    changed = (timezone.now() - new.effective_from).days if new is not None else WEEKS * 7 // 2
    for day in range(WEEKS * 7, 0, -1):
        before_change = day > changed
        # Most mornings under the old routine; about one morning a week after the change.
        if rng.random() > (0.6 if before_change else 0.14):
            continue
        version = versions.get(1 if before_change else 2)
        steps = {s.title.lower(): s for s in version.steps.all()} if version else {}
        shower = next((s for title, s in steps.items() if "shower" in title), None)
        if before_change:
            intensity = rng.choice([3, 3, 4, 4, 5])
            texts = (rng.choice(BEFORE_OLD), rng.choice(DID_OLD), rng.choice(HELPED_OLD))
            minutes = rng.randrange(15, 50)
            hour = 7
        else:
            intensity = rng.choice([1, 1, 2])
            texts = (rng.choice(BEFORE_NEW), rng.choice(DID_NEW), rng.choice(HELPED_NEW))
            minutes = rng.randrange(2, 12)
            hour = 9
        record = distress.distress_record_create(
            person=dan,
            intensity=intensity,
            before=texts[0],
            what_person_did=texts[1],
            what_helped=texts[2],
            duration_minutes=minutes,
            routine=routine if version is not None else None,
            step=shower,
            occurred_at=_at(day, hour, rng.randrange(10, 50)),
            idempotency_key=_key("dan", day),
            by=worker if day % 3 else other,
        )
        _written(record, rng.randrange(5, 40))


def _priya(priya: Person, worker: User) -> None:
    declined = list(
        ActivityRecord.objects.filter(person=priya, outcome=ActivityRecord.Outcome.DECLINED)
        .order_by("-occurred_at")
        .values_list("pk", "occurred_at")[:3]
    )
    for index, (activity_id, at) in enumerate(declined):
        activity = ActivityRecord.objects.get(pk=activity_id)
        record = distress.distress_record_create(
            person=priya,
            intensity=2 if index else 3,
            before="A new bus route; the stop was crowded and loud."
            if index % 2 == 0
            else "The centre was busier than she expected.",
            what_person_did="Covered her ears, said 'home' and walked back to the house.",
            what_helped="Headphones, the quiet way home, her painting things out.",
            duration_minutes=10 + 5 * index,
            activity=activity,
            occurred_at=at + timedelta(minutes=10),
            idempotency_key=_key("priya", activity_id),
            by=worker,
        )
        _written(record, 15)


def _house_handover(elm: Service, worker: User) -> None:
    """Last night's late shift (14:00 to 22:00 yesterday)."""
    start, end = _at(1, 14), _at(1, 22)
    if HouseHandover.objects.filter(service=elm, shift_end=end).exists():
        return
    note = house.house_handover_write(
        service=elm,
        shift_start=start,
        shift_end=end,
        summary="A calm evening in the house. Priya went to the library after lunch and "
        "stayed an hour. Daniel chose his clothes for the morning himself. Marcus texted "
        "at each check-in point on the way back from college.",
        outstanding="Priya's travel card still needs topping up.\nThe bathroom fan in the "
        "upstairs bathroom comes on by itself: reported to maintenance.",
        for_next_shift="Leave the bathroom fan off for Daniel's shower. Aisha's mum visits "
        "at 10; Aisha would like the kitchen tidy first.",
        idempotency_key=_key("elm-house-handover", end.date()),
        by=worker,
    )
    HouseHandover.objects.filter(pk=note.pk).update(created_at=end - timedelta(minutes=10))
