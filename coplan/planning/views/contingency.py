"""Contingency plan: part of coplan.planning.views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.lib.forms import form_errors_from, show_stale
from coplan.lib.services import StaleVersion
from coplan.planning import forms, services
from coplan.planning.views.common import _ctx


@login_required
def contingency(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(
        request, person_id, Action.VIEW_PLAN, what="Contingency plan"
    )
    plan = getattr(person, "contingency_plan", None)
    return render(request, "planning/contingency.html", _ctx(request, person, plan=plan))


@login_required
def contingency_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(request, person_id, Action.PLAN, what="Contingency plan")
    plan = getattr(person, "contingency_plan", None)
    form = forms.ContingencyPlanForm(request.POST or None, instance=plan)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.contingency_plan_save(
                person=person, by=request.user, based_on=form.based_on, **form.record_fields()
            )
        except StaleVersion as exc:
            show_stale(form, exc)
            status = 409
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, "Contingency plan saved.")
            return redirect("planning:contingency", person_id=person.pk)
    return render(
        request,
        "planning/contingency_form.html",
        _ctx(request, person, form=form, plan=plan),
        status=status,
    )
