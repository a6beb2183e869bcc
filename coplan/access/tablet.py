"""Shared-tablet mode: a staff member hands their signed-in tablet to a person who has no
login of their own, and the tablet then shows only that person's own space.

The session carries the person's id. While it does, `TabletModeMiddleware` lets through only
the pages of that person's space (and the one tap that ends the mode); any other page is
refused (a GET is sent back to the space, anything else is a 403), so the staff member's
tools, other people and the API cannot be reached from the tablet. Ending the mode, by the
tap or after `IDLE_MINUTES` without use, signs the tablet out altogether: whoever holds it
next must sign in, so a person never finds themselves inside a staff login. Starting and
ending are written to the person's access log.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import cast

from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils import timezone

from coplan.access import rules as access
from coplan.access.middleware import API_PREFIX, refusal
from coplan.access.models import AccessLog
from coplan.accounts.models import User
from coplan.people.models import Person

SESSION_PERSON = "tablet_person_id"
SESSION_SEEN = "tablet_seen_at"
IDLE_MINUTES = 20
SPACE_HOME = "space:home"
# The pages of the person's space (served by the reviews stage) and the end of the mode.
ALLOWED_VIEWS = frozenset(
    {
        "space:home",
        "space:week",
        "space:checkin",
        "space:talk",
        "space:plan",
        "tablet_end",
        "invite_accept",
    }
)
# Pages of another stage made for the person (the easy-read plan, its print and sound), for
# this person only; and the big-writing and strong-colours switch, which is about no one.
FOR_THE_PERSON = frozenset(
    {"easyread:plan", "easyread:plan_pdf", "easyread:plan_audio", "easyread:plan_audio_wav"}
)
ABOUT_NO_ONE = frozenset({"easyread:display"})
REFUSED = "This tablet shows only one person's own space. Tap “Finish” to end it."


def tablet_person_id(request: HttpRequest) -> int | None:
    session = getattr(request, "session", None)
    if session is None:
        return None
    value = session.get(SESSION_PERSON)
    return int(value) if value is not None else None


def _log(user: User, person_id: int, what: str, action: str) -> None:
    AccessLog.objects.create(user=user, person_id=person_id, what=what, action=action)


def tablet_start(request: HttpRequest, person: Person) -> None:
    """Start the mode for this person, from a staff member's signed-in session."""
    user = cast(User, request.user)
    if not access.may_start_tablet(user, person):
        raise PermissionDenied(
            "Only staff who support this person can start a shared tablet, and only for "
            "someone without their own login."
        )
    request.session[SESSION_PERSON] = person.pk
    request.session[SESSION_SEEN] = timezone.now().isoformat()
    _log(user, person.pk, "Shared tablet started", AccessLog.Action.TABLET_START)


def tablet_end(request: HttpRequest, *, why: str = "Finished with a tap") -> None:
    """End the mode and sign the tablet out."""
    person_id = tablet_person_id(request)
    user = request.user
    if person_id is not None and user.is_authenticated:
        _log(
            cast(User, user), person_id, f"Shared tablet ended: {why}", AccessLog.Action.TABLET_END
        )
    logout(request)


def _allowed(request: HttpRequest, person_id: int) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    if match.view_name in ALLOWED_VIEWS:
        return match.kwargs.get("person_id", person_id) == person_id
    if match.view_name in FOR_THE_PERSON:
        return match.kwargs.get("person_id") == person_id
    return match.view_name in ABOUT_NO_ONE


class TabletModeMiddleware:
    """After authentication: keep a tablet in shared mode inside the person's space."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        person_id = tablet_person_id(request)
        if person_id is None:
            return self.get_response(request)
        if not request.user.is_authenticated:
            request.session.pop(SESSION_PERSON, None)
            return self.get_response(request)
        now = timezone.now()
        seen = request.session.get(SESSION_SEEN)
        api = request.path.startswith(API_PREFIX)
        if seen and (now - datetime.fromisoformat(seen)).total_seconds() > IDLE_MINUTES * 60:
            tablet_end(request, why=f"no use for {IDLE_MINUTES} minutes")
            return refusal(request, "Sign in again.", status=401) if api else redirect("login")
        if not _allowed(request, person_id):
            if request.method in access.READ_METHODS and not api:
                return redirect(SPACE_HOME)
            return refusal(request, REFUSED) if api else HttpResponseForbidden(REFUSED)
        request.session[SESSION_SEEN] = now.isoformat()
        return self.get_response(request)
