"""The database user and password from an RDS-managed Secrets Manager secret.

RDS keeps the master password in a secret whose value is JSON with at least ``username`` and
``password``, and rotates it (every 7 days by default). Whoever connects must therefore read
the secret when it connects, not once at start-up: ``read_database_secret`` reads it, and
``CredentialsCache`` keeps the result for a few minutes and forgets it on demand (after an
authentication failure, i.e. a rotation since the last read).

Shared by the web app's database backend (``spendwise.db.backends.postgresql``) and the
PostConfirmation Lambda (``lambdas/post_confirmation/handler.py``), which imports it before
Django is set up: no Django here, only boto3.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient

# Short: a connect that waits on Secrets Manager waits with the request (or Cognito's 5 s).
CONNECT_TIMEOUT_SECONDS = 2
READ_TIMEOUT_SECONDS = 3
MAX_ATTEMPTS = 2
DEFAULT_MAX_AGE_SECONDS = 300


class DatabaseSecretError(RuntimeError):
    """The secret could be read but holds no usable ``username`` and ``password``."""


logger = logging.getLogger("spendwise.db")


@dataclass(frozen=True)
class DatabaseCredentials:
    username: str
    password: str = field(repr=False)  # never in a log line or a traceback's locals repr


@dataclass(frozen=True)
class SecretSource:
    """Where the credentials live, and how long a read may be reused."""

    arn: str
    region: str = ""  # empty: the secret ARN's own region
    endpoint_url: str = ""  # an emulator (moto); empty for AWS
    max_age_seconds: float = DEFAULT_MAX_AGE_SECONDS


def region_of(arn: str) -> str:
    """``arn:aws:secretsmanager:<region>:<account>:secret:<name>`` → ``<region>`` (or "")."""
    parts = arn.split(":")
    return parts[3] if len(parts) > 6 and parts[0] == "arn" else ""


@functools.cache
def _client(region: str, endpoint_url: str) -> SecretsManagerClient:
    """One client per region and endpoint: clients are thread-safe and slow to build."""
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "secretsmanager",
        region_name=region or None,
        endpoint_url=endpoint_url or None,
        config=Config(
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            read_timeout=READ_TIMEOUT_SECONDS,
            retries={"max_attempts": MAX_ATTEMPTS},
        ),
    )


def read_database_secret(
    arn: str, *, region: str = "", endpoint_url: str = ""
) -> DatabaseCredentials:
    """Read the secret now. botocore's errors (not found, access denied) pass through."""
    client = _client(region or region_of(arn), endpoint_url)
    value = client.get_secret_value(SecretId=arn).get("SecretString", "")
    try:
        secret = json.loads(value)
    except ValueError as exc:
        raise DatabaseSecretError(f"the secret {arn} is not JSON") from exc
    if not isinstance(secret, dict) or not secret.get("username") or not secret.get("password"):
        raise DatabaseSecretError(f"the secret {arn} has no username and password")
    return DatabaseCredentials(str(secret["username"]), str(secret["password"]))


Reader = Callable[[SecretSource], DatabaseCredentials]


def _read_source(source: SecretSource) -> DatabaseCredentials:
    return read_database_secret(source.arn, region=source.region, endpoint_url=source.endpoint_url)


class CredentialsCache:
    """Credentials per secret ARN, reused for ``source.max_age_seconds`` (thread-safe)."""

    def __init__(
        self, reader: Reader = _read_source, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._reader = reader
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, DatabaseCredentials]] = {}

    # After a failed re-read, the expired credentials are served this long before the next try.
    RETRY_AFTER_SECONDS = 30.0

    def get(self, source: SecretSource) -> DatabaseCredentials:
        with self._lock:
            entry = self._entries.get(source.arn)
            now = self._clock()
            if entry is not None and now - entry[0] < source.max_age_seconds:
                return entry[1]
            # Read under the lock: threads connecting together make one call, not one each.
            try:
                credentials = self._reader(source)
            except Exception as exc:
                if entry is None:
                    raise
                # Stale if error: Secrets Manager being slow or down must not stop connections
                # with a password that still works. An authentication failure invalidates the
                # entry first (DatabaseWrapper), so a real rotation is never masked by this.
                logger.warning(
                    "could not re-read the database secret (%s); reusing the last credentials "
                    "for %.0f s",
                    type(exc).__name__,
                    self.RETRY_AFTER_SECONDS,
                )
                retry_at = now - source.max_age_seconds + self.RETRY_AFTER_SECONDS
                self._entries[source.arn] = (retry_at, entry[1])
                return entry[1]
            self._entries[source.arn] = (now, credentials)
            return credentials

    def invalidate(self, arn: str) -> None:
        """Forget ``arn``'s credentials: the next ``get`` reads the secret again."""
        with self._lock:
            self._entries.pop(arn, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
