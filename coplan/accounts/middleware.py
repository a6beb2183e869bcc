from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control

from coplan.accounts.outage import DATABASE_ERRORS, database_unavailable
from coplan.accounts.services import must_use_two_factor
from coplan.lib import input as policy

_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/api/")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class RequireTwoFactorMiddleware:
    """Where the organisation requires it, a manager, quality lead or admin must verify with
    their authenticator before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_EXEMPT_PREFIXES)
            and not user.is_verified()
            and must_use_two_factor(user)
        ):
            return redirect(f"{reverse('two_factor')}?next={request.path}")
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set: a Permissions-Policy on every
    response, and `Cache-Control: no-store` on everything a signed-in user sees and on the
    API, so no browser or proxy cache keeps a copy of a person's record."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            patch_cache_control(response, no_store=True, private=True)
        return response


class QueryStringPolicyMiddleware:
    """A web address whose query string breaks the input policy (a NUL, a page number no
    database can count to) gets a plain 400 page, before any view turns it into a query.
    The API answers the same faults itself, as JSON naming the parameter."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            problems = policy.query_problems(dict(request.GET.lists()))
            if problems:
                return render(request, "400.html", {"problems": problems}, status=400)
        return self.get_response(request)


class AtomicWritesMiddleware:
    """A request that changes something (any method but GET, HEAD, OPTIONS) runs its view
    in one transaction, so one that fails leaves nothing behind. Reads stay outside one, so
    on SQLite they never wait for the write lock. Must be the last middleware: it calls the
    view itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS:
            return None
        if DEFAULT_DB_ALIAS in getattr(view_func, "_non_atomic_requests", set()):
            return None
        # Django's process_exception does not see what a process_view raises.
        try:
            with transaction.atomic():
                return view_func(request, *view_args, **view_kwargs)
        except DATABASE_ERRORS:
            return database_unavailable(request)
