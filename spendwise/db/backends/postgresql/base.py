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
"""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from django.db.backends.postgresql import base

from spendwise.db.config import SECRET_SOURCE_KEY
from spendwise.db.credentials import CredentialsCache, DatabaseCredentials, SecretSource

logger = logging.getLogger(__name__)

# One per process: every connection (thread, alias) to the same secret shares one read.
credentials_cache = CredentialsCache()


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
