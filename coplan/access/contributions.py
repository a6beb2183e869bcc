"""What the access stage adds to the person's page: a way to the logins and the tablet."""

from __future__ import annotations

from typing import Any

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.lib.contributions import Panel, contribute
from coplan.people.models import Person


@contribute("people.person_detail", order=90)
def logins_panel(*, person: Person, caps: frozenset[Action], request: Any = None, **_: Any):
    """For a manager: invite the person or their circle. For staff who take check-ins: hand
    the person a shared tablet when they have no login of their own."""
    may_invite = Action.INVITE in caps
    may_tablet = request is not None and access.may_start_tablet(request.user, person)
    if not (may_invite or may_tablet):
        return None
    return Panel(
        "access/invite_panel.html",
        {"may_invite": may_invite, "may_start_tablet": may_tablet, "panel_person": person},
    )
