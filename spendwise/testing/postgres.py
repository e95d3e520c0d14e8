"""A throw-away PostgreSQL cluster for the test suite, benchmarks and restore drills.

``TemporaryPostgres`` runs ``initdb`` in a fresh temporary directory, starts the server on
127.0.0.1 and a free port with durability switched off (fast, and nothing here is worth
keeping), and on ``stop()`` shuts it down and deletes the directory. It is also registered with
``atexit``, so an interpreter that dies on an exception leaves no server and no files behind.

    with TemporaryPostgres() as pg:
        url = pg.create_database("spendwise")  # postgresql://spendwise@127.0.0.1:PORT/spendwise

From the command line, run a command against a fresh database and exit with its status. The
command gets ``DATABASE_URL`` and the libpq ``PG*`` variables; let the child expand them::

    python -m spendwise.testing.postgres -- sh -c 'psql "$DATABASE_URL" -c "select 1"'
    python -m spendwise.testing.postgres -- psql -c 'select 1'

PostgreSQL refuses to run as root; when this process is root, the server runs as the
``postgres`` system user (via ``runuser``), which owns the temporary directory.

No Django here: the module only needs the PostgreSQL server binaries.
"""

from __future__ import annotations

import argparse
import atexit
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, TracebackType

__all__ = [
    "PostgresBinaries",
    "PostgresError",
    "PostgresNotFoundError",
    "TemporaryPostgres",
    "find_postgres_binaries",
]

SUPERUSER = "spendwise"
SYSTEM_USER = "postgres"  # runs the server when we are root
DEBIAN_BIN_GLOB = "/usr/lib/postgresql/*/bin"
START_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 30
PORT_ATTEMPTS = 3

# Durability is pointless for a cluster deleted at the end of the run; these make it fast.
SERVER_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "128MB",
    "log_min_messages": "warning",
}


class PostgresError(RuntimeError):
    """The temporary cluster could not be created, started or stopped."""


class PostgresNotFoundError(PostgresError):
    """No PostgreSQL server binaries (initdb, pg_ctl) on this machine."""


@dataclass(frozen=True)
class PostgresBinaries:
    """Absolute paths of the server programs of one PostgreSQL installation."""

    initdb: str
    pg_ctl: str
    createdb: str


def find_postgres_binaries() -> PostgresBinaries:
    """Find initdb and pg_ctl on PATH, then in the highest /usr/lib/postgresql/<version>/bin."""
    candidates: list[Path] = []
    on_path = shutil.which("initdb")
    if on_path:
        # Debian links them into PATH; the real directory also holds pg_ctl and createdb.
        candidates.append(Path(on_path).resolve().parent)
        candidates.append(Path(on_path).parent)
    candidates.extend(
        Path(found) for found in sorted(glob.glob(DEBIAN_BIN_GLOB), key=_version_key, reverse=True)
    )
    for directory in candidates:
        initdb, pg_ctl, createdb = (directory / name for name in ("initdb", "pg_ctl", "createdb"))
        if _is_executable(initdb) and _is_executable(pg_ctl):
            createdb_path = str(createdb) if _is_executable(createdb) else shutil.which("createdb")
            if createdb_path is None:
                continue
            return PostgresBinaries(str(initdb), str(pg_ctl), createdb_path)
    raise PostgresNotFoundError(
        "PostgreSQL server binaries not found: no initdb/pg_ctl on PATH or in "
        f"{DEBIAN_BIN_GLOB}. Install them with `scripts/ensure-system-deps` "
        "(Debian: apt-get install postgresql)."
    )


