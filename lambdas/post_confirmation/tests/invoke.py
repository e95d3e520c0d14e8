"""Invoking the handler the way Lambda does: a fresh process, an event in, the event out."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

DRIVER = (
    "import json, sys, handler\n"
    "print(json.dumps({'returned': handler.handler(json.load(sys.stdin), None)}))\n"
)


def confirm_event(trigger: str = "PostConfirmation_ConfirmSignUp", **attributes: str) -> dict:
    sub = attributes.pop("sub", str(uuid.uuid4()))
    return {
        "version": "1",
        "region": "eu-west-1",
        "userPoolId": "eu-west-1_Example",
        "userName": sub,
        "triggerSource": trigger,
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "client"},
        "request": {
            "userAttributes": {
                "sub": sub,
                "email": attributes.pop("email", "New.Person@Example.com"),
                "email_verified": "true",
                "cognito:user_status": "CONFIRMED",
            }
        },
        "response": {},
    }


class Invocation:
    def __init__(self, result: subprocess.CompletedProcess[str], seconds: float) -> None:
        self.exit_code = result.returncode
        self.seconds = seconds
        self.stderr = result.stderr
        self.output = result.stdout + result.stderr
        lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
        self.logs = [line for line in lines if "level" in line]
        returned = [line["returned"] for line in lines if "returned" in line]
        self.returned = returned[0] if returned else None


def invoke(
    event: dict[str, Any], env: dict[str, str], cwd: Path, *python_options: str
) -> Invocation:
    """Run ``handler.handler(event, None)`` in a fresh Python, as a cold Lambda container."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, *python_options, "-c", DRIVER],
        input=json.dumps(event),
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return Invocation(result, time.monotonic() - started)
