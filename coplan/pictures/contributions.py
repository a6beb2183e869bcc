"""What the pictures app adds to earlier pages (see coplan/lib/contributions)."""

from __future__ import annotations

from typing import Any

from coplan.access.rules import Action
from coplan.lib.contributions import Panel, contribute
from coplan.people.models import Person


@contribute("people.person_detail", order=60)
def photos_panel(*, person: Person, caps: frozenset[Action], **_: Any) -> Panel | None:
    """The way to the person's own photos. No query: the page's cost stays as it was."""
    if Action.VIEW_PHOTOS not in caps:
        return None
    return Panel(
        "pictures/_person_panel.html",
        {"person": person, "may_add": Action.EDIT_PROFILE in caps},
    )
