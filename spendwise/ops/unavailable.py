"""A database outage answers 503 with ``Retry-After``, never a 500 page or a hang.

``spendwise.db.outage.classify`` decides which database errors are an outage (connection
refused or lost, no free slot, server starting or stopping, ``statement_timeout`` or
``lock_timeout``, deadlock). Two hooks turn them into the answer, wherever they are raised:

* ``server_error`` is the project's ``handler500``: Django calls it for any exception that a
  view or a middleware (the session, the household) let through;
* ``install(api)`` registers the same answer on the NinjaAPI, whose own catch-all handler would
  otherwise make a 500 of it.

Pages get a self-contained HTML page (no base template: its context processors would query the
database that is down); ``/api/`` gets the API's error shape ``{"detail", "code", "errors"}``.
Each answer writes one ``spendwise.db`` warning line naming the reason, the SQLSTATE and, for a
timeout, the setting and its value in milliseconds; the request id is on every line.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.template import Context, Engine
from django.templatetags.static import static
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import defaults

from spendwise.db.outage import Outage, classify, configured_timeouts
from spendwise.ops.logging import request_id

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("spendwise.db")

API_PREFIX = "/api/"

# Its own engine: the page must render with the database down, and from a 500 handler.
_ENGINE = Engine(
    dirs=[str(Path(__file__).resolve().parent / "templates")],
    libraries={"i18n": "django.templatetags.i18n"},
    autoescape=True,
)


def unavailable_response(request: HttpRequest, outage: Outage) -> HttpResponse:
    """The 503 for ``request``: JSON under ``/api/``, else the HTML page; ``Retry-After`` on
    both, never cached."""
    if request.path.startswith(API_PREFIX):
        body = {
            "detail": _("The service is briefly unavailable. Retry in a few seconds."),
            "code": "unavailable",
            "errors": [],
        }
        response = HttpResponse(json.dumps(body), status=503, content_type="application/json")
    else:
        page = _ENGINE.get_template("ops/unavailable.html").render(
            Context(
                {
                    "language": get_language() or "en",
                    "stylesheet": _stylesheet(),
                    "retry_after": outage.retry_after,
                    "path": request.path,
                    "request_id": request_id.get(),
                }
            )
        )
        response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(outage.retry_after)
    response["Cache-Control"] = "no-store"
    return response


def _stylesheet() -> str:
    try:
        return static("css/app.css")
    except ValueError:  # not in the static files manifest: the page works unstyled
        return ""


def log_outage(request: HttpRequest, error: BaseException, outage: Outage) -> None:
    """One warning line: the reason, the SQLSTATE, the timeout that fired (setting and ms)."""
    fields: dict[str, object] = {
        "reason": outage.reason,
        "sqlstate": outage.sqlstate,
        "error": type(error).__name__,
        "method": request.method,
        "path": request.path,
        "status": 503,
        "retry_after_s": outage.retry_after,
    }
    setting = outage.timeout_setting
    if setting is not None:
        fields["timeout"] = setting
        fields["timeout_ms"] = configured_timeouts(connections["default"].settings_dict).get(
            setting
        )
    logger.warning(
        "database unavailable (%s): answered 503", setting or outage.reason, extra=fields
    )


def answer_outage(request: HttpRequest, error: BaseException) -> HttpResponse | None:
    """The logged 503 when ``error`` is an outage, else ``None``."""
    outage = classify(error)
    if outage is None:
        return None
    log_outage(request, error, outage)
    response = unavailable_response(request, outage)
    # Logged above, with the reason; Django's "Service Unavailable: …" line with the whole
    # traceback would repeat it once per request for the length of the outage.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a 503 for a database outage, Django's plain 500 page otherwise."""
    error = sys.exc_info()[1]
    if error is not None:
        response = answer_outage(request, error)
        if response is not None:
            return response
    return defaults.server_error(request)


def install(api: NinjaAPI) -> None:
    """Answer an outage in an API operation with the JSON 503 (ninja looks handlers up by the
    exception's class first, so these win over the API's catch-all 500)."""
    from spendwise.api.errors import error_body

    def database_error(request: HttpRequest, error: Any) -> HttpResponse:
        response = answer_outage(request, error)
        if response is not None:
            return response
        logging.getLogger("spendwise.api.errors").exception(
            "API error on %s %s", request.method, request.path
        )
        return api.create_response(
            request, error_body("Something went wrong on our side.", "server_error"), status=500
        )

    api.add_exception_handler(OperationalError, database_error)
    api.add_exception_handler(InterfaceError, database_error)
