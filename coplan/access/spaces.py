"""Where home sends a login that is not staff: the person to their own space, someone in
one person's circle straight to what was shared with them. (The pages are served by the
reviews stage, which reads the plan; they are named here, not imported.)"""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from coplan.access import rules as access
from coplan.accounts.models import User


def own_space(request: HttpRequest) -> HttpResponse | None:
    user = cast(User, request.user)
    if access.is_staff_member(user):
        return None
    if access.is_person(user):
        return redirect("space:home")
    circle = access.circle_person_ids(user)
    if len(circle) == 1:
        return redirect("space:circle", person_id=circle[0])
    return None
