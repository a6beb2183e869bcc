"""The trigger scan over many people (DESIGN.md: 5,000 people in <= 10 s on 2 cores)."""

from __future__ import annotations

import random
import time
from datetime import timedelta

from django.utils import timezone

from coplan.accounts.models import Service
from coplan.delivery.models import ActivityRecord, RoutineRun
from coplan.people.models import Person
from coplan.planning.models import Decision, Domain
from coplan.reviews import services as reviews
from coplan.reviews.models import ReviewTrigger
from coplan.support.models import Routine, RoutineVersion

TARGET_SECONDS = 10.0


def add_people(*, service: Service, count: int, by, seed: int = 7, days: int = 28) -> list[Person]:
    """`count` people in one more service, each with an agreed decision whose review date
    falls somewhere in the next two months (so about a quarter are due now), a morning
    routine and `days` days of its runs and of activity records (some refused or declined,
    which the scan counts against their thresholds)."""
    rng = random.Random(seed)
    people = Person.objects.bulk_create(
        Person(service=service, given_name=f"Scan{i}", family_name="Bench") for i in range(count)
    )
    now = timezone.now()
    today = timezone.localdate()
    Decision.objects.bulk_create(
        Decision(
            person=person,
            domain=Domain.SUPPORT,
            question="How should mornings go?",
            agreed="Breakfast first.",
            reason="The person chose it.",
            status=Decision.Status.AGREED,
            agreed_by=by,
            agreed_at=now,
            created_by=by,
            review_by=today + timedelta(days=rng.randint(-3, 60)),
        )
        for person in people
    )
    routines = Routine.objects.bulk_create(
        Routine(person=person, name="Morning routine", created_by=by) for person in people
    )
    versions = RoutineVersion.objects.bulk_create(
        RoutineVersion(
            routine=routine, number=1, effective_from=now, is_current=True, created_by=by
        )
        for routine in routines
    )
    for day in range(1, days + 1):
        when = now - timedelta(days=day)
        RoutineRun.objects.bulk_create(
            (
                RoutineRun(
                    person=person,
                    routine_version=version,
                    outcome="refused" if rng.random() < 0.1 else "completed",
                    occurred_at=when,
                    recorded_by=by,
                )
                for person, version in zip(people, versions, strict=True)
            ),
            batch_size=2000,
        )
        ActivityRecord.objects.bulk_create(
            (
                ActivityRecord(
                    person=person,
                    offered="Swimming",
                    outcome="declined" if (d := rng.random() < 0.15) else "took_part",
                    decline_reason="Not today." if d else "",
                    occurred_at=when,
                    recorded_by=by,
                )
                for person in people
            ),
            batch_size=2000,
        )
    return people


def measure(*, service: Service, count: int, by) -> list[tuple[str, float, int]]:
    """The first scan (which raises what is due) and a second (nothing new): each its label,
    seconds and the triggers it created."""
    add_people(service=service, count=count, by=by)
    people_in_scope = Person.objects.filter(service__organisation=service.organisation).count()
    found = []
    for label in ("first", "second, nothing new"):
        before = ReviewTrigger.objects.count()
        start = time.perf_counter()
        reviews.scan(organisation=service.organisation)
        seconds = time.perf_counter() - start
        found.append(
            (
                f"trigger scan, {people_in_scope:,} people ({label})",
                seconds,
                ReviewTrigger.objects.count() - before,
            )
        )
    return found
