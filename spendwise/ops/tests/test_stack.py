"""The local production-like stack (spendwise/ops/stack.py), brought up for real.

The module starts the whole stack once (``python -m spendwise.ops.stack up``, as ``make stack``
does) on free ports in a temporary state directory, and the tests run against it in order:
health, balancing through nginx, a Cognito sign-up and sign-in through nginx, one instance
stopped and started again, and finally ``down`` (every started process gone, ports free).

nginx and the PostgreSQL server programs must be installed (scripts/ensure-system-deps). When
one is missing the stack tests are skipped loudly, and with ``CI=true`` they fail.
"""

from __future__ import annotations

import dataclasses
import html
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from spendwise.ops import stack
from spendwise.ops.stack import (
    NginxNotFoundError,
    StackConfig,
    StackState,
    find_nginx,
)
from spendwise.ops.tests.stack_tools import free_ports, port_is_free, unavailable
from spendwise.testing.moto import admin_client
from spendwise.testing.postgres import PostgresNotFoundError, find_postgres_binaries

ROOT = Path(__file__).resolve().parents[3]
STRONG = "violet-teapot-marathon-42"
CODE = "123456"  # moto accepts any confirmation code


def require_programs() -> None:
    """nginx and PostgreSQL, or a loud skip (a failure in CI)."""
    try:
        find_nginx(StackConfig())
        find_postgres_binaries()
    except (NginxNotFoundError, PostgresNotFoundError) as exc:
        unavailable(str(exc))


@dataclass
class Started:
    config: StackConfig
    env: dict[str, str]
    output: str


