"""docker-compose.yml (no container engine runs here, so it is read, not run) and the nginx
template it shares with the local stack."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import yaml

from spendwise.ops import stack
from spendwise.ops.stack import StackConfig
from spendwise.ops.tests.stack_tools import directives
from spendwise.testing.moto import DETERMINISTIC_IDS, start_moto_server

ROOT = Path(__file__).resolve().parents[3]
APP_IMAGE_SERVICES = ("migrate", "app", "app-2")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = compose["services"]
    return found


def healthcheck_command(service: dict[str, Any]) -> str:
    return " ".join(service["healthcheck"]["test"])


def test_it_has_the_app_twice_a_migration_postgres_moto_and_nginx(services: dict[str, Any]) -> None:
    assert set(services) == {"postgres", "moto", "aws-setup", "migrate", "app", "app-2", "nginx"}
    for name in APP_IMAGE_SERVICES:
        assert services[name]["build"] == "."
        assert services[name]["image"] == "spendwise:local"
    assert services["migrate"]["command"] == ["migrate"]
    assert services["migrate"]["restart"] == "no"
    assert services["app"]["command"] == services["app-2"]["command"] == ["web"]
    assert services["postgres"]["image"] == "postgres:15"
    assert services["nginx"]["ports"] == ["127.0.0.1:8080:80"]


def test_the_app_runs_on_a_read_only_root_with_a_writable_tmp(services: dict[str, Any]) -> None:
    for name in APP_IMAGE_SERVICES:
        assert services[name]["read_only"] is True, name
        assert services[name]["tmpfs"] == ["/tmp"], name  # noqa: S108 - the container's /tmp


def test_every_long_running_service_has_a_healthcheck_and_starts_after_what_it_needs(
    compose: dict[str, Any], services: dict[str, Any]
) -> None:
    assert "pg_isready" in healthcheck_command(services["postgres"])
    assert "/moto-api/" in healthcheck_command(services["moto"])
    assert "/readyz" in healthcheck_command(services["app"])
    assert "/readyz" in healthcheck_command(services["app-2"])
    assert "/nginx-health" in healthcheck_command(services["nginx"])
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert "pgdata" in compose["volumes"]

    def needs(service: str) -> dict[str, str]:
        return {name: rule["condition"] for name, rule in services[service]["depends_on"].items()}

    assert needs("aws-setup") == {"moto": "service_healthy"}
    assert needs("migrate") == {
        "postgres": "service_healthy",
        "aws-setup": "service_completed_successfully",
    }
    assert needs("app")["migrate"] == needs("app-2")["migrate"] == "service_completed_successfully"
    assert needs("nginx") == {"app": "service_healthy", "app-2": "service_healthy"}


def test_the_app_is_configured_like_the_stack(services: dict[str, Any], tmp_path: Path) -> None:
    env = services["app"]["environment"]
    stack_env = stack.app_environment(
        StackConfig(root=tmp_path),
        {"region": "us-east-1", "user_pool_id": "x", "client_id": "x", "bucket": stack.BUCKET},
    )
    same = (
        "DEBUG",
        "IDENTITY_PROVIDER",
        "FILE_STORAGE",
        "S3_BUCKET",
        "DB_NAME",
        "DB_SECRET_ARN",
        "DB_SSLMODE",
        "AWS_REGION",
        "TRUSTED_PROXY_COUNT",
        "TRUST_X_FORWARDED_PROTO",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
    )
    assert {name: env[name] for name in same} == {name: stack_env[name] for name in same}
    assert env["AWS_ENDPOINT_URL"] == "http://moto:5000"
    assert "DB_USER" not in env  # the user and password come from the secret only
    assert services["aws-setup"]["entrypoint"][-2:] == ["spendwise.ops.stack", "provision-aws"]


def test_moto_is_the_locked_version_and_derives_the_ids_the_app_is_given(
    services: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    moto_version = version("moto")
    for name in ("moto", "aws-setup"):
        assert services[name]["image"] == f"motoserver/moto:{moto_version}", (
            f"docker-compose.yml's {name} must use moto {moto_version} (requirements/dev.lock); "
            "update the image tag and the COGNITO_* ids it derives"
        )
    assert services["moto"]["environment"] == DETERMINISTIC_IDS
    for name, value in DETERMINISTIC_IDS.items():
        monkeypatch.setenv(name, value)
    server, endpoint = start_moto_server()
    try:
        ids = stack.provision_aws(endpoint, db_user="spendwise", db_password="any")
    finally:
        server.stop()

    env = services["app"]["environment"]
    assert env["COGNITO_USER_POOL_ID"] == ids["user_pool_id"]
    assert env["COGNITO_CLIENT_ID"] == ids["client_id"]


def test_the_nginx_template_renders_for_compose(services: dict[str, Any]) -> None:
    nginx = services["nginx"]
    assert (
        "./spendwise/ops/nginx/spendwise.conf.template:/etc/nginx/templates/default.conf.template:ro"
        in nginx["volumes"]
    )

    rendered = stack.render_template(nginx["environment"])

    config = directives(rendered)
    assert "${" not in rendered.replace("${SPENDWISE_…}", "")
    assert "listen 80;" in config
    assert "server app:8000 max_fails=2 fail_timeout=10s;" in config
    assert "server app-2:8000 max_fails=2 fail_timeout=10s;" in config
    assert "access_log /dev/stdout spendwise_json;" in config
    # The app's largest upload (RESTORE_MAX_BYTES by default) gets through.
    limit = stack.upload_limit_mib({**stack._base_env(), "DEBUG": "true"})
    assert f"client_max_body_size {limit}m;" in config
    assert nginx["environment"]["SPENDWISE_CLIENT_MAX_BODY_SIZE"] == f"{limit}m"


def test_the_template_retries_only_what_is_safe_to_retry() -> None:
    config = directives(stack.TEMPLATE.read_text())

    assert "proxy_next_upstream error timeout;" in config
    assert not [line for line in config if "non_idempotent" in line]
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in config
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in config
    assert "proxy_set_header X-Request-Id $spendwise_request_id;" in config
    assert "gzip on;" in config
    assert "location = /nginx-health {" in config


def test_a_placeholder_without_a_value_is_an_error() -> None:
    with pytest.raises(stack.StackError, match="SPENDWISE_APP_2"):
        stack.render_template({"SPENDWISE_APP_1": "a:1"}, "${SPENDWISE_APP_1} ${SPENDWISE_APP_2}")
    # nginx's own variables are left as they are.
    assert stack.render_template({}, "$host $request_id") == "$host $request_id"
