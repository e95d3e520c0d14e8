"""Fixtures for the database-settings tests: a clean environment, moto's Secrets Manager,
and a PostgreSQL of their own that checks passwords (the suite's shared one trusts everyone)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from django.db.utils import ConnectionHandler
from psycopg import sql

from spendwise.db.backends.postgresql import base
from spendwise.db.backends.postgresql.base import DatabaseWrapper
from spendwise.db.credentials import CredentialsCache, DatabaseCredentials, SecretSource
from spendwise.db.credentials import _read_source as read_source
from spendwise.identity.tests.aws import admin_client, in_ci
from spendwise.identity.tests.conftest import moto_endpoint
from spendwise.testing.postgres import PostgresNotFoundError, TemporaryPostgres

__all__ = ["moto_endpoint"]

DB_VARIABLES = (
    "DATABASE_URL",
    "DB_HOST",
    "DB_PORT",
    "DB_NAME",
    "DB_USER",
    "DB_PASSWORD",
    "DB_SECRET_ARN",
    "DB_SSLMODE",
    "DB_CONNECT_TIMEOUT",
    "DB_SECRET_CACHE_SECONDS",
    "DB_CONN_MAX_AGE",
    "DB_STATEMENT_TIMEOUT_MS",
    "DB_LOCK_TIMEOUT_MS",
    "DB_CONNECT_WAIT_MS",
    "AWS_REGION",
    "AWS_ENDPOINT_URL",
)
APP_USER = "app_user"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No database variable from the developer's shell leaks into a test."""
    for name in DB_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"{name}_FILE", raising=False)
    return monkeypatch


@dataclass
class Secrets:
    """moto's Secrets Manager, and the RDS-managed-style secrets made in it."""

    endpoint: str
    client: Any

    def create(self, username: str, password: str) -> str:
        created = self.client.create_secret(
            Name=f"rds!db-{uuid.uuid4().hex[:12]}",
            SecretString=json.dumps({"username": username, "password": password}),
        )
        return str(created["ARN"])

    def rotate(self, arn: str, username: str, password: str) -> None:
        """What RDS's rotation does to the secret: a new current version."""
        self.client.put_secret_value(
            SecretId=arn, SecretString=json.dumps({"username": username, "password": password})
        )


@pytest.fixture
def secrets(moto_endpoint: str) -> Secrets:
    return Secrets(moto_endpoint, admin_client("secretsmanager", moto_endpoint))


class CountingReader:
    """The real reader (moto), counting the reads."""

    def __init__(self) -> None:
        self.reads = 0

    def __call__(self, source: SecretSource) -> DatabaseCredentials:
        self.reads += 1
        return read_source(source)


@dataclass
class FakeClock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def reader(monkeypatch: pytest.MonkeyPatch) -> tuple[CountingReader, FakeClock]:
    """The backend's process-wide cache replaced by one with a counter and a clock we move."""
    counting, clock = CountingReader(), FakeClock()
    monkeypatch.setattr(base, "credentials_cache", CredentialsCache(counting, clock))
    return counting, clock


def make_wrapper(settings_dict: dict[str, Any], alias: str = "secret_test") -> DatabaseWrapper:
    """A connection object outside ``django.db.connections``, with Django's defaults filled in."""
    configured = ConnectionHandler().configure_settings({"default": dict(settings_dict)})
    return DatabaseWrapper(configured["default"], alias=alias)


@dataclass
class PasswordPostgres:
    """A PostgreSQL where ``APP_USER`` must give its password (scram-sha-256)."""

    server: TemporaryPostgres

    def set_password(self, password: str) -> None:
        with psycopg.connect(self.server.url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                    sql.Identifier(APP_USER), sql.Literal(password)
                )
            )


@pytest.fixture(scope="module")
def password_postgres() -> Iterator[PasswordPostgres]:
    try:
        server = TemporaryPostgres().start()
    except PostgresNotFoundError as exc:
        if in_ci():
            pytest.fail(f"PostgreSQL is needed here (CI=true): {exc}", pytrace=False)
        pytest.skip(f"POSTGRESQL NOT INSTALLED, rotation test not run: {exc}")
    try:
        hba = server.data_dir / "pg_hba.conf"
        # First match wins: only APP_USER over TCP must prove its password.
        hba.write_text(
            f"host all {APP_USER} 127.0.0.1/32 scram-sha-256\n" + hba.read_text(), "utf-8"
        )
        with psycopg.connect(server.url, autocommit=True) as admin:
            admin.execute("SELECT pg_reload_conf()")
            admin.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(APP_USER)))
        yield PasswordPostgres(server)
    finally:
        server.stop()


@pytest.fixture
def unblocked(django_db_blocker: Any) -> Iterator[None]:
    """These tests open their own connections, to their own server, outside pytest-django's."""
    with django_db_blocker.unblock():
        yield
