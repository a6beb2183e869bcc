"""Every API error is JSON: {"code": ..., "message": ..., "fields": {...}} with a 4xx (or a
503 with Retry-After while the database does not answer: coplan/accounts/outage.py).

Each operation runs in one transaction that is rolled back whenever the answer is an error,
so a request that fails leaves nothing behind; and every validated input goes through the
input policy (coplan/lib/input.py) before the operation sees it."""

import logging
from datetime import datetime
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.utils import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, re_path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import BaseModel

from coplan.accounts import outage
from coplan.api.openapi import CoplanOpenAPISchema
from coplan.lib import input as policy
from coplan.lib.errors import Conflict, error_body

logger = logging.getLogger(__name__)

REQUIRED = "This field is required."
NULL = "This field cannot be null."
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class JsonErrorsAPI(NinjaAPI):
    """A NinjaAPI whose unknown paths and wrong methods also answer in the error shape,
    rather than Django's HTML 404 page or Ninja's plain-text 405."""

    def _get_urls(self):
        urls = [
            _json_not_allowed(u) if isinstance(u, URLPattern) else u for u in super()._get_urls()
        ]
        return [*urls, re_path(r"^.*$", _unknown_path)]

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return CoplanOpenAPISchema(self, path_prefix)


@csrf_exempt
def _unknown_path(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    return JsonResponse(error_body("not_found", "No such API endpoint."), status=404)


def _json_not_allowed(pattern: URLPattern) -> URLPattern:
    view = pattern.callback

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and "json" not in response.get("Content-Type", ""):
            allowed = response.get("Allow", "")
            json_response = JsonResponse(
                error_body("method_not_allowed", f"This endpoint takes {allowed}."), status=405
            )
            json_response["Allow"] = allowed
            return json_response
        return response

    return URLPattern(pattern.pattern, wrapped, pattern.default_args, pattern.name)


def _field_name(loc: tuple | list) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path")]
    return ".".join(parts) or "body"


def _message(err: dict[str, Any]) -> str:
    """Pydantic's message, in the words Django's forms use for the same fault, so a form
    and the API say the same thing."""
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    if kind == "missing":
        return REQUIRED
    if err.get("input", "") is None and kind.endswith("_type"):
        return NULL
    if kind == "string_too_long" and isinstance(err.get("input"), str):
        return policy.too_long(err["input"], ctx.get("max_length", 0))
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return REQUIRED
    return err.get("msg", "")


def _in_query(err: dict[str, Any]) -> bool:
    return tuple(err.get("loc", ()))[:1] == ("query",)


def guarded_run(run):
    """Around each operation (before its input is validated): refuse a bad query string
    with a 400, and run a write in one transaction, rolled back on any error answer (Ninja
    turns exceptions into answers, so a transaction around the view alone would commit)."""

    @wraps(run)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        problems = policy.query_problems(dict(request.GET.lists()))
        if problems:
            return JsonResponse(
                error_body("bad_request", "Some query parameters are not valid.", problems),
                status=400,
            )
        if request.method in SAFE_METHODS:
            return run(request, *args, **kwargs)
        # No savepoint: inside the request's transaction (AtomicWritesMiddleware) an error
        # answer marks that whole transaction for rollback, which is what is wanted, and
        # saves two round trips on every write.
        with transaction.atomic(savepoint=False):
            response = run(request, *args, **kwargs)
            if response.status_code >= 400:
                transaction.set_rollback(True)
        return response

    return wrapped


def checked_input(view):
    """Around each operation's view (after validation): the input policy over every value,
    and date-times without a zone read as UK time."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        errors: dict[str, list[str]] = {}
        for name, value in kwargs.items():
            for path, message in _problems(name, value, ""):
                errors.setdefault(path, []).append(message)
        if errors:
            raise DjangoValidationError(errors)
        return view(request, *args, **kwargs)

    return wrapped


def _problems(name: str, value: Any, path: str):
    if isinstance(value, BaseModel):
        for field in type(value).model_fields:
            item = getattr(value, field)
            if isinstance(item, datetime) and timezone.is_naive(item):
                item = policy.as_aware(item)
                setattr(value, field, item)
            yield from _problems(field, item, f"{path}.{field}" if path else field)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, BaseModel):
                yield from _problems(name, item, f"{path}.{index}")
            else:
                yield from policy.value_problems(name, item, f"{path}.{index}")
    else:
        yield from policy.value_problems(name, value, path or name)


def install(api: NinjaAPI) -> None:
    api.add_decorator(guarded_run, mode="view")
    api.add_decorator(checked_input, mode="operation")

    @api.exception_handler(NinjaValidationError)
    def invalid_input(request: HttpRequest, exc: NinjaValidationError):
        fields: dict[str, list[str]] = {}
        for err in exc.errors:
            fields.setdefault(_field_name(err.get("loc", ())), []).append(_message(err))
        if exc.errors and all(_in_query(err) for err in exc.errors):
            return api.create_response(
                request,
                error_body("bad_request", "Some query parameters are not valid.", fields),
                status=400,
            )
        return api.create_response(
            request,
            error_body("invalid", "Some fields are missing or of the wrong type.", fields),
            status=422,
        )

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig):
        return api.create_response(
            request,
            error_body("too_large", "The request body is larger than the server accepts."),
            status=413,
        )

    @api.exception_handler(DjangoValidationError)
    def refused(request: HttpRequest, exc: DjangoValidationError):
        if hasattr(exc, "error_dict"):
            fields = {k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()}
            general = fields.pop("__all__", [])
        else:
            fields, general = {}, exc.messages
        message = " ".join(general) or "Some fields need correcting."
        return api.create_response(request, error_body("invalid", message, fields), status=422)

    @api.exception_handler(Conflict)
    def conflict(request: HttpRequest, exc: Conflict):
        return api.create_response(request, error_body(exc.code, exc.message), status=409)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError):
        return api.create_response(
            request,
            error_body("unauthenticated", "Send a valid token: Authorization: Bearer <token>."),
            status=401,
        )

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied):
        return api.create_response(
            request,
            error_body("forbidden", str(exc) or "Your role does not allow this."),
            status=403,
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404):
        return api.create_response(
            request, error_body("not_found", "No such record, or not one you can see."), status=404
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError):
        code = "bad_request" if exc.status_code == 400 else "error"
        return api.create_response(request, error_body(code, str(exc)), status=exc.status_code)

    @api.exception_handler(OperationalError)
    @api.exception_handler(InterfaceError)
    def database_down(request: HttpRequest, exc: Exception):
        return outage.database_unavailable(request)

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception):
        logger.exception("Unexpected API error", exc_info=exc)
        return api.create_response(
            request,
            error_body("server_error", "Something went wrong on our side; nothing was saved."),
            status=500,
        )
