"""What the easy-read stage adds to earlier stages' pages (see coplan/lib/contributions)."""

from __future__ import annotations

from typing import Any

from coplan.access.rules import Action
from coplan.lib.contributions import Panel, contribute
from coplan.people.models import Person


@contribute("people.person_detail", order=20)
def easy_read_links(*, person: Person, caps: frozenset[Action], **_: Any) -> Panel | None:
    """The person's own version of their plan, from their page (no queries)."""
    if Action.VIEW_PLAN not in caps:
        return None
    return Panel(
        "easyread/_person_links.html",
        {"person": person, "may_write_words": Action.PLAN in caps},
    )
