"""The request id and the one log line per request (``spendwise.request``), with its metrics."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, ResolverMatch, resolve
from django.utils.functional import LazyObject, empty

from spendwise.ops import metrics
from spendwise.ops.logging import pseudonym, request_id, safe_request_id

logger = logging.getLogger("spendwise.request")


def incoming_request_id(request: HttpRequest) -> str | None:
    """The ``Root`` of the ``X-Amzn-Trace-Id`` that the ALB adds (or passes on from CloudFront),
    else ``X-Request-Id`` (nginx in `make stack`); ``None`` when neither is there or safe to log.

    The trace header wins: it is the id in the ALB's access logs too, and behind CloudFront a
    client's own ``X-Request-Id`` would otherwise name the request in our logs.
    """
    for part in request.headers.get("X-Amzn-Trace-Id", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "root":
            trace_root = safe_request_id(value)
            if trace_root:
                return trace_root
    return safe_request_id(request.headers.get("X-Request-Id"))


def resolved(request: HttpRequest) -> ResolverMatch | None:
    """The URL pattern the path matches, also when a middleware answered before the view (the
    health checks are answered for any host, ahead of URL resolution)."""
    if request.resolver_match is not None:
        return request.resolver_match
    if _is_static(request):
        return None
    try:
        return resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return None


def route_of(request: HttpRequest, match: ResolverMatch | None) -> str:
    """The URL pattern's name (``ledger:transaction_edit``), ``static`` for static files or
    ``unmatched``: few enough values to be a metric dimension, whatever paths are asked for."""
    if match is not None:
        return match.view_name or match.route or "unnamed"
    return "static" if _is_static(request) else "unmatched"


def _is_static(request: HttpRequest) -> bool:
    static_url = settings.STATIC_URL
    return bool(static_url) and request.path.startswith(str(static_url))


def loggable_path(request: HttpRequest, match: ResolverMatch | None) -> str:
    """The path without its query string, and with any text captured by the URL pattern (a
    signed file link's token) replaced by the parameter's name: ``/files/<token>/``."""
    path = request.path
    if match is not None:
        for name, value in match.kwargs.items():
            if isinstance(value, str) and value:
                path = path.replace(value, f"<{name}>")
    return path


def _user_id(request: HttpRequest) -> Any:
    user = getattr(request, "user", None)
    if user is None:
        return None
    # Not loaded by anything during the request: loading it only for the log would cost a query.
    if isinstance(user, LazyObject) and user._wrapped is empty:  # type: ignore[attr-defined]
        return None
    return user.pk if user.is_authenticated else None


class RequestLogMiddleware:
    """First in ``MIDDLEWARE``: gives the request its id (echoed in ``X-Request-Id``), so every
    line logged while it runs carries it, then writes one line for it: method, path, route,
    status, duration_ms, user and household (keyed hashes), plus the request metrics."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        began = time.perf_counter()
        current = incoming_request_id(request) or uuid.uuid4().hex
        # Cleared when the response is closed (below), not on the way out: Django logs a
        # refused request ("Bad Request: …") after the middleware returns.
        request_id.set(current)
        response = self.get_response(request)
        response.headers["X-Request-Id"] = current
        duration_ms = round((time.perf_counter() - began) * 1000, 1)
        user = _user_id(request)
        household = getattr(getattr(request, "household", None), "pk", None)
        match = resolved(request)
        route = route_of(request, match)
        status = response.status_code
        fields: dict[str, Any] = {
            "method": request.method,
            "path": loggable_path(request, match),
            "route": route,
            "status": status,
            "duration_ms": duration_ms,
            "user": pseudonym("user", user) if user is not None else None,
            "household": pseudonym("household", household) if household is not None else None,
        }
        fields.update(metrics.request(route=route, status=status, duration_ms=duration_ms))
        logger.info("%s %s %s", request.method, fields["path"], status, extra=fields)
        return response


def _forget_request_id(**_: Any) -> None:
    request_id.set(None)


request_finished.connect(_forget_request_id, dispatch_uid="spendwise.ops.request_id")
