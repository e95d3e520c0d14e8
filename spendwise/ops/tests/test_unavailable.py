"""A database outage answers 503 + Retry-After (HTML for pages, JSON for /api/), never a 500."""

from __future__ import annotations

import time

import psycopg
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError, connection
from django.test import Client

from spendwise import urls
from spendwise.db import outage
from spendwise.ops.tests.log_capture import LogLines

REFUSED = (
    'connection failed: connection to server at "10.0.0.5", port 5432 failed: Connection refused'
)


def refused() -> OperationalError:
    try:
        raise OperationalError(REFUSED) from Refused(REFUSED)
    except OperationalError as error:
        return error


def postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's statement_timeout (the suite runs on it in CI)")


def test_the_project_answers_uncaught_errors_with_the_outage_handler() -> None:
    assert urls.handler500 == "spendwise.ops.unavailable.server_error"


@pytest.mark.django_db
def test_it_answers_a_page_with_a_503_page_when_the_session_cannot_be_read(
    owner_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner_client.raise_request_exception = False

    def down(self: SessionStore) -> None:
        raise refused()

    monkeypatch.setattr(SessionStore, "load", down)
    response = owner_client.get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "SpendWise is briefly unavailable" in page
    assert "Please try again in 5 seconds." in page
    assert "<script" not in page and "style=" not in page  # the CSP allows neither


@pytest.mark.django_db
@pytest.mark.parametrize(
    "where",
    [
        "spendwise.ledger.api.household_request",  # in the operation: the API's handler
        "spendwise.api.throttle.CallerThrottle.allow_request",  # before it: handler500
    ],
)
def test_it_answers_the_api_with_json_when_the_database_is_down(
    owner_client: Client, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    owner_client.raise_request_exception = False

    def down(*args: object) -> None:
        raise refused()

    monkeypatch.setattr(where, down)
    response = owner_client.get("/api/v1/accounts")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "detail": "The service is briefly unavailable. Retry in a few seconds.",
        "code": "unavailable",
        "errors": [],
    }


@pytest.mark.django_db
def test_a_statement_timeout_is_a_503_with_a_log_line_naming_the_request_and_the_timeout(
    settings: object, log_lines: LogLines
) -> None:
    postgres_only()
    settings.ROOT_URLCONF = "spendwise.ops.tests.outage_urls"  # type: ignore[attr-defined]
    client = Client(raise_request_exception=False)

    began = time.monotonic()
    response = client.get("/stuck/", HTTP_X_REQUEST_ID="req-timeout-1")
    api = client.get("/api/stuck/")

    assert time.monotonic() - began < 2  # pg_sleep(2) was cut off, twice
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert response["Content-Type"].startswith("text/html")
    assert "Reference: req-timeout-1" in response.content.decode()
    assert api.status_code == 503
    assert api.json()["code"] == "unavailable"
    line = next(
        entry for entry in log_lines.of("spendwise.db") if entry["request_id"] == "req-timeout-1"
    )
    assert line["level"] == "WARNING"
    assert line["timeout"] == "statement_timeout"
    assert line["sqlstate"] == "57014"
    assert line["status"] == 503
    assert line["path"] == "/stuck/"
    # One line of our own instead of Django's "Service Unavailable" with the whole traceback.
    assert not [e for e in log_lines.of("django.request") if e["request_id"] == "req-timeout-1"]


@pytest.mark.django_db
def test_a_database_error_that_is_a_bug_stays_a_500(settings: object) -> None:
    settings.ROOT_URLCONF = "spendwise.ops.tests.outage_urls"  # type: ignore[attr-defined]
    client = Client(raise_request_exception=False)

    response = client.get("/broken/")

    assert response.status_code == 500
    assert "Retry-After" not in response


FATAL = "connection failed: … FATAL:  "
errors = psycopg.errors
Refused = psycopg.OperationalError


@pytest.mark.parametrize(
    ("error", "reason", "retry_after"),
    [
        (errors.QueryCanceled("… due to statement timeout"), "statement_timeout", 2),
        (errors.QueryCanceled("… due to user request"), "cancelled", 2),
        (errors.LockNotAvailable("… due to lock timeout"), "lock_timeout", 2),
        (errors.AdminShutdown("terminating connection"), "shutdown", 5),
        (errors.TooManyConnections("sorry, too many clients already"), "too_many_connections", 2),
        (errors.DeadlockDetected("deadlock detected"), "conflict", 1),
        (Refused(FATAL + "sorry, too many clients already"), "too_many_connections", 2),
        (Refused(FATAL + "remaining connection slots are reserved"), "too_many_connections", 2),
        (Refused(FATAL + "the database system is starting up"), "starting_up", 5),
        (Refused(FATAL + "the database system is shutting down"), "shutdown", 5),
        (Refused(REFUSED), "connection", 5),
        (Refused("connection failed: timeout expired"), "connection", 5),
        (Refused("the connection is closed"), "connection", 5),
    ],
)  # fmt: skip
def test_it_names_each_outage_and_how_long_to_wait(
    error: psycopg.Error, reason: str, retry_after: int
) -> None:
    try:
        raise OperationalError(str(error)) from error
    except OperationalError as wrapped:
        found = outage.classify(wrapped)

    assert found is not None
    assert (found.reason, found.retry_after) == (reason, retry_after)


@pytest.mark.parametrize(
    "error",
    [
        errors.UndefinedTable('relation "x" does not exist'),
        errors.UniqueViolation("duplicate key value"),
        OperationalError("no such table: ledger_transaction"),  # SQLite: a missing migration
        ValueError("not a database error"),
    ],
)
def test_errors_that_are_bugs_are_not_outages(error: Exception) -> None:
    assert outage.classify(error) is None


def test_sqlites_locked_database_is_a_lock_timeout() -> None:
    found = outage.classify(OperationalError("database is locked"))
    assert found is not None and found.reason == "lock_timeout"


def test_it_reads_the_timeouts_from_the_connection_options() -> None:
    options = {"OPTIONS": {"options": "-c statement_timeout=15000 -c lock_timeout=5000"}}
    assert outage.configured_timeouts(options) == {
        "statement_timeout": 15000,
        "lock_timeout": 5000,
    }
    assert outage.configured_timeouts({"OPTIONS": {}}) == {}
