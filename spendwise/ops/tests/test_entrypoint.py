"""The container's commands, run the way the image runs them (no container engine here).

Each test starts ``python -m spendwise.ops.entrypoint <command>`` as a separate process with a
production-like environment (DEBUG off, hashed static files, a database of its own) and checks
what an operator would see: the exit code, the tables, the served page, the log lines.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection

from spendwise.ops import gunicorn_conf
from spendwise.ops.entrypoint import command_line

ROOT = Path(__file__).resolve().parents[3]
ENTRYPOINT = [sys.executable, "-m", "spendwise.ops.entrypoint"]


class Databases:
    """Databases of their own on the test server (or SQLite files when the suite runs on SQLite).

    Migrating takes seconds, so the module migrates one database through the entrypoint and the
    other tests start from copies of it (PostgreSQL ``CREATE DATABASE … TEMPLATE``).
    """

    def __init__(self, tmp_dir: Path) -> None:
        self.settings = connection.settings_dict
        self.sqlite = self.settings["ENGINE"].endswith("sqlite3")
        self.tmp_dir = tmp_dir
        self.names: list[str] = []

    def create(self, template: str | None = None) -> str:
        name = f"entrypoint_{uuid.uuid4().hex[:10]}"
        self.names.append(name)
        if self.sqlite:
            path = self.tmp_dir / f"{name}.sqlite3"
            if template:
                shutil.copyfile(self.tmp_dir / f"{template}.sqlite3", path)
            return name
        clause = f' TEMPLATE "{template}"' if template else ""
        with self._admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}"{clause}')
        return name

    def url(self, name: str) -> str:
        if self.sqlite:
            return f"sqlite:///{self.tmp_dir / f'{name}.sqlite3'}"
        user, host, port = self.settings["USER"], self.settings["HOST"], self.settings["PORT"]
        return f"postgresql://{user}@{host}:{port}/{name}"

    def drop_all(self) -> None:
        if self.sqlite:
            return
        with self._admin() as admin:
            for name in self.names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _admin(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host=self.settings["HOST"],
            port=self.settings["PORT"],
            user=self.settings["USER"],
            dbname="postgres",
            autocommit=True,
        )


@pytest.fixture(scope="module")
def databases(
    django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Databases]:
    with django_db_blocker.unblock():
        found = Databases(tmp_path_factory.mktemp("databases"))
    try:
        yield found
    finally:
        found.drop_all()


@pytest.fixture(scope="module")
def first_migration(
    databases: Databases, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, subprocess.CompletedProcess[str]]:
    """An empty database migrated by ``entrypoint migrate``, and what that command printed."""
    name = databases.create()
    env = production_environment(databases.url(name), tmp_path_factory.mktemp("first"))
    return name, run(env, "migrate")


@pytest.fixture
def database_url(
    databases: Databases, first_migration: tuple[str, subprocess.CompletedProcess[str]]
) -> str:
    template, result = first_migration
    assert result.returncode == 0, result.stderr
    return databases.url(databases.create(template=template))


@pytest.fixture
def environment(database_url: str, tmp_path: Path) -> dict[str, str]:
    return production_environment(database_url, tmp_path)


def production_environment(database_url: str, tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "DATABASE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="spendwise.settings",
        DEBUG="false",
        SECRET_KEY="entrypoint-test-secret-key-0123456789-abcdefghijklmnop",
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_MANIFEST="true",
        STATIC_ROOT=str(tmp_path / "static"),
        FILE_STORAGE_DIR=str(tmp_path / "files"),
        GUNICORN_WORKER_TMP_DIR=str(tmp_path),
        IDENTITY_PROVIDER="local",
    )
    return env


def run(env: dict[str, str], *args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ENTRYPOINT, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback only
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_it_prints_usage_and_exits_2_for_an_unknown_command(environment: dict[str, str]) -> None:
    result = run(environment, "serve")

    assert result.returncode == 2
    assert "unknown command 'serve'" in result.stderr
    assert "run-scheduled" in result.stderr
    assert command_line([]) is None
    assert command_line(["manage"]) is None


def test_it_migrates_an_empty_database_and_is_idempotent(
    environment: dict[str, str], first_migration: tuple[str, subprocess.CompletedProcess[str]]
) -> None:
    _, first = first_migration
    second = run(environment, "migrate")

    assert first.returncode == 0, first.stderr
    assert "Applying ledger.0001_initial... OK" in first.stdout
    assert second.returncode == 0, second.stderr
    assert "No migrations to apply." in second.stdout
    check = run(environment, "manage", "showmigrations", "ledger", "--plan")
    assert check.returncode == 0
    assert "[ ]" not in check.stdout


def test_it_runs_the_scheduled_job_and_a_management_command(environment: dict[str, str]) -> None:
    scheduled = run(environment, "run-scheduled")
    check = run(environment, "manage", "check", "--deploy", "--fail-level", "ERROR")

    assert scheduled.returncode == 0, scheduled.stderr
    assert check.returncode == 0, check.stderr


def test_it_serves_pages_and_hashed_static_files_and_stops_gracefully_on_sigterm(
    environment: dict[str, str], tmp_path: Path
) -> None:
    collected = run(environment, "manage", "collectstatic", "--noinput")
    assert collected.returncode == 0, collected.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    hashed_css = manifest["paths"]["css/app.css"]
    port = free_port()
    log = (tmp_path / "web.log").open("w+")
    server = subprocess.Popen(
        [*ENTRYPOINT, "web"],
        cwd=ROOT,
        env={**environment, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, body = get(f"{base}/healthz")
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "web.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not start in 60 s"
                time.sleep(0.2)
        assert status == 200

        status, headers, _ = get(f"{base}/static/{hashed_css}")
        assert status == 200
        assert "max-age=315360000" in headers["Cache-Control"]
        assert "immutable" in headers["Cache-Control"]

        status, headers, body = get(f"{base}/sign-in/", {"X-Request-Id": "req-123"})
        assert status == 200
        assert b"Sign in" in body
        assert headers["X-Request-Id"] == "req-123"
        status, _, _ = get(f"{base}/readyz")
        assert status == 200
    finally:
        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=30)
        stopped_in = time.monotonic() - started

    assert code == 0
    assert stopped_in < 25  # inside gunicorn's graceful timeout, within ECS's 30-second stop
    # Every line the app and gunicorn wrote is one JSON object; one request line per request
    # (the app's: gunicorn's access log is off unless GUNICORN_ACCESS_LOG=true).
    lines = [json.loads(line) for line in (tmp_path / "web.log").read_text().splitlines()]
    requests = [line for line in lines if line["logger"] == "spendwise.request"]
    sign_in = [line for line in requests if line["path"] == "/sign-in/"]
    assert len(sign_in) == 1
    assert sign_in[0]["request_id"] == "req-123"
    assert (sign_in[0]["method"], sign_in[0]["route"]) == ("GET", "identity:sign_in")
    assert sign_in[0]["status"] == 200
    assert sign_in[0]["duration_ms"] >= 0
    assert sign_in[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "SpendWise"
    assert {line["route"] for line in requests} >= {"healthz", "readyz", "static"}
    assert not [line for line in lines if line.get("type") == "access"]
    assert any(line["logger"] == "gunicorn.error" for line in lines)


def test_it_sizes_workers_from_the_cgroup_cpu_quota(tmp_path: Path) -> None:
    (tmp_path / "cpu.max").write_text("50000 100000\n")
    assert gunicorn_conf.available_cpus(tmp_path) == 0.5
    assert gunicorn_conf.default_workers(0.5) == 2
    (tmp_path / "cpu.max").write_text("400000 100000\n")
    assert gunicorn_conf.default_workers(gunicorn_conf.available_cpus(tmp_path)) == 8
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert gunicorn_conf.available_cpus(tmp_path) == float(os.cpu_count() or 1)


@pytest.mark.parametrize(("command", "expected"), [(["migrate"], "0"), (["web"], "15000")])
def test_migrations_run_without_the_statement_timeout_and_the_web_keeps_it(
    monkeypatch: pytest.MonkeyPatch, command: list[str], expected: str
) -> None:
    from spendwise.ops import entrypoint

    monkeypatch.setenv("DB_STATEMENT_TIMEOUT_MS", "15000")
    started: list[list[str]] = []
    monkeypatch.setattr(entrypoint.os, "execv", lambda program, args: started.append(args))

    entrypoint.main(command)

    assert started and os.environ["DB_STATEMENT_TIMEOUT_MS"] == expected
