"""Slow database queries in the logs: every statement slower than ``SLOW_QUERY_MS`` is logged
(logger ``spendwise.db.slow``, level WARNING) with ``duration_ms`` and its SQL text.

Only the text with its placeholders (``%s``) is logged, never the parameters: they may be money
amounts, e-mail addresses or notes. The text is cut at ``SQL_MAX_CHARS``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.backends.signals import connection_created

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger("spendwise.db.slow")

SQL_MAX_CHARS = 2000


def log_slow_query(
    execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """A connection execute wrapper (Django's ``execute_wrappers``) that times the statement."""
    began = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        elapsed_ms = (time.perf_counter() - began) * 1000
        threshold = settings.SLOW_QUERY_MS
        if threshold and elapsed_ms >= threshold:
            text = str(sql)
            logger.warning(
                "slow query (%.0f ms)",
                elapsed_ms,
                extra={
                    "duration_ms": round(elapsed_ms, 1),
                    "database": context["connection"].alias,
                    "many": many,
                    "sql": text[:SQL_MAX_CHARS],
                    "sql_truncated": len(text) > SQL_MAX_CHARS,
                },
            )


def install(connection: BaseDatabaseWrapper, **_: Any) -> None:
    """Add the wrapper to a connection once (``connection_created`` fires on every reconnect)."""
    if log_slow_query not in connection.execute_wrappers:
        # First in the list: Django's ``connection.execute_wrapper()`` context manager pops
        # the last one on exit, so appending here inside such a block would lose ours.
        connection.execute_wrappers.insert(0, log_slow_query)


connection_created.connect(install, dispatch_uid="spendwise.ops.slow_queries")
