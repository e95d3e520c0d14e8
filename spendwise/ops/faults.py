"""Fault drills: the local stack (``spendwise.ops.stack``) under load while something breaks.

    python -m spendwise.ops.faults            # `make test-resilience`: all four, the long form
    python -m spendwise.ops.faults --short    # the form `make test` runs (test_resilience.py)
    python -m spendwise.ops.faults --fault postgres_restart --fault slow_database

A drill starts its own stack on free ports in a temporary directory, with short database
timeouts (``DRILL_APP_SETTINGS``), and stops it afterwards. For each fault a few client threads
send a steady mix of requests through nginx, as a browser and an API client would:

* writes: ``POST /api/v1/transactions`` with a unique marker as the note and as the
  ``Idempotency-Key`` (each marker is sent once; 201 is the acknowledgement);
* reads: ``GET /api/v1/accounts`` (JSON) and the dashboard page (HTML, signed in).

While the load runs the fault is injected through the stack (``FAULTS``), then taken away; the
load goes on until the app has recovered by itself (nothing is restarted for it). Every write
that got no 201 is then sent once more with its ``Idempotency-Key``, as a careful client would.
Then the database is checked: every acknowledged marker is stored exactly once, no marker twice,
and ``manage.py rebuild_rollup --check`` finds the rollup equal to the transactions (no write
half-applied). Every 503 must carry ``Retry-After`` (JSON under /api/, HTML for pages) and come
fast; a 500 or a request the client gave up on is a failure. ``report_table`` prints one row
per fault. See docs/resilience.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from spendwise.ops import stack
from spendwise.ops.stack import StackConfig, StackError, StackState

# Short database limits, so that each fault shows within seconds (production defaults are in
# spendwise/db/config.py); no API rate limit, so the load measures faults, not the limiter.
STATEMENT_TIMEOUT_MS = 3000
LOCK_TIMEOUT_MS = 1000
CONNECT_WAIT_MS = 1000
CONNECT_TIMEOUT_S = 2
DRILL_APP_SETTINGS = (
    ("DB_STATEMENT_TIMEOUT_MS", str(STATEMENT_TIMEOUT_MS)),
    ("DB_LOCK_TIMEOUT_MS", str(LOCK_TIMEOUT_MS)),
    ("DB_CONNECT_WAIT_MS", str(CONNECT_WAIT_MS)),
    ("DB_CONNECT_TIMEOUT", str(CONNECT_TIMEOUT_S)),
    ("API_RATE_LIMIT_PER_MINUTE", "1000000"),
)
# Small, so that filling every connection slot is quick.
DRILL_MAX_CONNECTIONS = 40
FILLER_ROLE = "spendwise_fault_filler"

# A 503 must come at least this fast (seconds): an outage is answered, not waited out.
FAST_503_SECONDS = 2.0
CLIENT_TIMEOUT_SECONDS = 15.0  # a request still unanswered after this is a hang
# After a failed request a client thread pauses this long (seconds): a fast 503 would
# otherwise turn the drill into a busy loop on a small machine.
PAUSE_AFTER_FAILURE_SECONDS = 0.05
RECOVERY_TIMEOUT_SECONDS = 30.0

FAULTS = ("postgres_restart", "connections_exhausted", "slow_database", "instance_kill")

_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class Timing:
    """Seconds of load before the fault, of the fault itself, and after it; client threads."""

    warm_up: float
    fault: float
    settle: float
    threads: int


SHORT = Timing(warm_up=1.0, fault=3.0, settle=1.0, threads=4)
FULL = Timing(warm_up=5.0, fault=15.0, settle=10.0, threads=8)


# --- HTTP --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One request as the client saw it. ``status`` 0: no answer (refused, reset, timed out)."""

    kind: str  # "write", "read_api" or "read_page"
    status: int
    started: float  # time.monotonic() when it was sent
    seconds: float
    headers: dict[str, str]
    body: bytes
    marker: str = ""

    @property
    def ended(self) -> float:
        return self.started + self.seconds

    @property
    def ok(self) -> bool:
        return self.status == (201 if self.kind == "write" else 200)

    @property
    def unavailable(self) -> bool:
        """A proper 503: ``Retry-After``, and JSON under /api/ or HTML for a page."""
        if self.status != 503 or not self.header("Retry-After").isdigit():
            return False
        if self.kind == "read_page":
            return self.header("Content-Type").startswith("text/html")
        try:
            return bool(json.loads(self.body).get("detail"))
        except ValueError:
            return False

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _send(
    opener: urllib.request.OpenerDirector,
    url: str,
    *,
    method: str = "GET",
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = CLIENT_TIMEOUT_SECONDS,
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)  # noqa: S310 - 127.0.0.1
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, _lower(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, _lower(error.headers), error.read()
    except (OSError, ValueError):  # refused, reset, timed out
        return 0, {}, b""


def _lower(headers: Any) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


@dataclass(frozen=True)
class Client:
    """What the load needs: nginx's URL, a signed-in page session, an API token, an account."""

    base: str
    cookie: str
    token: str
    account_id: int

    @classmethod
    def sign_in(cls, base: str, email: str, password: str) -> Client:
        """Sign in through the app's form (Cognito in moto), make a read-write API token with
        that session, and find the demo user's first account."""
        jar = CookieJar()
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar),
            _NoRedirects(),
            urllib.request.ProxyHandler({}),
        )
        status, _, page = _send(opener, f"{base}/sign-in/")
        token = _csrf_token(page.decode(errors="replace"))
        if status != 200 or not token:
            raise StackError(f"The sign-in page answered {status} without a CSRF token.")
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "email": email, "password": password}
        ).encode()
        status, _, _ = _send(
            opener,
            f"{base}/sign-in/",
            method="POST",
            data=form,
            headers={"Origin": base, "Referer": f"{base}/sign-in/"},
        )
        cookies = {cookie.name: cookie.value or "" for cookie in jar}
        if status != 302 or "sessionid" not in cookies:
            raise StackError(f"Signing in as {email} answered {status}.")
        cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
        status, _, body = _send(
            _DIRECT,
            f"{base}/api/v1/tokens",
            method="POST",
            data=json.dumps({"name": "fault drill", "scope": "read_write"}).encode(),
            headers={
                "Cookie": cookie,
                "X-CSRFToken": cookies.get("csrftoken", ""),
                "Origin": base,
                "Referer": f"{base}/",
                "Content-Type": "application/json",
            },
        )
        if status != 201:
            raise StackError(f"Creating an API token answered {status}: {body[:300]!r}")
        api_token = str(json.loads(body)["token"])
        status, _, body = _send(
            _DIRECT, f"{base}/api/v1/accounts", headers={"Authorization": f"Bearer {api_token}"}
        )
        items = json.loads(body)["items"] if status == 200 else []
        if not items:
            raise StackError(f"The demo user has no account to write to ({status}).")
        return cls(base, cookie, api_token, int(items[0]["id"]))

    def write(self, marker: str) -> Answer:
        body = {
            "kind": "expense",
            "date": date.today().isoformat(),
            "amount": "1.25",
            "account_id": self.account_id,
            "note": marker,
        }
        return self._timed(
            "write",
            "/api/v1/transactions",
            method="POST",
            data=json.dumps(body).encode(),
            headers={
                **self._bearer(),
                "Content-Type": "application/json",
                "Idempotency-Key": marker,
            },
            marker=marker,
        )

    def read_api(self) -> Answer:
        return self._timed("read_api", "/api/v1/accounts", headers=self._bearer())

    def read_page(self) -> Answer:
        return self._timed("read_page", "/", headers={"Cookie": self.cookie})

    def _bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def _timed(self, kind: str, path: str, *, marker: str = "", **send: Any) -> Answer:
        began = time.monotonic()
        status, headers, body = _send(_DIRECT, self.base + path, **send)
        return Answer(kind, status, began, time.monotonic() - began, headers, body, marker)


