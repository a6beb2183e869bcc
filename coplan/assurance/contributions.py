"""What assurance adds to earlier stages' pages (see coplan/lib/contributions)."""

from __future__ import annotations

from typing import Any

from coplan.access.rules import Action
from coplan.assurance import inspectors
from coplan.lib.contributions import Panel, contribute
from coplan.people.models import Person

SHOWN_READS = 10


@contribute("people.person_detail", order=90)
def inspector_reads(*, person: Person, caps: frozenset[Action], **_: Any) -> Panel | None:
    """Who from outside (a named inspector or commissioner) looked at the person's record,
    and when: shown to the person themselves as well as to staff."""
    if Action.VIEW_PROFILE not in caps:
        return None
    reads = list(inspectors.inspector_reads(person)[:SHOWN_READS])
    return Panel(
        "assurance/_person_inspector_reads.html",
        {"person": person, "reads": reads, "caps": caps},
    )
