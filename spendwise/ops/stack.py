"""The local production-like stack: SpendWise as it runs on AWS, as plain processes on 127.0.0.1.

    python -m spendwise.ops.stack up        # start what is not running; print the health table
    python -m spendwise.ops.stack status    # the health table (exit 1 unless all are healthy)
    python -m spendwise.ops.stack down      # stop exactly the processes `up` started
    python -m spendwise.ops.stack reset     # down, then delete the state directory (the data)
    python -m spendwise.ops.stack stop|start|restart|kill SERVICE   # fault drills

The services, in start order (``SERVICES``):

=========  ===========================================================================
postgres   a PostgreSQL cluster in ``<dir>/postgres`` (kept between runs), password auth
moto       moto's server (``spendwise.testing.moto``): a Cognito user pool and app client, the
           database secret in Secrets Manager and the files bucket, created at each start
web-1/-2   two gunicorn instances (``entrypoint web``) in Cognito mode, S3 storage, DEBUG off
nginx      the ALB stand-in on ``STACK_PORT``, its own config/pid/logs under ``<dir>/nginx``
=========  ===========================================================================

Between moto and the web instances ``up`` migrates the database, collects the static files and
makes the demo user (a confirmed Cognito user, provisioned, with ``seed_demo`` data).

Every process is started detached (its own session), so ``up`` returns and the stack keeps
running. ``<dir>/state.json`` records each one's pid, start time and command line; ``down``
and ``stop_service`` signal a pid only when all three still match, so a pid reused by another
program is never touched. Logs go to ``<dir>/logs/<service>.log``.

For load and fault tests (docs/stack.md): ``up``, ``down``, ``status``, ``start_service``,
``stop_service``, ``restart_service``, ``wait_healthy`` and ``StackConfig.from_env``.

Configuration (environment): ``STACK_DIR`` (``var/stack``), ``STACK_PORT`` (8080),
``STACK_WEB_PORTS`` (``8081,8082``), ``STACK_MOTO_PORT`` (8090), ``STACK_POSTGRES_PORT``
(55432), ``STACK_WEB_CONCURRENCY`` (2 workers per instance), ``STACK_NGINX`` (the nginx
program; found on PATH or in /usr/sbin otherwise), ``STACK_POSTGRES_MAX_CONNECTIONS`` (200).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import math
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = Path(__file__).resolve().parent / "nginx" / "spendwise.conf.template"
HOST = "127.0.0.1"
SERVICES = ("postgres", "moto", "web-1", "web-2", "nginx")
WEB_SERVICES = ("web-1", "web-2")

DB_NAME = "spendwise"
DB_SUPERUSER = "spendwise"  # trusted on 127.0.0.1, for the stack's own set-up only
DB_APP_USER = "spendwise_app"  # what the app connects as, with the password from the secret
SYSTEM_USER = "postgres"  # runs PostgreSQL when the stack is started by root
POOL_NAME = "spendwise-stack"
CLIENT_NAME = "web"
SECRET_NAME = "spendwise/stack/db"  # noqa: S105 - a secret's name
BUCKET = "spendwise-stack-files"
MOTO_ACCOUNT = "123456789012"  # moto's default account id
MARKER = ".spendwise-stack"  # `reset` deletes only a directory that has this file

START_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 30
SETUP_TIMEOUT_SECONDS = 600
PROBE_TIMEOUT_SECONDS = 3.0
MULTIPART_ROOM_MIB = 1  # form fields and multipart boundaries around the largest file


class StackError(RuntimeError):
    """The stack could not be started, stopped or inspected; the message says what to do."""


class NginxNotFoundError(StackError):
    """No nginx program on this machine."""


# --- configuration ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StackConfig:
    """Where the stack keeps its state and which ports it listens on (all on 127.0.0.1)."""

    root: Path = ROOT / "var" / "stack"
    port: int = 8080
    web_ports: tuple[int, int] = (8081, 8082)
    moto_port: int = 8090
    postgres_port: int = 55432
    web_concurrency: int = 2
    nginx: str = ""  # the nginx program; empty: found on PATH or in /usr/sbin
    postgres_max_connections: int = 200
    # Extra variables for the app's processes, e.g. short database timeouts for fault tests
    # (spendwise/ops/faults.py); they win over the stack's own.
    app_settings: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> StackConfig:
        """The configuration from ``STACK_*`` variables (see the module docstring)."""
        env = os.environ if environ is None else environ
        root = Path(env.get("STACK_DIR") or ROOT / "var" / "stack")
        if not root.is_absolute():
            root = ROOT / root
        web_ports = tuple(
            _port(part, "STACK_WEB_PORTS")
            for part in env.get("STACK_WEB_PORTS", "8081,8082").split(",")
            if part.strip()
        )
        if len(web_ports) != 2:
            raise StackError("STACK_WEB_PORTS must name two ports, e.g. 8081,8082.")
        config = cls(
            root=root,
            port=_port(env.get("STACK_PORT", "8080"), "STACK_PORT"),
            web_ports=(web_ports[0], web_ports[1]),
            moto_port=_port(env.get("STACK_MOTO_PORT", "8090"), "STACK_MOTO_PORT"),
            postgres_port=_port(env.get("STACK_POSTGRES_PORT", "55432"), "STACK_POSTGRES_PORT"),
            web_concurrency=_positive(
                env.get("STACK_WEB_CONCURRENCY", "2"), "STACK_WEB_CONCURRENCY"
            ),
            nginx=env.get("STACK_NGINX", ""),
            postgres_max_connections=_positive(
                env.get("STACK_POSTGRES_MAX_CONNECTIONS", "200"), "STACK_POSTGRES_MAX_CONNECTIONS"
            ),
        )
        ports = [config.port, *config.web_ports, config.moto_port, config.postgres_port]
        if len(set(ports)) != len(ports):
            raise StackError(f"The stack's ports must differ from each other: {ports}.")
        return config

    @property
    def url(self) -> str:
        """The app through nginx, as a browser reaches it."""
        return f"http://{HOST}:{self.port}"

    @property
    def moto_url(self) -> str:
        return f"http://{HOST}:{self.moto_port}"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def state_file(self) -> Path:
        return self.root / "state.json"

    @property
    def pg_dir(self) -> Path:
        return self.root / "postgres"

    @property
    def pg_data(self) -> Path:
        return self.pg_dir / "data"

    @property
    def nginx_dir(self) -> Path:
        return self.root / "nginx"

    @property
    def static_root(self) -> Path:
        return self.root / "static"

    def address(self, service: str) -> str:
        ports = {
            "postgres": self.postgres_port,
            "moto": self.moto_port,
            "web-1": self.web_ports[0],
            "web-2": self.web_ports[1],
            "nginx": self.port,
        }
        return f"{HOST}:{ports[_known(service)]}"

    def log_file(self, service: str) -> Path:
        return self.logs / f"{service}.log"


def _port(text: str, name: str) -> int:
    try:
        port = int(text.strip())
    except ValueError:
        raise StackError(f"{name}={text!r} is not a port number.") from None
    if not 1 <= port <= 65535:
        raise StackError(f"{name}={port} is not a port number (1-65535).")
    return port


def _positive(text: str, name: str) -> int:
    try:
        number = int(text.strip())
    except ValueError:
        number = 0
    if number < 1:
        raise StackError(f"{name}={text!r} must be a whole number of at least 1.")
    return number


def _known(service: str) -> str:
    if service not in SERVICES:
        raise StackError(f"Unknown service {service!r}: one of {', '.join(SERVICES)}.")
    return service


# --- processes: identity by pid + start time + command line -------------------------------------


@dataclass(frozen=True)
class ProcessRecord:
    """A started process as ``state.json`` remembers it."""

    pid: int
    start_time: int  # clock ticks after boot (/proc/<pid>/stat, field 22)
    cmdline: list[str]  # as /proc/<pid>/cmdline showed it once the service was ready
    address: str
    log: str


def _proc_stat(pid: int) -> tuple[str, int, int] | None:
    """(state, session id, start time) of a process, or None when there is no such process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may contain spaces: split after the last ')'.
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[3]), int(fields[19])


