"""The trigger scan over many people (DESIGN.md: 5,000 people in <= 10 s on 2 cores)."""

from __future__ import annotations

import random
import time
from datetime import timedelta

from django.utils import timezone

from coplan.accounts.models import Service
from coplan.people.models import Person
from coplan.planning.models import Decision, Domain
from coplan.reviews import services as reviews
from coplan.reviews.models import ReviewTrigger

TARGET_SECONDS = 10.0


def add_people(*, service: Service, count: int, by, seed: int = 7) -> list[Person]:
    """`count` people in one more service, each with an agreed decision whose review date
    falls somewhere in the next two months (so about a quarter are due now)."""
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
    return people


def measure(*, service: Service, count: int, by) -> list[tuple[str, bool]]:
    add_people(service=service, count=count, by=by)
    people_in_scope = Person.objects.filter(service__organisation=service.organisation).count()
    lines = []
    for label in ("first scan", "second scan (nothing new)"):
        before = ReviewTrigger.objects.count()
        start = time.perf_counter()
        reviews.scan(organisation=service.organisation)
        seconds = time.perf_counter() - start
        created = ReviewTrigger.objects.count() - before
        ok = seconds <= TARGET_SECONDS
        lines.append(
            (
                f"trigger scan, {people_in_scope:,} people, {label}: {seconds:5.2f} s, "
                f"{created:,} triggers created (target <= {TARGET_SECONDS:.0f} s: "
                f"{'met' if ok else 'MISSED'})",
                ok,
            )
        )
    return lines
