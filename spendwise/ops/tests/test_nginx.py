"""The nginx the stack renders from spendwise/ops/nginx/spendwise.conf.template, run for real in
front of two stand-in instances: one that dies after reading a request, one that answers."""

from __future__ import annotations

import socketserver
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from spendwise.ops import stack
from spendwise.ops.stack import NginxNotFoundError, StackConfig
from spendwise.ops.tests.stack_tools import directives, free_ports, unavailable


def nginx_program(config: StackConfig) -> str:
    try:
        return stack.find_nginx(config)
    except NginxNotFoundError as exc:
        unavailable(str(exc))
        raise


@dataclass
class Instance:
    """A stand-in app instance; ``dies`` closes the connection once it has read a request, as
    a killed gunicorn would."""

    dies: bool
    requests: list[str] = field(default_factory=list)

    def serve(self, port: int) -> socketserver.ThreadingTCPServer:
        instance = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = self.request.recv(65536)
                    if not chunk:
                        return
                    head += chunk
                instance.requests.append(head.split(b" ", 1)[0].decode())
                if instance.dies:
                    return  # the connection closes: no response at all
                body = b"answered"
                self.wfile.write(
                    b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
                    % (len(body), body)
                )

        server = socketserver.ThreadingTCPServer(("127.0.0.1", port), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


@dataclass
class Running:
    url: str
    dying: Instance
    healthy: Instance
    config: StackConfig


@pytest.fixture
def nginx_in_front(tmp_path: Path) -> Iterator[Running]:
    front, first, second = free_ports(3)
    config = StackConfig(root=tmp_path, port=front, web_ports=(first, second))
    program = nginx_program(config)
    dying, healthy = Instance(dies=True), Instance(dies=False)
    servers = [dying.serve(first), healthy.serve(second)]
    stack._prepare_dirs(config)
    main = stack.write_nginx_config(config, body_size_mib=2)
    command = stack._nginx_command(program, config, main)
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    nginx = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while stack._http_status(f"{config.url}/nginx-health") != 200:
            assert nginx.poll() is None and time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.05)
        yield Running(config.url, dying, healthy, config)
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        for server in servers:
            server.shutdown()
            server.server_close()


DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no HTTP_PROXY


def send(url: str, method: str, body: bytes | None = None) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, data=body, method=method)  # noqa: S310 - loopback
    try:
        with DIRECT.open(request, timeout=10) as answer:
            return answer.status, dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def test_a_post_that_reached_a_dying_instance_is_not_sent_again_but_a_get_is(
    nginx_in_front: Running,
) -> None:
    # Each nginx worker's round robin starts with the first server: the dying one.
    posted, _ = send(nginx_in_front.url + "/transactions/add/", "POST", b"amount=12.50")

    assert posted == 502
    assert nginx_in_front.dying.requests == ["POST"]
    assert "POST" not in nginx_in_front.healthy.requests  # never run twice

    answers = [send(nginx_in_front.url + "/", "GET") for _ in range(3)]
    assert [status for status, _ in answers] == [200, 200, 200]
    first, second = nginx_in_front.config.web_ports
    # Retried on the other instance when the first one failed it.
    assert all(headers["X-Upstream"].endswith(f":{second}") for _, headers in answers)
    assert "GET" in nginx_in_front.dying.requests
    assert any(
        headers["X-Upstream"] == f"127.0.0.1:{first}, 127.0.0.1:{second}" for _, headers in answers
    )


def test_a_body_over_the_apps_upload_limit_is_refused_by_nginx(nginx_in_front: Running) -> None:
    status, _ = send(nginx_in_front.url + "/imports/", "POST", b"x" * (3 * 2**20))

    assert status == 413
    assert nginx_in_front.dying.requests == nginx_in_front.healthy.requests == []


def test_the_stack_renders_a_configuration_of_its_own_paths(nginx_in_front: Running) -> None:
    config = nginx_in_front.config
    rendered = directives((config.nginx_dir / "spendwise.conf").read_text())
    main = directives((config.nginx_dir / "nginx.conf").read_text())

    assert f"listen 127.0.0.1:{config.port};" in rendered
    assert f"access_log {config.logs / 'nginx-access.log'} spendwise_json;" in rendered
    assert "client_max_body_size 2m;" in rendered
    assert "daemon off;" in main
    assert f"pid {config.nginx_dir / 'nginx.pid'};" in main
    assert not [line for line in main + rendered if "/etc/nginx" in line or "/var/log" in line]
