from typing import Any, TypedDict

from django.db.models import F, Model, Prefetch, QuerySet, Window
from django.db.models.functions import Lag

from coplan.people.models import (
    CircleMember,
    CommunicationChartEntry,
    CommunicationNeed,
    DecisionAgreementEntry,
    DecisionMakingProfile,
    Person,
)


def active_needs(person: Person) -> list[CommunicationNeed]:
    return list(person.communication_needs.filter(is_active=True))


def people_for_page() -> QuerySet[Person]:
    """People with everything their page shows, in a fixed number of queries (for the
    access helper to fetch one)."""
    return Person.objects.select_related(
        "service", "key_worker", "decision_profile"
    ).prefetch_related(
        Prefetch(
            "communication_needs",
            queryset=CommunicationNeed.objects.filter(is_active=True),
            to_attr="active_needs",
        ),
        "communication_chart",
        "decision_agreement",
        "circle",
    )


def person_page(person_id: int) -> Person:
    """A person with everything their page shows, in a fixed number of queries."""
    return people_for_page().get(pk=person_id)


def people_list(queryset: QuerySet[Person], search: str = "") -> QuerySet[Person]:
    qs = queryset.filter(is_active=True).select_related("service", "key_worker")
    if search:
        from django.db.models import Q

        qs = qs.filter(
            Q(given_name__icontains=search)
            | Q(family_name__icontains=search)
            | Q(preferred_name__icontains=search)
        )
    return qs.prefetch_related(
        Prefetch(
            "communication_needs",
            queryset=CommunicationNeed.objects.filter(is_active=True),
            to_attr="active_needs",
        )
    ).order_by("given_name", "family_name")


# The records on the person's change history page: (label, model, the history field that
# holds the person's id).
HISTORY_SOURCES: list[tuple[str, type[Model], str]] = [
    ("About me and profile", Person, "id"),
    ("Communication need", CommunicationNeed, "person_id"),
    ("Communication chart", CommunicationChartEntry, "person_id"),
    ("Decision-making profile", DecisionMakingProfile, "person_id"),
    ("Decision-making agreement", DecisionAgreementEntry, "person_id"),
    ("Circle of support", CircleMember, "person_id"),
]
UNCHANGED_FIELDS = {"updated_at", "version"}


class HistoryRow(TypedDict):
    label: str
    record: Any  # a simple-history historical record
    what: str
    changes: list[dict[str, Any]]


def _changes(record: Any, prev: Any) -> list[dict[str, Any]]:
    if prev is None:
        return []
    meta = record.instance_type._meta
    return [
        {"field": meta.get_field(c.field).verbose_name, "old": c.old, "new": c.new}
        for c in record.diff_against(prev).changes
        if c.field not in UNCHANGED_FIELDS
    ]


def person_history(person: Person, *, limit: int = 200) -> list[HistoryRow]:
    """The latest `limit` changes to the person's profile records, newest first, each with
    what it changed from the version before.

    One query per kind of record (six), whatever the number of changes: each row carries the
    id of the version before it (a window over the record's history), so the diff needs no
    query of its own. Only a kind with more than `limit` changes takes one more query, for the
    versions just before the oldest rows shown."""
    rows: list[HistoryRow] = []
    for label, model, key in HISTORY_SOURCES:
        manager = model.history  # type: ignore[attr-defined]
        records = list(
            manager.filter(**{key: person.pk})
            .select_related("history_user")
            .annotate(
                prev_history_id=Window(
                    Lag("history_id"),
                    partition_by=[F("id")],
                    order_by=[F("history_date").asc(), F("history_id").asc()],
                )
            )
            .order_by("-history_date", "-history_id")[:limit]
        )
        by_history_id = {r.history_id: r for r in records}
        missing = {
            r.prev_history_id
            for r in records
            if r.prev_history_id is not None and r.prev_history_id not in by_history_id
        }
        if missing:
            by_history_id.update((r.history_id, r) for r in manager.filter(history_id__in=missing))
        for record in records:
            instance = record.instance
            if key == "person_id":
                instance.person = person  # its name may say whose it is, with no query
            prev = by_history_id.get(record.prev_history_id)
            rows.append(
                HistoryRow(
                    label=label,
                    record=record,
                    what=str(instance),
                    changes=_changes(record, prev),
                )
            )
    rows.sort(key=lambda r: r["record"].history_date, reverse=True)
    return rows[:limit]