def _proc_cmdline(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def _alive(pid: int) -> bool:
    stat = _proc_stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")  # a zombie has finished


def is_ours(record: ProcessRecord) -> bool:
    """Whether ``record.pid`` is still the process the stack started (and is running)."""
    stat = _proc_stat(record.pid)
    if stat is None or stat[0] in ("Z", "X") or stat[2] != record.start_time:
        return False
    return _proc_cmdline(record.pid) == record.cmdline


def session_members(session_id: int) -> list[int]:
    """Running processes in a session: a service's leader and whatever it started."""
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _proc_stat(int(entry.name))
            if stat is not None and stat[1] == session_id and stat[0] not in ("Z", "X"):
                members.append(int(entry.name))
    return members


def _reap(pid: int) -> None:
    # When this very process started the service (e.g. a test calling start_service), collect
    # its exit status so it does not linger as a zombie.
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def _stop_signal(service: str) -> signal.Signals:
    # PostgreSQL's SIGTERM is a "smart" shutdown that waits for every client (the instances'
    # pooled connections) to leave; SIGINT is its "fast" shutdown: clients are disconnected.
    return signal.SIGINT if service == "postgres" else signal.SIGTERM


def _terminate(service: str, record: ProcessRecord, timeout: float) -> str:
    """Stop one recorded process; see ``_terminate_all``."""
    return _terminate_all({service: record}, timeout)[service]


def _terminate_all(records: Mapping[str, ProcessRecord], timeout: float) -> dict[str, str]:
    """Stop recorded processes together: each one's stop signal, then, for any still there
    after ``timeout`` seconds (at once when it is 0: a crash), SIGKILL to it and to what it
    started. A pid whose start time or command line differs from the record is not ours any
    more and is left alone. Returns what happened to each service."""
    outcome: dict[str, str] = {}
    pending: dict[str, ProcessRecord] = {}
    for service, record in records.items():
        if is_ours(record):
            pending[service] = record
            if timeout > 0:
                with contextlib.suppress(ProcessLookupError):  # it ended just now
                    os.kill(record.pid, _stop_signal(service))
        else:
            _reap(record.pid)
            outcome[service] = "not running"
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        for service, record in list(pending.items()):
            _reap(record.pid)
            if not _alive(record.pid) and not session_members(record.pid):
                outcome[service] = "stopped"
                del pending[service]
        time.sleep(0.1)
    # Still there: kill the leader (if it is still ours) and what it started. The session id is
    # the leader's pid (start_new_session) and is not reused while any member is alive.
    for record in pending.values():
        for pid in [record.pid, *session_members(record.pid)]:
            if pid != record.pid or is_ours(record):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    for service, record in pending.items():
        while time.monotonic() < deadline and (_alive(record.pid) or session_members(record.pid)):
            _reap(record.pid)
            time.sleep(0.1)
        outcome[service] = f"killed (no exit within {timeout:g} s)" if timeout > 0 else "killed"
    return outcome


# --- state -------------------------------------------------------------------------------------


@dataclass
class StackState:
    """``state.json``: the processes, and the AWS resources the app instances were given."""

    services: dict[str, ProcessRecord] = field(default_factory=dict)
    aws: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, config: StackConfig) -> StackState:
        try:
            raw = json.loads(config.state_file.read_text())
        except FileNotFoundError:
            return cls()
        except ValueError as exc:
            raise StackError(f"{config.state_file} is not valid JSON ({exc}); remove it.") from exc
        return cls(
            services={name: ProcessRecord(**record) for name, record in raw["services"].items()},
            aws=dict(raw.get("aws", {})),
        )

    def save(self, config: StackConfig) -> None:
        data = {
            "services": {name: asdict(record) for name, record in self.services.items()},
            "aws": self.aws,
        }
        partial = config.state_file.with_suffix(".json.partial")
        partial.write_text(json.dumps(data, indent=2) + "\n")
        partial.replace(config.state_file)


