"""Log lines for operators: one JSON object per line on stdout (``LOG_FORMAT=json``), or plain
text while developing (``LOG_FORMAT=plain``), each carrying the id of the request it belongs to.

Every line has ``time`` (UTC, ISO 8601, milliseconds), ``level``, ``logger``, ``message`` and
``request_id`` (``null`` outside a request), then the record's extra fields at the top level
(``logger.info("…", extra={"rows": 3})`` → ``"rows": 3``). Metric lines put CloudWatch's
``_aws`` member there too (``spendwise.ops.metrics``). See docs/observability.md.

Nothing here reads Django settings at import time: gunicorn's master imports it for its own
error log before Django is set up.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, date, datetime, time
from enum import Enum
from pathlib import PurePath
from typing import Any
from uuid import UUID

from django.conf import settings

# Imported for its side effect: every database connection of the process logs its slow queries.
# settings.LOGGING names the formatters below, so every process (web, migrate, manage …)
# imports this module while Django sets itself up, before its first connection.
from spendwise.ops import slow_queries  # noqa: F401

# The current request's id; the request middleware sets it, every log line reads it.
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# A request id we accept from outside: short and made of characters that need no escaping.
_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")

# The attributes every LogRecord has; anything else on a record came from ``extra=``. Django
# adds the request object to its own records ("request"): its text shows the query string,
# and the request line already says what it would.
_NOT_FIELDS = frozenset(vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
    "request",
}


def safe_request_id(value: str | None) -> str | None:
    """``value`` when it can be logged and echoed as it is, else ``None``."""
    if value and _SAFE_ID.fullmatch(value):
        return value
    return None


def pseudonym(kind: str, pk: object) -> str:
    """A stable, keyed stand-in for an id in the logs: HMAC-SHA256 over ``"<kind>:<pk>"`` with
    ``SECRET_KEY``, first 16 hex digits. The same user always gets the same value; the logs
    alone cannot be turned back into ids (nor e-mail addresses)."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{kind}:{pk}".encode(), hashlib.sha256
    ).hexdigest()
    return digest[:16]


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The fields a caller added with ``extra=``, in the order given."""
    return {key: value for key, value in vars(record).items() if key not in _NOT_FIELDS}


def _json_value(value: object) -> object:
    """An extra value that JSON has no type for: dates, times and UUIDs as text, anything else
    as its type's name only, so that an object's text (a user's e-mail address, an amount)
    never reaches the logs by accident. Log ids and counts instead."""
    if isinstance(value, date | time | UUID | PurePath | Enum):
        return value.isoformat() if isinstance(value, date | time) else str(value)
    return f"<{type(value).__name__}>"


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (CloudWatch Logs Insights reads every field)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id.get(),
        }
        line.update(extra_fields(record))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, separators=(",", ":"), default=_json_value)


class PlainFormatter(logging.Formatter):
    """Readable lines for a terminal: time, level, logger, [request id], message, extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        current = request_id.get()
        parts = [self.formatTime(record), record.levelname, record.name]
        if current:
            parts.append(f"[{current}]")
        parts.append(record.getMessage())
        parts.extend(
            f"{key}={value if isinstance(value, str | int | float) else _json_value(value)}"
            for key, value in extra_fields(record).items()
            if not key.startswith("_") and value is not None  # _aws: the metrics' metadata
        )
        text = " ".join(parts)
        if record.exc_info:
            text = f"{text}\n{self.formatException(record.exc_info)}"
        if record.stack_info:
            text = f"{text}\n{self.formatStack(record.stack_info)}"
        return text
