"""Working / not working: part of coplan.reviews.services."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coplan.accounts.models import User
from coplan.lib.services import apply_and_save
from coplan.people.models import Person
from coplan.reviews.models import (
    WorkingNotWorking,
)
from coplan.reviews.services.common import _author


@transaction.atomic
def working_not_working_add(
    *,
    person: Person,
    by: User,
    working: str = "",
    not_working: str = "",
    perspective: str | None = None,
    author: str = "",
    on: date | None = None,
) -> WorkingNotWorking:
    kind, name, on_behalf = _author(person, by, perspective, author)
    if not working.strip() and not not_working.strip():
        raise ValidationError("Write what is working, what is not working, or both.")
    entry = WorkingNotWorking(person=person, recorded_by=by)
    return apply_and_save(
        entry,
        {
            "perspective": kind,
            "author": name[:150],
            "on_behalf": on_behalf,
            "working": working.strip(),
            "not_working": not_working.strip(),
            "on": on or timezone.localdate(),
        },
    )
