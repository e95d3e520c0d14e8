"""Every PostgreSQL connection bounds its waits (statement_timeout, lock_timeout) from the start,
and a new connection waits briefly for a free slot, but not for a server that is down."""

from __future__ import annotations

import time
from typing import Any

import psycopg
import pytest

from spendwise.db.backends.postgresql import base as postgresql_base
from spendwise.db.backends.postgresql.base import DatabaseWrapper
from spendwise.db.config import database_settings
from spendwise.db.tests.conftest import PasswordPostgres, make_wrapper

TOO_MANY = "connection failed: … FATAL:  sorry, too many clients already"
REFUSED = (
    'connection failed: connection to server at "127.0.0.1", port 1 failed: Connection refused'
)


@pytest.mark.usefixtures("unblocked")
def test_a_new_connection_has_the_configured_timeouts(
    clean_env: pytest.MonkeyPatch, password_postgres: PasswordPostgres
) -> None:
    clean_env.setenv("DATABASE_URL", password_postgres.server.url)
    clean_env.setenv("DB_STATEMENT_TIMEOUT_MS", "1500")
    clean_env.setenv("DB_LOCK_TIMEOUT_MS", "250")
    wrapper = make_wrapper(database_settings("sqlite:////unused.sqlite3"), alias="timeouts")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            statement = cursor.fetchone()[0]
            cursor.execute("SHOW lock_timeout")
            lock = cursor.fetchone()[0]
    finally:
        wrapper.close()

    assert (statement, lock) == ("1500ms", "250ms")


class Attempts:
    """Stands in for one real connect: fails with ``errors`` in turn, then connects."""

    def __init__(self, *errors: str) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self, params: Any) -> str:
        self.calls += 1
        if self.errors:
            raise psycopg.OperationalError(self.errors.pop(0))
        return "connection"


@pytest.fixture(autouse=True)
def _no_earlier_wait() -> None:
    """Each test starts as a thread that has not waited in vain lately."""
    postgresql_base._waited_in_vain.at = float("-inf")


def wrapper_waiting(
    seconds: float, attempts: Attempts, monkeypatch: pytest.MonkeyPatch
) -> DatabaseWrapper:
    settings = {"ENGINE": "spendwise.db.backends.postgresql", "NAME": "x"}
    wrapper = make_wrapper({**settings, "CONNECT_WAIT_SECONDS": seconds}, alias="waiting")
    monkeypatch.setattr(wrapper, "_connect_once", attempts)
    return wrapper


def test_it_waits_for_a_free_slot_and_then_connects(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts = Attempts(TOO_MANY, TOO_MANY)

    assert wrapper_waiting(1.0, attempts, monkeypatch).get_new_connection({}) == "connection"
    assert attempts.calls == 3


def test_it_gives_up_on_a_full_server_after_the_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts = Attempts(*[TOO_MANY] * 100)

    began = time.monotonic()
    with pytest.raises(psycopg.OperationalError, match="too many clients"):
        wrapper_waiting(0.3, attempts, monkeypatch).get_new_connection({})

    assert 0.3 <= time.monotonic() - began < 1.0
    assert attempts.calls > 1


def test_a_second_connect_right_after_a_wait_in_vain_does_not_wait_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One request: its first query waited for a slot in vain; its session or error page must
    # not wait a second time, or its 503 takes two waits.
    with pytest.raises(psycopg.OperationalError):
        wrapper_waiting(0.3, Attempts(*[TOO_MANY] * 100), monkeypatch).get_new_connection({})
    again = Attempts(*[TOO_MANY] * 100)

    began = time.monotonic()
    with pytest.raises(psycopg.OperationalError, match="too many clients"):
        wrapper_waiting(0.3, again, monkeypatch).get_new_connection({})

    assert time.monotonic() - began < 0.2
    assert again.calls == 1


def test_a_refused_connection_fails_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts = Attempts(REFUSED)

    with pytest.raises(psycopg.OperationalError, match="Connection refused"):
        wrapper_waiting(5.0, attempts, monkeypatch).get_new_connection({})

    assert attempts.calls == 1
