"""Cognito PostConfirmation trigger: give a newly confirmed person their SpendWise account.

On ``PostConfirmation_ConfirmSignUp`` it calls the app's own idempotent
``spendwise.identity.actions.provision_user(email=…, cognito_sub=…)`` (user row keyed by the
pool's ``sub``, a household of their own, default categories); a retry by Cognito creates
nothing twice. ``PostConfirmation_ConfirmForgotPassword`` needs nothing. The event goes back
unchanged. A failure (unreadable secret, unreachable database) is logged and re-raised, so
Cognito reports it and the person can try again (the app also provisions at first sign-in).

Environment (set by Terraform):

* ``DB_SECRET_ARN``: the RDS-managed secret, JSON ``{"username": …, "password": …}``.
* ``DB_HOST``, ``DB_PORT`` (default 5432), ``DB_NAME``: where the database is.
* ``DB_SSLMODE``: libpq's sslmode, default ``require``.
* ``AWS_ENDPOINT_URL``: optional, an emulator for Secrets Manager (tests).
* ``SECRET_KEY``: optional. The Lambda signs nothing (no sessions, no codes, no links), so
  without it each container gets a random key that satisfies the settings' start-up check.

Logs are one JSON object per line (``level``, ``message``, ``trigger``, ``sub`` …), never a
password. Cognito allows a trigger 5 seconds: the database connection times out after 3.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import sys
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

CONFIRM_SIGN_UP = "PostConfirmation_ConfirmSignUp"
CONNECT_TIMEOUT_SECONDS = 3


class JsonLines(logging.Formatter):
    """One JSON object per record: level, message, and the fields passed in ``extra``."""

    FIELDS = ("trigger", "sub", "user_id", "elapsed_ms", "error")

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "message": record.getMessage(),
        }
        for field in self.FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        return json.dumps(entry, default=str)


def _make_logger() -> logging.Logger:
    log = logging.getLogger("spendwise.post_confirmation")
    if not log.handlers:
        stream = logging.StreamHandler(sys.stdout)  # Lambda sends stdout to CloudWatch Logs
        stream.setFormatter(JsonLines())
        log.addHandler(stream)
    log.setLevel(logging.INFO)
    log.propagate = False  # the runtime's own root handler would print it a second time
    return log


logger = _make_logger()


class ConfigurationError(RuntimeError):
    """The Lambda's environment is missing something (a bad secret: DatabaseSecretError)."""


# Kept for the container's life: a warm invocation reuses them. Forgotten after a failure, so
# that Cognito's retry reads the secret again (the RDS-managed password may have rotated).
_credentials: dict[str, str] | None = None
_django_ready = False


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The Lambda entry point (``handler.handler``). Returns ``event`` unchanged."""
    trigger = str(event.get("triggerSource", ""))
    attributes = (event.get("request") or {}).get("userAttributes") or {}
    fields = {"trigger": trigger, "sub": attributes.get("sub", "")}
    if trigger != CONFIRM_SIGN_UP:
        logger.info("nothing to do for this trigger", extra=fields)
        return event
    started = time.monotonic()
    try:
        email, sub = attributes["email"], attributes["sub"]
        _prepare_database()
        from django.db import close_old_connections

        close_old_connections()  # what a request start does: drop an expired or broken link
        from spendwise.identity.actions import provision_user

        user = provision_user(email=email, cognito_sub=sub)
    except Exception as exc:
        _forget_credentials()
        logger.error(
            "could not provision the user",
            extra={
                **fields,
                "error": f"{type(exc).__name__}: {exc}".strip(),
                "elapsed_ms": _elapsed_ms(started),
            },
        )
        raise
    logger.info(
        "user provisioned",
        extra={**fields, "user_id": user.pk, "elapsed_ms": _elapsed_ms(started)},
    )
    return event


def _elapsed_ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _environment(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, "").strip() or default
    if not value:
        raise ConfigurationError(f"the environment variable {name} is not set")
    return value


def _read_credentials() -> dict[str, str]:
    """``username`` and ``password`` from the RDS-managed secret in Secrets Manager."""
    # The app's own reader (no Django in it): the same checks and timeouts as the web tasks.
    from spendwise.db.credentials import read_database_secret

    credentials = read_database_secret(
        _environment("DB_SECRET_ARN"), endpoint_url=os.environ.get("AWS_ENDPOINT_URL", "")
    )
    return {"username": credentials.username, "password": credentials.password}


def database_url(credentials: dict[str, str]) -> str:
    """A ``DATABASE_URL`` for ``spendwise.settings`` from the secret and the environment."""
    user = quote(credentials["username"], safe="")
    password = quote(credentials["password"], safe="")
    host = _environment("DB_HOST")
    port = _environment("DB_PORT", "5432")
    name = quote(_environment("DB_NAME"), safe="")
    sslmode = quote(_environment("DB_SSLMODE", "require"), safe="")
    return (
        f"postgresql://{user}:{password}@{host}:{port}/{name}"
        f"?sslmode={sslmode}&connect_timeout={CONNECT_TIMEOUT_SECONDS}"
    )


def _prepare_database() -> None:
    """Set Django up once per container (the app's own settings, DEBUG off), or, on a warm
    container whose credentials were just read again, point the connection at them."""
    global _credentials, _django_ready
    fresh = _credentials is None
    if _credentials is None:
        _credentials = _read_credentials()
    if not _django_ready:
        os.environ["DATABASE_URL"] = database_url(_credentials)
        os.environ["DEBUG"] = "false"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spendwise.settings")
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
        import django

        django.setup()
        _django_ready = True
    elif fresh:
        from django.db import connections

        connection = connections["default"]
        if (connection.settings_dict["USER"], connection.settings_dict["PASSWORD"]) != (
            _credentials["username"],
            _credentials["password"],
        ):
            connection.close()
            connection.settings_dict["USER"] = _credentials["username"]
            connection.settings_dict["PASSWORD"] = _credentials["password"]


def _forget_credentials() -> None:
    global _credentials
    _credentials = None