class TemporaryPostgres:
    """A PostgreSQL server in a temporary directory, on 127.0.0.1 and a free port.

    Use as a context manager, or call ``start()`` and ``stop()``. ``url`` points at the
    ``postgres`` maintenance database as the trusted superuser ``spendwise`` (no password).
    """

    host = "127.0.0.1"
    user = SUPERUSER

    def __init__(self, binaries: PostgresBinaries | None = None) -> None:
        self._binaries = binaries
        self._base_dir: Path | None = None
        self._port: int | None = None
        self._running = False
        self._as_system_user = os.geteuid() == 0

    # --- public interface ---------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise PostgresError("TemporaryPostgres is not started")
        return self._port

    @property
    def url(self) -> str:
        """URL of the maintenance database ``postgres``."""
        return self.database_url("postgres")

    @property
    def data_dir(self) -> Path:
        return self._require_base_dir() / "data"

    @property
    def log_file(self) -> Path:
        return self._require_base_dir() / "server.log"

    def database_url(self, name: str) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{name}"

    def client_env(self, database: str = "postgres") -> dict[str, str]:
        """``DATABASE_URL`` plus the libpq ``PG*`` variables, for child processes.

        The ``PG*`` variables let ``psql``, ``pg_dump`` and ``pg_restore`` find the server with
        no arguments, e.g. when a caller's shell expanded ``"$DATABASE_URL"`` to nothing.
        """
        return {
            "DATABASE_URL": self.database_url(database),
            "PGHOST": self.host,
            "PGPORT": str(self.port),
            "PGUSER": self.user,
            "PGDATABASE": database,
        }

    def start(self) -> TemporaryPostgres:
        if self._running:
            return self
        binaries = self._binaries or find_postgres_binaries()
        self._binaries = binaries
        self._base_dir = Path(tempfile.mkdtemp(prefix="spendwise-pg-"))
        # Registered before anything can fail, so a half-started cluster is cleaned up too.
        atexit.register(self.stop)
        try:
            self._chown_to_system_user(self._base_dir)
            socket_dir = self._base_dir / "socket"
            socket_dir.mkdir()
            self._chown_to_system_user(socket_dir)
            self._run(
                "initdb",
                [
                    binaries.initdb,
                    "--pgdata",
                    str(self.data_dir),
                    "--auth",
                    "trust",
                    "--username",
                    self.user,
                    "--encoding",
                    "UTF8",
                    "--locale",
                    "C",
                    "--no-sync",
                ],
                timeout=START_TIMEOUT_SECONDS,
            )
            self._start_server(binaries, socket_dir)
            self._running = True
        except BaseException:
            self.stop()
            raise
        return self

    def create_database(self, name: str) -> str:
        """Create database ``name`` (owned by the superuser) and return its URL."""
        binaries = self._require_binaries()
        self._run(
            f"createdb {name}",
            [
                binaries.createdb,
                "--host",
                self.host,
                "--port",
                str(self.port),
                "--username",
                self.user,
                name,
            ],
            timeout=STOP_TIMEOUT_SECONDS,
            as_system_user=False,
        )
        return self.database_url(name)

    def stop(self) -> None:
        """Stop the server (fast shutdown) and delete its directory. Safe to call twice."""
        atexit.unregister(self.stop)
        base_dir, self._base_dir = self._base_dir, None
        if base_dir is None:
            return
        data_dir = base_dir / "data"
        try:
            if (data_dir / "postmaster.pid").exists() and self._binaries is not None:
                self._shut_down(data_dir)
        finally:
            self._running = False
            shutil.rmtree(base_dir, ignore_errors=True)

    def __enter__(self) -> TemporaryPostgres:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"port={self._port}" if self._running else "stopped"
        return f"<TemporaryPostgres {state}>"

    # --- internals ------------------------------------------------------------------------------

    def _start_server(self, binaries: PostgresBinaries, socket_dir: Path) -> None:
        command = [
            binaries.pg_ctl,
            "start",
            "--pgdata",
            str(self.data_dir),
            "--log",
            str(self.log_file),
            "--wait",
            "--timeout",
            str(START_TIMEOUT_SECONDS),
            "--silent",
        ]
        for attempt in range(1, PORT_ATTEMPTS + 1):
            self._port = _free_port(self.host)
            self._write_server_settings(socket_dir)
            try:
                self._run("pg_ctl start", command, timeout=START_TIMEOUT_SECONDS + 10)
            except PostgresError as exc:
                # Another process took the free port before the server bound it: pick again.
                if "Address already in use" not in str(exc) or attempt == PORT_ATTEMPTS:
                    raise
            else:
                return

    def _shut_down(self, data_dir: Path) -> None:
        binaries = self._require_binaries()
        command = [
            binaries.pg_ctl,
            "stop",
            "--pgdata",
            str(data_dir),
            "--wait",
            "--silent",
        ]
        try:
            self._run(
                "pg_ctl stop",
                [*command, "--mode", "fast", "--timeout", str(STOP_TIMEOUT_SECONDS)],
                timeout=STOP_TIMEOUT_SECONDS + 10,
            )
        except PostgresError:
            # A stuck fast shutdown must not leave a server behind: abort it.
            self._run(
                "pg_ctl stop --mode immediate",
                [
                    *command,
                    "--mode",
                    "immediate",
                    "--timeout",
                    str(STOP_TIMEOUT_SECONDS),
                ],
                timeout=STOP_TIMEOUT_SECONDS + 10,
            )

    def _write_server_settings(self, socket_dir: Path) -> None:
        # postgresql.auto.conf is rewritten on each attempt; later lines there win over
        # postgresql.conf, and it is the file PostgreSQL itself reserves for such overrides.
        settings = {
            "listen_addresses": f"'{self.host}'",
            "port": str(self.port),
            "unix_socket_directories": f"'{socket_dir}'",
            **SERVER_SETTINGS,
        }
        lines = "".join(f"{name} = {value}\n" for name, value in settings.items())
        auto_conf = self.data_dir / "postgresql.auto.conf"
        auto_conf.write_text("# Written by spendwise.testing.postgres\n" + lines, encoding="utf-8")

    def _run(
        self,
        what: str,
        command: list[str],
        *,
        timeout: float,
        as_system_user: bool | None = None,
    ) -> None:
        as_system_user = self._as_system_user if as_system_user is None else as_system_user
        if as_system_user:
            command = [_runuser(), "-u", SYSTEM_USER, "--", *command]
        try:
            result = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
                stdin=subprocess.DEVNULL,
                cwd="/",  # the system user may not be able to enter our working directory
            )
        except subprocess.TimeoutExpired as exc:
            raise PostgresError(
                f"{what} did not finish within {timeout:g}s: {' '.join(command)}" + self._log_tail()
            ) from exc
        if result.returncode != 0:
            output = "\n".join(part.strip() for part in (result.stdout, result.stderr) if part)
            raise PostgresError(
                f"{what} failed with exit status {result.returncode}: {' '.join(command)}\n"
                f"{output or '(no output)'}" + self._log_tail()
            )

    def _log_tail(self, lines: int = 30) -> str:
        if self._base_dir is None:
            return ""
        try:
            text = (self._base_dir / "server.log").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        tail = "\n".join(text.splitlines()[-lines:])
        return f"\n--- server log (last {lines} lines) ---\n{tail}" if tail else ""

    def _chown_to_system_user(self, path: Path) -> None:
        if not self._as_system_user:
            return
        try:
            account = pwd.getpwnam(SYSTEM_USER)
        except KeyError as exc:
            raise PostgresError(
                f"Running as root, but there is no {SYSTEM_USER!r} system user to run "
                "PostgreSQL as (it refuses to run as root). Install the Debian package "
                "`postgresql` (scripts/ensure-system-deps creates the user) or run as a "
                "regular user."
            ) from exc
        os.chown(path, account.pw_uid, account.pw_gid)

    def _require_base_dir(self) -> Path:
        if self._base_dir is None:
            raise PostgresError("TemporaryPostgres is not started")
        return self._base_dir

    def _require_binaries(self) -> PostgresBinaries:
        if self._binaries is None:
            raise PostgresError("TemporaryPostgres is not started")
        return self._binaries


