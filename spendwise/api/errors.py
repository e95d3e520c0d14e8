"""One JSON error shape for every failure: ``{"detail": …, "code": …, "errors": [...]}``."""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from spendwise.errors import DomainError

log = logging.getLogger(__name__)


class ErrorItem(Schema):
    field: str | None = None
    message: str


class ErrorOut(Schema):
    detail: str
    code: str
    errors: list[ErrorItem] = []


COMMON_ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


def responses(**ok: Any) -> dict[int, Any]:
    """``responses(ok200=ThingOut)`` → every status an operation can answer, for the schema."""
    result = dict(COMMON_ERRORS)
    for name, schema in ok.items():
        result[int(name.removeprefix("ok"))] = schema
    return result


def error_body(
    detail: str, code: str, errors: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {"detail": detail, "code": code, "errors": errors or []}


_LOCATIONS = ("body", "payload", "query", "path", "header", "cookie")

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "rate_limited",
}


def install(api: NinjaAPI) -> None:
    """Register the handlers that turn every failure into the one shape."""

    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        status = 409 if exc.code == "conflict" else 404 if exc.code == "not_found" else exc.status
        errors = [{"field": exc.field, "message": exc.message}] if exc.field else []
        return respond(request, status, error_body(exc.message, exc.code, errors))

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = []
        for error in exc.errors:
            # The parameter's own name: where it travels (body, query, path) the client knows.
            location = [str(part) for part in error.get("loc", ()) if part not in _LOCATIONS]
            errors.append({"field": ".".join(location) or None, "message": str(error.get("msg"))})
        return respond(request, 422, error_body("The request is not valid.", "invalid", errors))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, error_body("Not found.", "not_found"))

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        response = respond(
            request, 429, error_body("Too many requests. Slow down and retry.", "rate_limited")
        )
        response["Retry-After"] = str(int(exc.wait or 1))
        return response

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = str(exc.message) if getattr(exc, "message", None) else "Authentication required."
        response = respond(request, 401, error_body(message, "unauthorized"))
        response["WWW-Authenticate"] = 'Bearer realm="spendwise"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = _HTTP_CODES.get(exc.status_code, "error")
        return respond(request, exc.status_code, error_body(str(exc.message), code))

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("API error on %s %s", request.method, request.path)
        return respond(
            request, 500, error_body("Something went wrong on our side.", "server_error")
        )
