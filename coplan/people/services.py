"""Every write to a person's record goes through here (forms, API, seed data alike).

An update says the version it was based on (`based_on`, from the form's hidden field or the
API's `version` / If-Match); a change based on a version someone has since replaced raises
StaleVersion and writes nothing (coplan.lib.services.apply_and_save)."""

from typing import Any

from django.db import transaction

from coplan.accounts.models import Service, User
from coplan.lib.services import apply_and_save
from coplan.people.models import (
    CircleMember,
    CommunicationChartEntry,
    CommunicationNeed,
    DecisionAgreementEntry,
    DecisionMakingProfile,
    Person,
)


@transaction.atomic
def person_create(*, service: Service, by: User, **fields: Any) -> Person:
    person = Person(service=service)
    apply_and_save(person, fields, by=by)
    DecisionMakingProfile.objects.create(person=person)
    return person


@transaction.atomic
def person_update(
    *, person: Person, by: User, based_on: int | None = None, **fields: Any
) -> Person:
    return apply_and_save(person, fields, based_on=based_on, by=by)


@transaction.atomic
def communication_need_create(*, person: Person, by: User, **fields: Any) -> CommunicationNeed:
    return apply_and_save(CommunicationNeed(person=person), fields, by=by)


@transaction.atomic
def communication_need_update(
    *, communication_need: CommunicationNeed, by: User, based_on: int | None = None, **fields: Any
) -> CommunicationNeed:
    # Not `need=`: the record has a field called `need`, which arrives in **fields.
    return apply_and_save(communication_need, fields, based_on=based_on, by=by)


@transaction.atomic
def chart_entry_create(*, person: Person, by: User, **fields: Any) -> CommunicationChartEntry:
    return apply_and_save(CommunicationChartEntry(person=person), fields, by=by)


@transaction.atomic
def chart_entry_update(
    *, entry: CommunicationChartEntry, by: User, based_on: int | None = None, **fields: Any
) -> CommunicationChartEntry:
    return apply_and_save(entry, fields, based_on=based_on, by=by)


@transaction.atomic
def decision_profile_update(
    *, person: Person, by: User, based_on: int | None = None, **fields: Any
) -> DecisionMakingProfile:
    profile, _ = DecisionMakingProfile.objects.get_or_create(person=person)
    return apply_and_save(profile, fields, based_on=based_on, by=by)


@transaction.atomic
def agreement_entry_create(*, person: Person, by: User, **fields: Any) -> DecisionAgreementEntry:
    return apply_and_save(DecisionAgreementEntry(person=person), fields, by=by)


@transaction.atomic
def agreement_entry_update(
    *, entry: DecisionAgreementEntry, by: User, based_on: int | None = None, **fields: Any
) -> DecisionAgreementEntry:
    return apply_and_save(entry, fields, based_on=based_on, by=by)


@transaction.atomic
def circle_member_create(*, person: Person, by: User, **fields: Any) -> CircleMember:
    return apply_and_save(CircleMember(person=person), fields, by=by)


@transaction.atomic
def circle_member_update(
    *, member: CircleMember, by: User, based_on: int | None = None, **fields: Any
) -> CircleMember:
    return apply_and_save(member, fields, based_on=based_on, by=by)
