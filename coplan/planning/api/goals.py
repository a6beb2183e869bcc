"""Goals: part of coplan.planning.api."""

from django.http import HttpRequest
from ninja import Status
from ninja.pagination import PageNumberPagination, paginate

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.planning import selectors, services
from coplan.planning.api.helpers import _based_on, _blank_nulls, _decisions, _given
from coplan.planning.api.router import router
from coplan.planning.api.schemas import GoalIn, GoalOut, GoalPatch, ProgressIn, ProgressOut
from coplan.planning.models import (
    Goal,
)


@router.get("/people/{person_id}/goals", response=list[GoalOut])
@paginate(PageNumberPagination)
def list_goals(request: HttpRequest, person_id: int):
    person = access.get_person_for_user(request, person_id, Action.VIEW_PLAN, what="Goals")
    return selectors.goals_for(person)


@router.post("/people/{person_id}/goals", response={201: GoalOut})
def create_goal(request: HttpRequest, person_id: int, payload: GoalIn):
    person = access.get_person_for_user(request, person_id, Action.PLAN)
    data = _given(payload)
    data["actions"] = payload.dict()["actions"]
    data["decisions"] = _decisions(person, data.pop("decision_ids", []))
    goal = services.goal_create(person=person, by=request.user, **data)
    return Status(201, selectors.goal_page(goal.pk))


@router.get("/goals/{goal_id}", response=GoalOut)
def get_goal(request: HttpRequest, goal_id: int):
    return access.get_object_for_user(
        request, selectors.goals_for_page(), goal_id, Action.VIEW_PLAN
    )


@router.patch("/goals/{goal_id}", response=GoalOut)
def update_goal(request: HttpRequest, goal_id: int, payload: GoalPatch):
    goal = access.get_object_for_user(request, Goal, goal_id, Action.PLAN)
    person = goal.person
    data = _blank_nulls(_given(payload), ["measure_unit", "status_reason"])
    if "decision_ids" in data:
        data["decisions"] = _decisions(person, data.pop("decision_ids") or [])
    if "checklist" in data and data["checklist"] is None:
        data["checklist"] = []
    based_on = _based_on(request, data.pop("version", None))
    services.goal_update(goal=goal, by=request.user, based_on=based_on, **data)
    return selectors.goal_page(goal_id)


@router.get("/goals/{goal_id}/progress", response=list[ProgressOut])
@paginate(PageNumberPagination)
def list_progress(request: HttpRequest, goal_id: int):
    goal = access.get_object_for_user(
        request, Goal, goal_id, Action.VIEW_PLAN, what=f"Goal {goal_id} progress"
    )
    return goal.progress.order_by("recorded_on", "id")


@router.post("/goals/{goal_id}/progress", response={201: ProgressOut})
def add_progress(request: HttpRequest, goal_id: int, payload: ProgressIn):
    goal = access.get_object_for_user(request, Goal, goal_id, Action.RECORD)
    data = _given(payload)
    if data.get("recorded_on") is None:
        data.pop("recorded_on", None)
    return Status(201, services.goal_progress_add(goal=goal, by=request.user, **data))
