"""What the pictures app adds to earlier pages (see coplan/lib/contributions)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from coplan.access.rules import Action
from coplan.lib.contributions import Panel, contribute
from coplan.people.models import Person
from coplan.pictures.models import PersonPhoto


@contribute("people.person_detail", order=60)
def photos_panel(*, person: Person, caps: frozenset[Action], **_: Any) -> Panel | None:
    """How many photos of their own the person has, and the way to them. One query."""
    if Action.VIEW_PHOTOS not in caps:
        return None
    counts = PersonPhoto.objects.filter(person=person).aggregate(
        count=Count("id"), preferred=Count("id", filter=~Q(stands_for=""))
    )
    return Panel(
        "pictures/_person_panel.html",
        {"person": person, "may_add": Action.EDIT_PROFILE in caps, **counts},
    )
