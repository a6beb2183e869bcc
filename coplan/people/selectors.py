from django.db.models import Prefetch, QuerySet

from coplan.people.models import CommunicationNeed, Person


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
