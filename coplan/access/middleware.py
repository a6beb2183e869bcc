"""Bounds for a named inspector or commissioner: two-step sign-in first, then evidence only.

The access rules already give a grantee nothing but evidence reads (`INSPECTOR_ACTIONS`),
and only from a verified sign-in; this keeps them off the staff tools altogether (the shift
view, forms, any write), so no page built for staff is ever rendered for them."""

from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from coplan.access import rules as access
from coplan.lib.errors import error_body

SESSION_FLAG = "coplan_grantee"
API_PREFIX = "/api/"
# Signing in and out, the second step and static files. Not the notification centre: it is a
# staff tool (the alerts of care work), and an inspector is never told of anything there.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz")
_EVIDENCE_PREFIXES = ("/assurance/", "/api/v1/assurance/")
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def mark_grantee(sender, request, user, **kwargs) -> None:
    """At sign-in, note once whether this is an inspector's or commissioner's account."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_FLAG] = access.is_grantee(user)


user_logged_in.connect(mark_grantee, dispatch_uid="coplan.access.mark_grantee")


class InspectorBoundsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is None or not session.get(SESSION_FLAG) or not request.user.is_authenticated:
            return self.get_response(request)
        path = request.path
        if path.startswith(_OPEN_PREFIXES):
            return self.get_response(request)
        if not access.is_verified(request.user):
            if path.startswith(API_PREFIX):
                return refusal(request, "Finish the two-step sign-in first.", status=401)
            return redirect(f"{reverse('two_factor')}?next={path}")
        if path == "/":
            return redirect("assurance:inspector_home")
        if request.method in _SAFE_METHODS and path.startswith(_EVIDENCE_PREFIXES):
            # Pages drawn for them link nowhere they would be refused (a person's record).
            request.evidence_only = True
            return self.get_response(request)
        return refusal(request, "Your access is to evidence only: packs and trends.")


def refusal(request: HttpRequest, message: str, *, status: int = 403) -> HttpResponse:
    """A refusal made before any view runs: under /api/ the API's JSON error shape (a client
    of the API cannot read an HTML page), elsewhere the 403 page."""
    if request.path.startswith(API_PREFIX):
        code = "unauthenticated" if status == 401 else "forbidden"
        return JsonResponse(error_body(code, message), status=status)
    return render(request, "403.html", {"exception": message}, status=status)
