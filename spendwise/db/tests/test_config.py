"""DATABASES["default"] from DATABASE_URL, from DB_HOST and friends, or the SQLite default."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from spendwise.db.config import CONNECT_WAIT_KEY, ENGINE, SECRET_SOURCE_KEY, database_settings
from spendwise.env import ConfigurationError

ROOT = Path(__file__).resolve().parents[3]
SQLITE = "sqlite:////srv/spendwise/default.sqlite3"
ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234-AbCdEf"

pytestmark = pytest.mark.usefixtures("clean_env")


def test_without_db_host_it_is_the_sqlite_default(clean_env):
    settings = database_settings(SQLITE)
    assert settings["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["NAME"] == "/srv/spendwise/default.sqlite3"
    assert settings["CONN_MAX_AGE"] == 60


def test_database_url_wins_over_db_host(clean_env):
    clean_env.setenv("DATABASE_URL", "postgresql://u:p@url-host:6543/fromurl")
    clean_env.setenv("DB_HOST", "ignored.example")
    clean_env.setenv("DB_NAME", "ignored")
    settings = database_settings(SQLITE)
    assert (settings["HOST"], settings["PORT"], settings["NAME"]) == ("url-host", 6543, "fromurl")
    # Django's backend, extended: the same timeouts and connect wait as with DB_HOST.
    assert settings["ENGINE"] == ENGINE
    assert settings["OPTIONS"] == {
        "connect_timeout": 3,
        "options": "-c statement_timeout=15000 -c lock_timeout=5000",
    }
    assert settings[CONNECT_WAIT_KEY] == 1.0


def test_db_host_with_a_user_and_password(clean_env):
    for name, value in {
        "DB_HOST": "db.internal",
        "DB_NAME": "spendwise",
        "DB_USER": "app",
        "DB_PASSWORD": "pw",
        "DB_CONN_MAX_AGE": "30",
    }.items():
        clean_env.setenv(name, value)
    assert database_settings(SQLITE) == {
        "ENGINE": ENGINE,
        "HOST": "db.internal",
        "PORT": "5432",
        "NAME": "spendwise",
        "USER": "app",
        "PASSWORD": "pw",
        "CONN_MAX_AGE": 30,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            "sslmode": "require",
            "connect_timeout": 3,
            "options": "-c statement_timeout=15000 -c lock_timeout=5000",
        },
        CONNECT_WAIT_KEY: 1.0,
    }


def test_db_host_with_the_rds_secret(clean_env):
    for name, value in {
        "DB_HOST": "spendwise-prod.abc.eu-west-1.rds.amazonaws.com",
        "DB_PORT": "5433",
        "DB_NAME": "spendwise",
        "DB_SECRET_ARN": ARN,
        "DB_SSLMODE": "verify-full",
        "DB_SECRET_CACHE_SECONDS": "60",
        "AWS_REGION": "eu-west-1",
    }.items():
        clean_env.setenv(name, value)
    settings = database_settings(SQLITE)
    assert (settings["USER"], settings["PASSWORD"], settings["PORT"]) == ("", "", "5433")
    assert settings["OPTIONS"]["sslmode"] == "verify-full"
    assert settings[SECRET_SOURCE_KEY] == {
        "ARN": ARN,
        "REGION": "eu-west-1",
        "ENDPOINT_URL": "",
        "MAX_AGE_SECONDS": 60,
    }


def test_the_timeouts_and_the_connect_wait_come_from_the_environment(clean_env):
    for name, value in {
        "DB_HOST": "db.internal",
        "DB_NAME": "spendwise",
        "DB_USER": "app",
        "DB_CONNECT_TIMEOUT": "2",
        "DB_STATEMENT_TIMEOUT_MS": "0",  # off
        "DB_LOCK_TIMEOUT_MS": "750",
        "DB_CONNECT_WAIT_MS": "250",
    }.items():
        clean_env.setenv(name, value)
    settings = database_settings(SQLITE)
    assert settings["OPTIONS"]["connect_timeout"] == 2
    assert settings["OPTIONS"]["options"] == "-c statement_timeout=0 -c lock_timeout=750"
    assert settings[CONNECT_WAIT_KEY] == 0.25


def test_a_database_url_may_set_its_own_connect_timeout(clean_env):
    clean_env.setenv("DATABASE_URL", "postgresql://u:p@h:5432/n?connect_timeout=7")
    assert database_settings(SQLITE)["OPTIONS"]["connect_timeout"] == 7


def test_sqlite_gets_no_postgresql_options(clean_env):
    settings = database_settings(SQLITE)
    assert "options" not in settings.get("OPTIONS", {})
    assert CONNECT_WAIT_KEY not in settings


@pytest.mark.parametrize("name", ["DB_STATEMENT_TIMEOUT_MS", "DB_LOCK_TIMEOUT_MS"])
def test_a_negative_timeout_is_refused(clean_env, name):
    clean_env.setenv("DATABASE_URL", "postgresql://u:p@h:5432/n")
    clean_env.setenv(name, "-1")
    with pytest.raises(ConfigurationError, match=f"{name}=-1 must be at least 0"):
        database_settings(SQLITE)


def test_db_host_without_db_name_is_improperly_configured(clean_env):
    clean_env.setenv("DB_HOST", "db.internal")
    clean_env.setenv("DB_SECRET_ARN", ARN)
    with pytest.raises(ImproperlyConfigured, match=r"DB_HOST='db\.internal' is set but DB_NAME"):
        database_settings(SQLITE)


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"DB_SECRET_ARN": ARN, "DB_PASSWORD": "pw"}, "DB_SECRET_ARN and DB_USER/DB_PASSWORD"),
        ({"DB_SECRET_ARN": ARN, "DB_USER": "app"}, "DB_SECRET_ARN and DB_USER/DB_PASSWORD"),
        ({"DB_SECRET_ARN": "rds!db-1234"}, "is not an ARN"),
        ({}, "neither DB_SECRET_ARN nor DB_USER"),
    ],
)
def test_contradicting_or_missing_credentials_are_refused(clean_env, variables, message):
    clean_env.setenv("DB_HOST", "db.internal")
    clean_env.setenv("DB_NAME", "spendwise")
    for name, value in variables.items():
        clean_env.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        database_settings(SQLITE)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DB_SSLMODE", "always", "DB_SSLMODE='always' must be one of"),
        ("DB_PORT", "postgres", "DB_PORT='postgres' is not a whole number"),
    ],
)
def test_malformed_values_name_the_variable(clean_env, name, value, message):
    for variable, setting in {"DB_HOST": "h", "DB_NAME": "n", "DB_USER": "u", name: value}.items():
        clean_env.setenv(variable, setting)
    with pytest.raises(ConfigurationError, match=message):
        database_settings(SQLITE)


def start_django(**variables: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "DATABASE"))}
    environment.update(
        DJANGO_SETTINGS_MODULE="spendwise.settings", DEBUG="false", SECRET_KEY="x" * 50
    )
    environment.update(variables)
    script = (
        "import django; django.setup(); from django.db import connections; "
        "print(type(connections['default']).__module__)"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_app_starts_on_the_secret_reading_backend():
    result = start_django(DB_HOST="db.internal", DB_NAME="spendwise", DB_SECRET_ARN=ARN)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "spendwise.db.backends.postgresql.base"


def test_the_app_refuses_to_start_on_db_host_without_db_name():
    result = start_django(DB_HOST="db.internal", DB_SECRET_ARN=ARN)
    assert result.returncode != 0
    assert "spendwise.db" not in result.stdout
    assert "DatabaseConfigurationError: DB_HOST='db.internal' is set but DB_NAME" in result.stderr
