"""What assurance adds to earlier stages' pages (see coplan/lib/contributions)."""

from __future__ import annotations

from typing import Any

from coplan.access.rules import Action
from coplan.assurance import inspectors
from coplan.lib.contributions import Panel, contribute
from coplan.people.models import Person

SHOWN_READS = 10


@contribute("people.person_detail", order=90)
def inspector_reads(
    *, person: Person, caps: frozenset[Action], request: Any = None, **_: Any
) -> Panel | None:
    """For the person, on their own page: which inspectors or commissioners looked at their
    record, and when. Staff who may see the access log find every read there ("Access log"),
    so their page is spared the query; others who read evidence get the links."""
    own = request is not None and person.login_id is not None and request.user.pk == person.login_id
    if not own:
        if Action.VIEW_EVIDENCE in caps:
            return Panel(
                "assurance/_person_inspector_reads.html",
                {"person": person, "reads": None, "caps": caps},
            )
        return None
    reads = list(inspectors.inspector_reads(person)[:SHOWN_READS])
    return Panel(
        "assurance/_person_inspector_reads.html",
        {"person": person, "reads": reads, "caps": caps},
    )
