"""The RDS secret read at connect time, against moto's Secrets Manager: the connection
parameters, the cache, the forced re-read, and a secret that cannot be read."""

from __future__ import annotations

import logging

import pytest
from django.db.utils import OperationalError

from spendwise.db.config import database_settings
from spendwise.db.credentials import (
    CredentialsCache,
    DatabaseCredentials,
    DatabaseSecretError,
    SecretSource,
    read_database_secret,
    region_of,
)
from spendwise.db.tests.conftest import make_wrapper

SQLITE = "sqlite:////srv/spendwise/unused.sqlite3"


def settings_for(env, secrets, arn: str, **extra: str):
    variables = {
        "DB_HOST": "spendwise.abc.us-east-1.rds.amazonaws.com",
        "DB_NAME": "spendwise",
        "DB_SECRET_ARN": arn,
        "AWS_ENDPOINT_URL": secrets.endpoint,
        **extra,
    }
    for name, value in variables.items():
        env.setenv(name, value)
    return database_settings(SQLITE)


def test_the_connection_parameters_come_from_the_environment_and_the_secret(
    clean_env, secrets, reader
):
    arn = secrets.create("spendwise", "first-password")
    wrapper = make_wrapper(settings_for(clean_env, secrets, arn, DB_CONNECT_TIMEOUT="5"))

    params = wrapper.get_connection_params()

    assert {key: params[key] for key in ("host", "port", "dbname", "user", "password")} == {
        "host": "spendwise.abc.us-east-1.rds.amazonaws.com",
        "port": "5432",
        "dbname": "spendwise",
        "user": "spendwise",
        "password": "first-password",
    }
    assert (params["sslmode"], params["connect_timeout"]) == ("require", 5)
    assert "CREDENTIALS_SECRET" not in params  # nothing of ours reaches the driver


def test_the_secret_is_read_once_per_cache_period(clean_env, secrets, reader):
    counting, clock = reader
    arn = secrets.create("spendwise", "first-password")
    wrapper = make_wrapper(settings_for(clean_env, secrets, arn))
    assert wrapper.get_connection_params()["password"] == "first-password"

    secrets.rotate(arn, "spendwise", "second-password")
    clock.now += 299
    assert wrapper.get_connection_params()["password"] == "first-password"  # cached
    assert counting.reads == 1

    clock.now += 2  # past DB_SECRET_CACHE_SECONDS' default of 300
    assert wrapper.get_connection_params()["password"] == "second-password"
    assert counting.reads == 2


def test_a_cache_of_zero_seconds_reads_at_every_connect(clean_env, secrets, reader):
    counting, _ = reader
    arn = secrets.create("spendwise", "pw")
    wrapper = make_wrapper(settings_for(clean_env, secrets, arn, DB_SECRET_CACHE_SECONDS="0"))
    wrapper.get_connection_params()
    wrapper.get_connection_params()
    assert counting.reads == 2


def test_an_unreadable_secret_is_a_database_error_naming_it(clean_env, secrets, reader, unblocked):
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-missing-AbCdEf"
    wrapper = make_wrapper(settings_for(clean_env, secrets, arn))
    with pytest.raises(OperationalError) as raised:
        wrapper.ensure_connection()
    assert f"could not read the database credentials from {arn}" in str(raised.value)
    assert "ResourceNotFoundException" in str(raised.value)


def test_the_shared_reader_checks_the_secrets_shape(secrets):
    not_json = secrets.client.create_secret(Name="rds!db-not-json", SecretString="password")
    no_password = secrets.client.create_secret(
        Name="rds!db-no-password", SecretString='{"username": "u"}'
    )
    with pytest.raises(DatabaseSecretError, match="is not JSON"):
        read_database_secret(not_json["ARN"], endpoint_url=secrets.endpoint)
    with pytest.raises(DatabaseSecretError, match="has no username and password"):
        read_database_secret(no_password["ARN"], endpoint_url=secrets.endpoint)


def test_the_region_defaults_to_the_secrets_own():
    assert region_of("arn:aws:secretsmanager:eu-west-1:1:secret:x") == "eu-west-1"
    assert region_of("rds!db-1234") == ""


def test_credentials_never_show_their_password():
    assert "hunter2" not in repr(DatabaseCredentials("u", "hunter2"))


def test_the_cache_is_per_secret_and_can_be_invalidated():
    reads: list[str] = []

    def reader(source: SecretSource) -> DatabaseCredentials:
        reads.append(source.arn)
        return DatabaseCredentials("u", f"pw{len(reads)}")

    cache = CredentialsCache(reader, clock=lambda: 0.0)
    one, two = SecretSource("arn:one"), SecretSource("arn:two")
    assert cache.get(one).password == "pw1"
    assert cache.get(two).password == "pw2"
    assert cache.get(one).password == "pw1"
    cache.invalidate("arn:one")
    assert cache.get(one).password == "pw3"
    assert reads == ["arn:one", "arn:two", "arn:one"]


def test_an_expired_entry_is_reused_while_secrets_manager_fails_but_not_after_invalidate():
    now = [0.0]
    outcomes: list[DatabaseCredentials | Exception] = [
        DatabaseCredentials("u", "still-valid"),
        ConnectionError("secretsmanager unreachable"),
        DatabaseCredentials("u", "rotated"),
    ]
    calls: list[float] = []

    def reader(source: SecretSource) -> DatabaseCredentials:
        calls.append(now[0])
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    cache = CredentialsCache(reader, clock=lambda: now[0])
    source = SecretSource("arn:db", max_age_seconds=300)
    assert cache.get(source).password == "still-valid"

    now[0] = 301.0  # expired; the re-read fails: the old password keeps connections going
    assert cache.get(source).password == "still-valid"
    now[0] = 320.0  # no new attempt within the retry delay
    assert cache.get(source).password == "still-valid"
    assert calls == [0.0, 301.0]

    now[0] = 332.0  # after it, the next read succeeds
    assert cache.get(source).password == "rotated"
    assert calls == [0.0, 301.0, 332.0]


def test_a_failed_first_read_or_a_read_after_invalidate_raises():
    def reader(source: SecretSource) -> DatabaseCredentials:
        raise ConnectionError("secretsmanager unreachable")

    cache = CredentialsCache(reader, clock=lambda: 0.0)
    with pytest.raises(ConnectionError):
        cache.get(SecretSource("arn:db"))


def test_no_password_in_the_logs(clean_env, secrets, reader, caplog):
    arn = secrets.create("spendwise", "never-logged-7c1d")
    with caplog.at_level(logging.DEBUG, logger="spendwise"):  # ours, not botocore's wire log
        make_wrapper(settings_for(clean_env, secrets, arn)).get_connection_params()
    assert "never-logged-7c1d" not in caplog.text
