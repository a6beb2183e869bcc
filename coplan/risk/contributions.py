"""What positive risk-taking adds to earlier stages' pages (see coplan/lib/contributions)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from coplan.access.rules import Action
from coplan.lib.contributions import Panel, TimedItem, TodayRow, TodaySection, contribute
from coplan.people.models import Person
from coplan.planning.models import Decision
from coplan.risk import charts, selectors
from coplan.risk.models import RiskPlan, TravelCheckIn


@contribute("people.person_detail", order=10)
def risk_summary(*, person: Person, caps: frozenset[Action], **_: Any) -> Panel | None:
    """Each active risk plan in brief: the goal kept, the stage, and the prompts given per
    session over time (the evidence that support is stepping back)."""
    if Action.VIEW_PLAN not in caps:
        return None
    plans = []
    for plan, points in selectors.active_plans_with_trends(person):
        plans.append(
            {
                "plan": plan,
                "points": points,
                "prompt_change": selectors.prompt_change(points),
                "prompts_chart": charts.prompts_chart(points),
            }
        )
    if not plans:
        return None
    return Panel("risk/_person_summary.html", {"person": person, "plans": plans})


@contribute("delivery.shift_top", order=10)
def missed_check_ins(*, people: list[Person], **_: Any) -> Panel | None:
    """Missed travel check-ins come first on the shift view, with the agreed action."""
    missed = selectors.missed_check_ins([p.pk for p in people])
    if not missed:
        return None
    return Panel("risk/_shift_missed.html", {"missed": missed})


@contribute("planning.decision_shaped", order=20)
def risk_plan_shaped(*, decision: Decision, **_: Any) -> list[dict[str, str]]:
    return [
        {
            "kind": "Risk plan",
            "title": plan.title,
            "url": reverse("risk:plan", kwargs={"person_id": plan.person_id, "plan_id": plan.pk}),
        }
        for plan in RiskPlan.objects.filter(decision=decision)
    ]


@contribute("access.today", order=40)
def today_missed_check_ins(*, services: list[int], **_: Any) -> TodaySection:
    """Travel check-ins missed while the person is still out, for the manager's today page.
    One query."""
    missed = selectors.missed_check_ins(
        Person.objects.filter(service_id__in=services, is_active=True)
    )
    return TodaySection(
        key="missed-check-ins",
        short="Missed check-ins",
        title="Missed travel check-ins",
        rows=[
            TodayRow(
                person=c.log.person.display_name,
                service_id=c.log.person.service_id,
                text=f"{c.point}, due {timezone.localtime(c.due_at):%H:%M}. Agreed action: "
                f"{c.log.stage.missed_check_in_action or 'call the team leader'}",
                url=reverse(
                    "risk:trip",
                    kwargs={
                        "person_id": c.log.person_id,
                        "plan_id": c.log.plan_id,
                        "log_id": c.log_id,
                    },
                ),
                overdue=True,
            )
            for c in missed
        ],
        empty="No travel check-in is missed.",
    )


CHECK_INS_AHEAD = timedelta(hours=12)


@contribute("delivery.timeline", order=10)
def travel_check_ins_today(*, people: list[Person], now: Any, **_: Any) -> list[TimedItem]:
    """Travel check-ins due today (and, late in the evening, those of a trip that runs past
    midnight) on the shift view's clock: each at its time, with its trip; a missed one stays
    marked late until it is made (one query)."""
    day = timezone.localtime(now).date()
    start = timezone.make_aware(datetime.combine(day, time.min))
    check_ins = TravelCheckIn.objects.filter(
        log__person_id__in=[p.pk for p in people],
        due_at__gte=start,
        due_at__lt=max(start + timedelta(days=1), now + CHECK_INS_AHEAD),
    ).select_related("log")
    return [
        TimedItem(
            at=c.due_at,
            ends_at=c.missed_after,
            person_id=c.log.person_id,
            title=f"Travel check-in: {c.point}",
            url=reverse(
                "risk:trip",
                kwargs={"person_id": c.log.person_id, "plan_id": c.log.plan_id, "log_id": c.log_id},
            ),
            kind="check_in",
            note=c.log.planned_route,
            done=c.made_at is not None or not c.log.is_out,
        )
        for c in check_ins.order_by("due_at", "id")
    ]
