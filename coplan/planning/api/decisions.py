"""Decisions: part of coplan.planning.api."""

from django.http import HttpRequest
from ninja import Status
from ninja.pagination import PageNumberPagination, paginate

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.planning import selectors, services
from coplan.planning.api.helpers import _based_on, _blank_nulls, _circle_rows, _given, _session_id
from coplan.planning.api.router import router
from coplan.planning.api.schemas import (
    DECISION_TEXT,
    AgreeIn,
    DecisionIn,
    DecisionOut,
    DecisionPatch,
)
from coplan.planning.models import (
    Decision,
    Domain,
)


@router.get("/people/{person_id}/decisions", response=list[DecisionOut])
@paginate(PageNumberPagination)
def list_decisions(
    request: HttpRequest,
    person_id: int,
    domain: Domain | None = None,
    status: Decision.Status | None = None,
):
    person = access.get_person_for_user(request, person_id, Action.VIEW_PLAN, what="Decision log")
    return selectors.decisions_for_api(person, domain=domain or "", status=status or "")


@router.post("/people/{person_id}/decisions", response={201: DecisionOut})
def create_decision(request: HttpRequest, person_id: int, payload: DecisionIn):
    person = access.get_person_for_user(request, person_id, Action.PLAN)
    data = _blank_nulls(_given(payload), ["person_agrees"])
    data["options"] = payload.dict()["options"]
    data["participants"] = _circle_rows(person, payload.dict()["participants"])
    data = _session_id(person, data)
    if data.get("final_say") is None:
        match = selectors.agreement_for_domain(selectors.agreement_entries(person), data["domain"])
        data["final_say"] = match.final_say if match else ""
    decision = services.decision_create(person=person, by=request.user, **data)
    return Status(201, selectors.decision_page(decision.pk))


@router.get("/decisions/{decision_id}", response=DecisionOut)
def get_decision(request: HttpRequest, decision_id: int):
    return access.get_object_for_user(
        request, selectors.decisions_for_page(), decision_id, Action.VIEW_PLAN
    )


@router.patch("/decisions/{decision_id}", response=DecisionOut)
def update_decision(request: HttpRequest, decision_id: int, payload: DecisionPatch):
    decision = access.get_object_for_user(request, Decision, decision_id, Action.PLAN)
    person = decision.person
    services.ensure_draft(decision)
    data = _blank_nulls(
        _given(payload), ["person_agrees", "goal_kept", "final_say", *DECISION_TEXT]
    )
    if "participants" in data:
        data["participants"] = _circle_rows(person, data["participants"])
    data = _session_id(person, data)
    based_on = _based_on(request, data.pop("version", None))
    services.decision_update(decision=decision, by=request.user, based_on=based_on, **data)
    return selectors.decision_page(decision_id)


@router.post("/decisions/{decision_id}/agree", response=DecisionOut)
def agree_decision(request: HttpRequest, decision_id: int, payload: AgreeIn):
    """Agree a draft. It is locked from then on, so the body confirms it and names the version
    checked; a draft changed since is a 409."""
    decision = access.get_object_for_user(request, Decision, decision_id, Action.SIGN_OFF)
    services.decision_agree(
        decision=decision,
        by=request.user,
        confirmed=payload.confirmed,
        based_on=_based_on(request, payload.version),
    )
    return selectors.decision_page(decision_id)


@router.post("/decisions/{decision_id}/supersede", response={201: DecisionOut})
def supersede_decision(request: HttpRequest, decision_id: int):
    decision = access.get_object_for_user(request, Decision, decision_id, Action.SIGN_OFF)
    new = services.decision_supersede(decision=decision, by=request.user)
    return Status(201, selectors.decision_page(new.pk))


@router.delete("/decisions/{decision_id}", response={204: None})
def delete_decision(request: HttpRequest, decision_id: int):
    decision = access.get_object_for_user(request, Decision, decision_id, Action.PLAN)
    services.decision_delete(decision=decision, by=request.user)
    return Status(204, None)
