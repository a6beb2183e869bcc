"""What shift delivery adds to earlier stages' pages (see coplan/lib/contributions)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from coplan.accounts.models import Membership, ShiftBooking
from coplan.delivery.models import BriefingAcknowledgement
from coplan.lib.contributions import TodayRow, TodaySection, contribute


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
