"""When the database does not answer, every request says so plainly: 503 with Retry-After,
JSON in the error shape for the API, a standalone page for the web. Never a traceback,
never a half-made page, and the next request after the database returns works.

Three places catch it, because Django turns an exception into a response at each
middleware's edge, so no single middleware sees them all:
- `DatabaseOutageMiddleware`, before the session, asks for a working connection first (with
  Django's health check, so a connection the server dropped is found here, not halfway
  through a page) and, through `process_exception`, catches a GET view's failure;
- `AtomicWritesMiddleware` (which calls write views itself) and the API's exception
  handlers catch a failure inside a view;
- `coplan.accounts.views.server_error` (handler500) catches the rest, such as the session
  failing to load in a later middleware.
"""

import logging

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

from coplan.lib.errors import error_body

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
MESSAGE = (
    "The database is not answering, so nothing was read or saved. Try again in a minute "
    "(the Retry-After header says when)."
)
# The health check does its own probe and answers in its own words; static files need no
# database.
_EXEMPT_PREFIXES = ("/healthz", "/static/")


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """The answer to any request made while the database is down."""
    logger.warning("Database unavailable: %s %s", request.method, request.path)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            error_body("database_unavailable", MESSAGE), status=503
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, no_store=True, private=True)
    # Middleware on the way out must not try to look the user up again (that is a query).
    request.user = AnonymousUser()
    # A connection that broke is dropped now, so the next request opens a fresh one. Inside
    # a transaction (a test's, or the API's own) Django drops it when the transaction ends.
    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()
    return response


class DatabaseOutageMiddleware:
    """Placed before the session: a request finds out the database is down before anything
    reads the session or the user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(_EXEMPT_PREFIXES):
            try:
                connection.close_if_health_check_failed()
                connection.ensure_connection()
            except DATABASE_ERRORS:
                return database_unavailable(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable(request)
        return None
