"""The quality lead's home (their services side by side), a service's assurance page and
one person's co-production index."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.accounts.models import Service, User
from coplan.assurance import alignment, spotchecks
from coplan.assurance import index as coindex
from coplan.assurance.models import AlignmentCheck, FollowUp
from coplan.assurance.sparkline import line_svg
from coplan.lib.forms import DateInput
from coplan.reviews.models import ReviewTrigger

INDEX_DAYS = 90
MAX_DAYS = 366 * 3


def _user(request: HttpRequest) -> User:
    """The signed-in user (login_required, or the API's token, has made sure of it)."""
    return cast(User, request.user)


class PeriodForm(forms.Form):
    start = forms.DateField(label="From", widget=DateInput())
    end = forms.DateField(label="To", widget=DateInput())

    def clean(self) -> dict:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and (end < start or (end - start).days > MAX_DAYS):
            raise forms.ValidationError(
                "Choose a period of 3 years or less that ends after it starts."
            )
        return data


TREND_DAYS = 365


def period(request: HttpRequest, days: int = INDEX_DAYS) -> tuple[PeriodForm, date, date]:
    today = timezone.localdate()
    start, end = today - timedelta(days=days - 1), today
    form = PeriodForm(request.GET or None, initial={"start": start, "end": end})
    if request.GET and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return form, start, end


@dataclass
class ServiceRow:
    service: Service
    summary: coindex.ServiceSummary
    latest: spotchecks.SpotCheckSummary | None
    overdue_reviews: int
    open_follow_ups: int

    @property
    def influence(self) -> int | None:
        return coindex.percent(self.summary.influence)

    @property
    def practice(self) -> int | None:
        return coindex.percent(self.summary.practice)

    @property
    def review(self) -> int | None:
        return coindex.percent(self.summary.review)


def service_rows(services: list[Service], start: date, end: date) -> list[ServiceRow]:
    """Each service's index summary, latest spot check, overdue reviews and open follow-ups:
    the same number of queries however many services and people."""
    today = timezone.localdate()
    indexes = coindex.index_for_services(services, start, end)
    results = spotchecks.results_for_services(services, today - timedelta(days=TREND_DAYS), today)
    overdue = dict(
        ReviewTrigger.objects.filter(
            person__service__in=services,
            person__is_active=True,
            status=ReviewTrigger.Status.OPEN,
            due_on__lt=today,
        )
        .values("person__service")
        .annotate(n=Count("id"))
        .values_list("person__service", "n")
    )
    follow_ups = dict(
        FollowUp.objects.filter(service__in=services, done_at__isnull=True)
        .values("service")
        .annotate(n=Count("id"))
        .values_list("service", "n")
    )
    return [
        ServiceRow(
            service=s,
            summary=coindex.summarise(indexes[s.pk]),
            latest=results[s.pk].latest,
            overdue_reviews=overdue.get(s.pk, 0),
            open_follow_ups=follow_ups.get(s.pk, 0),
        )
        for s in services
    ]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The quality lead's home: their services side by side, and everyone flagged
    "described, not delivered" first."""
    services = list(access.services_for_user(_user(request), Action.ASSURE).order_by("name"))
    if not services:
        if AlignmentCheck.objects.filter(staff=_user(request)).exists():
            return redirect("assurance:alignment_mine")
        raise PermissionDenied("Assurance is for managers and quality leads.")
    form, start, end = period(request)
    rows = service_rows(services, start, end)
    flagged = [p for row in rows for p in row.summary.flagged]
    return render(
        request,
        "assurance/home.html",
        {
            "rows": rows,
            "flagged": flagged,
            "form": form,
            "start": start,
            "end": end,
            "threshold": coindex.PRACTICE_THRESHOLD,
            "may_spot_check": {
                s.pk for s in access.services_for_user(_user(request), Action.SPOT_CHECK)
            },
        },
    )


@login_required
def service_detail(request: HttpRequest, service_id: int) -> HttpResponse:
    """One service: its people's index (flagged first), spot checks and their trend,
    alignment per staff member and per routine, and open follow-ups."""
    service = access.get_service_for_user(_user(request), service_id, Action.ASSURE)
    form, start, end = period(request)
    today = timezone.localdate()
    people = coindex.service_index(service, start, end)
    results = spotchecks.spot_check_results(service, today - timedelta(days=TREND_DAYS), today)
    trend = [
        {
            "key": key,
            "label": spotchecks.CHECKS[key],
            "points": points,
            "svg": line_svg(
                [(f"{d:%d %b}", p) for d, p in points],
                title=f"{spotchecks.CHECKS[key]}: share of items passing, per spot check",
            ),
        }
        for key, points in results.trend.items()
    ]
    summary = alignment.alignment_summary(
        service=service, start=today - timedelta(days=TREND_DAYS), end=today
    )
    drawn = service.spot_checks.filter(status="drawn").select_related("by").order_by("-drawn_at")
    return render(
        request,
        "assurance/service.html",
        {
            "service": service,
            "people": people,
            "form": form,
            "start": start,
            "end": end,
            "threshold": coindex.PRACTICE_THRESHOLD,
            "results": results,
            "trend": trend,
            "in_progress": list(drawn[:10]),
            "alignment": summary,
            "alignment_charts": _alignment_charts(summary),
            "follow_ups": alignment.open_follow_ups([service.pk]),
            "today": today,
            "may_spot_check": service.pk
            in {s.pk for s in access.services_for_user(_user(request), Action.SPOT_CHECK)},
            "may_supervise": service.pk
            in {s.pk for s in access.services_for_user(_user(request), Action.SUPERVISE)},
        },
    )


def _alignment_charts(summary: alignment.AlignmentSummary) -> dict[str, list[dict]]:
    def rows(items: list[alignment.AlignmentRow], what: str) -> list[dict]:
        return [
            {
                "row": row,
                "svg": line_svg(
                    [(f"{m.month:%b %Y}", m.percent) for m in row.months],
                    title=f"{row.label}: share of {what} alignment checks aligned, by month",
                ),
            }
            for row in items
        ]

    return {"staff": rows(summary.by_staff, "their"), "routine": rows(summary.by_routine, "its")}


@login_required
def person_index(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(
        request, person_id, Action.ASSURE, what="Co-production index"
    )
    form, start, end = period(request)
    found = coindex.person_index(person, start, end)
    return render(
        request,
        "assurance/person_index.html",
        {
            "person": person,
            "index": found,
            "form": form,
            "start": start,
            "end": end,
            "threshold": coindex.PRACTICE_THRESHOLD,
            "figures": [
                ("influence", "Influence"),
                ("practice", "Practice"),
                ("review", "Review discipline"),
            ],
        },
    )
