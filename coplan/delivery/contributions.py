"""What shift delivery adds to other stages' pages (see coplan/lib/contributions): agency
briefings not yet acknowledged on the today page, the distress trend on the person page, and
the latest house handover at the top of the shift view."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from coplan.access.rules import Action
from coplan.accounts.models import Membership, ShiftBooking
from coplan.delivery import distress, house
from coplan.delivery.models import BriefingAcknowledgement
from coplan.lib.contributions import Panel, TodayRow, TodaySection, contribute
from coplan.people.models import Person


@contribute("access.today", order=50)
def briefings_not_acknowledged(*, services: list[int], today: date, **_: Any) -> TodaySection:
    """Agency workers booked on a shift today who have not confirmed reading its briefing.
    One query."""
    start = timezone.make_aware(datetime.combine(today, time.min))
    agency = Membership.objects.filter(
        user_id=OuterRef("user_id"),
        service_id=OuterRef("service_id"),
        role=Membership.Role.AGENCY_WORKER,
    )
    bookings = (
        ShiftBooking.objects.filter(
            service_id__in=services,
            starts_at__lt=start + timedelta(days=1),
            ends_at__gt=max(start, timezone.now()),
        )
        .filter(Exists(agency))
        .exclude(Exists(BriefingAcknowledgement.objects.filter(booking_id=OuterRef("pk"))))
        .select_related("user", "service")
        .order_by("starts_at", "id")
    )
    return TodaySection(
        key="briefings",
        short="Briefings",
        title="Agency shifts today without an acknowledged briefing",
        rows=[
            TodayRow(
                person=str(b.user),
                service_id=b.service_id,
                text=f"Shift {timezone.localtime(b.starts_at):%H:%M} to "
                f"{timezone.localtime(b.ends_at):%H:%M}: briefing not yet confirmed",
                url=reverse("delivery:briefings", kwargs={"service_id": b.service_id}),
            )
            for b in bookings
        ],
        empty="Every agency worker on shift today has confirmed their briefing.",
    )


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
    services = sorted({p.service for p in people}, key=lambda s: (s.name, s.pk))
    if not services:
        return None
    return Panel(
        "delivery/house_shift_top.html",
        {
            "house_handovers": house.shown_on_shift([s.pk for s in services]),
            "house_services": services,
        },
    )
