"""AWS for the tests: moto's server on 127.0.0.1 and a Cognito user pool like production's.

Used by the identity tests and the PostConfirmation Lambda's tests, which share one server
(``shared_moto_endpoint``). Starting it fails with the reason (``MotoUnavailable``); the
fixtures turn that into a failure when ``CI=true`` and a loud skip elsewhere.

moto 5.2 implements neither DeleteUser nor ResendConfirmationCode; ``_teach_moto`` adds both,
modelled on its AdminDeleteUser and SignUp, so that the tests go through the same API calls
as production.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

REGION = "us-east-1"  # moto files unsigned calls (all of Cognito's public API) under us-east-1
START_TIMEOUT_SECONDS = 30
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
}
# Production's policy, written out so that moto checks the same rules as the real pool.
PASSWORD_POLICY = {
    "MinimumLength": 8,
    "RequireUppercase": False,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": False,
}


class MotoUnavailable(RuntimeError):
    """moto's server could not be imported or started."""


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> None:
    """Fail in CI, skip loudly elsewhere: never a silent skip."""
    if in_ci():
        pytest.fail(f"moto's server is needed here (CI=true): {reason}", pytrace=False)
    pytest.skip(f"MOTO SERVER UNAVAILABLE, AWS tests not run: {reason}")


def start_moto_server() -> tuple[Any, str]:
    """A ``ThreadedMotoServer`` on 127.0.0.1 and a free port, and its endpoint URL."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:  # moto[server] is in requirements/dev.in
        raise MotoUnavailable(f"moto[server] is not installed: {exc}") from exc
    _teach_moto()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    # ThreadedMotoServer.start() waits forever when the server thread dies: bound it.
    starter = threading.Thread(target=server.start, daemon=True)
    starter.start()
    starter.join(START_TIMEOUT_SECONDS)
    if starter.is_alive():
        raise MotoUnavailable(f"ThreadedMotoServer did not start in {START_TIMEOUT_SECONDS} s")
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


_shared_endpoint = ""


def shared_moto_endpoint() -> str:
    """One moto server for the whole test process (the identity and the Lambda tests)."""
    global _shared_endpoint
    if not _shared_endpoint:
        server, _shared_endpoint = start_moto_server()
        atexit.register(server.stop)
    return _shared_endpoint


def admin_client(service: str, endpoint: str) -> Any:
    """A signed boto3 client for setting things up (the app itself signs nothing)."""
    return boto3.session.Session(
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        aws_session_token="testing",
        region_name=REGION,
    ).client(service, endpoint_url=endpoint)  # type: ignore[call-overload]


@dataclass(frozen=True)
class CognitoPool:
    endpoint: str
    region: str
    pool_id: str
    client_id: str  # an app client without a secret
    secret_client_id: str  # an app client with a generated secret
    client_secret: str


def create_user_pool(endpoint: str, name: str = "spendwise-test") -> CognitoPool:
    """A pool signing in by e-mail with a password policy, and two app clients (with and
    without a secret) allowing USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH, as in production."""
    cognito = admin_client("cognito-idp", endpoint)
    pool = cognito.create_user_pool(
        PoolName=name,
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        Policies={"PasswordPolicy": PASSWORD_POLICY},
        AccountRecoverySetting={"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]},
    )["UserPool"]
    flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    public = cognito.create_user_pool_client(
        UserPoolId=pool["Id"], ClientName="web", ExplicitAuthFlows=flows, GenerateSecret=False
    )["UserPoolClient"]
    secret = cognito.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="web-with-secret",
        ExplicitAuthFlows=flows,
        GenerateSecret=True,
    )["UserPoolClient"]
    return CognitoPool(
        endpoint=endpoint,
        region=REGION,
        pool_id=pool["Id"],
        client_id=public["ClientId"],
        secret_client_id=secret["ClientId"],
        client_secret=secret["ClientSecret"],
    )


def find_cognito_user(pool: CognitoPool, email: str) -> dict[str, Any] | None:
    """The pool's user with this e-mail (AdminGetUser), or None."""
    cognito = admin_client("cognito-idp", pool.endpoint)
    try:
        return dict(cognito.admin_get_user(UserPoolId=pool.pool_id, Username=email))
    except cognito.exceptions.UserNotFoundException:
        return None


def cognito_user(pool: CognitoPool, email: str) -> dict[str, Any]:
    user = find_cognito_user(pool, email)
    assert user is not None, f"no Cognito user {email}"
    return user


def cognito_sub(pool: CognitoPool, email: str) -> str:
    attributes = cognito_user(pool, email)["UserAttributes"]
    return str(next(a["Value"] for a in attributes if a["Name"] == "sub"))


_taught = False


def _teach_moto() -> None:
    """Add DeleteUser and ResendConfirmationCode to moto's Cognito (missing in moto 5.2)."""
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
