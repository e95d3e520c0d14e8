"""Which database errors mean "the database cannot serve this request now, retry soon".

Connection refused or lost, no free connection slot, the server starting up or shutting down,
a statement or lock wait cut off by ``statement_timeout``/``lock_timeout``, a serialization
failure or deadlock: the request gets a 503 with ``Retry-After`` (``spendwise.ops.unavailable``)
instead of a 500, because the client can do something about it (wait and try again) and the
operator sees it as an outage, not a bug. Any other database error (a missing table, a broken
constraint) stays a 500.

PostgreSQL reports most of these with an SQLSTATE; a failed *connect* carries none (libpq
only has the server's message then), so those are recognised by the message, which the
server sends in English unless ``lc_messages`` says otherwise (RDS: English).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import InterfaceError, OperationalError

# Seconds a client should wait before it retries, by reason.
RETRY_AFTER_SECONDS = {
    "connection": 5,
    "shutdown": 5,
    "starting_up": 5,
    "resources": 5,
    "too_many_connections": 2,
    "statement_timeout": 2,
    "lock_timeout": 2,
    "cancelled": 2,
    "conflict": 1,
}

_BY_SQLSTATE = {
    "53300": "too_many_connections",
    "55P03": "lock_timeout",
    "57P01": "shutdown",  # admin_shutdown: the server is stopping, or the backend was ended
    "57P02": "shutdown",  # crash_shutdown
    "57P03": "starting_up",  # cannot_connect_now
    "40001": "conflict",  # serialization_failure
    "40P01": "conflict",  # deadlock_detected
}
_BY_SQLSTATE_CLASS = {"08": "connection", "53": "resources", "58": "resources"}

# A failed connect has no SQLSTATE: the server's (or libpq's) message says what happened.
_BY_MESSAGE = (
    ("too many clients", "too_many_connections"),
    ("remaining connection slots are reserved", "too_many_connections"),
    ("the database system is starting up", "starting_up"),
    ("the database system is in recovery mode", "starting_up"),
    ("the database system is not yet accepting connections", "starting_up"),
    ("the database system is shutting down", "shutdown"),
)

# sqlite3's "database is locked": another writer held the file longer than its busy timeout.
_SQLITE_LOCKED = "database is locked"


@dataclass(frozen=True)
class Outage:
    """Why the database could not serve the request, for the 503 and its log line."""

    reason: str
    sqlstate: str | None

    @property
    def retry_after(self) -> int:
        """Seconds, for the ``Retry-After`` header."""
        return RETRY_AFTER_SECONDS[self.reason]

    @property
    def timeout_setting(self) -> str | None:
        """The PostgreSQL setting that ended the request's wait, if one did."""
        return self.reason if self.reason in ("statement_timeout", "lock_timeout") else None


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def classify(error: BaseException) -> Outage | None:
    """The outage ``error`` stands for, or ``None`` when it is not one (a bug: a 500)."""
    if not isinstance(error, OperationalError | InterfaceError | psycopg.Error):
        return None
    chain = list(_chain(error))
    driver = next((e for e in chain if isinstance(e, psycopg.Error)), None)
    sqlstate = getattr(driver, "sqlstate", None) if driver is not None else None
    if sqlstate:
        if sqlstate == "57014":  # query_canceled: by statement_timeout, or by someone
            reason = "statement_timeout" if "statement timeout" in str(driver) else "cancelled"
            return Outage(reason, sqlstate)
        known = _BY_SQLSTATE.get(sqlstate) or _BY_SQLSTATE_CLASS.get(sqlstate[:2])
        return Outage(known, sqlstate) if known else None
    message = " ".join(str(e) for e in chain).lower()
    for text, reason in _BY_MESSAGE:
        if text in message:
            return Outage(reason, None)
    if isinstance(driver, psycopg.OperationalError | psycopg.InterfaceError) or (
        driver is None and isinstance(error, InterfaceError)
    ):
        # Refused, unreachable, connect_timeout, connection lost mid-query, closed.
        return Outage("connection", None)
    if _SQLITE_LOCKED in message:
        return Outage("lock_timeout", None)
    return None


_TIMEOUT_OPTION = re.compile(r"-c\s*(statement_timeout|lock_timeout)=(\d+)")


def configured_timeouts(settings_dict: Mapping[str, Any]) -> dict[str, int]:
    """``{"statement_timeout": ms, "lock_timeout": ms}`` as the connection's ``OPTIONS``
    set them (``spendwise.db.config.postgres_options``); empty when none is set."""
    options = str((settings_dict.get("OPTIONS") or {}).get("options", ""))
    return {name: int(ms) for name, ms in _TIMEOUT_OPTION.findall(options)}
