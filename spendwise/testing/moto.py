"""moto's server on 127.0.0.1 as the AWS stand-in: Cognito, Secrets Manager, S3.

Shared by the test suite (``spendwise/identity/tests/aws.py`` starts one in-process) and the
local production-like stack (``spendwise/ops/stack.py`` runs this module as its own process)::

    python -m spendwise.testing.moto --port 5005   # serves until SIGTERM or SIGINT

moto 5.2 implements neither DeleteUser nor ResendConfirmationCode, which the Cognito identity
provider calls; ``teach_moto`` adds both to moto's Cognito, modelled on its AdminDeleteUser and
SignUp, so that the app goes through the same API calls as in production. The additions live
in the server's process, which is why the stack runs moto through this module and not through
the ``moto_server`` program.

No Django here.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from types import FrameType
from typing import Any

import boto3

__all__ = [
    "DETERMINISTIC_IDS",
    "FAKE_CREDENTIALS",
    "PASSWORD_POLICY",
    "REGION",
    "MotoUnavailable",
    "admin_client",
    "start_moto_server",
    "teach_moto",
]

REGION = "us-east-1"  # moto files unsigned calls (all of Cognito's public API) under us-east-1
START_TIMEOUT_SECONDS = 30
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
}
# A pool policy the demo password and the tests' passwords meet; moto checks it as Cognito does.
PASSWORD_POLICY = {
    "MinimumLength": 8,
    "RequireUppercase": False,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": False,
}
# Pool and app client ids derived from their names, not random: a restarted moto (which keeps
# nothing) gives the stack's pool the id the running app instances were started with.
DETERMINISTIC_IDS = {
    "MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY": "HASH",
    "MOTO_COGNITO_IDP_USER_POOL_CLIENT_ID_STRATEGY": "HASH",
}


class MotoUnavailable(RuntimeError):
    """moto's server could not be imported or started."""


def start_moto_server(host: str = "127.0.0.1", port: int = 0) -> tuple[Any, str]:
    """A ``ThreadedMotoServer`` taught the missing Cognito calls, and its endpoint URL.

    ``port=0`` picks a free port. Raises ``MotoUnavailable`` with the reason when moto is not
    installed or the server does not come up within ``START_TIMEOUT_SECONDS``.
    """
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:  # moto[server] is in requirements/dev.in
        raise MotoUnavailable(f"moto[server] is not installed: {exc}") from exc
    teach_moto()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    # ThreadedMotoServer.start() waits forever when the server thread dies: bound it.
    starter = threading.Thread(target=server.start, daemon=True)
    starter.start()
    starter.join(START_TIMEOUT_SECONDS)
    if starter.is_alive():
        raise MotoUnavailable(f"ThreadedMotoServer did not start in {START_TIMEOUT_SECONDS} s")
    bound_host, bound_port = server.get_host_and_port()
    return server, f"http://{bound_host}:{bound_port}"


def admin_client(service: str, endpoint: str) -> Any:
    """A signed boto3 client with moto's fake credentials, for setting things up."""
    return boto3.session.Session(
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=FAKE_CREDENTIALS["AWS_SESSION_TOKEN"],
        region_name=REGION,
    ).client(service, endpoint_url=endpoint)  # type: ignore[call-overload]


_taught = False


def teach_moto() -> None:
    """Add DeleteUser and ResendConfirmationCode to moto's Cognito (missing in moto 5.2).

    Patches moto's classes in this process; idempotent, and a no-op once moto has them.
    """
    global _taught
    from moto.cognitoidp import exceptions as moto_errors
    from moto.cognitoidp.models import UserStatus, cognitoidp_backends
    from moto.cognitoidp.responses import CognitoIdpResponse
    from moto.core.responses import ActionResult, EmptyResult

    if _taught or hasattr(CognitoIdpResponse, "delete_user"):
        return

    def _pools() -> Any:
        for account in list(cognitoidp_backends.values()):
            for region, backend in list(account.items()):
                if region != "global":
                    yield from backend.user_pools.values()

    def delete_user(self: Any) -> ActionResult:
        access_token = self._get_param("AccessToken")
        for pool in _pools():
            if access_token in pool.access_tokens:
                _, username = pool.access_tokens[access_token]
                user = pool._get_user(username)
                pool.sign_out(username)  # DeleteUser also revokes the person's tokens
                del pool.users[user.username]
                return EmptyResult()
        raise moto_errors.NotAuthorizedError(access_token)

    def resend_confirmation_code(self: Any) -> ActionResult:
        client_id = self._get_param("ClientId")
        username = self._get_param("Username")
        for pool in _pools():
            if client_id in pool.clients:
                user = pool._get_user(username)
                if user is None:
                    raise moto_errors.UserNotFoundError("Username/client id combination not found.")
                if user.status is not UserStatus.UNCONFIRMED:
                    raise moto_errors.InvalidParameterException("User is already confirmed.")
                return ActionResult(
                    {
                        "CodeDeliveryDetails": {
                            "Destination": user.attribute_lookup.get("email", ""),
                            "DeliveryMedium": "EMAIL",
                            "AttributeName": "email",
                        }
                    }
                )
        raise moto_errors.ResourceNotFoundError(client_id)

    CognitoIdpResponse.delete_user = delete_user  # type: ignore[attr-defined]
    CognitoIdpResponse.resend_confirmation_code = resend_confirmation_code  # type: ignore[attr-defined]
    _taught = True


# --- command line: one moto server as a long-running process -----------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m spendwise.testing.moto",
        description="Serve moto (Cognito, Secrets Manager, S3, …) on HOST:PORT until SIGTERM.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="default: %(default)s")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)

    for name, value in DETERMINISTIC_IDS.items():
        os.environ.setdefault(name, value)
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        server, endpoint = start_moto_server(args.host, args.port)
    except (MotoUnavailable, OSError) as exc:
        print(f"moto: cannot serve on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    print(f"moto: serving on {endpoint}", flush=True)
    while not stop.wait(1):  # a short wait, so that a signal is noticed at once
        pass
    server.stop()
    print("moto: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
