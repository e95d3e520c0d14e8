"""``DATABASES["default"]`` from the environment (see docs/configuration.md).

* ``DATABASE_URL`` set: that URL, as before (dj-database-url).
* otherwise ``DB_HOST`` set: PostgreSQL at ``DB_HOST:DB_PORT/DB_NAME`` over TLS
  (``DB_SSLMODE``, default ``require``), as ``DB_USER``/``DB_PASSWORD`` or, with
  ``DB_SECRET_ARN``, as the user in that Secrets Manager secret, read at connect time by
  ``spendwise.db.backends.postgresql`` (what the ECS tasks get from Terraform).
* neither: the SQLite file given as ``default_url``, for development.
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


class DatabaseConfigurationError(ConfigurationError, ImproperlyConfigured):
    """The database variables contradict each other or miss one."""


def database_settings(default_url: str) -> dict[str, Any]:
    conn_max_age = env_int("DB_CONN_MAX_AGE", 60, minimum=0)
    url = env_str("DATABASE_URL").strip()
    host = env_str("DB_HOST").strip()
    if url or not host:
        parsed = dj_database_url.parse(
            url or default_url, conn_max_age=conn_max_age, conn_health_checks=True
        )
        return dict(parsed)

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
            "connect_timeout": env_int("DB_CONNECT_TIMEOUT", 10, minimum=1),
        },
    }
    if secret_arn:
        settings[SECRET_SOURCE_KEY] = {
            "ARN": secret_arn,
            "REGION": env_str("AWS_REGION").strip(),
            "ENDPOINT_URL": env_str("AWS_ENDPOINT_URL").strip(),
            "MAX_AGE_SECONDS": env_int("DB_SECRET_CACHE_SECONDS", 300, minimum=0),
        }
    return settings
