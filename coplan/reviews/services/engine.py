"""The trigger engine: part of coplan.reviews.services."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from coplan.accounts.models import Organisation, Service
from coplan.people.models import Person
from coplan.reviews import alerts, rules
from coplan.reviews.models import (
    ReviewTrigger,
)


def people_in_scope(
    *,
    service: Service | None = None,
    organisation: Organisation | None = None,
    person: Person | None = None,
) -> QuerySet[Person]:
    people = Person.objects.filter(is_active=True)
    if service is not None:
        people = people.filter(service=service)
    if organisation is not None:
        people = people.filter(service__organisation=organisation)
    if person is not None:
        people = people.filter(pk=person.pk)
    return people.values("pk")


@transaction.atomic
def scan(
    *,
    service: Service | None = None,
    organisation: Organisation | None = None,
    person: Person | None = None,
    today: date | None = None,
) -> list[ReviewTrigger]:
    """Find reasons to review, over everyone in scope at once, and create the triggers not
    already there. Returns the triggers this run created.

    The queries are set-based, so their number does not grow with the number of people. Two
    scans running at once cannot both create a trigger: each has a dedupe key, unique per
    person in the database, and rows that clash are skipped on insert."""
    today = today or timezone.localdate()
    people = people_in_scope(service=service, organisation=organisation, person=person)
    candidates = rules.find_all(people, today)
    _add_evidence([c for c in candidates if c.adds_to is not None])
    created = _create_triggers([c for c in candidates if c.adds_to is None])
    alerts.triggers_found(created)
    return created


def _add_evidence(candidates: list[rules.Candidate]) -> list[ReviewTrigger]:
    """New evidence for open triggers (another flag, more refusals): each trigger gathers it
    and quotes the latest record. Its due date stays as it was. Two queries and the history
    rows, however many there are."""
    if not candidates:
        return []
    by_pk = {c.adds_to: c for c in candidates}
    triggers = list(
        ReviewTrigger.objects.select_for_update().filter(
            pk__in=list(by_pk), status=ReviewTrigger.Status.OPEN
        )
    )
    for t in triggers:
        c = by_pk[t.pk]
        t.reason = c.reason
        t.evidence = c.evidence
        t.evidence_until = c.evidence_until
        t.subject_label = c.subject_label or t.subject_label
        t.updated_at = timezone.now()
        t.bump_version()  # the rows are locked, so the version rises once per change
    if triggers:
        ReviewTrigger.objects.bulk_update(
            triggers,
            ["reason", "evidence", "evidence_until", "subject_label", "updated_at", "version"],
        )
        ReviewTrigger.history.bulk_history_create(
            triggers, default_change_reason="New evidence added by the trigger engine"
        )
    return triggers


def _create_triggers(candidates: list[rules.Candidate]) -> list[ReviewTrigger]:
    if not candidates:
        return []
    unique = {(c.person_id, c.dedupe_key): c for c in candidates}
    people = {
        pk: key_worker
        for pk, key_worker in Person.objects.filter(pk__in={p for p, _ in unique}).values_list(
            "pk", "key_worker_id"
        )
    }
    existing = set(
        ReviewTrigger.objects.filter(
            person_id__in=people, dedupe_key__in={k for _, k in unique}
        ).values_list("person_id", "dedupe_key")
    )
    new = [
        ReviewTrigger(
            person_id=c.person_id,
            kind=c.kind,
            reason=c.reason,
            evidence=c.evidence,
            evidence_until=c.evidence_until,
            decision_id=c.decision_id,
            subject_kind=c.subject_kind,
            subject_id=c.subject_id,
            subject_label=c.subject_label,
            due_on=c.due_on,
            owner_id=people.get(c.person_id),
            dedupe_key=c.dedupe_key,
        )
        for key, c in unique.items()
        if key not in existing
    ]
    if not new:
        return []
    # Another scan may have inserted the same key since we looked: the unique constraint
    # makes the database skip it, and our own rows are the ones carrying our uids.
    ReviewTrigger.objects.bulk_create(new, ignore_conflicts=True)
    created = list(ReviewTrigger.objects.filter(uid__in=[t.uid for t in new]).order_by("pk"))
    ReviewTrigger.history.bulk_history_create(
        created, default_change_reason="Found by the trigger engine"
    )
    return created
