"""spendwise.ops.deploy against moto: ECS, Secrets Manager and CloudWatch Logs, in-process.

moto registers and deregisters task definitions and updates services, but runs no containers:
its RunTask fails for awsvpc tasks, no task ever stops with an exit code, and DescribeServices
never shows a rollout progressing. ``EcsRuntime`` plays that part with botocore's event hooks
on the same client: RunTask, DescribeTasks and StopTask are answered by a small fake of one
one-off task (STOPPED with the exit code the test chose, or never stopping), and DescribeServices'
``deployments`` are rewritten the way ECS shows a rollout (completed, or stuck). Every other call
(DescribeTaskDefinition, RegisterTaskDefinition, DeregisterTaskDefinition, UpdateService,
GetSecretValue, GetLogEvents) is moto's.

The smoke test runs against the real app (pytest-django's live_server: the real sign-in form,
CSRF check and dashboard) or, for the failing case, a small HTTP server on 127.0.0.1 that answers
500 for /readyz.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from spendwise.ops import deploy
from spendwise.ops.deploy import (
    Clients,
    DeployError,
    Outcome,
    SmokeUser,
    Target,
    Timeouts,
    smoke_test,
)
from spendwise.testing.factories import PASSWORD, make_member

# A region no other test uses: the fixture empties only its backends (see aws()).
REGION = "eu-central-1"
PREFIX = "spendwise-test"
TARGET = Target(cluster=PREFIX, service=f"{PREFIX}-web", family_prefix=PREFIX)
OLD_IMAGE = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/spendwise-test:1111111"
NEW_IMAGE = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/spendwise-test:2222222"
SMOKE_SECRET = f"{PREFIX}/smoke-user"
# Fast: the fake answers at once; a stuck rollout times out in half a second.
FAST = Timeouts(
    migrate=1.0, stable=0.5, poll=0.01, http=10.0, smoke_attempts=2, smoke_retry_delay=0.01
)
COMMANDS = {"web": ["web"], "migrate": ["migrate"], "scheduled": ["run-scheduled"]}


@contextmanager
def _region_of_moto() -> Iterator[None]:
    """moto's in-process mock without wiping the shared moto server's state (Cognito, S3 ...
    that other tests keep for the session): only this region's backends start and end empty."""
    from moto import mock_aws
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ec2.models import ec2_backends
    from moto.ecs.models import ecs_backends
    from moto.logs.models import logs_backends
    from moto.secretsmanager.models import secretsmanager_backends

    def empty_region() -> None:
        for backends in (ecs_backends, ec2_backends, logs_backends, secretsmanager_backends):
            backends[DEFAULT_ACCOUNT_ID][REGION].reset()

    mock = mock_aws()
    mock.start(reset=False)
    empty_region()
    try:
        yield
    finally:
        empty_region()
        mock.stop(remove_data=False)


def container_definition(role: str, image: str) -> Any:
    """The container infra/modules/ecs_service defines (name "app", one command per family)."""
    return {
        "name": "app",
        "image": image,
        "essential": True,
        "command": COMMANDS[role],
        "user": "10001",
        "readonlyRootFilesystem": True,
        "stopTimeout": 30,
        # moto sums container memory to place a task; ECS takes the task-level size.
        "memory": 512,
        "environment": [{"name": "DEBUG", "value": "false"}],
        "secrets": [
            {
                "name": "SECRET_KEY",
                "valueFrom": f"arn:aws:secretsmanager:{REGION}:123456789012:secret:app:SECRET_KEY::",  # noqa: E501
            }
        ],
        "mountPoints": [{"sourceVolume": "tmp", "containerPath": "/tmp", "readOnly": False}],  # noqa: S108
        "portMappings": [{"containerPort": 8000, "hostPort": 8000, "protocol": "tcp"}]
        if role == "web"
        else [],
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": f"/ecs/{PREFIX}",
                "awslogs-region": REGION,
                "awslogs-stream-prefix": role,
            },
        },
    }