@contextlib.contextmanager
def _locked(config: StackConfig) -> Iterator[StackState]:
    """The state, under an exclusive lock (two `make stack` at once wait for each other);
    saved on the way out, also when a step failed, so that what did start is recorded."""
    _prepare_dirs(config)
    with (config.root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        state = StackState.load(config)
        try:
            yield state
        finally:
            state.save(config)


def _prepare_dirs(config: StackConfig) -> None:
    for directory in (config.root, config.logs, config.nginx_dir, config.static_root):
        directory.mkdir(parents=True, exist_ok=True)
    (config.root / MARKER).touch()


# --- health ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Health:
    """One row of the health table."""

    service: str
    pid: int | None
    address: str
    healthy: bool
    detail: str


# Health checks go straight to 127.0.0.1, whatever HTTP_PROXY the shell has.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _http_status(url: str, timeout: float = PROBE_TIMEOUT_SECONDS) -> int | None:
    try:
        with _DIRECT.open(url, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (OSError, ValueError):
        return None


def _postgres_answers(address: str) -> tuple[bool, str]:
    import psycopg

    host, port = address.rsplit(":", 1)
    try:
        with psycopg.connect(
            host=host,
            port=int(port),
            user=DB_SUPERUSER,
            dbname="postgres",
            connect_timeout=int(PROBE_TIMEOUT_SECONDS),
        ) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as exc:
        return False, str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return True, "SELECT 1"


def probe(config: StackConfig, service: str, address: str = "") -> tuple[bool, str]:
    """Whether the service answers its health check now (at ``address``, by default where the
    configuration puts it), and what it answered."""
    address = address or config.address(service)
    if service == "postgres":
        return _postgres_answers(address)
    path = {"moto": "/moto-api/", "nginx": "/nginx-health"}.get(service, "/readyz")
    status = _http_status(f"http://{address}{path}")
    return status == 200, f"{path} {status if status is not None else 'no answer'}"


def status(config: StackConfig) -> list[Health]:
    """The health table: each service's recorded pid (if still ours) and its health check."""
    state = StackState.load(config)
    rows = []
    for service in SERVICES:
        record = state.services.get(service)
        if record is None or not is_ours(record):
            rows.append(Health(service, None, config.address(service), False, "not running"))
            continue
        # Where it was started, which a changed STACK_* variable does not move.
        healthy, detail = probe(config, service, record.address)
        rows.append(Health(service, record.pid, record.address, healthy, detail))
    return rows


def health_table(rows: Sequence[Health]) -> str:
    header = ("service", "pid", "address", "health")
    lines = [
        (
            row.service,
            str(row.pid or "-"),
            row.address,
            _health_text(row),
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip()
        for line in [header, *lines]
    )


def _health_text(row: Health) -> str:
    if row.pid is None:
        return "stopped"
    return f"{'ok' if row.healthy else 'FAILING'} ({row.detail})"


def wait_healthy(
    config: StackConfig, services: Sequence[str] = SERVICES, timeout: float = START_TIMEOUT_SECONDS
) -> list[Health]:
    """Wait until every named service is running and healthy; ``StackError`` after ``timeout``
    seconds, naming the ones that are not (with their log files)."""
    deadline = time.monotonic() + timeout
    while True:
        rows = [row for row in status(config) if row.service in services]
        failing = [row for row in rows if not row.healthy]
        if not failing:
            return rows
        if time.monotonic() > deadline:
            names = ", ".join(f"{row.service} ({row.detail})" for row in failing)
            logs = " ".join(str(config.log_file(row.service)) for row in failing)
            raise StackError(f"Not healthy after {timeout:g} s: {names}. See {logs}")
        time.sleep(0.25)


# --- programs ----------------------------------------------------------------------------------


def find_nginx(config: StackConfig) -> str:
    """The nginx program: ``STACK_NGINX``, PATH, or /usr/sbin (Debian installs it there, off a
    normal user's PATH). ``NginxNotFoundError`` says how to install it."""
    if config.nginx:
        if Path(config.nginx).is_file() and os.access(config.nginx, os.X_OK):
            return config.nginx
        raise NginxNotFoundError(f"STACK_NGINX={config.nginx!r} is not an executable program.")
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if found:
        return found
    raise NginxNotFoundError(
        "nginx is not installed; the stack uses it as its load balancer. Install it with "
        "`sudo scripts/ensure-system-deps` (Debian/Ubuntu: `sudo apt-get install nginx`), or "
        "point STACK_NGINX at an nginx program. The stack runs it with its own configuration "
        "under var/stack/, never the system's."
    )


def _postgres_programs() -> tuple[str, str]:
    from spendwise.testing.postgres import PostgresNotFoundError, find_postgres_binaries

    try:
        binaries = find_postgres_binaries()
    except PostgresNotFoundError as exc:
        raise StackError(str(exc)) from exc
    directory = Path(binaries.initdb).resolve().parent
    postgres = directory / "postgres"
    if not os.access(postgres, os.X_OK):
        raise StackError(f"No postgres server program beside {binaries.initdb}.")
    return str(directory / "initdb"), str(postgres)


def _as_root() -> bool:
    return os.geteuid() == 0


def _system_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError as exc:
        raise StackError(
            f"Running as root, but there is no {SYSTEM_USER!r} user to run PostgreSQL as (it "
            "refuses to run as root). Install the Debian package `postgresql` or run as a "
            "regular user."
        ) from exc


def _as_postgres_user() -> dict[str, Any]:
    """Popen arguments that run PostgreSQL as the system user when we are root."""
    if not _as_root():
        return {}
    account = _system_user()
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


def _spawn(config: StackConfig, service: str, command: list[str], **popen: Any) -> int:
    """Start one long-running service, detached: its own session, output to its log file."""
    with config.log_file(service).open("ab") as log:
        log.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} starting {service}\n".encode())
        log.flush()
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
            **popen,
        )
    return process.pid


def _record(config: StackConfig, service: str, pid: int) -> ProcessRecord:
    record = _observe(config, service, pid)
    if record is None:
        raise StackError(f"{service} exited at once. See {config.log_file(service)}")
    return record


def _observe(config: StackConfig, service: str, pid: int) -> ProcessRecord | None:
    """The record of a process we have just started, as /proc shows it; None once it ended."""
    stat, cmdline = _proc_stat(pid), _proc_cmdline(pid)
    if stat is None or cmdline is None or stat[0] in ("Z", "X"):
        return None
    return ProcessRecord(
        pid=pid,
        start_time=stat[2],
        cmdline=cmdline,
        address=config.address(service),
        log=str(config.log_file(service)),
    )


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe_socket:
        probe_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe_socket.bind((HOST, port))
        except OSError:
            return False
    return True


def _require_free_port(config: StackConfig, service: str) -> None:
    address = config.address(service)
    if not _port_free(int(address.rsplit(":", 1)[1])):
        variable = {
            "postgres": "STACK_POSTGRES_PORT",
            "moto": "STACK_MOTO_PORT",
            "nginx": "STACK_PORT",
        }.get(service, "STACK_WEB_PORTS")
        raise StackError(
            f"{address} is already in use by another program, so {service} cannot listen "
            f"there. Stop that program or choose another port with {variable}."
        )


def _wait_until(
    config: StackConfig, service: str, pid: int, timeout: float = START_TIMEOUT_SECONDS
) -> None:
    """Wait for a freshly started service's health check; fail early when it exits."""
    deadline = time.monotonic() + timeout
    while True:
        healthy, detail = probe(config, service)
        if healthy:
            return
        _reap(pid)
        if not _alive(pid):
            raise StackError(
                f"{service} exited while starting. See {config.log_file(service)}:\n"
                + _tail(config.log_file(service))
            )
        if time.monotonic() > deadline:
            raise StackError(
                f"{service} did not become healthy in {timeout:g} s ({detail}). "
                f"See {config.log_file(service)}"
            )
        time.sleep(0.2)


def _tail(path: Path, lines: int = 20) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


# --- service: PostgreSQL -----------------------------------------------------------------------


def _start_postgres(config: StackConfig) -> int:
    initdb, postgres = _postgres_programs()
    owner = _as_postgres_user()
    config.pg_dir.mkdir(parents=True, exist_ok=True)
    if owner:
        _check_reachable(config.pg_dir.parent)
        os.chown(config.pg_dir, owner["user"], owner["group"])
    if not (config.pg_data / "PG_VERSION").exists():
        _run_setup(
            config,
            "initdb",
            [
                initdb,
                "--pgdata",
                str(config.pg_data),
                "--username",
                DB_SUPERUSER,
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--locale",
                "C",
            ],
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
            cwd="/",
            **owner,
        )
    # Only the stack's own set-up is trusted (as the superuser, from this machine); the app
    # signs in with the password from the Secrets Manager secret, as against RDS.
    hba = config.pg_data / "pg_hba.conf"
    hba.write_text(
        "# Written by spendwise.ops.stack on each start.\n"
        f"host  all  {DB_SUPERUSER}  127.0.0.1/32  trust\n"
        "host  all  all        127.0.0.1/32  scram-sha-256\n"
    )
    if owner:
        os.chown(hba, owner["user"], owner["group"])
    command = [
        postgres,
        "-D",
        str(config.pg_data),
        "-c",
        f"listen_addresses={HOST}",
        "-c",
        f"port={config.postgres_port}",
        "-c",
        "unix_socket_directories=",  # TCP only: no socket path that may be too long or shared
        "-c",
        f"max_connections={config.postgres_max_connections}",
        "-c",
        "password_encryption=scram-sha-256",
    ]
    return _spawn(config, "postgres", command, cwd="/", env=_base_env(), **owner)


def _check_reachable(directory: Path) -> None:
    """As root, PostgreSQL runs as the ``postgres`` user, who must be able to enter every
    directory above its cluster (a 0700 temporary directory would stop it)."""
    for folder in [directory, *directory.parents]:
        if not folder.stat().st_mode & 0o001:
            raise StackError(
                f"The {SYSTEM_USER} user cannot enter {folder} (mode "
                f"{folder.stat().st_mode & 0o777:o}), which holds the stack's PostgreSQL. "
                f"Choose another STACK_DIR or `chmod o+x {folder}`."
            )


def _bootstrap_database(config: StackConfig, password: str) -> None:
    """The app's role (with the secret's password) owning the app's database; idempotent."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=HOST, port=config.postgres_port, user=DB_SUPERUSER, dbname="postgres", autocommit=True
    ) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_roles WHERE rolname = %s", [DB_APP_USER]
        ).fetchone()
        verb = sql.SQL("ALTER") if exists else sql.SQL("CREATE")
        admin.execute(
            sql.SQL("{} ROLE {} LOGIN PASSWORD {}").format(
                verb, sql.Identifier(DB_APP_USER), sql.Literal(password)
            )
        )
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
            admin.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(DB_NAME), sql.Identifier(DB_APP_USER)
                )
            )


# --- service: moto and the AWS resources in it -------------------------------------------------


def _start_moto(config: StackConfig) -> int:
    command = [sys.executable, "-m", "spendwise.testing.moto", "--port", str(config.moto_port)]
    return _spawn(config, "moto", command, cwd=str(ROOT), env=_base_env())


def secret_arn() -> str:
    """The database secret's ARN without the random suffix AWS adds (a "partial ARN", which
    Secrets Manager and moto accept): it stays right when a restarted moto re-creates it."""
    from spendwise.testing.moto import REGION

    return f"arn:aws:secretsmanager:{REGION}:{MOTO_ACCOUNT}:secret:{SECRET_NAME}"


def provision_aws(endpoint: str, *, db_user: str, db_password: str) -> dict[str, str]:
    """Create what the app needs in moto at ``endpoint``, or find it there: the user pool and
    its app client (e-mail usernames, USER_PASSWORD_AUTH), the database secret holding
    ``db_user``/``db_password`` (as RDS's does), the files bucket. Returns their ids.

    With moto's HASH id strategy (``spendwise.testing.moto.DETERMINISTIC_IDS``) the pool and
    client ids depend only on these settings: docker-compose.yml relies on that."""
    from spendwise.testing.moto import PASSWORD_POLICY, REGION, admin_client

    cognito = admin_client("cognito-idp", endpoint)
    pools = cognito.list_user_pools(MaxResults=60)["UserPools"]
    pool_id = next((pool["Id"] for pool in pools if pool["Name"] == POOL_NAME), None)
    if pool_id is None:
        pool_id = cognito.create_user_pool(
            PoolName=POOL_NAME,
            UsernameAttributes=["email"],
            AutoVerifiedAttributes=["email"],
            Policies={"PasswordPolicy": PASSWORD_POLICY},
            AccountRecoverySetting={
                "RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]
            },
        )["UserPool"]["Id"]
    clients = cognito.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
    client_id = next((c["ClientId"] for c in clients if c["ClientName"] == CLIENT_NAME), None)
    if client_id is None:
        client_id = cognito.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName=CLIENT_NAME,
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            GenerateSecret=False,
        )["UserPoolClient"]["ClientId"]

    secret_value = json.dumps({"username": db_user, "password": db_password})
    manager = admin_client("secretsmanager", endpoint)
    try:
        manager.put_secret_value(SecretId=secret_arn(), SecretString=secret_value)
    except manager.exceptions.ResourceNotFoundException:
        manager.create_secret(Name=SECRET_NAME, SecretString=secret_value)

    s3 = admin_client("s3", endpoint)
    try:
        s3.head_bucket(Bucket=BUCKET)
    except s3.exceptions.ClientError:
        s3.create_bucket(Bucket=BUCKET)
    return {"region": REGION, "user_pool_id": pool_id, "client_id": client_id, "bucket": BUCKET}


def _provision_aws(config: StackConfig) -> dict[str, str]:
    return provision_aws(
        config.moto_url, db_user=DB_APP_USER, db_password=_secrets(config).db_password
    )


def provision_aws_main() -> int:
    """``python -m spendwise.ops.stack provision-aws``: ``provision_aws`` for docker-compose's
    one-off ``aws-setup`` service, from ``AWS_ENDPOINT_URL``, ``DB_USER`` and ``DB_PASSWORD``.
    Prints the ids as JSON."""
    missing = [
        name for name in ("AWS_ENDPOINT_URL", "DB_USER", "DB_PASSWORD") if not os.environ.get(name)
    ]
    if missing:
        raise StackError(f"provision-aws needs {', '.join(missing)} in the environment.")
    ids = provision_aws(
        os.environ["AWS_ENDPOINT_URL"],
        db_user=os.environ["DB_USER"],
        db_password=os.environ["DB_PASSWORD"],
    )
    print(json.dumps(ids))
    return 0


# --- the app: environment, set-up steps, instances ---------------------------------------------


def _base_env() -> dict[str, str]:
    """What every child gets from our environment: the basics, nothing app-related."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "USER", "LOGNAME", "TMPDIR")
    return {name: os.environ[name] for name in keep if name in os.environ}


@dataclass(frozen=True)
class _Secrets:
    secret_key: str
    db_password: str


def _secrets(config: StackConfig) -> _Secrets:
    """The app's SECRET_KEY and the database password, made once and kept (0600), so that
    sessions survive a restart of the stack."""
    path = config.root / "secrets.json"
    try:
        stored = json.loads(path.read_text())
        return _Secrets(stored["secret_key"], stored["db_password"])
    except (OSError, ValueError, KeyError):
        pass
    made = _Secrets(secrets.token_urlsafe(50), secrets.token_urlsafe(24))
    path.touch(mode=0o600)
    path.write_text(json.dumps(asdict(made)) + "\n")
    return made


def app_environment(config: StackConfig, aws: Mapping[str, str]) -> dict[str, str]:
    """The environment of the app's processes: production settings, AWS in moto."""
    from spendwise.testing.moto import FAKE_CREDENTIALS

    stored = _secrets(config)
    origins = [config.url, f"http://localhost:{config.port}"]
    return {
        **_base_env(),
        **FAKE_CREDENTIALS,
        "DJANGO_SETTINGS_MODULE": "spendwise.settings",
        "PYTHONUNBUFFERED": "1",
        "DEBUG": "false",
        "SECRET_KEY": stored.secret_key,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": ",".join(origins),
        "SITE_URL": config.url,
        # The database as on AWS: host/port/name, the user and password from the secret.
        "DB_HOST": HOST,
        "DB_PORT": str(config.postgres_port),
        "DB_NAME": DB_NAME,
        "DB_SECRET_ARN": secret_arn(),
        "DB_SSLMODE": "disable",  # no TLS on the loopback cluster; RDS requires it
        "AWS_REGION": aws["region"],
        "AWS_ENDPOINT_URL": config.moto_url,
        "IDENTITY_PROVIDER": "cognito",
        "COGNITO_USER_POOL_ID": aws["user_pool_id"],
        "COGNITO_CLIENT_ID": aws["client_id"],
        "FILE_STORAGE": "s3",
        "S3_BUCKET": aws["bucket"],
        "STATIC_MANIFEST": "true",
        "STATIC_ROOT": str(config.static_root),
        # One proxy (nginx) in front, as the ALB is one hop; it says the scheme in a header.
        "TRUSTED_PROXY_COUNT": "1",
        "TRUST_X_FORWARDED_PROTO": "true",
        # Plain HTTP on 127.0.0.1: cookies marked Secure would never come back.
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        # Cognito sends the codes; the app's own e-mails (alerts) are written to the log.
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "METRICS_ENVIRONMENT": "stack",
        "WEB_CONCURRENCY": str(config.web_concurrency),
        **dict(config.app_settings),
    }


def _entrypoint(*args: str) -> list[str]:
    return [sys.executable, "-m", "spendwise.ops.entrypoint", *args]


def _run_setup(
    config: StackConfig,
    step: str,
    command: list[str],
    *,
    env: Mapping[str, str],
    cwd: str = str(ROOT),
    **popen: Any,
) -> str:
    """Run one set-up step to completion, its output appended to logs/setup.log; its output,
    or ``StackError`` with the tail of it."""
    started = time.monotonic()
    result: subprocess.CompletedProcess[str] = subprocess.run(
        command,
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=SETUP_TIMEOUT_SECONDS,
        check=False,
        **popen,
    )
    output = result.stdout + result.stderr
    with (config.logs / "setup.log").open("a") as log:
        log.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} {step}: {' '.join(command)}\n")
        log.write(output)
    if result.returncode != 0:
        tail = "\n".join(output.splitlines()[-20:])
        raise StackError(f"{step} failed (exit status {result.returncode}):\n{tail}")
    _say(f"  {step}: done in {time.monotonic() - started:.1f} s")
    return output


