"""Test-suite wiring: database tests run on a throw-away PostgreSQL, and CI tolerates no skips.

* The first test that needs the database starts a ``TemporaryPostgres`` (PostgreSQL, like
  production); the cluster is stopped and deleted at the end of the session.
  ``SPENDWISE_TEST_DB=sqlite`` keeps the configured SQLite database instead, and a
  ``DATABASE_URL`` that already points at PostgreSQL is used as it is.
* Without PostgreSQL binaries the suite falls back to SQLite with a loud warning, except in CI
  (``CI=true``) or with ``SPENDWISE_TEST_DB=postgres``, where the database tests fail instead.
* With ``CI=true`` a skipped test fails the run: the list of skips and their reasons is printed.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from typing import Any, cast

import pytest

from spendwise.testing.postgres import PostgresNotFoundError, TemporaryPostgres

TEST_DATABASE_NAME = "test_spendwise"
_DATABASE_CHOICES = ("", "postgres", "sqlite")
_FALLBACK_NOTICE = pytest.StashKey[str]()


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


# --- database -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request: pytest.FixtureRequest) -> Iterator[None]:
    """Point the ``default`` database at a temporary PostgreSQL before test databases exist.

    Overrides pytest-django's fixture of the same name, which ``django_db_setup`` requests just
    before it creates the test databases.
    """
    from django.conf import settings

    # Typed as dj-database-url's DBConfig; Django itself treats it as a plain dict.
    default = cast("dict[str, Any]", settings.DATABASES["default"])
    choice = os.environ.get("SPENDWISE_TEST_DB", "").strip().lower()
    if choice not in _DATABASE_CHOICES:
        pytest.fail(
            f"SPENDWISE_TEST_DB={choice!r} is not one of: postgres, sqlite (or unset).",
            pytrace=False,
        )

    if choice == "sqlite" or "postgresql" in default["ENGINE"]:
        _apply_parallel_suffix(request)
        yield
        return

    try:
        postgres = TemporaryPostgres().start()
    except PostgresNotFoundError as exc:
        not_found = str(exc)
    else:
        not_found = ""
    if not_found:
        if _in_ci() or choice == "postgres":
            pytest.fail(
                f"{not_found}\nThe test suite must run on PostgreSQL here (CI=true or "
                "SPENDWISE_TEST_DB=postgres); refusing to fall back to SQLite.",
                pytrace=False,
            )
        _warn_sqlite_fallback(request.config, not_found)
        _apply_parallel_suffix(request)
        yield
        return

    try:
        _point_default_database_at(default, postgres)
        _apply_parallel_suffix(request)
        yield
    finally:
        from django.db import connections

        connections.close_all()
        postgres.stop()


def _point_default_database_at(default: dict[str, Any], postgres: TemporaryPostgres) -> None:
    from django.db import connections

    # In place: Django's connection handler holds on to this very dict.
    default.update(
        {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "postgres",
            "USER": postgres.user,
            "PASSWORD": "",
            "HOST": postgres.host,
            "PORT": str(postgres.port),
            "OPTIONS": {},  # SQLite options (init_command, transaction_mode) mean nothing here
        }
    )
    default.setdefault("TEST", {})["NAME"] = TEST_DATABASE_NAME
    # A connection object created earlier (e.g. at import time) keeps the SQLite backend.
    for connection in connections.all(initialized_only=True):
        if connection.alias == "default":
            connection.close()
            del connections["default"]


def _apply_parallel_suffix(request: pytest.FixtureRequest) -> None:
    # pytest-django's own fixture gives each xdist worker its own test database; requested
    # after our change so that the suffix goes onto our test database name.
    request.getfixturevalue("django_db_modify_db_settings_parallel_suffix")


def _warn_sqlite_fallback(config: pytest.Config, reason: str) -> None:
    notice = (
        "PostgreSQL is not installed: the database tests run on SQLite, which production does "
        f"not use. {reason}"
    )
    config.stash[_FALLBACK_NOTICE] = notice
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line("")
            reporter.write_sep("!", "FALLING BACK TO SQLITE", red=True, bold=True)
            reporter.write_line(notice, red=True, bold=True)
    warnings.warn(notice, stacklevel=2)


# --- no skips in CI -------------------------------------------------------------------------------


class NoSkipsInCI:
    """Turns a run with skipped tests into a failing one, listing what was skipped and why."""

    def __init__(self) -> None:
        self.skipped: list[tuple[str, str]] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # An expected failure (xfail) is reported as skipped but is not a skip.
        if report.skipped and not hasattr(report, "wasxfail"):
            self.skipped.append((report.nodeid, _skip_reason(report)))

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.skipped:
            self.skipped.append((report.nodeid or "(collection)", _skip_reason(report)))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.skipped and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.skipped:
            return
        terminalreporter.write_sep("=", "skipped tests fail the run in CI", red=True, bold=True)
        for nodeid, reason in self.skipped:
            terminalreporter.write_line(f"SKIPPED {nodeid}: {reason}", red=True)


def _skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    # A skip's longrepr is (path, line, "Skipped: reason").
    if isinstance(report.longrepr, tuple):
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    return str(report.longrepr)


def pytest_configure(config: pytest.Config) -> None:
    if _in_ci():
        config.pluginmanager.register(NoSkipsInCI(), "spendwise-no-skips-in-ci")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    notice = terminalreporter.config.stash.get(_FALLBACK_NOTICE, None)
    if notice:
        terminalreporter.write_sep("!", "tests ran on SQLite, not PostgreSQL", red=True, bold=True)
        terminalreporter.write_line(notice, red=True)