def _csrf_token(page: str) -> str:
    marker = 'name="csrfmiddlewaretoken" value="'
    start = page.find(marker)
    if start < 0:
        return ""
    start += len(marker)
    return page[start : page.index('"', start)]


class Load:
    """Client threads sending writes and reads in turn until ``stop``; every answer kept."""

    def __init__(self, client: Client, threads: int, marker_prefix: str) -> None:
        self.client = client
        self.prefix = marker_prefix
        self.answers: list[Answer] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, args=(n,), daemon=True, name=f"load-{n}")
            for n in range(threads)
        ]
        self._sequence = 0

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stopping.set()
        for thread in self._threads:
            thread.join(CLIENT_TIMEOUT_SECONDS + 5)

    def write(self) -> Answer:
        with self._lock:
            self._sequence += 1
            marker = f"{self.prefix}{self._sequence:06d}"
        answer = self.client.write(marker)
        self._keep(answer)
        return answer

    def _run(self, number: int) -> None:
        steps: tuple[Callable[[], Answer], ...] = (
            self.write,
            self.client.read_api,
            self.write,
            self.client.read_page,
        )
        turn = number  # threads start at different steps
        while not self._stopping.is_set():
            step = steps[turn % len(steps)]
            answer = step()
            if step != self.write:
                self._keep(answer)
            if not answer.ok:
                time.sleep(PAUSE_AFTER_FAILURE_SECONDS)
            turn += 1

    def _keep(self, answer: Answer) -> None:
        with self._lock:
            self.answers.append(answer)

    def snapshot(self) -> list[Answer]:
        with self._lock:
            return list(self.answers)