@dataclass
class EcsRuntime:
    """What moto cannot do: run the migrate task and roll out the service (module docstring)."""

    migrate_exit_code: int | None = 0
    migrate_stops: bool = True
    stuck_revisions: set[str] = field(default_factory=set)
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)

    def attach(self, ecs: Any) -> None:
        events = ecs.meta.events
        events.register("before-call.ecs.RunTask", self.run_task)
        events.register("before-call.ecs.DescribeTasks", self.describe_tasks)
        events.register("before-call.ecs.StopTask", self.stop_task)
        events.register("after-call.ecs.DescribeServices", self.roll_out)
        events.register("before-call.ecs.*", self.record)

    def record(self, model: Any, **_: Any) -> None:
        self.calls.append(model.name)

    @staticmethod
    def answer(parsed: dict[str, Any]) -> tuple[AWSResponse, dict[str, Any]]:
        return AWSResponse(None, 200, {}, None), parsed  # type: ignore[arg-type]

    def run_task(self, params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        body = json.loads(params["body"])
        arn = f"arn:aws:ecs:{REGION}:123456789012:task/{body['cluster']}/{len(self.tasks) + 1:032x}"
        self.tasks[arn] = {"request": body, "stopped": False}
        return self.answer(
            {"tasks": [{"taskArn": arn, "lastStatus": "PROVISIONING"}], "failures": []}
        )

    def describe_tasks(
        self, params: dict[str, Any], **_: Any
    ) -> tuple[AWSResponse, dict[str, Any]]:
        (arn,) = json.loads(params["body"])["tasks"]
        task = self.tasks[arn]
        if task["stopped"] or self.migrate_stops:
            container: dict[str, Any] = {"name": "app", "lastStatus": "STOPPED"}
            if task["stopped"]:
                container["reason"] = "stopped by the deploy"
            elif self.migrate_exit_code is not None:
                container["exitCode"] = self.migrate_exit_code
            return self.answer(
                {
                    "tasks": [
                        {
                            "taskArn": arn,
                            "lastStatus": "STOPPED",
                            "stoppedReason": "Essential container in task exited",
                            "containers": [container],
                        }
                    ],
                    "failures": [],
                }
            )
        return self.answer(
            {"tasks": [{"taskArn": arn, "lastStatus": "RUNNING", "containers": []}], "failures": []}
        )

    def stop_task(self, params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        arn = json.loads(params["body"])["task"]
        self.tasks[arn]["stopped"] = True
        return self.answer({"task": {"taskArn": arn, "lastStatus": "STOPPING"}})

    def roll_out(self, parsed: dict[str, Any], **_: Any) -> None:
        for service in parsed.get("services", []):
            revision = service["taskDefinition"]
            stuck = revision in self.stuck_revisions
            primary = {
                "status": "PRIMARY",
                "taskDefinition": revision,
                "desiredCount": 2,
                "runningCount": 0 if stuck else 2,
                "rolloutState": "IN_PROGRESS" if stuck else "COMPLETED",
            }
            draining = {
                "status": "ACTIVE",
                "taskDefinition": "old",
                "desiredCount": 2,
                "runningCount": 2,
            }
            service["deployments"] = [primary, draining] if stuck else [primary]

    @property
    def migrate_tasks(self) -> list[dict[str, Any]]:
        return [task["request"] for task in self.tasks.values()]


@dataclass
class World:
    clients: Clients
    runtime: EcsRuntime
    previous: dict[str, str]  # role -> the revision each family had before the deploy

    @property
    def ecs(self) -> Any:
        return self.clients.ecs

    def running(self) -> str:
        (service,) = self.ecs.describe_services(cluster=TARGET.cluster, services=[TARGET.service])[
            "services"
        ]
        return str(service["taskDefinition"])

    def latest(self, role: str) -> dict[str, Any]:
        """The family's latest ACTIVE revision: what the scheduler (no revision) runs.

        ECS's DescribeTaskDefinition(family) answers exactly that; moto's answers the latest
        revision even when it is INACTIVE, so the list of ACTIVE ones decides here."""
        active = self.ecs.list_task_definitions(familyPrefix=TARGET.family(role), status="ACTIVE")
        newest = max(active["taskDefinitionArns"], key=lambda arn: int(arn.rsplit(":", 1)[1]))
        return dict(self.ecs.describe_task_definition(taskDefinition=newest)["taskDefinition"])

    def status_of(self, arn: str) -> str:
        return str(
            self.ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]["status"]
        )


@pytest.fixture(autouse=True)
def deploy_log(caplog) -> None:
    """The deploy's INFO lines (the steps), whatever the root logger's level."""
    caplog.set_level(logging.INFO, logger="spendwise.deploy")


@pytest.fixture
def world(monkeypatch) -> Iterator[World]:
    """A cluster with the three families at OLD_IMAGE, the web service on revision 1, and the
    smoke user's secret, as infra/modules/ecs_service and the stack make them."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with _region_of_moto():
        session = boto3.session.Session(region_name=REGION)
        clients = Clients(
            ecs=session.client("ecs"),
            logs=session.client("logs"),
            secrets=session.client("secretsmanager"),
        )
        ec2 = session.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.40.1.0/24")["Subnet"]["SubnetId"]
        group = ec2.create_security_group(GroupName="tasks", Description="tasks", VpcId=vpc)
        ecs = clients.ecs
        ecs.create_cluster(clusterName=PREFIX)
        previous = {}
        for role in ("web", "migrate", "scheduled"):
            previous[role] = ecs.register_task_definition(
                family=TARGET.family(role),
                requiresCompatibilities=["FARGATE"],
                networkMode="awsvpc",
                cpu="256",
                memory="512",
                executionRoleArn="arn:aws:iam::123456789012:role/spendwise-test-ecs-execution",
                taskRoleArn="arn:aws:iam::123456789012:role/spendwise-test-ecs-task",
                runtimePlatform={"operatingSystemFamily": "LINUX", "cpuArchitecture": "X86_64"},
                volumes=[{"name": "tmp"}],
                containerDefinitions=[container_definition(role, OLD_IMAGE)],
                tags=[{"key": "Project", "value": "spendwise"}],
            )["taskDefinition"]["taskDefinitionArn"]
        ecs.create_service(
            cluster=PREFIX,
            serviceName=TARGET.service,
            taskDefinition=previous["web"],
            desiredCount=2,
            launchType="FARGATE",
            networkConfiguration={
                "awsvpcConfiguration": {
                    "subnets": [subnet],
                    "securityGroups": [group["GroupId"]],
                    "assignPublicIp": "DISABLED",
                }
            },
        )
        runtime = EcsRuntime()
        runtime.attach(ecs)
        yield World(clients, runtime, previous)


def put_smoke_user(world: World, email: str, password: str, name: str | None = None) -> None:
    value = {"email": email, "password": password} | ({"name": name} if name else {})
    world.clients.secrets.create_secret(Name=SMOKE_SECRET, SecretString=json.dumps(value))


@pytest.fixture
def app_over_http(settings, live_server) -> str:
    """The real app on 127.0.0.1. Over plain HTTP the session and CSRF cookies must not be
    Secure (in production they are, and CloudFront serves HTTPS)."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    return str(live_server.url)


@pytest.fixture
def failing_site() -> Iterator[str]:
    """An HTTP server on 127.0.0.1 whose /readyz answers 500, like a release that broke."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status = 500 if self.path == "/readyz" else 404
            body = b'{"status": "broken"}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def run_deploy(world: World, smoke_url: str, timeouts: Timeouts = FAST) -> Outcome:
    return deploy.deploy(world.clients, TARGET, NEW_IMAGE, smoke_url, SMOKE_SECRET, timeouts)


# --- the whole deploy ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_it_deploys_registers_revisions_migrates_and_updates_the_service(world, app_over_http):
    member = make_member("smoke@example.com")
    put_smoke_user(world, "smoke@example.com", PASSWORD, name=member.user.name)

    outcome = run_deploy(world, app_over_http)

    assert outcome is Outcome.DEPLOYED
    for role in ("web", "migrate", "scheduled"):
        latest = world.latest(role)
        assert latest["revision"] == 2, role
        (container,) = latest["containerDefinitions"]
        assert container["image"] == NEW_IMAGE
        # Everything else is the old revision's, as Terraform defined it.
        assert container["command"] == COMMANDS[role]
        assert container["user"] == "10001" and container["readonlyRootFilesystem"] is True
        assert container["secrets"][0]["name"] == "SECRET_KEY"
        assert latest["taskRoleArn"].endswith("spendwise-test-ecs-task")
        assert [volume["name"] for volume in latest["volumes"]] == ["tmp"]
    assert world.running() == world.latest("web")["taskDefinitionArn"]
    (migration,) = world.runtime.migrate_tasks
    assert migration["taskDefinition"] == world.latest("migrate")["taskDefinitionArn"]
    assert migration["launchType"] == "FARGATE"
    assert migration["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"] == "DISABLED"
    # Migrations ran before the service moved.
    calls = world.runtime.calls
    assert calls.index("RunTask") < calls.index("UpdateService")


def test_it_stops_before_the_service_update_when_the_migration_exits_1(world, caplog):
    put_smoke_user(world, "smoke@example.com", "unused-password")
    world.runtime.migrate_exit_code = 1

    outcome = run_deploy(world, "http://127.0.0.1:9")

    assert outcome is Outcome.FAILED_BEFORE_ROLLOUT
    assert "UpdateService" not in world.runtime.calls
    assert world.running() == world.previous["web"]
    # The failed release's revisions are INACTIVE, and the scheduled job never had one.
    for role in ("web", "migrate", "scheduled"):
        assert world.latest(role)["taskDefinitionArn"] == world.previous[role]
        assert world.latest(role)["containerDefinitions"][0]["image"] == OLD_IMAGE
    for role in ("web", "migrate"):
        assert world.status_of(f"{TARGET.family(role)}:2") == "INACTIVE"
    scheduled = world.ecs.list_task_definitions(familyPrefix=TARGET.family("scheduled"))
    assert scheduled["taskDefinitionArns"] == [world.previous["scheduled"]]
    assert "migrations failed: exit code 1" in caplog.text


def test_it_stops_a_migration_that_runs_too_long(world, caplog):
    world.runtime.migrate_stops = False

    outcome = deploy.deploy(world.clients, TARGET, NEW_IMAGE, "http://127.0.0.1:9", None, FAST)

    assert outcome is Outcome.FAILED_BEFORE_ROLLOUT
    assert "StopTask" in world.runtime.calls and "UpdateService" not in world.runtime.calls
    assert world.running() == world.previous["web"]
    assert "did not finish within 1s" in caplog.text


def test_it_rolls_back_when_readyz_answers_500(world, failing_site, caplog):
    put_smoke_user(world, "smoke@example.com", "unused-password")

    outcome = run_deploy(world, failing_site)

    assert outcome is Outcome.ROLLED_BACK
    assert world.runtime.calls.count("UpdateService") == 2  # the release, then the rollback
    assert world.running() == world.previous["web"]
    for role in ("web", "migrate", "scheduled"):
        assert world.latest(role)["taskDefinitionArn"] == world.previous[role]
    # The scheduled job never got the failed release's image, not even for a moment.
    scheduled = world.ecs.list_task_definitions(familyPrefix=TARGET.family("scheduled"))
    assert scheduled["taskDefinitionArns"] == [world.previous["scheduled"]]
    assert "/readyz answered 500" in caplog.text
    assert "rolled back" in caplog.text


def test_it_rolls_back_when_the_service_does_not_become_stable(world, caplog):
    put_smoke_user(world, "smoke@example.com", "unused-password")
    world.runtime.stuck_revisions.add(
        f"arn:aws:ecs:{REGION}:123456789012:task-definition/{PREFIX}-web:2"
    )

    outcome = run_deploy(world, "http://127.0.0.1:9")

    assert outcome is Outcome.ROLLED_BACK
    assert world.running() == world.previous["web"]
    assert world.status_of(f"{PREFIX}-web:2") == "INACTIVE"
    assert "not stable within 0.5s" in caplog.text
    # No smoke test of a release that never became stable.
    assert "GET /readyz" not in caplog.text


def test_it_reports_a_failed_rollback(world, caplog):
    put_smoke_user(world, "smoke@example.com", "unused-password")
    # Neither the new revision nor the old one ever becomes stable.
    world.runtime.stuck_revisions.update(
        {world.previous["web"], f"arn:aws:ecs:{REGION}:123456789012:task-definition/{PREFIX}-web:2"}
    )

    outcome = run_deploy(world, "http://127.0.0.1:9")

    assert outcome is Outcome.ROLLBACK_FAILED
    assert "ROLLBACK FAILED" in caplog.text


def test_it_changes_nothing_when_the_smoke_secret_is_missing(world, caplog):
    outcome = run_deploy(world, "http://127.0.0.1:9")

    assert outcome is Outcome.FAILED_BEFORE_ROLLOUT
    assert "RegisterTaskDefinition" not in world.runtime.calls
    assert "cannot read the smoke user's secret" in caplog.text


def test_it_refuses_task_definitions_without_the_app_container(world, caplog):
    put_smoke_user(world, "smoke@example.com", "unused-password")
    definition = container_definition("scheduled", OLD_IMAGE) | {"name": "worker"}
    world.ecs.register_task_definition(
        family=TARGET.family("scheduled"), containerDefinitions=[definition]
    )

    outcome = run_deploy(world, "http://127.0.0.1:9")

    assert outcome is Outcome.FAILED_BEFORE_ROLLOUT
    assert "has no container named 'app'" in caplog.text
    # Found in the preflight: nothing was registered.
    for role in ("web", "migrate"):
        listed = world.ecs.list_task_definitions(familyPrefix=TARGET.family(role))
        assert listed["taskDefinitionArns"] == [world.previous[role]]


# --- the smoke test against the real app -------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_smoke_test_signs_in_through_the_form_and_sees_the_name(app_over_http, caplog):
    member = make_member("smoke@example.com")

    smoke_test(app_over_http, SmokeUser("smoke@example.com", PASSWORD, member.user.name), FAST)

    assert f"the dashboard greets {member.user.name!r}" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_smoke_test_fails_on_a_wrong_password(app_over_http):
    make_member("smoke@example.com")

    with pytest.raises(DeployError, match=r"signing in as smoke@example\.com answered 200"):
        smoke_test(app_over_http, SmokeUser("smoke@example.com", "wrong-password", "smoke"), FAST)


@pytest.mark.django_db(transaction=True)
def test_smoke_test_fails_when_the_dashboard_lacks_the_name(app_over_http):
    make_member("smoke@example.com")

    with pytest.raises(DeployError, match="does not show the smoke user's name 'Somebody Else'"):
        smoke_test(app_over_http, SmokeUser("smoke@example.com", PASSWORD, "Somebody Else"), FAST)


# --- command line -------------------------------------------------------------------------------


def test_it_reads_the_names_from_terraform_outputs(tmp_path):
    outputs = {
        "cluster_name": {"value": "spendwise-prod", "type": "string", "sensitive": False},
        "service_name": {"value": "spendwise-prod-web", "type": "string", "sensitive": False},
        "task_family_prefix": {"value": "spendwise-prod", "type": "string", "sensitive": False},
        "container_name": {"value": "app", "type": "string", "sensitive": False},
        "ecr_repository_url": {"value": "1234.dkr.ecr.eu-west-1.amazonaws.com/spendwise-prod"},
        "site_url": {"value": "https://app.example.com"},
        "smoke_user_secret_arn": {"value": "arn:aws:secretsmanager:eu-west-1:1234:secret:s-AbC"},
        "aws_region": {"value": "eu-west-1"},
        "bastion_instance_id": {"value": None},
    }
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(outputs), encoding="utf-8")

    args = deploy.parse_args(["--terraform-outputs", str(path), "--image-tag", "abc123"])

    assert (args.cluster, args.service, args.family_prefix, args.container) == (
        "spendwise-prod",
        "spendwise-prod-web",
        "spendwise-prod",
        "app",
    )
    assert args.image == "1234.dkr.ecr.eu-west-1.amazonaws.com/spendwise-prod:abc123"
    assert args.smoke_url == "https://app.example.com" and args.region == "eu-west-1"
    assert args.smoke_secret.endswith(":secret:s-AbC")


def test_it_exits_2_on_missing_options(capsys):
    assert deploy.main(["--image", NEW_IMAGE]) == 2
    assert "missing --cluster, --service, --smoke-url" in capsys.readouterr().err
