"""A real HTTP receiver on 127.0.0.1 for the webhook tests: it checks each request's signature
exactly as docs/webhooks.md tells receivers to, and records what it got."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def verify_signature(secret: str, body: bytes, header: str, tolerance: int = 300) -> bool:
    """The receiver's check, as in docs/webhooks.md (kept identical on purpose)."""
    parts = [p.split("=", 1) for p in header.split(",") if "=" in p]
    timestamps = [v for k, v in parts if k == "t"]
    signatures = [v for k, v in parts if k == "v1"]
    if len(timestamps) != 1 or not timestamps[0].isdigit() or not signatures:
        return False
    timestamp = int(timestamps[0])
    if abs(time.time() - timestamp) > tolerance:
        return False  # too old (or from the future): a replay
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return any(hmac.compare_digest(expected, s) for s in signatures)


@dataclass
class Received:
    headers: dict[str, str]
    raw: bytes
    valid: dict[str, bool]  # secret → whether one of the signatures is by it

    @property
    def body(self) -> Any:
        return json.loads(self.raw)

    @property
    def signatures(self) -> list[str]:
        header = self.headers["X-SpendWise-Signature"]
        return [p for p in header.split(",") if p.startswith("v1=")]


class Receiver:
    """``with Receiver(secrets=[…], statuses=[500]) as hook: hook.url``; answers the queued
    statuses in turn, then 200."""

    def __init__(self, *, secrets: list[str] | None = None, statuses: list[int] | None = None):
        self.secrets: list[str] = list(secrets or [])
        self.statuses: deque[int] = deque(statuses or [])
        self.delay = 0.0
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                header = self.headers.get("X-SpendWise-Signature", "")
                with receiver._lock:
                    valid = {s: verify_signature(s, raw, header) for s in receiver.secrets}
                    receiver.requests.append(Received(dict(self.headers.items()), raw, valid))
                    status = receiver.statuses.popleft() if receiver.statuses else 200
                if receiver.delay:
                    time.sleep(receiver.delay)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
