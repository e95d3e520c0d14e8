"""AWS for the tests: moto's server on 127.0.0.1 and a Cognito user pool like production's.

Used by the identity tests and the PostConfirmation Lambda's tests, which share one server
(``shared_moto_endpoint``). Starting it fails with the reason (``MotoUnavailable``); the
fixtures turn that into a failure when ``CI=true`` and a loud skip elsewhere.

The server itself, moto's missing Cognito calls (``teach_moto``) and the signed set-up client
live in ``spendwise.testing.moto``, which the local stack (``spendwise/ops/stack.py``) uses too;
the names are re-exported here for the tests that import them from this module.
"""

from __future__ import annotations

import atexit
import os
from dataclasses import dataclass
from typing import Any

import pytest

from spendwise.testing.moto import (
    FAKE_CREDENTIALS,
    PASSWORD_POLICY,
    REGION,
    MotoUnavailable,
    admin_client,
    start_moto_server,
)

__all__ = [
    "FAKE_CREDENTIALS",
    "PASSWORD_POLICY",
    "REGION",
    "CognitoPool",
    "MotoUnavailable",
    "admin_client",
    "cognito_sub",
    "cognito_user",
    "create_user_pool",
    "find_cognito_user",
    "in_ci",
    "shared_moto_endpoint",
    "start_moto_server",
    "unavailable",
]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> None:
    """Fail in CI, skip loudly elsewhere: never a silent skip."""
    if in_ci():
        pytest.fail(f"moto's server is needed here (CI=true): {reason}", pytrace=False)
    pytest.skip(f"MOTO SERVER UNAVAILABLE, AWS tests not run: {reason}")


_shared_endpoint = ""


def shared_moto_endpoint() -> str:
    """One moto server for the whole test process (the identity and the Lambda tests)."""
    global _shared_endpoint
    if not _shared_endpoint:
        server, _shared_endpoint = start_moto_server()
        atexit.register(server.stop)
    return _shared_endpoint


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
