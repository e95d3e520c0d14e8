"""Helpers shared by the stack's tests: free ports, nginx configuration text, CI's rules."""

from __future__ import annotations

import os
import socket

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> None:
    """A missing program: a failure in CI, a loud skip elsewhere."""
    if in_ci():
        pytest.fail(f"Needed here (CI=true): {reason}", pytrace=False)
    pytest.skip(f"NOT TESTED, A PROGRAM IS MISSING: {reason}")


def free_ports(count: int) -> list[int]:
    """Ports free now, all different (held open together while they are chosen)."""
    sockets = []
    try:
        for _ in range(count):
            probe = socket.socket()
            probe.bind(("127.0.0.1", 0))
            sockets.append(probe)
        return [probe.getsockname()[1] for probe in sockets]
    finally:
        for probe in sockets:
            probe.close()


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def directives(config_text: str) -> list[str]:
    """An nginx configuration without its comments, one directive or brace per item."""
    lines = (line.split("#", 1)[0].strip() for line in config_text.splitlines())
    return [line for line in lines if line]
