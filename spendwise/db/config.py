"""``DATABASES["default"]`` from the environment (see docs/configuration.md).

* ``DATABASE_URL`` set: that URL, as before (dj-database-url).
* otherwise ``DB_HOST`` set: PostgreSQL at ``DB_HOST:DB_PORT/DB_NAME`` over TLS
  (``DB_SSLMODE``, default ``require``), as ``DB_USER``/``DB_PASSWORD`` or, with
  ``DB_SECRET_ARN``, as the user in that Secrets Manager secret, read at connect time by
  ``spendwise.db.backends.postgresql`` (what the ECS tasks get from Terraform).
* neither: the SQLite file given as ``default_url``, for development.

PostgreSQL, however it is named, gets the same fault behaviour (docs/resilience.md): a short
``connect_timeout``, ``statement_timeout`` and ``lock_timeout`` set on every connection when it
opens, health checks of reused connections, and a brief wait for a free connection slot
(``CONNECT_WAIT_KEY``) before the request fails with a 503.
"""

from __future__ import annotations

from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from spendwise.env import ConfigurationError, env_choice, env_int, env_str

ENGINE = "spendwise.db.backends.postgresql"
# settings_dict[SECRET_SOURCE_KEY] = {"ARN", "REGION", "ENDPOINT_URL", "MAX_AGE_SECONDS"}: read by
# the backend (Django keeps keys it does not know; OPTIONS would go to the driver as is).
SECRET_SOURCE_KEY = "CREDENTIALS_SECRET"  # noqa: S105 (a key's name, not a secret)
SSL_MODES = ("require", "verify-full", "verify-ca", "prefer", "allow", "disable")
# settings_dict[CONNECT_WAIT_KEY]: seconds a new connection keeps retrying while the server says
# it has no free slot or is starting up (read by the backend, like SECRET_SOURCE_KEY).
CONNECT_WAIT_KEY = "CONNECT_WAIT_SECONDS"
_DJANGO_POSTGRESQL = "django.db.backends.postgresql"

# Defaults below the request deadlines: gunicorn gives a request 30 s, nginx and the ALB 60 s.
DEFAULT_CONNECT_TIMEOUT_SECONDS = 3
DEFAULT_STATEMENT_TIMEOUT_MS = 15_000
DEFAULT_LOCK_TIMEOUT_MS = 5_000
DEFAULT_CONNECT_WAIT_MS = 1_000


class DatabaseConfigurationError(ConfigurationError, ImproperlyConfigured):
    """The database variables contradict each other or miss one."""


def database_settings(default_url: str) -> dict[str, Any]:
    conn_max_age = env_int("DB_CONN_MAX_AGE", 60, minimum=0)
    url = env_str("DATABASE_URL").strip()
    host = env_str("DB_HOST").strip()
    if url or not host:
        parsed: dict[str, Any] = dict(
            dj_database_url.parse(
                url or default_url, conn_max_age=conn_max_age, conn_health_checks=True
            )
        )
        if parsed["ENGINE"] == _DJANGO_POSTGRESQL:
            parsed["ENGINE"] = ENGINE
            # Values given in the URL's query string (?connect_timeout=…) win.
            parsed["OPTIONS"] = {**postgres_options(), **parsed.get("OPTIONS", {})}
            parsed[CONNECT_WAIT_KEY] = connect_wait_seconds()
        return parsed

    name = env_str("DB_NAME").strip()
    if not name:
        raise DatabaseConfigurationError(
            f"DB_HOST={host!r} is set but DB_NAME is not: set DB_NAME to the database's name "
            "(e.g. spendwise), or give the whole DATABASE_URL instead."
        )
    user, password = env_str("DB_USER").strip(), env_str("DB_PASSWORD")
    secret_arn = env_str("DB_SECRET_ARN").strip()
    if secret_arn and (user or password):
        raise DatabaseConfigurationError(
            "DB_SECRET_ARN and DB_USER/DB_PASSWORD are both set: the user and password come "
            "from the secret; unset DB_USER and DB_PASSWORD."
        )
    if secret_arn and not secret_arn.startswith("arn:"):
        raise DatabaseConfigurationError(
            f"DB_SECRET_ARN={secret_arn!r} is not an ARN (arn:aws:secretsmanager:…)."
        )
    if not secret_arn and not user:
        raise DatabaseConfigurationError(
            "DB_HOST is set but neither DB_SECRET_ARN nor DB_USER: say who connects."
        )

    settings: dict[str, Any] = {
        "ENGINE": ENGINE,
        "HOST": host,
        "PORT": str(env_int("DB_PORT", 5432, minimum=1)),
        "NAME": name,
        "USER": user,
        "PASSWORD": password,
        "CONN_MAX_AGE": conn_max_age,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            "sslmode": env_choice("DB_SSLMODE", SSL_MODES, "require"),
            **postgres_options(),
        },
        CONNECT_WAIT_KEY: connect_wait_seconds(),
    }
    if secret_arn:
        settings[SECRET_SOURCE_KEY] = {
            "ARN": secret_arn,
            "REGION": env_str("AWS_REGION").strip(),
            "ENDPOINT_URL": env_str("AWS_ENDPOINT_URL").strip(),
            "MAX_AGE_SECONDS": env_int("DB_SECRET_CACHE_SECONDS", 300, minimum=0),
        }
    return settings


def postgres_options() -> dict[str, Any]:
    """libpq connection parameters that bound every wait on the database, from
    ``DB_CONNECT_TIMEOUT`` (seconds), ``DB_STATEMENT_TIMEOUT_MS`` and ``DB_LOCK_TIMEOUT_MS``
    (milliseconds; 0 switches one off). The server applies ``options`` when the session
    starts, so no extra round trip per connection."""
    options: dict[str, Any] = {
        "connect_timeout": env_int(
            "DB_CONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT_SECONDS, minimum=1
        ),
    }
    statement_ms = env_int("DB_STATEMENT_TIMEOUT_MS", DEFAULT_STATEMENT_TIMEOUT_MS, minimum=0)
    lock_ms = env_int("DB_LOCK_TIMEOUT_MS", DEFAULT_LOCK_TIMEOUT_MS, minimum=0)
    options["options"] = f"-c statement_timeout={statement_ms} -c lock_timeout={lock_ms}"
    return options


def connect_wait_seconds() -> float:
    """``DB_CONNECT_WAIT_MS`` in seconds: how long a new connection waits for a free slot."""
    return env_int("DB_CONNECT_WAIT_MS", DEFAULT_CONNECT_WAIT_MS, minimum=0) / 1000