# --- the report ---------------------------------------------------------------------------------


@dataclass
class Report:
    """What one fault did to the load, and what the database held afterwards."""

    fault: str
    answers: list[Answer]
    fault_ended: float  # time.monotonic() when the fault was taken away
    stored: dict[str, int]  # marker -> rows with it as the note
    rollup_consistent: bool
    rollup_output: str
    max_503_seconds: float = FAST_503_SECONDS
    expect_503: bool = True
    notes: list[str] = field(default_factory=list)
    extra_problems: list[str] = field(default_factory=list)
    # The unacknowledged writes sent once more after recovery, with the same Idempotency-Key.
    retried: list[Answer] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.answers)

    @property
    def ok(self) -> int:
        return sum(answer.ok for answer in self.answers)

    @property
    def unavailable(self) -> list[Answer]:
        return [answer for answer in self.answers if answer.unavailable]

    @property
    def other(self) -> list[Answer]:
        return [answer for answer in self.answers if not answer.ok and not answer.unavailable]

    @property
    def acknowledged(self) -> set[str]:
        """Markers of writes acknowledged during the load (201)."""
        return {a.marker for a in self.answers if a.kind == "write" and a.ok}

    @property
    def acknowledged_on_retry(self) -> set[str]:
        return {a.marker for a in self.retried if a.ok}

    @property
    def lost(self) -> set[str]:
        acknowledged = self.acknowledged | self.acknowledged_on_retry
        return {marker for marker in acknowledged if self.stored.get(marker, 0) == 0}

    @property
    def stuck_on_retry(self) -> list[Answer]:
        """Retries refused with 409 although the first attempt had ended (must be none)."""
        return [a for a in self.retried if a.status == 409]

    @property
    def duplicated(self) -> set[str]:
        return {marker for marker, count in self.stored.items() if count > 1}

    @property
    def slowest_503(self) -> float:
        return max((answer.seconds for answer in self.unavailable), default=0.0)

    @property
    def recovered_after(self) -> float | None:
        """Seconds from the fault's end to the first acknowledged write sent after it."""
        after = [
            a.ended
            for a in self.answers
            if a.kind == "write" and a.ok and a.started >= self.fault_ended
        ]
        return round(min(after) - self.fault_ended, 2) if after else None

    @property
    def problems(self) -> list[str]:
        found = list(self.extra_problems)
        if self.lost:
            found.append(f"{len(self.lost)} acknowledged writes are not in the database")
        if self.duplicated:
            found.append(f"{len(self.duplicated)} writes are stored twice")
        if not self.rollup_consistent:
            found.append(f"the rollup disagrees with the transactions: {self.rollup_output}")
        statuses = sorted({a.status for a in self.answers if a.status >= 500 and not a.unavailable})
        if 500 in statuses or 503 in statuses:
            found.append(f"server errors without a proper 503: {statuses}")
        hung = [a for a in self.answers if a.status == 0]
        if hung:
            found.append(f"{len(hung)} requests got no answer (refused, reset or hung)")
        if self.slowest_503 > self.max_503_seconds:
            found.append(
                f"a 503 took {self.slowest_503:.2f} s (limit {self.max_503_seconds:.1f} s)"
            )
        if self.expect_503 and not self.unavailable:
            found.append("the fault caused no 503: it did not reach the app")
        if self.recovered_after is None:
            found.append("no write succeeded after the fault: the app did not recover")
        return found


