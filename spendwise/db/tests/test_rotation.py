"""RDS rotates the password: a running process keeps connecting, against a real PostgreSQL
that checks passwords and moto's Secrets Manager.

Between a rotation and the end of the cache period the backend still holds the old password.
The server refuses it; the backend forgets it, reads the secret again and connects with the
new one in the same ``connect()``, with no restart and no error for the caller.
"""

from __future__ import annotations

import logging

import pytest
from django.db.utils import OperationalError

from spendwise.db.config import database_settings
from spendwise.db.tests.conftest import APP_USER, make_wrapper

pytestmark = pytest.mark.usefixtures("unblocked")


@pytest.fixture
def rotating(clean_env, secrets, password_postgres, reader):
    """The app's settings for APP_USER via a secret, the server knowing the same password."""
    password_postgres.set_password("before-rotation-1")
    arn = secrets.create(APP_USER, "before-rotation-1")
    server = password_postgres.server
    for name, value in {
        "DB_HOST": server.host,
        "DB_PORT": str(server.port),
        "DB_NAME": "postgres",
        "DB_SECRET_ARN": arn,
        "DB_SSLMODE": "disable",  # the throw-away server has no certificate
        "AWS_ENDPOINT_URL": secrets.endpoint,
    }.items():
        clean_env.setenv(name, value)
    wrapper = make_wrapper(database_settings("sqlite:////srv/spendwise/unused.sqlite3"))
    yield wrapper, arn
    wrapper.close()


def current_user(wrapper) -> str:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT current_user")
        return str(cursor.fetchone()[0])


def test_the_next_connect_after_a_rotation_uses_the_new_password(
    rotating, secrets, password_postgres, reader, caplog
):
    wrapper, arn = rotating
    counting, _ = reader
    assert current_user(wrapper) == APP_USER
    wrapper.close()
    assert counting.reads == 1

    # RDS's rotation: the new password on the server and in the secret, inside the cache time.
    password_postgres.set_password("after-rotation-2")
    secrets.rotate(arn, APP_USER, "after-rotation-2")

    with caplog.at_level(logging.WARNING, logger="spendwise.db.backends.postgresql.base"):
        assert current_user(wrapper) == APP_USER
    assert counting.reads == 2  # the refused password forced exactly one re-read
    assert "has a new one, reconnecting" in caplog.text
    assert "after-rotation-2" not in caplog.text

    wrapper.close()
    assert current_user(wrapper) == APP_USER
    assert counting.reads == 2  # the new password is cached in its turn


def test_a_refused_password_the_secret_still_holds_is_an_error_not_a_loop(
    rotating, password_postgres, reader
):
    wrapper, _ = rotating
    counting, _ = reader
    password_postgres.set_password("changed-behind-the-secrets-back")

    with pytest.raises(OperationalError, match="password authentication failed"):
        wrapper.ensure_connection()
    assert counting.reads == 2  # the cached read, and one forced re-read: then it gives up
