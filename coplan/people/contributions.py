"""What the people stage adds to later pages' slots (see coplan/lib/contributions)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.urls import reverse

from coplan.lib.contributions import TodayRow, TodaySection, contribute
from coplan.people.models import CommunicationNeed

NEEDS_AHEAD_DAYS = 7


@contribute("access.today", order=70)
def communication_needs_due(*, services: list[int], today: date, **_: Any) -> TodaySection:
    """Communication needs whose review date has passed or is within a week (Accessible
    Information Standard: review). One query."""
    needs = (
        CommunicationNeed.objects.filter(
            person__service_id__in=services,
            person__is_active=True,
            is_active=True,
            review_on__lte=today + timedelta(days=NEEDS_AHEAD_DAYS),
        )
        .select_related("person")
        .order_by("review_on", "id")
    )
    return TodaySection(
        key="communication-needs",
        short="Needs to review",
        title="Communication needs due for review",
        rows=[
            TodayRow(
                person=n.person.display_name,
                service_id=n.person.service_id,
                text=f"Review: {n.need}",
                url=reverse("people:need_edit", kwargs={"person_id": n.person_id, "pk": n.pk}),
                due=n.review_on,
                overdue=n.review_on < today,
            )
            for n in needs
        ],
        empty="No communication need is due for review this week.",
    )
