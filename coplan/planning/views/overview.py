"""Plan overview: part of coplan.planning.views."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.planning import selectors
from coplan.planning.views.common import _ctx


@login_required
def plan_home(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(request, person_id, Action.VIEW_PLAN, what="Plan overview")
    return render(
        request,
        "planning/plan_home.html",
        _ctx(
            request,
            person,
            sessions=selectors.sessions_for(person)[:20],
            counts=selectors.plan_counts(person),
            goals=selectors.goals_for(person),
        ),
    )