def report_table(reports: Sequence[Report]) -> str:
    """One row per fault: requests, ok, 503, other, acknowledged and lost writes, timings."""
    header = (
        "fault",
        "requests",
        "ok",
        "503",
        "other",
        "acked writes",
        "lost",
        "dup",
        "slowest 503 s",
        "recovered s",
        "result",
    )
    rows = [
        (
            r.fault,
            str(r.requests),
            str(r.ok),
            str(len(r.unavailable)),
            str(len(r.other)),
            str(len(r.acknowledged)),
            str(len(r.lost)),
            str(len(r.duplicated)),
            f"{r.slowest_503:.2f}",
            "-" if r.recovered_after is None else f"{r.recovered_after:.2f}",
            "ok" if not r.problems else "FAILED",
        )
        for r in reports
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
        for row in [header, *rows]
    ]
    for report in reports:
        for problem in report.problems:
            lines.append(f"{report.fault}: {problem}")
        for note in report.notes:
            lines.append(f"{report.fault}: {note}")
        if report.retried:
            statuses: dict[str, int] = {}
            for answer in report.retried:
                label = str(answer.status)
                if answer.header("Idempotent-Replayed") == "true":
                    label += " replayed"
                statuses[label] = statuses.get(label, 0) + 1
            summary = ", ".join(f"{count}x {label}" for label, count in sorted(statuses.items()))
            lines.append(
                f"{report.fault}: {len(report.retried)} unacknowledged writes retried with "
                f"their Idempotency-Key: {summary}"
            )
    return "\n".join(lines)


# --- the drill ----------------------------------------------------------------------------------


def free_ports(count: int) -> list[int]:
    """Ports free now, all different (held open together while they are chosen)."""
    sockets = []
    try:
        for _ in range(count):
            probe = socket.socket()
            probe.bind((stack.HOST, 0))
            sockets.append(probe)
        return [probe.getsockname()[1] for probe in sockets]
    finally:
        for probe in sockets:
            probe.close()


def drill_config(root: Path) -> StackConfig:
    """A stack in ``root`` on free ports: one worker per instance, small max_connections,
    short database timeouts."""
    nginx, web_1, web_2, moto, postgres = free_ports(5)
    return StackConfig(
        root=root,
        port=nginx,
        web_ports=(web_1, web_2),
        moto_port=moto,
        postgres_port=postgres,
        web_concurrency=1,
        postgres_max_connections=DRILL_MAX_CONNECTIONS,
        app_settings=DRILL_APP_SETTINGS,
    )


