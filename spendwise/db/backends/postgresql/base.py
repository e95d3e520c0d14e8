"""Django's PostgreSQL backend, with the user and password read from Secrets Manager.

Used by ``spendwise.db.config`` when ``DB_SECRET_ARN`` is set (and harmless without it). The
RDS-managed secret is read when a connection opens, not at start-up, and kept for
``DB_SECRET_CACHE_SECONDS`` (5 minutes), so RDS's automatic rotation never needs a restart:

* connections already open keep working (PostgreSQL does not end sessions on a new password);
* a new connection within the cache time may try the old password and be refused: the
  backend then forgets the cached value, reads the secret again and, when the password did
  change, connects once more with the new one, all inside the same ``connect()``.

A secret that cannot be read (access denied, not found, not JSON) becomes the driver's
``OperationalError``, so callers see a database error like any other failed connect (the
readiness check answers 503 rather than 500).

When the server has no free connection slot, or is still starting up, a new connection waits
briefly (``DB_CONNECT_WAIT_MS``, 1 s by default) and tries again before it gives up: a burst
that fills ``max_connections`` for a moment, or a restart, costs latency instead of errors.
Any other failed connect (refused, timed out) fails at once, so the request's 503 is fast.
A thread that has just waited in vain does not wait again for a moment (``NO_SECOND_WAIT``): a
request whose first query found no slot would otherwise wait once more for every later query
(its session, its error page), and its 503 would take seconds instead of one wait.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import psycopg
from django.db.backends.postgresql import base

from spendwise.db.config import CONNECT_WAIT_KEY, SECRET_SOURCE_KEY
from spendwise.db.credentials import CredentialsCache, DatabaseCredentials, SecretSource
from spendwise.db.outage import classify

logger = logging.getLogger(__name__)

# One per process: every connection (thread, alias) to the same secret shares one read.
credentials_cache = CredentialsCache()

# Connect failures worth waiting out: the server will have a slot, or be up, in a moment.
WAIT_FOR = frozenset({"too_many_connections", "starting_up"})
FIRST_PAUSE_SECONDS = 0.05
LONGEST_PAUSE_SECONDS = 0.4
NO_SECOND_WAIT_SECONDS = 2.0
_waited_in_vain = threading.local()


def is_authentication_failure(error: BaseException) -> bool:
    """The server refused the password (SQLSTATE 28P01/28000 when the driver has it; libpq
    reports a failed connect with only the server's message, "password authentication
    failed for user …", in English on RDS)."""
    sqlstate = getattr(error, "sqlstate", None)
    return sqlstate in {"28P01", "28000"} or "authentication failed" in str(error)


def secret_source(settings_dict: dict[str, Any]) -> SecretSource | None:
    secret = settings_dict.get(SECRET_SOURCE_KEY) or {}
    if not secret.get("ARN"):
        return None
    return SecretSource(
        arn=secret["ARN"],
        region=secret.get("REGION") or "",
        endpoint_url=secret.get("ENDPOINT_URL") or "",
        max_age_seconds=float(secret.get("MAX_AGE_SECONDS", 300)),
    )


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        source = secret_source(self.settings_dict)
        if source is not None:
            credentials = self._credentials(source)
            params["user"] = credentials.username
            params["password"] = credentials.password
        return params

    def get_new_connection(self, conn_params: Any) -> Any:
        """Connect; while the server is full or starting up, retry with growing pauses for
        up to the configured wait, then let the last error through."""
        now = time.monotonic()
        wait = float(self.settings_dict.get(CONNECT_WAIT_KEY) or 0)
        if now - getattr(_waited_in_vain, "at", float("-inf")) < NO_SECOND_WAIT_SECONDS:
            wait = 0.0
        deadline = now + wait
        pause = FIRST_PAUSE_SECONDS
        while True:
            try:
                connection = self._connect_once(conn_params)
            except psycopg.OperationalError as error:
                outage = classify(error)
                left = deadline - time.monotonic()
                if outage is None or outage.reason not in WAIT_FOR or left <= 0:
                    if outage is not None and outage.reason in WAIT_FOR and wait > 0:
                        _waited_in_vain.at = time.monotonic()
                    raise
                time.sleep(min(pause, left))
                pause = min(pause * 2, LONGEST_PAUSE_SECONDS)
            else:
                _waited_in_vain.at = float("-inf")
                return connection

    def _connect_once(self, conn_params: Any) -> Any:
        try:
            return super().get_new_connection(conn_params)
        except psycopg.OperationalError as error:
            source = secret_source(self.settings_dict)
            if source is None or not is_authentication_failure(error):
                raise
            credentials_cache.invalidate(source.arn)
            fresh = self._credentials(source)
            if (fresh.username, fresh.password) == (conn_params["user"], conn_params["password"]):
                raise  # the secret has not changed: a real authentication problem
            logger.warning(
                "database password refused; the secret %s has a new one, reconnecting",
                source.arn,
            )
            params = {**conn_params, "user": fresh.username, "password": fresh.password}
            return super().get_new_connection(params)

    def _credentials(self, source: SecretSource) -> DatabaseCredentials:
        try:
            return credentials_cache.get(source)
        except Exception as error:
            # botocore's and the secret's own errors, as the driver's error (see the docstring).
            raise psycopg.OperationalError(
                f"could not read the database credentials from {source.arn}: "
                f"{type(error).__name__}: {error}"
            ) from error
