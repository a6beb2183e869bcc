"""Sessions: part of coplan.planning.api."""

from django.http import HttpRequest
from ninja import Status
from ninja.pagination import PageNumberPagination, paginate

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.planning import selectors, services
from coplan.planning.api.helpers import _based_on, _blank_nulls, _circle_rows, _given
from coplan.planning.api.router import router
from coplan.planning.api.schemas import (
    SessionIn,
    SessionOut,
    SessionPatch,
    SessionSummaryOut,
    SessionViewIn,
    SessionViewOut,
)
from coplan.planning.models import (
    CoproductionSession,
)


@router.get("/people/{person_id}/sessions", response=list[SessionSummaryOut])
@paginate(PageNumberPagination)
def list_sessions(request: HttpRequest, person_id: int):
    person = access.get_person_for_user(request, person_id, Action.VIEW_PLAN, what="Sessions")
    return person.sessions.order_by("-scheduled_for")


@router.post("/people/{person_id}/sessions", response={201: SessionOut})
def create_session(request: HttpRequest, person_id: int, payload: SessionIn):
    person = access.get_person_for_user(request, person_id, Action.PLAN)
    data = _given(payload)
    data["choices"] = payload.dict()["choices"]
    data["invitees"] = _circle_rows(person, payload.dict()["invitees"])
    if data.get("information_formats") is None:
        data["information_formats"] = selectors.default_information_formats(person)
    session = services.session_create(person=person, by=request.user, **data)
    return Status(201, selectors.session_page(session.pk))


@router.get("/sessions/{session_id}", response=SessionOut)
def get_session(request: HttpRequest, session_id: int):
    return access.get_object_for_user(
        request,
        selectors.sessions_for_page(),
        session_id,
        Action.VIEW_PLAN,
        what=f"Co-production session {session_id}",
    )


@router.patch("/sessions/{session_id}", response=SessionOut)
def update_session(request: HttpRequest, session_id: int, payload: SessionPatch):
    session = access.get_object_for_user(request, CoproductionSession, session_id, Action.PLAN)
    person = session.person
    data = _blank_nulls(_given(payload), ["location", "information_prepared", "notes"])
    if "invitees" in data:
        data["invitees"] = _circle_rows(person, data["invitees"])
    if data.get("information_formats", []) is None:
        data["information_formats"] = []
    if data.get("prompts", []) is None:
        data["prompts"] = []
    based_on = _based_on(request, data.pop("version", None))
    services.session_update(session=session, by=request.user, based_on=based_on, **data)
    return selectors.session_page(session_id)


@router.post("/sessions/{session_id}/views", response={201: SessionViewOut})
def add_session_view(request: HttpRequest, session_id: int, payload: SessionViewIn):
    session = access.get_object_for_user(request, CoproductionSession, session_id, Action.ADD_VIEWS)
    return Status(
        201,
        services.session_view_add(
            session=session,
            by=request.user,
            text=payload.text,
            how_given=payload.how_given or "",
            on_behalf_of=payload.on_behalf_of,
        ),
    )