class Drill:
    """A stack of its own, signed in, ready to run faults; ``close`` stops it and deletes it."""

    def __init__(self, config: StackConfig, *, owns_root: bool) -> None:
        self.config = config
        self.owns_root = owns_root
        self.run_id = secrets.token_hex(4)
        self.client: Client | None = None

    @classmethod
    @contextlib.contextmanager
    def started(cls, root: Path | None = None) -> Iterator[Drill]:
        """Start the stack (in a new temporary directory unless ``root`` is given), sign in,
        yield the drill; stop everything it started and delete the directory afterwards."""
        owns = root is None
        # Not 0700: PostgreSQL runs as another user when we are root.
        directory = Path(tempfile.mkdtemp(prefix="spendwise-faults-")) if root is None else root
        directory.chmod(0o755)
        drill = cls(drill_config(directory), owns_root=owns)
        try:
            stack.up(drill.config)
            demo = stack.endpoints(drill.config)["demo"]
            drill.client = Client.sign_in(drill.config.url, demo["email"], demo["password"])
            drill._make_filler_role()
            yield drill
        finally:
            drill.close()

    def close(self) -> None:
        stack.down(self.config)
        if self.owns_root:
            shutil.rmtree(self.config.root, ignore_errors=True)

    def _client(self) -> Client:
        if self.client is None:
            raise StackError("Not signed in: use Drill.started().")
        return self.client

    # --- database access for the drill itself (the trusted superuser) ---

    def admin(self, **options: Any) -> psycopg.Connection[Any]:
        # The superuser's reserved slots can be briefly taken too (another drill step's
        # connection closing, the stack's own checks) while the filler holds every other one:
        # try again for a few seconds before the drill itself gives up.
        deadline = time.monotonic() + 5
        while True:
            try:
                return psycopg.connect(
                    host=stack.HOST,
                    port=self.config.postgres_port,
                    user=stack.DB_SUPERUSER,
                    dbname=stack.DB_NAME,
                    connect_timeout=3,
                    **options,
                )
            except psycopg.OperationalError as exc:
                if "too many clients" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.25)

    def _make_filler_role(self) -> None:
        self.filler_password = secrets.token_urlsafe(16)
        with self.admin(autocommit=True) as admin:
            exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [FILLER_ROLE])
            verb = sql.SQL("ALTER" if exists.fetchone() else "CREATE")
            admin.execute(
                sql.SQL("{} ROLE {} LOGIN PASSWORD {}").format(
                    verb, sql.Identifier(FILLER_ROLE), sql.Literal(self.filler_password)
                )
            )

    def stored_markers(self, prefix: str) -> dict[str, int]:
        with self.admin() as admin:
            rows = admin.execute(
                "SELECT note, count(*) FROM ledger_transaction WHERE note LIKE %s GROUP BY note",
                [prefix.replace("%", r"\%") + "%"],
            ).fetchall()
        return {str(note): int(count) for note, count in rows}

    def rollup_check(self) -> tuple[bool, str]:
        """``manage.py rebuild_rollup --check`` in the app's environment."""
        env = stack.app_environment(self.config, StackState.load(self.config).aws)
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "spendwise.ops.entrypoint",
                "manage",
                "rebuild_rollup",
                "--check",
            ],
            cwd=str(stack.ROOT),
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        output = (result.stdout + result.stderr).strip()
        return result.returncode == 0, output.splitlines()[-1] if output else ""

    def app_log_lines(self) -> list[dict[str, Any]]:
        """The JSON lines both app instances have written so far."""
        lines = []
        for service in stack.WEB_SERVICES:
            with contextlib.suppress(OSError):
                for text in self.config.log_file(service).read_text(errors="replace").splitlines():
                    if text.startswith("{"):
                        with contextlib.suppress(ValueError):
                            lines.append(json.loads(text))
        return lines

    # --- one fault ---

    def run(self, fault: str, timing: Timing = SHORT) -> Report:
        """Load, the fault, its removal, recovery; then the database checks. ``Report``."""
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}: one of {', '.join(FAULTS)}")
        prefix = f"fault:{self.run_id}:{fault}:"
        inject = getattr(self, f"_{fault}")
        # A fault before may have left a service stopped (instance_kill leaves web-1 down, so
        # that the last drill does not wait for a restart nobody needs).
        for row in stack.status(self.config):
            if row.pid is None:
                stack.start_service(self.config, row.service)
        notes: list[str] = []
        with Load(self._client(), timing.threads, prefix) as load:
            time.sleep(timing.warm_up)
            began = time.monotonic()
            inject(timing.fault, notes)
            fault_ended = time.monotonic()
            notes.append(f"fault lasted {fault_ended - began:.1f} s")
            time.sleep(timing.settle)
            deadline = time.monotonic() + RECOVERY_TIMEOUT_SECONDS
            while time.monotonic() < deadline and not any(
                a.kind == "write" and a.ok and a.started >= fault_ended for a in load.snapshot()
            ):
                time.sleep(0.2)
        retried = self._retry_unacknowledged(load.answers, timing.threads)
        consistent, output = self.rollup_check()
        report = Report(
            fault=fault,
            answers=load.answers,
            fault_ended=fault_ended,
            stored=self.stored_markers(prefix),
            rollup_consistent=consistent,
            rollup_output=output,
            notes=notes,
            retried=retried,
        )
        if report.stuck_on_retry:
            # A reservation whose first request died is taken over by the retry
            # (spendwise/api/idempotency.py), so after recovery no retry may be refused.
            report.extra_problems.append(
                f"{len(report.stuck_on_retry)} retries were refused with 409 'still running' "
                "although their first attempt had ended"
            )
        if fault == "instance_kill":
            report.expect_503 = False
            failed_reads = [a for a in report.answers if a.kind != "write" and not a.ok]
            if failed_reads:
                report.extra_problems.append(
                    f"{len(failed_reads)} reads failed while one instance was down "
                    f"(statuses {sorted({a.status for a in failed_reads})})"
                )
        if fault == "connections_exhausted":
            # A request waits up to the connect wait for a slot, and its last attempt may take
            # up to the connect timeout on a loaded machine (PostgreSQL forks a backend before
            # it refuses): bounded, but not always within the plain limit.
            report.max_503_seconds = CONNECT_WAIT_MS / 1000 + CONNECT_TIMEOUT_S + FAST_503_SECONDS
        if fault == "slow_database":
            # A request waits lock_timeout for the lock, then is answered.
            report.max_503_seconds = LOCK_TIMEOUT_MS / 1000 + FAST_503_SECONDS
            self._check_timeouts_logged(report)
        return report

    def _retry_unacknowledged(self, answers: Sequence[Answer], threads: int) -> list[Answer]:
        """Send every write that got no 201 once more, as a careful client would after the
        outage: the same body and ``Idempotency-Key``, so it is stored at most once."""
        client = self._client()
        markers = sorted({a.marker for a in answers if a.kind == "write" and not a.ok})
        with ThreadPoolExecutor(max_workers=threads) as pool:
            return list(pool.map(client.write, markers))

    def _postgres_restart(self, seconds: float, notes: list[str]) -> None:
        """PostgreSQL stops (fast shutdown: clients are disconnected, open transactions roll
        back), stays down for ``seconds``, starts again."""
        notes.append(f"postgres: {stack.stop_service(self.config, 'postgres')}")
        time.sleep(seconds)
        stack.start_service(self.config, "postgres")

    def _instance_kill(self, seconds: float, notes: list[str]) -> None:
        """web-1 gets SIGKILL (a crash); nginx must send everything to web-2. web-1 stays
        down (the next drill starts it again)."""
        notes.append(f"web-1: {stack.kill_service(self.config, 'web-1')}")
        time.sleep(seconds)

    def _connections_exhausted(self, seconds: float, notes: list[str]) -> None:
        """Idle connections take every slot a normal role may use; the app's own connections are
        ended so that it must open new ones (as after a deploy or CONN_MAX_AGE)."""
        held: list[psycopg.Connection[Any]] = []
        try:
            for _ in range(3):
                held += self._fill()
                with self.admin(autocommit=True) as admin:
                    ended = admin.execute(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE usename = %s",
                        [stack.DB_APP_USER],
                    ).fetchone()
                if not ended or not ended[0]:
                    break
            held += self._fill()
            notes.append(f"{len(held)} idle connections held")
            time.sleep(seconds)
        finally:
            for connection in held:
                with contextlib.suppress(psycopg.Error):
                    connection.close()

    def _fill(self) -> list[psycopg.Connection[Any]]:
        opened = []
        while True:
            try:
                opened.append(
                    psycopg.connect(
                        host=stack.HOST,
                        port=self.config.postgres_port,
                        user=FILLER_ROLE,
                        password=self.filler_password,
                        dbname=stack.DB_NAME,
                        connect_timeout=3,
                    )
                )
            except psycopg.OperationalError:
                return opened

    def _slow_database(self, seconds: float, notes: list[str]) -> None:
        """Another session holds an exclusive lock on the transactions table: every request
        that reads or writes it waits, until the app's lock_timeout ends the wait."""
        with self.admin() as admin:
            admin.execute("LOCK TABLE ledger_transaction IN ACCESS EXCLUSIVE MODE")
            time.sleep(seconds)
            admin.rollback()

    def _check_timeouts_logged(self, report: Report) -> None:
        """Every 503 of the fault has a JSON line in an instance's log naming its request id
        and the timeout that fired."""
        logged = {
            line.get("request_id"): line
            for line in self.app_log_lines()
            if line.get("logger") == "spendwise.db" and line.get("timeout")
        }
        answered = [a.header("X-Request-Id") for a in report.unavailable]
        missing = [rid for rid in answered if rid not in logged]
        if missing:
            report.extra_problems.append(
                f"{len(missing)} of {len(answered)} timeouts have no log line with their request id"
            )
        timeouts = sorted(
            {
                f"{logged[rid]['timeout']}={logged[rid].get('timeout_ms')}ms"
                for rid in answered
                if rid in logged
            }
        )
        report.notes.append(f"logged timeouts: {', '.join(timeouts) or 'none'}")


# --- command line -------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m spendwise.ops.faults",
        description="Fault drills against a stack of their own (docs/resilience.md).",
    )
    parser.add_argument("--short", action="store_true", help="the short form that `make test` runs")
    parser.add_argument(
        "--fault", action="append", choices=FAULTS, help="only this fault (repeatable)"
    )
    parser.add_argument("--threads", type=int, help="client threads (default 8, short: 4)")
    args = parser.parse_args(argv)
    timing = SHORT if args.short else FULL
    if args.threads:
        timing = replace(timing, threads=args.threads)
    chosen = args.fault or list(FAULTS)
    reports = []
    try:
        with Drill.started() as drill:
            print(f"Stack up at {drill.config.url}; {timing.threads} client threads.", flush=True)
            for fault in chosen:
                print(f"{fault}: running ...", flush=True)
                reports.append(drill.run(fault, timing))
    except StackError as exc:
        print(f"faults: {exc}", file=sys.stderr)
        return 1
    print()
    print(report_table(reports))
    return 0 if all(not report.problems for report in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
