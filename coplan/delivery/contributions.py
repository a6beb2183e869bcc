"""What delivery adds to other pages (see coplan/lib/contributions): the distress trend on
the person page, and the latest house handover at the top of the shift view."""

from __future__ import annotations

from typing import Any

from coplan.access.rules import Action
from coplan.accounts.models import Service
from coplan.delivery import distress, house
from coplan.lib.contributions import Panel, contribute
from coplan.people.models import Person


@contribute("people.person_detail", order=20)
def distress_trend(*, person: Person, caps: frozenset[Action], **_: Any) -> Panel | None:
    """Distress episodes and their mean intensity per week, beside routine refusals."""
    if Action.VIEW_RECORDS not in caps:
        return None
    weeks = distress.weekly_trend(person)
    return Panel(
        "delivery/distress_trend.html",
        {
            "person": person,
            "weeks": weeks,
            "chart": distress.trend_chart(weeks),
            "any_data": any(w.episodes or w.refusals for w in weeks),
            "may_record": Action.RECORD in caps,
        },
    )


@contribute("delivery.shift_top", order=20)
def latest_house_handover(*, people: list[Person], **_: Any) -> Panel | None:
    """The next shift reads the outgoing worker's house note first (after any missed travel
    check-in, which needs acting on at once)."""
    service_ids = sorted({p.service_id for p in people})
    if not service_ids:
        return None
    return Panel(
        "delivery/house_shift_top.html",
        {
            "house_handovers": house.shown_on_shift(service_ids),
            "house_services": list(Service.objects.filter(pk__in=service_ids).order_by("name")),
        },
    )
