"""What assurance adds to earlier stages' pages (see coplan/lib/contributions)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.assurance import alignment
from coplan.assurance.models import AlignmentCheck
from coplan.lib.contributions import Panel, contribute


@contribute("access.home", order=30)
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