def run_cli(
    env: dict[str, str], *args: str, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spendwise.ops.stack", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def started() -> Iterator[Started]:
    require_programs()
    # Not pytest's tmp_path: that is 0700, and PostgreSQL runs as another user under root.
    root = Path(tempfile.mkdtemp(prefix="spendwise-stack-test-"))
    root.chmod(0o755)
    nginx, web_1, web_2, moto, postgres = free_ports(5)
    env = {
        **os.environ,
        "STACK_DIR": str(root),
        "STACK_PORT": str(nginx),
        "STACK_WEB_PORTS": f"{web_1},{web_2}",
        "STACK_MOTO_PORT": str(moto),
        "STACK_POSTGRES_PORT": str(postgres),
        "STACK_WEB_CONCURRENCY": "1",  # one worker (4 threads) each: plenty, and quicker
    }
    config = StackConfig.from_env(env)
    try:
        result = run_cli(env, "up")
        assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
        yield Started(config, env, result.stdout)
    finally:
        stack.down(config)  # whatever a failed test left running
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def config(started: Started) -> StackConfig:
    return started.config


class Browser:
    """A cookie-keeping HTTP client that does not follow redirects, like a test client."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies),
            NoRedirects(),
            urllib.request.ProxyHandler({}),  # 127.0.0.1 directly, whatever HTTP_PROXY says
        )

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        url = self.base + path  # http://127.0.0.1:<port> only
        return self._send(urllib.request.Request(url, headers=headers or {}))  # noqa: S310

    def post(self, path: str, data: dict[str, str]) -> Response:
        """A form post with the CSRF token of the page at ``path``, as a browser sends it."""
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get(path).text)
        assert token, f"no CSRF token on {path}"
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), **data}).encode()
        request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
            self.base + path,
            data=body,
            headers={"Origin": self.base, "Referer": self.base + path},
            method="POST",
        )
        return self._send(request)

    def _send(self, request: urllib.request.Request) -> Response:
        try:
            with self.opener.open(request, timeout=30) as answer:
                return Response(answer.status, dict(answer.headers), answer.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, dict(error.headers), error.read())


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return html.unescape(self.body.decode(errors="replace"))


@pytest.fixture(scope="module")
def browser(config: StackConfig) -> Browser:
    return Browser(config.url)


# --- up ----------------------------------------------------------------------------------------


def test_it_starts_every_service_and_prints_the_health_table(
    started: Started, config: StackConfig
) -> None:
    table = started.output[started.output.index("service") :]
    for service in stack.SERVICES:
        row = next(line for line in table.splitlines() if line.startswith(service + " "))
        assert config.address(service) in row
        assert " ok (" in row
    assert f"SpendWise (Cognito mode, behind nginx): {config.url}/" in started.output
    assert "Demo sign-in: demo@spendwise.local / " in started.output

    rows = stack.status(config)
    assert [row.service for row in rows] == list(stack.SERVICES)
    assert all(row.healthy for row in rows), rows
    for instance in stack.WEB_SERVICES:
        address = config.address(instance)
        assert stack._http_status(f"http://{address}/readyz") == 200
    # The state names each process by pid, start time and command line.
    state = json.loads(config.state_file.read_text())
    assert set(state["services"]) == set(stack.SERVICES)
    assert "spendwise.ops.entrypoint" not in " ".join(state["services"]["web-1"]["cmdline"])
    assert "gunicorn" in " ".join(state["services"]["web-1"]["cmdline"])
    assert state["aws"]["user_pool_id"].startswith("us-east-1_")


def test_the_status_command_prints_the_table_and_succeeds_when_all_are_healthy(
    started: Started,
) -> None:
    result = run_cli(started.env, "status")

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[0].split() == ["service", "pid", "address", "health"]
    assert result.stdout.count(" ok (") == len(stack.SERVICES)


def test_nginx_spreads_requests_over_both_instances_and_passes_the_request_id(
    config: StackConfig, browser: Browser
) -> None:
    answered_by = {browser.get("/healthz").headers["X-Upstream"] for _ in range(6)}
    assert answered_by == {config.address("web-1"), config.address("web-2")}

    given = browser.get("/healthz", {"X-Request-Id": "stack-test-1"})
    made = browser.get("/healthz")
    assert given.headers["X-Request-Id"] == "stack-test-1"
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["X-Request-Id"])  # nginx's $request_id

    health = browser.get("/nginx-health")
    assert (health.status, health.body) == (200, b"ok\n")
    page = browser.get("/sign-in/", {"Accept-Encoding": "gzip"})
    assert page.status == 200
    assert page.headers["Content-Encoding"] == "gzip"
    # nginx's access log: one JSON object per request, with the id the app saw.
    access = [json.loads(line) for line in (config.logs / "nginx-access.log").open()]
    assert any(line["request_id"] == "stack-test-1" for line in access)


def test_it_signs_up_confirms_and_signs_in_with_cognito_through_nginx(
    config: StackConfig, browser: Browser
) -> None:
    email = f"stack-{uuid.uuid4().hex[:8]}@example.com"

    signed_up = browser.post("/sign-up/", {"email": email, "password": STRONG})
    assert signed_up.status == 302, signed_up.text
    assert signed_up.headers["Location"].startswith("/confirm/")
    confirmed = browser.post("/confirm/", {"email": email, "code": CODE})
    assert confirmed.status == 302, confirmed.text
    signed_in = browser.post("/sign-in/", {"email": email, "password": STRONG})
    assert signed_in.status == 302, signed_in.text
    assert signed_in.headers["Location"] == "/"

    # The person lives in moto's user pool, confirmed: the app really asked Cognito.
    pool = json.loads(config.state_file.read_text())["aws"]["user_pool_id"]
    cognito = admin_client("cognito-idp", config.moto_url)
    assert cognito.admin_get_user(UserPoolId=pool, Username=email)["UserStatus"] == "CONFIRMED"

    added = browser.post(
        "/accounts/add/",
        {
            "name": "Stack checking",
            "kind": "checking",
            "currency": "USD",
            "opening_balance": "12.34",
        },
    )
    assert added.status == 302, added.text
    dashboard = browser.get("/")
    assert dashboard.status == 200
    assert "Stack checking" in dashboard.text
    assert "12.34" in dashboard.text


def test_the_demo_user_signs_in_with_a_year_of_data(config: StackConfig) -> None:
    demo = stack.endpoints(config)["demo"]
    visitor = Browser(config.url)

    signed_in = visitor.post("/sign-in/", {"email": demo["email"], "password": demo["password"]})
    assert signed_in.status == 302, signed_in.text
    accounts = visitor.get("/accounts/")
    assert accounts.status == 200
    for name in ("Checking", "Savings", "Credit card", "Cash"):
        assert name in accounts.text
    transactions = visitor.get("/transactions/")
    assert len(set(re.findall(r"/transactions/(\d+)/edit/", transactions.text))) >= 20


# --- one instance down ------------------------------------------------------------------------


def test_nginx_keeps_serving_from_the_other_instance_when_one_stops(
    config: StackConfig, browser: Browser
) -> None:
    survivor = config.address("web-2")

    assert stack.stop_service(config, "web-1") == "stopped"
    answers = [browser.get("/") for _ in range(6)]

    assert [answer.status for answer in answers] == [200] * 6  # signed in: the session is in the DB
    # A request sent to the stopped instance first was retried on the other (GET is idempotent);
    # after two failures nginx stops trying it.
    assert all(answer.headers["X-Upstream"].endswith(survivor) for answer in answers)
    assert answers[-1].headers["X-Upstream"] == survivor
    assert "Stack checking" in answers[-1].text
    web_1 = next(row for row in stack.status(config) if row.service == "web-1")
    assert (web_1.pid, web_1.healthy) == (None, False)

    back = stack.start_service(config, "web-1")
    assert back.healthy
    # Once nginx's fail_timeout (10 s) has passed, web-1 gets requests again.
    deadline = time.monotonic() + 20
    while browser.get("/healthz").headers["X-Upstream"] != config.address("web-1"):
        assert time.monotonic() < deadline, "web-1 got no request after it started again"
        time.sleep(0.5)


# --- down --------------------------------------------------------------------------------------


def test_down_stops_exactly_what_it_started_and_frees_the_ports(started: Started) -> None:
    config = started.config
    records = StackState.load(config).services
    ports = [int(config.address(service).rsplit(":", 1)[1]) for service in stack.SERVICES]

    result = run_cli(started.env, "down")

    assert result.returncode == 0, result.stdout + result.stderr
    assert {line.split(":")[0] for line in result.stdout.splitlines()} == set(stack.SERVICES)
    for service, record in records.items():
        assert not stack.is_ours(record), f"{service} still runs"
        # Nothing it started (gunicorn's workers, PostgreSQL's backends, nginx's workers) either.
        assert stack.session_members(record.pid) == [], service
    assert all(port_is_free(port) for port in ports)
    assert StackState.load(config).services == {}
    assert run_cli(started.env, "status").returncode == 1
    assert (config.pg_data / "PG_VERSION").exists()  # the data is kept for the next `up`


# --- without the stack running -----------------------------------------------------------------


def test_it_never_signals_a_process_it_did_not_start(tmp_path: Path) -> None:
    config = StackConfig(root=tmp_path)
    stranger = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        real = stack._observe(config, "web-1", stranger.pid)
        assert real is not None
        assert real.cmdline[1:] == ["-c", "import time; time.sleep(60)"]
        impostors = {
            "postgres": dataclasses.replace(real, start_time=real.start_time - 1),
            "moto": dataclasses.replace(real, cmdline=[*real.cmdline, "--other"]),
        }
        StackState(services=impostors).save(config)

        outcome = stack.down(config)

        assert outcome == {"postgres": "not running", "moto": "not running"}
        assert stranger.poll() is None  # the same pid, but not what the state describes
        assert stack.is_ours(real)
        StackState(services={"web-1": real}).save(config)
        assert stack.stop_service(config, "web-1", timeout=5) == "stopped"
        assert not Path(f"/proc/{stranger.pid}").exists()  # ended, and reaped by stop_service
    finally:
        stranger.kill()
        stranger.wait()


def test_it_says_how_to_install_nginx_when_it_is_missing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(shutil, "which", lambda *args, **kwargs: None)
    with pytest.raises(NginxNotFoundError, match="apt-get install nginx"):
        find_nginx(StackConfig(root=tmp_path))

    env = {**os.environ, "STACK_DIR": str(tmp_path), "STACK_NGINX": "/nonexistent/nginx"}
    result = run_cli(env, "up", timeout=60)
    assert result.returncode == 1
    assert "STACK_NGINX='/nonexistent/nginx' is not an executable program" in result.stderr
    assert not (tmp_path / "state.json").exists()  # nothing was started


def test_it_refuses_a_port_that_another_program_holds(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        config = StackConfig(root=tmp_path, port=port)
        with pytest.raises(
            stack.StackError, match=f"127.0.0.1:{port} is already in use.*STACK_PORT"
        ):
            stack._require_free_port(config, "nginx")


def test_it_reads_its_ports_and_directory_from_the_environment() -> None:
    config = StackConfig.from_env(
        {"STACK_DIR": "var/elsewhere", "STACK_PORT": "9000", "STACK_WEB_PORTS": "9001, 9002"}
    )

    assert config.root == ROOT / "var" / "elsewhere"
    assert (config.port, config.web_ports) == (9000, (9001, 9002))
    assert config.address("web-2") == "127.0.0.1:9002"
    with pytest.raises(stack.StackError, match="must differ"):
        StackConfig.from_env({"STACK_PORT": "8081"})
    with pytest.raises(stack.StackError, match="two ports"):
        StackConfig.from_env({"STACK_WEB_PORTS": "9001"})