def _version_key(bin_dir: str) -> tuple[int, ...]:
    """'/usr/lib/postgresql/15/bin' -> (15,); '.../9.6/bin' -> (9, 6)."""
    version = Path(bin_dir).parent.name
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return (-1,)


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _free_port(host: str) -> int:
    # The OS picks a port that is free now; the small race until postgres binds it is accepted.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def _runuser() -> str:
    found = shutil.which("runuser")
    if found is None:
        raise PostgresError("Running as root but `runuser` (util-linux) is not on PATH.")
    return found


# --- command line ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m spendwise.testing.postgres",
        description=(
            "Start a throw-away PostgreSQL cluster, run COMMAND with DATABASE_URL pointing at a "
            "fresh database in it, stop the cluster and exit with COMMAND's status."
        ),
    )
    parser.add_argument(
        "--database", default="spendwise", help="database name (default: %(default)s)"
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARGS...]")
    args = parser.parse_args(argv)
    command: list[str] = args.command
    if command[:1] == ["--"]:
        command = command[1:]
    if not command:
        parser.error("give a command to run after --")

    try:
        with TemporaryPostgres() as postgres:
            url = postgres.create_database(args.database)
            print(f"temporary PostgreSQL at {url}", file=sys.stderr, flush=True)
            return _run_child(command, {**os.environ, **postgres.client_env(args.database)})
    except PostgresError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _run_child(command: list[str], env: dict[str, str]) -> int:
    try:
        child = subprocess.Popen(command, env=env)
    except OSError as exc:
        print(f"error: cannot run {command[0]!r}: {exc}", file=sys.stderr)
        return 127

    def forward(signum: int, frame: FrameType | None) -> None:
        child.send_signal(signum)

    # Like a shell: Ctrl-C reaches the child through the terminal, so we wait for it to finish;
    # TERM/HUP sent to us are passed on, so the cluster is always stopped after the child.
    previous = {
        signal.SIGINT: signal.signal(signal.SIGINT, signal.SIG_IGN),
        signal.SIGTERM: signal.signal(signal.SIGTERM, forward),
        signal.SIGHUP: signal.signal(signal.SIGHUP, forward),
    }
    try:
        returncode = child.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    # A child killed by a signal reports -N; a shell would report 128 + N.
    return 128 - returncode if returncode < 0 else returncode


if __name__ == "__main__":
    sys.exit(main())
