"""Reads: the library images a user may use, searching them with the pictograms, a
person's photos."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.accounts.models import User
from coplan.people.models import Person
from coplan.pictures import catalogue, refs
from coplan.pictures.models import LibraryImage, PersonPhoto


def organisation_ids(user: User, action: Action = Action.VIEW_PLAN) -> set[int]:
    """The providers whose library this user may use: where they work with `action`, or
    where the person whose plan they may see is supported."""
    ids = set(access.services_for_user(user, action).values_list("organisation_id", flat=True))
    ids |= set(
        access.people_for_user(user, action)
        .values_list("service__organisation_id", flat=True)
        .distinct()
    )
    return ids


def library_for_user(user: User, action: Action = Action.VIEW_PLAN) -> QuerySet[LibraryImage]:
    return LibraryImage.objects.filter(organisation_id__in=organisation_ids(user, action))


@dataclass(frozen=True)
class Found:
    ref: str
    label: str


def search(user: User, query: str, limit: int = 24) -> list[Found]:
    """The provider's own images whose label or words hold what was typed, then the
    pictograms for it. Two queries."""
    query = query.strip()[:60]
    if not query:
        return []
    own = library_for_user(user).filter(Q(label__icontains=query) | Q(words__icontains=query))
    found = [Found(refs.library(i.pk), i.label) for i in own[:8]]
    found += [Found(p.ref, p.label) for p in catalogue.search(query, limit - len(found))]
    return found


def photos_of(person: Person) -> QuerySet[PersonPhoto]:
    return PersonPhoto.objects.filter(person=person)