def _start_web(config: StackConfig, service: str, aws: Mapping[str, str]) -> int:
    run_dir = config.root / "run" / service
    run_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    env = {
        **app_environment(config, aws),
        "BIND": config.address(service),
        # gunicorn's control socket ($XDG_RUNTIME_DIR/gunicorn.ctl, else one in $HOME shared
        # by every gunicorn of the user): one per instance, for `gunicornc -s <dir>/gunicorn.ctl`.
        "XDG_RUNTIME_DIR": str(run_dir),
    }
    return _spawn(config, service, _entrypoint("web"), cwd=str(ROOT), env=env)


def upload_limit_mib(env: Mapping[str, str]) -> int:
    """The app's largest accepted request body in MiB, rounded up, plus room for the multipart
    framing: what nginx's ``client_max_body_size`` must allow (RESTORE_MAX_BYTES by default)."""
    code = (
        "import spendwise.settings as s; print(max(s.RECEIPT_MAX_BYTES, s.IMPORT_MAX_BYTES, "
        "s.RESTORE_MAX_BYTES, s.DATA_UPLOAD_MAX_MEMORY_SIZE))"
    )
    result: subprocess.CompletedProcess[str] = subprocess.run(
        [sys.executable, "-c", code],
        cwd=str(ROOT),
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode != 0:
        raise StackError(f"Cannot read the app's upload limits:\n{result.stderr[-2000:]}")
    return math.ceil(int(result.stdout.strip()) / 2**20) + MULTIPART_ROOM_MIB


def demo_user_main() -> int:
    """``python -m spendwise.ops.stack demo-user``, run in the app's environment by ``up``: the
    demo person as a confirmed Cognito user (admin calls) and a provisioned SpendWise user
    with ``seed_demo``'s year of data. Prints ``{"email", "password"}`` as the last line."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from spendwise.identity.actions import provision_user
    from spendwise.ledger.management.commands.seed_demo import DEMO_EMAIL, DEMO_PASSWORD
    from spendwise.testing.moto import admin_client

    cognito = admin_client("cognito-idp", settings.AWS_ENDPOINT_URL)
    pool = settings.COGNITO_USER_POOL_ID
    with contextlib.suppress(cognito.exceptions.UsernameExistsException):
        cognito.admin_create_user(
            UserPoolId=pool,
            Username=DEMO_EMAIL,
            UserAttributes=[
                {"Name": "email", "Value": DEMO_EMAIL},
                {"Name": "email_verified", "Value": "true"},
            ],
            MessageAction="SUPPRESS",
        )
    # A permanent password confirms the user (no "new password required" challenge).
    cognito.admin_set_user_password(
        UserPoolId=pool, Username=DEMO_EMAIL, Password=DEMO_PASSWORD, Permanent=True
    )
    attributes = cognito.admin_get_user(UserPoolId=pool, Username=DEMO_EMAIL)["UserAttributes"]
    sub = next(a["Value"] for a in attributes if a["Name"] == "sub")
    provision_user(email=DEMO_EMAIL, cognito_sub=sub)  # what the PostConfirmation Lambda does
    call_command("seed_demo")
    print(json.dumps({"email": DEMO_EMAIL, "password": DEMO_PASSWORD}))
    return 0


# --- service: nginx ----------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\$\{(SPENDWISE_[A-Z0-9_]+)\}")


def render_template(values: Mapping[str, str], template: str | None = None) -> str:
    """The nginx template with its ``${SPENDWISE_…}`` placeholders filled in, as envsubst does
    in the nginx image; a placeholder without a value is an error, not an empty string."""
    text = TEMPLATE.read_text() if template is None else template
    missing = sorted({name for name in _PLACEHOLDER.findall(text) if name not in values})
    if missing:
        raise StackError(f"No value for the nginx template's {', '.join(missing)}.")
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def template_values(config: StackConfig, body_size_mib: int) -> dict[str, str]:
    return {
        "SPENDWISE_LISTEN": config.address("nginx"),
        "SPENDWISE_APP_1": config.address("web-1"),
        "SPENDWISE_APP_2": config.address("web-2"),
        "SPENDWISE_CLIENT_MAX_BODY_SIZE": f"{body_size_mib}m",
        "SPENDWISE_ACCESS_LOG": str(config.logs / "nginx-access.log"),
    }


def write_nginx_config(config: StackConfig, body_size_mib: int) -> Path:
    """``<dir>/nginx/nginx.conf`` (process settings, all paths inside the state directory)
    including the rendered template; returns the main file's path."""
    nginx_dir = config.nginx_dir
    (nginx_dir / "spendwise.conf").write_text(
        "# Rendered by spendwise.ops.stack from spendwise/ops/nginx/spendwise.conf.template;\n"
        "# edit the template, not this file.\n"
        + render_template(template_values(config, body_size_mib))
    )
    # nginx started by root hands its workers to an unprivileged user, as Debian's does.
    user = "user www-data;\n" if _as_root() and _user_exists("www-data") else ""
    user = user or ("user nobody nogroup;\n" if _as_root() else "")
    temp_paths = "".join(
        f"    {kind}_temp_path {nginx_dir / (kind + '_temp')};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = nginx_dir / "nginx.conf"
    main.write_text(
        "# Written by spendwise.ops.stack on each start: nginx in the foreground (the stack\n"
        "# supervises it), every path under the stack's directory, never /etc/nginx.\n"
        "daemon off;\n"
        f"{user}"
        "worker_processes 2;\n"
        f"pid {nginx_dir / 'nginx.pid'};\n"
        f"error_log {config.logs / 'nginx-error.log'} warn;\n"
        "events {\n    worker_connections 1024;\n}\n"
        "http {\n"
        "    default_type application/octet-stream;\n"
        f"{temp_paths}"
        f"    include {nginx_dir / 'spendwise.conf'};\n"
        "}\n"
    )
    return main


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _nginx_command(nginx: str, config: StackConfig, main: Path) -> list[str]:
    # -p: the prefix for any relative path; -e: errors before the config is read go to our log.
    error_log = str(config.logs / "nginx-error.log")
    return [nginx, "-p", f"{config.nginx_dir}/", "-e", error_log, "-c", str(main)]


def _start_nginx(config: StackConfig, aws: Mapping[str, str]) -> int:
    nginx = find_nginx(config)
    body_size = upload_limit_mib(app_environment(config, aws))
    main = write_nginx_config(config, body_size)
    command = _nginx_command(nginx, config, main)
    checked = subprocess.run(
        [*command, "-t", "-q"], capture_output=True, text=True, check=False, timeout=30
    )
    if checked.returncode != 0:
        raise StackError(f"nginx refuses the configuration {main}:\n{checked.stderr.strip()}")
    return _spawn(config, "nginx", command, cwd=str(config.nginx_dir), env=_base_env())


# --- public operations -------------------------------------------------------------------------


def _say(message: str) -> None:
    print(message, flush=True)


def _start(config: StackConfig, state: StackState, services: Sequence[str]) -> list[str]:
    """Start those of ``services`` that are not running, together, and wait until each one
    answers its health check. Returns the ones it started (a failed one is stopped again)."""
    wanted = [name for name in services if not _running(state, name)]
    spawned: dict[str, int] = {}
    try:
        for service in wanted:
            state.services.pop(service, None)
            _require_free_port(config, service)
            spawned[service] = _launch(config, state, service)
        for service, pid in spawned.items():
            _wait_until(config, service, pid)
            state.services[service] = _record(config, service, pid)
    except BaseException:
        leftovers = {
            name: record
            for name, pid in spawned.items()
            if name not in state.services and (record := _observe(config, name, pid))
        }
        _terminate_all(leftovers, STOP_TIMEOUT_SECONDS)
        raise
    for service in wanted:
        if service == "postgres":
            _bootstrap_database(config, _secrets(config).db_password)
        elif service == "moto":
            # moto keeps nothing: its resources are made again at each start (same ids, see
            # spendwise.testing.moto.DETERMINISTIC_IDS); the demo user is made again by `up`
            # and `start_service`.
            state.aws = {**state.aws, **_provision_aws(config)}
    return wanted


def _running(state: StackState, service: str) -> bool:
    record = state.services.get(service)
    return record is not None and is_ours(record)


def _launch(config: StackConfig, state: StackState, service: str) -> int:
    if service == "postgres":
        return _start_postgres(config)
    if service == "moto":
        return _start_moto(config)
    if service in WEB_SERVICES:
        return _start_web(config, service, _require_aws(state))
    return _start_nginx(config, _require_aws(state))


def _require_aws(state: StackState) -> dict[str, str]:
    if not state.aws:
        raise StackError("moto has not been set up yet: run `python -m spendwise.ops.stack up`.")
    return state.aws


def up(config: StackConfig) -> list[Health]:
    """Start every service that is not running (PostgreSQL, moto, migrations, static files,
    the demo user, two web instances, nginx) and wait until all are healthy. Idempotent."""
    find_nginx(config)  # before anything starts: a missing nginx is the likeliest problem
    with _locked(config) as state:
        started_here: list[str] = []
        try:
            for group in (["postgres"], ["moto"]):
                started_here += _start_and_tell(config, state, group)
            # Idempotent, and cheap: repairs a role or a resource that went missing.
            _bootstrap_database(config, _secrets(config).db_password)
            state.aws = {**state.aws, **_provision_aws(config)}
            env = app_environment(config, state.aws)
            _say("Preparing the app:")
            _run_setup(config, "migrate", _entrypoint("migrate"), env=env)
            _run_setup(
                config,
                "collectstatic",
                _entrypoint("manage", "collectstatic", "--noinput"),
                env=env,
            )
            _make_demo_user(config, state)
            for group in (list(WEB_SERVICES), ["nginx"]):
                started_here += _start_and_tell(config, state, group)
        except BaseException:
            _terminate_all(
                {name: state.services.pop(name) for name in started_here if name in state.services},
                STOP_TIMEOUT_SECONDS,
            )
            raise
    return wait_healthy(config)


def _make_demo_user(config: StackConfig, state: StackState) -> None:
    """The demo person in Cognito and in the database (``demo-user``, in the app's env)."""
    output = _run_setup(
        config,
        "demo user",
        [sys.executable, "-m", "spendwise.ops.stack", "demo-user"],
        env=app_environment(config, state.aws),
    )
    state.aws["demo"] = _demo_line(output)


def _demo_line(output: str) -> str:
    """The ``{"email", "password"}`` line that ``demo-user`` prints last."""
    for line in reversed(output.splitlines()):
        with contextlib.suppress(ValueError):
            found = json.loads(line)
            if isinstance(found, dict) and {"email", "password"} <= found.keys():
                return line
    raise StackError("The demo user step printed no sign-in details. See logs/setup.log.")


def _start_and_tell(config: StackConfig, state: StackState, group: list[str]) -> list[str]:
    for service in group:
        if _running(state, service):
            _say(f"{service}: already running (pid {state.services[service].pid})")
    began = time.monotonic()
    started = _start(config, state, group)
    for service in started:
        took = time.monotonic() - began
        _say(f"{service}: started on {config.address(service)} in {took:.1f} s")
    return started


def _stop(
    config: StackConfig, state: StackState, services: Sequence[str], timeout: float
) -> dict[str, str]:
    records = {name: state.services.pop(name) for name in services if name in state.services}
    return _terminate_all(records, timeout)


def down(config: StackConfig, timeout: float = STOP_TIMEOUT_SECONDS) -> dict[str, str]:
    """Stop the processes the stack started, in reverse order, and only those (each pid is
    checked against its recorded start time and command line first). Returns what happened
    to each service. The data (PostgreSQL cluster) stays."""
    if not config.state_file.exists():
        return {}
    with _locked(config) as state:
        outcome: dict[str, str] = {}
        # The front door first, then both instances together, then what they depend on.
        for group in (["nginx"], ["web-2", "web-1"], ["moto", "postgres"]):
            outcome.update(_stop(config, state, group, timeout))
        return outcome


def reset(config: StackConfig) -> None:
    """``down``, then delete the state directory: the database, logs, secrets, static files."""
    down(config)
    if config.root.exists():
        if not (config.root / MARKER).exists():
            raise StackError(f"{config.root} was not made by the stack ({MARKER} missing): kept.")
        shutil.rmtree(config.root)


def start_service(config: StackConfig, service: str) -> Health:
    """Start one stopped service again (after ``stop_service``) and wait until it is healthy.

    Starting ``moto`` re-creates the pool, secret and bucket (with the same ids) and the demo
    user, but no other Cognito user: people who signed up before must sign up again (their
    SpendWise data stays and is theirs again on the next sign-in with the same address).
    """
    _known(service)
    with _locked(config) as state:
        started = _start(config, state, [service])
        if started == ["moto"] and _running(state, "postgres"):
            _make_demo_user(config, state)
    return _row(config, service)


def stop_service(config: StackConfig, service: str, timeout: float = STOP_TIMEOUT_SECONDS) -> str:
    """Stop one service (its stop signal, SIGKILL after ``timeout``), e.g. to take an instance
    out under load. Returns "stopped", "killed …" or "not running"."""
    _known(service)
    with _locked(config) as state:
        return _stop(config, state, [service], timeout).get(service, "not running")


def kill_service(config: StackConfig, service: str) -> str:
    """SIGKILL one service's processes at once: a crash, not a shutdown (no graceful stop,
    PostgreSQL recovers from its WAL at the next start)."""
    return stop_service(config, service, timeout=0)


def restart_service(
    config: StackConfig, service: str, timeout: float = STOP_TIMEOUT_SECONDS
) -> Health:
    """``stop_service`` then ``start_service``, e.g. PostgreSQL under load."""
    stop_service(config, service, timeout)
    return start_service(config, service)


def _row(config: StackConfig, service: str) -> Health:
    return next(row for row in status(config) if row.service == service)


def endpoints(config: StackConfig) -> dict[str, Any]:
    """URLs and the demo sign-in, for load tests: ``url`` (nginx), ``instances`` (each
    gunicorn directly), ``moto``, ``database`` (as the superuser), ``demo``."""
    state = StackState.load(config)
    demo = json.loads(state.aws["demo"]) if "demo" in state.aws else {}
    return {
        "url": config.url,
        "instances": {name: f"http://{config.address(name)}" for name in WEB_SERVICES},
        "moto": config.moto_url,
        "database": f"postgresql://{DB_SUPERUSER}@{config.address('postgres')}/{DB_NAME}",
        "demo": demo,
    }


# --- command line ------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m spendwise.ops.stack",
        description="The local production-like stack (docs/stack.md).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("up", help="start everything that is not running")
    commands.add_parser("down", help="stop exactly what the stack started")
    status_parser = commands.add_parser("status", help="the health table")
    status_parser.add_argument("--json", action="store_true", help="as JSON, with the URLs")
    commands.add_parser("reset", help="down, then delete the state directory and its data")
    for name in ("start", "stop", "restart", "kill"):
        one = commands.add_parser(name, help=f"{name} one service")
        one.add_argument("service", choices=SERVICES)
    commands.add_parser("demo-user", help=argparse.SUPPRESS)
    commands.add_parser("provision-aws", help="create the pool, secret and bucket (compose)")
    args = parser.parse_args(argv)

    try:
        if args.command == "demo-user":
            return demo_user_main()
        if args.command == "provision-aws":
            return provision_aws_main()
        config = StackConfig.from_env()
        return _command(args, config)
    except StackError as exc:
        print(f"stack: {exc}", file=sys.stderr)
        return 1


def _command(args: argparse.Namespace, config: StackConfig) -> int:
    if args.command == "up":
        _say(f"Starting the SpendWise stack in {config.root}")
        rows = up(config)
        _say("\n" + health_table(rows))
        demo = endpoints(config)["demo"]
        _say(f"\nSpendWise (Cognito mode, behind nginx): {config.url}/")
        if demo:
            _say(f"Demo sign-in: {demo['email']} / {demo['password']}")
        _say(f"Logs: {config.logs}/   Stop: make stack-down   Health: make stack-status")
        return 0
    if args.command == "down":
        stopped = down(config)
        for service, outcome in stopped.items():
            _say(f"{service}: {outcome}")
        if not stopped:
            _say("Nothing to stop.")
        return 0
    if args.command == "status":
        rows = status(config)
        if args.json:
            _say(json.dumps({"services": [asdict(r) for r in rows], **endpoints(config)}, indent=2))
        else:
            _say(health_table(rows))
        return 0 if all(row.healthy for row in rows) else 1
    if args.command == "reset":
        reset(config)
        _say(f"Stopped the stack and deleted {config.root}.")
        return 0
    service = args.service
    if args.command == "stop":
        _say(f"{service}: {stop_service(config, service)}")
        return 0
    if args.command == "kill":
        _say(f"{service}: {kill_service(config, service)}")
        return 0
    row = (
        restart_service(config, service)
        if args.command == "restart"
        else start_service(config, service)
    )
    _say(health_table([row]))
    return 0 if row.healthy else 1


if __name__ == "__main__":
    sys.exit(main())
