"""Contingency plan: part of coplan.planning.services."""

from __future__ import annotations

from typing import Unpack

from django.db import transaction

from coplan.accounts.models import User
from coplan.lib.services import apply_and_save
from coplan.people.models import Person
from coplan.planning.models import (
    ContingencyPlan,
)
from coplan.planning.services.common import CONTINGENCY_FIELDS, ContingencyFields, _only


@transaction.atomic
def contingency_plan_save(
    *,
    person: Person,
    by: User,
    based_on: int | None = None,
    **fields: Unpack[ContingencyFields],
) -> ContingencyPlan:
    _only(fields, CONTINGENCY_FIELDS, "A contingency plan")
    plan = ContingencyPlan.objects.select_for_update().filter(person=person).first()
    return apply_and_save(
        plan or ContingencyPlan(person=person), dict(fields), based_on=based_on, by=by
    )
