"""What assurance adds to earlier pages (coplan/lib/contributions): alignment follow-ups on
the home page, and on the person's page which inspectors looked."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.assurance import alignment, inspectors
from coplan.assurance.models import AlignmentCheck
from coplan.lib.contributions import Panel, contribute
from coplan.people.models import Person

SHOWN_READS = 10


@contribute("access.home", order=30)
@contribute("access.today_panels", order=30)
def home_assurance(*, request: Any, **_: Any) -> Panel | None:
    """On the home page: for a manager, the follow-ups open in their services (or theirs to
    do) until done; for a quality lead or manager, a way to the services side by side; for
    a staff member, their own alignment results. Four queries at most."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    assure = list(access.services_for_user(user, Action.ASSURE).values_list("pk", flat=True))
    supervise = list(access.services_for_user(user, Action.SUPERVISE).values_list("pk", flat=True))
    follow_ups = alignment.open_follow_ups(supervise, owner=user)
    mine = AlignmentCheck.objects.filter(staff=user).exists()
    if not (assure or follow_ups or mine):
        return None
    return Panel(
        "assurance/_home_panel.html",
        {
            "assure_services": assure,
            "assure_follow_ups": follow_ups,
            "assure_mine": mine,
            "assure_today": timezone.localdate(),
        },
    )


@contribute("people.person_detail", order=90)
def inspector_reads(
    *, person: Person, caps: frozenset[Action], request: Any = None, **_: Any
) -> Panel | None:
    """Which inspectors or commissioners looked at the person's record, and when (one
    query): for the person on their own page, and for staff who read evidence or the access
    log (the access log has every read, inspectors' among them)."""
    own = request is not None and person.login_id is not None and request.user.pk == person.login_id
    if not (own or Action.VIEW_EVIDENCE in caps or Action.VIEW_ACCESS_LOG in caps):
        return None
    reads = list(inspectors.inspector_reads(person)[:SHOWN_READS])
    return Panel(
        "assurance/_person_inspector_reads.html",
        {"person": person, "reads": reads, "caps": caps, "own": own},
    )
