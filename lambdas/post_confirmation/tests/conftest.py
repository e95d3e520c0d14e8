"""Fixtures for the Lambda's tests: the same moto server as the identity tests, a database
secret in its Secrets Manager, and the environment Terraform gives the function."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
from django.db import connection

from spendwise.identity.tests.aws import FAKE_CREDENTIALS, admin_client, in_ci
from spendwise.identity.tests.conftest import moto_endpoint

__all__ = ["moto_endpoint"]

LAMBDA_DIR = Path(__file__).resolve().parents[1]
REPO = LAMBDA_DIR.parents[1]
DB_PASSWORD = "never-in-the-logs-9f3b"


@pytest.fixture
def needs_postgres(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        reason = "the PostConfirmation Lambda is tested against PostgreSQL, not SQLite"
        if in_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(f"LAMBDA TESTS NOT RUN: {reason} (SPENDWISE_TEST_DB=sqlite?)")


@pytest.fixture
def secret_arn(moto_endpoint: str) -> str:
    secrets = admin_client("secretsmanager", moto_endpoint)
    created = secrets.create_secret(
        Name=f"rds-db-credentials-{uuid.uuid4().hex[:8]}",
        SecretString=json.dumps(
            {"username": connection.settings_dict["USER"], "password": DB_PASSWORD}
        ),
    )
    return str(created["ARN"])


@pytest.fixture
def lambda_env(moto_endpoint: str, secret_arn: str, tmp_path: Path) -> dict[str, str]:
    """The environment Terraform gives the function, pointed at moto and the test database."""
    database = connection.settings_dict
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": os.pathsep.join([str(LAMBDA_DIR), str(REPO)]),
        "HOME": str(tmp_path),
        **FAKE_CREDENTIALS,
        "AWS_ENDPOINT_URL": moto_endpoint,
        "DB_SECRET_ARN": secret_arn,
        "DB_HOST": str(database["HOST"]),
        "DB_PORT": str(database["PORT"]),
        "DB_NAME": str(database["NAME"]),
        "DB_SSLMODE": "disable",
    }
