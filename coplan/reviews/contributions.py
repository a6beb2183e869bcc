"""What the reviews stage adds to earlier stages' pages (see coplan/lib/contributions)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from coplan.delivery.models import Incident
from coplan.lib.contributions import TodayRow, TodaySection, contribute
from coplan.lib.dates import day_label
from coplan.planning.models import Decision
from coplan.reviews.models import Review, ReviewTrigger
from coplan.risk.models import RiskPlan


@contribute("risk.mini_reviews")
def mini_reviews(*, plan: RiskPlan, **_: Any) -> list[tuple[int, ReviewTrigger]]:
    """The mini-review opened for each incident under this risk plan, keyed by incident id.
    One query."""
    prefix = f"incident:risk_plan:{plan.pk}:incident:"
    triggers = ReviewTrigger.objects.filter(person_id=plan.person_id, dedupe_key__startswith=prefix)
    return [(int(t.dedupe_key.removeprefix(prefix)), t) for t in triggers]


# The manager's today page ("access.today"): reviews due, open triggers, incidents not yet
# followed up. Each reads in a fixed number of queries whatever the services hold.


def _week_end(today: date) -> date:
    return today + timedelta(days=6 - today.weekday())


def _person_url(person_id: int, anchor: str = "triggers") -> str:
    return reverse("reviews:person", kwargs={"person_id": person_id}) + f"#{anchor}"


@contribute("access.today", order=10)
def reviews_due(*, services: list[int], today: date, **_: Any) -> TodaySection:
    """Agreed decisions whose review-by date has passed or falls this week, and plans kept
    as they were whose next review is as close. Two queries."""
    until = _week_end(today)
    rows = [
        TodayRow(
            person=d.person.display_name,
            service_id=d.person.service_id,
            text=f"Review the decision “{d.question}”",
            url=_person_url(d.person_id, "reviews"),
            due=d.review_by,
            overdue=bool(d.review_by and d.review_by < today),
        )
        for d in Decision.objects.filter(
            person__service_id__in=services,
            person__is_active=True,
            status=Decision.Status.AGREED,
            review_by__lte=until,
        ).select_related("person")
    ]
    later = Review.objects.filter(
        person_id=OuterRef("person_id"),
        status=Review.Status.CONCLUDED,
        concluded_at__gt=OuterRef("concluded_at"),
    )
    for r in (
        Review.objects.filter(
            person__service_id__in=services,
            person__is_active=True,
            status=Review.Status.CONCLUDED,
            outcome=Review.Outcome.KEEP_AS_IS,
            next_review_on__lte=until,
        )
        .exclude(Exists(later))
        .select_related("person")
    ):
        rows.append(
            TodayRow(
                person=r.person.display_name,
                service_id=r.person.service_id,
                text="Look again at the plan kept as it was at the last review",
                url=_person_url(r.person_id, "reviews"),
                due=r.next_review_on,
                overdue=bool(r.next_review_on and r.next_review_on < today),
            )
        )
    rows.sort(key=lambda row: (row.due, row.person, row.text))
    return TodaySection(
        key="reviews-due",
        short="Reviews due",
        title="Reviews overdue or due this week",
        rows=rows,
        empty="No review is overdue or due this week.",
    )


@contribute("access.today", order=20)
def open_triggers(*, services: list[int], today: date, **_: Any) -> TodaySection:
    """Open reasons to review (review dates are under "Reviews due"), soonest due first.
    One query."""
    triggers = (
        ReviewTrigger.objects.filter(
            person__service_id__in=services,
            person__is_active=True,
            status=ReviewTrigger.Status.OPEN,
        )
        .exclude(kind=ReviewTrigger.Kind.REVIEW_DATE)
        .select_related("person")
        .order_by("due_on", "id")
    )
    return TodaySection(
        key="open-triggers",
        short="Open triggers",
        title="Open reasons to review",
        rows=[
            TodayRow(
                person=t.person.display_name,
                service_id=t.person.service_id,
                text=f"{t.get_kind_display()}: {t.subject_label}"
                if t.subject_label
                else t.get_kind_display(),
                url=_person_url(t.person_id),
                due=t.due_on,
                overdue=t.due_on < today,
            )
            for t in triggers
        ],
        empty="No reason to review is open.",
        hint="Each ends in a review, or a recorded reason to wait.",
    )


INCIDENT_DAYS = 7


@contribute("access.today", order=30)
def incidents_without_follow_up(*, services: list[int], today: date, **_: Any) -> TodaySection:
    """Incidents of the last 7 days whose mini-review is not yet closed (by a review or a
    recorded reason to wait), or that have none. Two queries."""
    since = timezone.now() - timedelta(days=INCIDENT_DAYS)
    incidents = list(
        Incident.objects.filter(
            person__service_id__in=services, person__is_active=True, occurred_at__gte=since
        )
        .select_related("person")
        .order_by("-occurred_at", "-id")
    )
    followed_up: set[int] = set()
    if incidents:
        for evidence in (
            ReviewTrigger.objects.filter(
                person_id__in={i.person_id for i in incidents},
                kind=ReviewTrigger.Kind.INCIDENT,
                created_at__gte=since,
            )
            .exclude(status=ReviewTrigger.Status.OPEN)
            .values_list("evidence", flat=True)
        ):
            if isinstance(evidence, dict) and evidence.get("incident_id"):
                followed_up.add(int(evidence["incident_id"]))
    rows = [
        TodayRow(
            person=i.person.display_name,
            service_id=i.person.service_id,
            text=f"{i.get_incident_type_display()} ({i.get_severity_display().lower()}), "
            f"{timezone.localtime(i.occurred_at):%H:%M} {day_label(i.occurred_at)}: "
            f"{Truncator(i.what_happened).chars(120)}",
            url=_person_url(i.person_id),
        )
        for i in incidents
        if i.pk not in followed_up
    ]
    return TodaySection(
        key="incidents",
        short="Incidents",
        title="Incidents in the last 7 days without follow-up",
        rows=rows,
        empty="Every incident of the last 7 days has been followed up.",
        hint="Followed up: its mini-review was closed by a review or with a reason to wait.",
    )
