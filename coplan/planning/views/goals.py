"""Goals: part of coplan.planning.views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.lib.forms import form_errors_from, show_stale
from coplan.lib.services import StaleVersion
from coplan.people.models import Person
from coplan.planning import forms, selectors, services
from coplan.planning.models import (
    Goal,
)
from coplan.planning.views.common import _all_valid, _ctx, _rows_context


def _goal_form(request: HttpRequest, person: Person, goal: Goal | None) -> HttpResponse:
    data = request.POST or None
    form = forms.GoalForm(data, instance=goal, person=person)
    action_initial = (
        forms.initial_rows(goal.actions.all(), ["what", "who", "when", "review_on", "is_done"])
        if goal
        else []
    )
    actions = forms.ActionFormSet(data, prefix="actions", initial=action_initial)
    status = 200
    if request.method == "POST" and _all_valid(form, actions):
        kwargs = {
            "by": request.user,
            "actions": forms.rows_from(actions),
            "decisions": list(form.cleaned_data["decisions"]),
            **form.service_fields(),
        }
        try:
            if goal is None:
                saved = services.goal_create(person=person, **kwargs)
            else:
                saved = services.goal_update(goal=goal, based_on=form.based_on, **kwargs)
        except StaleVersion as exc:
            show_stale(form, exc)
            status = 409
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "checklist" in exc.error_dict:
                exc.error_dict["checklist_text"] = exc.error_dict.pop("checklist")
            form_errors_from(form, exc)
        else:
            messages.success(request, "Goal saved.")
            return redirect("planning:goal_detail", person_id=person.pk, pk=saved.pk)
    return render(
        request,
        "planning/goal_form.html",
        _ctx(request, person, form=form, actions=actions, goal=goal, **_rows_context(actions)),
        status=status,
    )


@login_required
def goal_add(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(request, person_id, Action.PLAN, what="New goal")
    return _goal_form(request, person, None)


@login_required
def goal_edit(request: HttpRequest, person_id: int, pk: int) -> HttpResponse:
    goal = access.get_object_for_user(request, Goal, pk, Action.PLAN, person_id=person_id)
    return _goal_form(request, goal.person, goal)


@login_required
def goal_detail(request: HttpRequest, person_id: int, pk: int) -> HttpResponse:
    goal = access.get_object_for_user(
        request, selectors.goals_for_page(), pk, Action.VIEW_PLAN, person_id=person_id
    )
    person = goal.person
    points = selectors.progress_points(goal)
    return render(
        request,
        "planning/goal_detail.html",
        _ctx(
            request,
            person,
            goal=goal,
            points=points,
            scale=selectors.progress_scale(goal, points),
        ),
    )


@login_required
def progress_add(request: HttpRequest, person_id: int, pk: int) -> HttpResponse:
    goal = access.get_object_for_user(request, Goal, pk, Action.RECORD, person_id=person_id)
    person = goal.person
    form = forms.ProgressForm(
        request.POST or None, goal=goal, initial={"recorded_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_progress_add(goal=goal, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, "Progress recorded.")
            return redirect("planning:goal_detail", person_id=person.pk, pk=goal.pk)
    return render(
        request, "planning/progress_form.html", _ctx(request, person, form=form, goal=goal)
    )
