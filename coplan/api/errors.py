"""Every API error is JSON: {"code": ..., "message": ..., "fields": {...}} with a 4xx."""

import logging
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import URLPattern, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from coplan.lib.errors import Conflict

logger = logging.getLogger(__name__)


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"code": code, "message": message, "fields": fields or {}}


class JsonErrorsAPI(NinjaAPI):
    """A NinjaAPI whose unknown paths and wrong methods also answer in the error shape,
    rather than Django's HTML 404 page or Ninja's plain-text 405."""

    def _get_urls(self):
        urls = [
            _json_not_allowed(u) if isinstance(u, URLPattern) else u for u in super()._get_urls()
        ]
        return [*urls, re_path(r"^.*$", _unknown_path)]


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


def install(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def invalid_input(request: HttpRequest, exc: NinjaValidationError):
        fields: dict[str, list[str]] = {}
        for err in exc.errors:
            fields.setdefault(_field_name(err.get("loc", ())), []).append(err.get("msg", ""))
        return api.create_response(
            request,
            error_body("invalid", "Some fields are missing or of the wrong type.", fields),
            status=422,
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

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception):
        logger.exception("Unexpected API error", exc_info=exc)
        return api.create_response(
            request,
            error_body("server_error", "Something went wrong on our side; nothing was saved."),
            status=500,
        )
