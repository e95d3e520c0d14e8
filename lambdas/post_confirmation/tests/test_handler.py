"""The PostConfirmation Lambda against moto's Secrets Manager and the test PostgreSQL.

Each invocation runs in a fresh Python process, as a cold Lambda container does: the handler
reads the secret, sets Django up from the environment and opens its own database connection,
so these tests use ``transactional_db`` (the rows it writes are committed for everyone).
"""

from __future__ import annotations

import socket

import pytest

from lambdas.post_confirmation.tests.conftest import DB_PASSWORD
from lambdas.post_confirmation.tests.invoke import confirm_event, invoke
from spendwise.households.models import Membership, Role
from spendwise.identity.models import User
from spendwise.ledger.models import Category

pytestmark = pytest.mark.usefixtures("transactional_db", "needs_postgres")


def test_it_provisions_a_newly_confirmed_person(lambda_env, tmp_path):
    event = confirm_event(email="New.Person@Example.com")

    invocation = invoke(event, lambda_env, tmp_path)

    assert invocation.exit_code == 0, invocation.output
    assert invocation.returned == event
    sub = event["request"]["userAttributes"]["sub"]
    user = User.objects.get(cognito_sub=sub)
    assert user.email == "new.person@example.com"
    assert user.is_confirmed
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.OWNER
    assert Category.objects.filter(household=membership.household, name="Groceries").exists()
    assert invocation.logs[-1] | {"time": "", "elapsed_ms": 0} == {
        "time": "",
        "level": "INFO",
        "message": "user provisioned",
        "trigger": "PostConfirmation_ConfirmSignUp",
        "sub": sub,
        "user_id": user.pk,
        "elapsed_ms": 0,
    }
    assert DB_PASSWORD not in invocation.output


def test_a_retried_confirmation_creates_nothing_twice(lambda_env, tmp_path):
    event = confirm_event()
    assert invoke(event, lambda_env, tmp_path).exit_code == 0
    categories = Category.objects.count()

    retry = invoke(event, lambda_env, tmp_path)

    assert retry.exit_code == 0, retry.output
    assert retry.returned == event
    assert User.objects.count() == 1
    assert Membership.objects.count() == 1
    assert Category.objects.count() == categories


def test_a_confirmed_password_reset_writes_nothing(lambda_env, tmp_path):
    event = confirm_event("PostConfirmation_ConfirmForgotPassword")

    invocation = invoke(event, lambda_env, tmp_path)

    assert invocation.exit_code == 0, invocation.output
    assert invocation.returned == event
    assert not User.objects.exists()
    assert invocation.logs == [
        {
            "time": invocation.logs[0]["time"],
            "level": "INFO",
            "message": "nothing to do for this trigger",
            "trigger": "PostConfirmation_ConfirmForgotPassword",
            "sub": event["request"]["userAttributes"]["sub"],
        }
    ]


def test_an_unreadable_secret_is_logged_and_raised(lambda_env, tmp_path):
    lambda_env["DB_SECRET_ARN"] = (
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:does-not-exist-AbCdEf"
    )

    invocation = invoke(confirm_event(), lambda_env, tmp_path)

    assert invocation.exit_code != 0
    assert invocation.returned is None
    error = invocation.logs[-1]
    assert error["level"] == "ERROR"
    assert error["message"] == "could not provision the user"
    assert "ResourceNotFoundException" in error["error"]
    assert "ResourceNotFoundException" in invocation.stderr  # re-raised: Cognito sees a failure
    assert not User.objects.exists()


def test_an_unreachable_database_fails_fast_with_a_clear_log_line(lambda_env, tmp_path):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        lambda_env["DB_PORT"] = str(probe.getsockname()[1])

    invocation = invoke(confirm_event(), lambda_env, tmp_path)

    assert invocation.exit_code != 0
    error = invocation.logs[-1]
    assert error["level"] == "ERROR"
    assert "OperationalError" in error["error"]
    assert lambda_env["DB_PORT"] in error["error"]
    assert error["elapsed_ms"] < 5000  # inside the 5 seconds Cognito gives a trigger
    assert "OperationalError" in invocation.stderr
    assert DB_PASSWORD not in invocation.output
