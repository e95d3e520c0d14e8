"""Fixtures for the Cognito tests: moto's server, a user pool, and settings pointing at it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from spendwise.identity import tokens
from spendwise.identity.tests.aws import (
    FAKE_CREDENTIALS,
    CognitoPool,
    MotoUnavailable,
    create_user_pool,
    shared_moto_endpoint,
    unavailable,
)


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """moto's server on 127.0.0.1 for the whole session, with fake AWS credentials."""
    try:
        endpoint = shared_moto_endpoint()
    except MotoUnavailable as exc:
        unavailable(str(exc))
    with pytest.MonkeyPatch.context() as patch:
        for name, value in FAKE_CREDENTIALS.items():
            patch.setenv(name, value)
        yield endpoint


@pytest.fixture(scope="session")
def cognito_pool(moto_endpoint: str) -> CognitoPool:
    return create_user_pool(moto_endpoint)


def _use_pool(settings: Any, pool: CognitoPool, *, client_id: str, secret: str) -> CognitoPool:
    settings.IDENTITY_PROVIDER = "cognito"
    settings.COGNITO_USER_POOL_ID = pool.pool_id
    settings.COGNITO_CLIENT_ID = client_id
    settings.COGNITO_CLIENT_SECRET = secret
    settings.AWS_REGION = pool.region
    settings.AWS_ENDPOINT_URL = pool.endpoint
    tokens.forget_keys()
    return pool


@pytest.fixture
def cognito(settings: Any, cognito_pool: CognitoPool) -> CognitoPool:
    """IDENTITY_PROVIDER=cognito with the app client that has no secret."""
    return _use_pool(settings, cognito_pool, client_id=cognito_pool.client_id, secret="")


@pytest.fixture
def cognito_with_secret(settings: Any, cognito_pool: CognitoPool) -> CognitoPool:
    """IDENTITY_PROVIDER=cognito with the app client that has a secret (SECRET_HASH)."""
    return _use_pool(
        settings,
        cognito_pool,
        client_id=cognito_pool.secret_client_id,
        secret=cognito_pool.client_secret,
    )
