"""Trends pages: per person and per service, over a chosen period, each chart with its
table and a CSV download."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from coplan.access import rules as access
from coplan.access.models import AccessLog
from coplan.access.rules import Action
from coplan.assurance import charts, trends
from coplan.delivery import forms as delivery_forms
from coplan.lib.forms import DateInput


class PeriodForm(delivery_forms.PeriodForm):
    """The period, its dates shown in the form a date input takes (YYYY-MM-DD)."""

    start = delivery_forms.forms.DateField(label="From", widget=DateInput)
    end = delivery_forms.forms.DateField(label="To", widget=DateInput)


DEFAULT_WEEKS = 12
PRESETS = [("4 weeks", 27), ("12 weeks", 83), ("6 months", 182), ("1 year", 364)]


def period_from(request: HttpRequest) -> tuple[PeriodForm, trends.Period]:
    """The period asked for (a bad one is a form message), else the last 12 weeks."""
    today = timezone.localdate()
    start, end = today - timedelta(weeks=DEFAULT_WEEKS) + timedelta(days=1), today
    form = PeriodForm(request.GET or None, initial={"start": start, "end": end})
    if request.GET and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return form, trends.Period(start, end)


def presets(today: date) -> list[dict]:
    return [
        {"label": label, "start": today - timedelta(days=days), "end": today}
        for label, days in PRESETS
    ]


def charted(series: list[trends.Series], prefix: str = "t") -> list[dict]:
    return [charts.chart(s, chart_id=f"{prefix}-{s.key}") for s in series]


def _csv(series: trends.Series | None, filename: str) -> HttpResponse:
    if series is None:
        raise Http404("No such trend.")
    response = HttpResponse(series.as_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def person_trends(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(request, person_id, Action.VIEW_EVIDENCE, what="Trends")
    form, period = period_from(request)
    series = trends.all_trends(trends.Scope.of(person), period)
    return render(
        request,
        "assurance/trends.html",
        {
            "person": person,
            "subject": person.display_name,
            "form": form,
            "period": period,
            "presets": presets(timezone.localdate()),
            "charts": charted(series),
            "is_staff": access.is_staff_member(access.user_of(request)),
        },
    )


@login_required
def person_trend_csv(request: HttpRequest, person_id: int, key: str) -> HttpResponse:
    person = access.get_person_for_user(
        request,
        person_id,
        Action.VIEW_EVIDENCE,
        what=f"Trend {key} (CSV)",
        log_action=AccessLog.Action.EXPORT,
    )
    _, period = period_from(request)
    series = trends.one_trend(key, trends.Scope.of(person), period)
    return _csv(series, f"trend-{key}-person-{person.pk}-{period.start}-{period.end}.csv")


@login_required
def service_trends(request: HttpRequest, service_id: int) -> HttpResponse:
    service = access.get_service_for_user(access.user_of(request), service_id, Action.VIEW_EVIDENCE)
    access.log_service_read(request, service, "Service trends")
    form, period = period_from(request)
    series = trends.all_trends(trends.Scope.of(service), period)
    return render(
        request,
        "assurance/trends.html",
        {
            "service": service,
            "subject": service.name,
            "form": form,
            "period": period,
            "presets": presets(timezone.localdate()),
            "charts": charted(series),
            "is_staff": access.is_staff_member(access.user_of(request)),
        },
    )


@login_required
def service_trend_csv(request: HttpRequest, service_id: int, key: str) -> HttpResponse:
    service = access.get_service_for_user(access.user_of(request), service_id, Action.VIEW_EVIDENCE)
    access.log_service_read(request, service, f"Service trend {key} (CSV)")
    _, period = period_from(request)
    series = trends.one_trend(key, trends.Scope.of(service), period)
    return _csv(series, f"trend-{key}-service-{service.pk}-{period.start}-{period.end}.csv")
