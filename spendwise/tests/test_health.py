from __future__ import annotations

from unittest import mock

from django.db import OperationalError
from django.test import Client


def test_healthz_answers_without_touching_the_database(client: Client):
    # No `db` fixture: pytest-django raises if the view touches the database.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_the_database_and_migrations(client: Client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_readyz_answers_503_with_retry_after_when_the_database_is_down(client: Client, db):
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")
    ):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["database"] == "unreachable"


def test_readyz_reports_pending_migrations(client: Client, db):
    with (
        mock.patch("spendwise.web.health._migrations_applied", False),
        mock.patch(
            "django.db.migrations.executor.MigrationExecutor.migration_plan", return_value=[1, 2]
        ),
    ):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["pending_migrations"] == 2


def test_health_checks_answer_for_a_task_ip_host_that_pages_refuse(client: Client, db, settings):
    # The ALB health-checks each task at its private IP, with that IP as Host.
    settings.ALLOWED_HOSTS = ["app.example.com"]
    settings.SECURE_SSL_REDIRECT = True

    healthz = client.get("/healthz", HTTP_HOST="10.20.11.23:8000")
    readyz = client.get("/readyz", HTTP_HOST="10.20.11.23:8000")
    page = client.get("/sign-in/", HTTP_HOST="10.20.11.23:8000")

    assert healthz.status_code == 200
    assert readyz.status_code == 200
    assert readyz.json() == {"status": "ok", "database": "ok"}
    assert page.status_code == 400


def test_health_checks_refuse_writes(client: Client):
    assert client.post("/healthz").status_code == 405
