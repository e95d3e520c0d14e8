"""Deploy one release of SpendWise to ECS, and roll it back when it fails.

    python -m spendwise.ops.deploy --cluster spendwise-prod --service spendwise-prod-web \\
        --image 123456789012.dkr.ecr.eu-west-1.amazonaws.com/spendwise-prod:<git sha> \\
        --smoke-url https://app.example.com --smoke-secret spendwise-prod/smoke-user

    terraform -chdir=infra/envs/prod output -json > outputs.json
    python -m spendwise.ops.deploy --terraform-outputs outputs.json --image-tag <git sha>

The steps, each a function below (docs/delivery.md):

1. ``preflight``: the service exists; note the task definition it runs (the rollback target) and
   read the smoke user's credentials, before anything changes.
2. ``register_revisions``: for the web and migrate families of infra/modules/ecs_service
   (``<prefix>-web``, ``-migrate``), a copy of its latest revision with only the ``app``
   container's image replaced. The ``-scheduled`` family gets its new revision only after the
   smoke test: EventBridge Scheduler runs that family's latest ACTIVE revision, and new code must
   not run the scheduled job before the release is known good (nor on the old schema while
   migrations run).
3. ``run_migrations``: the new migrate revision as a one-off task in the service's subnets and
   security groups; a non-zero exit code, a task that never started or a timeout stops here.
4. ``update_service``: the service moves to the new web revision.
5. ``wait_until_stable``: one deployment left, running == desired, rollout completed (the
   deployment circuit breaker's FAILED, or its own rollback, count as failures), within a
   timeout.
6. ``smoke_test``: ``/readyz`` answers 200 through CloudFront, the smoke user signs in through
   the sign-in form and the dashboard answers 200 with the user's name; then the scheduled job's
   revision is registered (a failure there rolls back like one in 4-6).

A failure in 2-3 deregisters the new revisions (the scheduled job runs its family's latest
ACTIVE revision, so it stays on the old image) and exits 1: users saw nothing. A failure in 4-6
rolls the service back to the revision of step 1, waits until it is stable again, deregisters
the new revisions and exits 3 (4 if the rollback itself failed). Exit 2 is a usage error.

Only boto3 and the standard library: no Django, so it runs from a plain checkout.
"""

from __future__ import annotations

import argparse
import enum
import html
import json
import logging
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient
    from mypy_boto3_logs import CloudWatchLogsClient
    from mypy_boto3_secretsmanager import SecretsManagerClient

log = logging.getLogger("spendwise.deploy")

# The families infra/modules/ecs_service registers (`<task_family_prefix>-<role>`), one
# container each, named "app" (its `container_name` output).
ROLES = ("web", "migrate", "scheduled")
# Registered before the rollout; "scheduled" follows once the smoke test has passed.
RELEASE_ROLES = ("web", "migrate")
DEFAULT_CONTAINER = "app"
STARTED_BY = "spendwise-deploy"
USER_AGENT = "spendwise-deploy-smoke/1"

# What RegisterTaskDefinition accepts, copied from DescribeTaskDefinition's answer; the rest
# (arn, revision, status, registeredAt, ...) describes the old revision.
REGISTER_FIELDS = (
    "family",
    "taskRoleArn",
    "executionRoleArn",
    "networkMode",
    "containerDefinitions",
    "volumes",
    "placementConstraints",
    "requiresCompatibilities",
    "cpu",
    "memory",
    "pidMode",
    "ipcMode",
    "proxyConfiguration",
    "inferenceAccelerators",
    "ephemeralStorage",
    "runtimePlatform",
    "enableFaultInjection",
)


class Outcome(enum.IntEnum):
    """The process's exit code."""

    DEPLOYED = 0
    FAILED_BEFORE_ROLLOUT = 1  # nothing users see has changed
    USAGE = 2
    ROLLED_BACK = 3  # the release failed after the service update; the old revision runs again
    ROLLBACK_FAILED = 4  # someone must look now (docs/runbooks/deploy-and-rollback.md)


class DeployError(Exception):
    """A step failed; the message says which and why, for the log."""


@dataclass(frozen=True)
class Target:
    """Where to deploy: the ECS cluster and service, and the task definition families."""

    cluster: str
    service: str
    family_prefix: str
    container: str = DEFAULT_CONTAINER

    def family(self, role: str) -> str:
        return f"{self.family_prefix}-{role}"


@dataclass(frozen=True)
class Timeouts:
    """Seconds. ``poll`` is the pause between two DescribeTasks/DescribeServices calls."""

    migrate: float = 1200.0
    stable: float = 900.0
    poll: float = 10.0
    http: float = 15.0
    smoke_attempts: int = 3
    smoke_retry_delay: float = 10.0


@dataclass(frozen=True)
class SmokeUser:
    email: str
    password: str = field(repr=False)
    name: str


@dataclass(frozen=True)
class Clients:
    ecs: ECSClient
    logs: CloudWatchLogsClient
    secrets: SecretsManagerClient


def step(number: int, name: str, message: str) -> None:
    log.info("[%d/6 %s] %s", number, name, message)


def rollback_step(message: str) -> None:
    log.warning("[rollback] %s", message)


def short(arn: str) -> str:
    """``arn:…:task-definition/spendwise-prod-web:42`` -> ``spendwise-prod-web:42``."""
    return arn.rsplit("/", 1)[-1]


# --- 1. preflight -------------------------------------------------------------------------------


def describe_service(ecs: ECSClient, target: Target) -> dict[str, Any]:
    """The service as DescribeServices returns it; DeployError when it is missing."""
    answer = ecs.describe_services(cluster=target.cluster, services=[target.service])
    services = [s for s in answer.get("services", []) if s.get("status") == "ACTIVE"]
    if not services:
        reasons = "; ".join(f.get("reason", "?") for f in answer.get("failures", []))
        raise DeployError(
            f"service {target.service} not found in cluster {target.cluster} "
            f"({reasons or 'not ACTIVE'})"
        )
    return dict(services[0])


def read_smoke_user(secrets: SecretsManagerClient, secret_id: str) -> SmokeUser:
    """The smoke user's credentials: the secret's JSON ``{"email", "password", "name"}``.

    ``name`` is what the dashboard greets the user with; without it, the part of the e-mail
    before the ``@`` (the app's default when no display name is set).
    """
    try:
        raw = secrets.get_secret_value(SecretId=secret_id).get("SecretString")
    except ClientError as exc:
        raise DeployError(f"cannot read the smoke user's secret {secret_id}: {exc}") from exc
    try:
        value = json.loads(raw or "")
        email, password = str(value["email"]), str(value["password"])
    except (ValueError, KeyError, TypeError) as exc:
        raise DeployError(
            f'secret {secret_id} must hold JSON with "email" and "password" (and "name")'
        ) from exc
    return SmokeUser(
        email=email, password=password, name=str(value.get("name") or email.split("@")[0])
    )


# --- 2. register --------------------------------------------------------------------------------


def register_revisions(
    ecs: ECSClient, target: Target, image: str, roles: Sequence[str] = ROLES
) -> dict[str, str]:
    """Register, per role, the family's latest revision with ``image``; the new ARNs by role.

    Everything but the image comes from the latest ACTIVE revision, which Terraform keeps
    current (environment, secrets, roles, sizes); tags are copied too. If one registration
    fails, the ones already made are deregistered before the error goes up.
    """
    registered: dict[str, str] = {}
    try:
        for role in roles:
            answer = ecs.describe_task_definition(
                taskDefinition=target.family(role), include=["TAGS"]
            )
            definition: Mapping[str, Any] = answer["taskDefinition"]
            containers = list(definition["containerDefinitions"])
            if target.container not in [c.get("name") for c in containers]:
                raise DeployError(
                    f"{short(definition['taskDefinitionArn'])} has no container named "
                    f"{target.container!r}: it does not match infra/modules/ecs_service"
                )
            request: dict[str, Any] = {k: definition[k] for k in REGISTER_FIELDS if k in definition}
            request["containerDefinitions"] = [
                {**c, "image": image} if c.get("name") == target.container else c
                for c in containers
            ]
            if answer.get("tags"):
                request["tags"] = answer["tags"]
            arn = ecs.register_task_definition(**request)["taskDefinition"]["taskDefinitionArn"]
            registered[role] = arn
            step(2, "register", f"{short(arn)} from {short(definition['taskDefinitionArn'])}")
    except BaseException:
        deregister_revisions(ecs, registered.values())
        raise
    return registered


def check_families(ecs: ECSClient, target: Target) -> None:
    """Every family's latest revision has the container the deploy replaces (preflight: the
    scheduled family is registered only after the smoke test, too late to find a mismatch)."""
    for role in ROLES:
        definition = ecs.describe_task_definition(taskDefinition=target.family(role))[
            "taskDefinition"
        ]
        names = [c.get("name") for c in definition["containerDefinitions"]]
        if target.container not in names:
            raise DeployError(
                f"{short(definition['taskDefinitionArn'])} has no container named "
                f"{target.container!r}: it does not match infra/modules/ecs_service"
            )


def deregister_revisions(ecs: ECSClient, arns: Iterable[str]) -> None:
    """Mark revisions INACTIVE, so that no family's latest ACTIVE revision is a failed release."""
    for arn in list(arns):
        try:
            ecs.deregister_task_definition(taskDefinition=arn)
            log.info("deregistered %s", short(arn))
        except (ClientError, BotoCoreError) as exc:
            log.warning("could not deregister %s: %s", short(arn), exc)


# --- 3. migrate ---------------------------------------------------------------------------------


def _run_task_placement(service: Mapping[str, Any]) -> dict[str, Any]:
    """The service's network and capacity settings, for a one-off task beside its tasks."""
    placement: dict[str, Any] = {"networkConfiguration": service["networkConfiguration"]}
    if service.get("capacityProviderStrategy"):
        placement["capacityProviderStrategy"] = service["capacityProviderStrategy"]
    else:
        placement["launchType"] = service.get("launchType") or "FARGATE"
        if service.get("platformVersion"):
            placement["platformVersion"] = service["platformVersion"]
    return placement


def run_migrations(
    clients: Clients,
    target: Target,
    service: Mapping[str, Any],
    migrate_arn: str,
    timeouts: Timeouts,
) -> None:
    """Run the migrate revision once and wait for it; DeployError unless it exits 0 in time."""
    ecs = clients.ecs
    answer = ecs.run_task(
        cluster=target.cluster,
        taskDefinition=migrate_arn,
        count=1,
        startedBy=STARTED_BY,
        enableECSManagedTags=True,
        propagateTags="TASK_DEFINITION",
        **_run_task_placement(service),
    )
    if answer.get("failures") or not answer.get("tasks"):
        reasons = "; ".join(
            f"{f.get('arn', '')} {f.get('reason', '')} {f.get('detail', '')}".strip()
            for f in answer.get("failures", [])
        )
        raise DeployError(f"the migrate task did not start: {reasons or 'no task returned'}")
    task_arn = answer["tasks"][0]["taskArn"]
    step(3, "migrate", f"task {task_arn.rsplit('/', 1)[-1]} started ({short(migrate_arn)})")

    deadline = time.monotonic() + timeouts.migrate
    while True:
        (task,) = ecs.describe_tasks(cluster=target.cluster, tasks=[task_arn])["tasks"]
        if task.get("lastStatus") == "STOPPED":
            break
        if time.monotonic() >= deadline:
            ecs.stop_task(
                cluster=target.cluster,
                task=task_arn,
                reason=f"{STARTED_BY}: migrations ran longer than {timeouts.migrate:g}s",
            )
            raise DeployError(
                f"migrations did not finish within {timeouts.migrate:g}s; the task was stopped"
            )
        log.info("migrate task is %s", task.get("lastStatus", "?"))
        time.sleep(timeouts.poll)

    container: Mapping[str, Any] = next(
        (c for c in task.get("containers", []) if c.get("name") == target.container), {}
    )
    exit_code = container.get("exitCode")
    if exit_code == 0:
        step(3, "migrate", "migrations applied (exit code 0)")
        return
    _log_task_output(clients, migrate_arn, target.container, task_arn)
    why = "; ".join(
        part
        for part in (task.get("stoppedReason"), container.get("reason"))
        if part  # e.g. "CannotPullContainerError: …" when the task never ran
    )
    raise DeployError(
        f"migrations failed: exit code {exit_code if exit_code is not None else 'none'}"
        + (f" ({why})" if why else "")
    )


def _log_task_output(clients: Clients, definition_arn: str, container: str, task_arn: str) -> None:
    """The last lines the task wrote (awslogs), when they can be read: best effort."""
    try:
        definition = clients.ecs.describe_task_definition(taskDefinition=definition_arn)
        (app,) = [
            c
            for c in definition["taskDefinition"]["containerDefinitions"]
            if c["name"] == container
        ]
        options = app["logConfiguration"]["options"]
        stream = f"{options['awslogs-stream-prefix']}/{container}/{task_arn.rsplit('/', 1)[-1]}"
        events = clients.logs.get_log_events(
            logGroupName=options["awslogs-group"],
            logStreamName=stream,
            limit=30,
            startFromHead=False,
        )["events"]
    except (ClientError, BotoCoreError, KeyError, ValueError) as exc:
        log.warning("the migrate task's output could not be read (%s)", exc)
        return
    log.error("last lines of %s:", stream)
    for event in events:
        log.error("  | %s", event.get("message", "").rstrip())


# --- 4. + 5. roll out ---------------------------------------------------------------------------


def update_service(ecs: ECSClient, target: Target, definition_arn: str) -> None:
    """Point the service at ``definition_arn``; ECS then replaces its tasks (100 % / 200 %)."""
    ecs.update_service(
        cluster=target.cluster, service=target.service, taskDefinition=definition_arn
    )


def wait_until_stable(
    ecs: ECSClient,
    target: Target,
    definition_arn: str,
    timeouts: Timeouts,
    report: Callable[[str], None] = lambda message: step(5, "stable", message),
) -> None:
    """Wait until the service runs only ``definition_arn``, as many tasks as it wants.

    DeployError on a FAILED rollout (the deployment circuit breaker gave up), when the primary
    deployment is another revision (the circuit breaker rolled back, or someone else deployed)
    or when ``timeouts.stable`` passes first.
    """
    deadline = time.monotonic() + timeouts.stable
    while True:
        service = describe_service(ecs, target)
        deployments = service.get("deployments", [])
        primary = next((d for d in deployments if d.get("status") == "PRIMARY"), None)
        if primary is None:
            raise DeployError("the service has no primary deployment")
        if primary.get("taskDefinition") != definition_arn:
            raise DeployError(
                "the service's primary deployment runs "
                f"{short(primary.get('taskDefinition', '?'))}, not {short(definition_arn)}"
            )
        if primary.get("rolloutState") == "FAILED":
            raise DeployError(f"the rollout failed: {primary.get('rolloutStateReason', '')}")
        running, desired = primary.get("runningCount", 0), primary.get("desiredCount", 0)
        if (
            len(deployments) == 1
            and running == desired
            and primary.get("rolloutState", "COMPLETED") == "COMPLETED"
        ):
            report(f"{short(definition_arn)} is stable: {running}/{desired} tasks running")
            return
        if time.monotonic() >= deadline:
            raise DeployError(
                f"the service was not stable within {timeouts.stable:g}s: {running}/{desired} "
                f"tasks of {short(definition_arn)} running, {len(deployments)} deployments"
            )
        log.info(
            "waiting: %d/%d tasks of %s running, %d deployments, rollout %s",
            running,
            desired,
            short(definition_arn),
            len(deployments),
            primary.get("rolloutState", "?"),
        )
        time.sleep(timeouts.poll)


# --- 6. smoke test ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    status: int
    headers: Mapping[str, str]
    body: str


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are answers to check (a 302 to the sign-in page is a failure), not followed."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _fetch(
    opener: urllib.request.OpenerDirector,
    url: str,
    timeout: float,
    data: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Page:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(  # noqa: S310 - the URL is the operator's https site
        url, data=body, headers={"User-Agent": USER_AGENT, **(headers or {})}
    )
    try:
        with opener.open(request, timeout=timeout) as response:
            return Page(
                response.status, dict(response.headers), response.read().decode(errors="replace")
            )
    except urllib.error.HTTPError as exc:  # 3xx (not followed), 4xx, 5xx: an answer to check
        return Page(exc.code, dict(exc.headers or {}), exc.read().decode(errors="replace"))
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeployError(f"{url} did not answer: {exc}") from exc


_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')


def smoke_test(base_url: str, user: SmokeUser | None, timeouts: Timeouts) -> None:
    """``/readyz`` is 200, then (with a user) sign in through the form and see the dashboard.

    Like a browser: a cookie jar, the CSRF token from the form, ``Origin`` and ``Referer`` (Django
    checks them on HTTPS). The dashboard must answer 200 itself, not redirect to the sign-in page,
    and greet the user by name.
    """
    base = base_url.rstrip("/")
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(CookieJar()), _KeepRedirects()
    )

    ready = Page(0, {}, "")
    for attempt in range(1, timeouts.smoke_attempts + 1):
        try:
            ready = _fetch(opener, f"{base}/readyz", timeouts.http)
        except DeployError as exc:
            ready = Page(0, {}, str(exc))
        if ready.status == 200:
            break
        log.warning("GET /readyz answered %s (attempt %d)", ready.status or "nothing", attempt)
        if attempt < timeouts.smoke_attempts:
            time.sleep(timeouts.smoke_retry_delay)
    if ready.status != 200:
        raise DeployError(
            f"GET {base}/readyz answered {ready.status or 'nothing'}: {ready.body[:200]}"
        )
    step(6, "smoke", f"GET /readyz 200 {ready.body.strip()[:80]}")

    if user is None:
        log.warning("no smoke user: the signed-in page was not checked (--smoke-secret)")
        return

    sign_in_url = f"{base}/sign-in/"
    form = _fetch(opener, sign_in_url, timeouts.http)
    token = _CSRF_INPUT.search(form.body)
    if form.status != 200 or token is None:
        raise DeployError(f"GET /sign-in/ answered {form.status} without a sign-in form")
    parts = urllib.parse.urlsplit(base)
    signed_in = _fetch(
        opener,
        sign_in_url,
        timeouts.http,
        data={
            "csrfmiddlewaretoken": token.group(1),
            "email": user.email,
            "password": user.password,
            "next": "",
        },
        headers={"Referer": sign_in_url, "Origin": f"{parts.scheme}://{parts.netloc}"},
    )
    if signed_in.status != 302:
        raise DeployError(
            f"signing in as {user.email} answered {signed_in.status}, not a redirect: "
            "wrong smoke-user credentials, an unconfirmed user, or a broken sign-in"
        )
    dashboard = _fetch(opener, f"{base}/", timeouts.http)
    if dashboard.status != 200:
        where = dashboard.headers.get("Location", "")
        raise DeployError(
            f"the dashboard answered {dashboard.status}{f' -> {where}' if where else ''} "
            f"after signing in as {user.email}"
        )
    if html.escape(user.name) not in dashboard.body:
        raise DeployError(f"the dashboard does not show the smoke user's name {user.name!r}")
    step(6, "smoke", f"signed in as {user.email}; the dashboard greets {user.name!r}")


# --- the whole deploy ---------------------------------------------------------------------------


def deploy(
    clients: Clients,
    target: Target,
    image: str,
    smoke_url: str,
    smoke_secret: str | None,
    timeouts: Timeouts = Timeouts(),
    smoke: Callable[[str, SmokeUser | None, Timeouts], None] = smoke_test,
) -> Outcome:
    """Steps 1-6 (module docstring); the outcome is the exit code."""
    ecs = clients.ecs
    try:
        service = describe_service(ecs, target)
        previous = service["taskDefinition"]
        user = read_smoke_user(clients.secrets, smoke_secret) if smoke_secret else None
        check_families(ecs, target)
        step(1, "preflight", f"{target.service} runs {short(previous)}; deploying {image}")
        new = register_revisions(ecs, target, image, roles=RELEASE_ROLES)
    except (DeployError, ClientError, BotoCoreError) as exc:
        return _failed(f"before the rollout: {exc}", Outcome.FAILED_BEFORE_ROLLOUT)

    try:
        run_migrations(clients, target, service, new["migrate"], timeouts)
    except (DeployError, ClientError, BotoCoreError) as exc:
        deregister_revisions(ecs, new.values())
        return _failed(
            f"{exc}; the service still runs {short(previous)}", Outcome.FAILED_BEFORE_ROLLOUT
        )

    try:
        update_service(ecs, target, new["web"])
        step(4, "update", f"{target.service}: {short(previous)} -> {short(new['web'])}")
        wait_until_stable(ecs, target, new["web"], timeouts)
        smoke(smoke_url, user, timeouts)
        new.update(register_revisions(ecs, target, image, roles=("scheduled",)))
    except (DeployError, ClientError, BotoCoreError) as exc:
        log.error("deploy failed after the service update: %s", exc)
        return roll_back(ecs, target, previous, new, timeouts)

    log.info("deployed %s: %s runs %s", image, target.service, short(new["web"]))
    return Outcome.DEPLOYED


def roll_back(
    ecs: ECSClient, target: Target, previous: str, new: Mapping[str, str], timeouts: Timeouts
) -> Outcome:
    """Back to ``previous``, wait until stable, deregister the failed release's revisions."""
    rollback_step(f"{target.service} back to {short(previous)}")
    try:
        update_service(ecs, target, previous)
        wait_until_stable(ecs, target, previous, timeouts, report=rollback_step)
    except (DeployError, ClientError, BotoCoreError) as exc:
        return _failed(
            f"ROLLBACK FAILED: {exc}. Follow docs/runbooks/deploy-and-rollback.md",
            Outcome.ROLLBACK_FAILED,
        )
    deregister_revisions(ecs, new.values())
    return _failed(
        f"rolled back: {target.service} runs {short(previous)} again", Outcome.ROLLED_BACK
    )


def _failed(message: str, outcome: Outcome) -> Outcome:
    log.error("%s (exit %d)", message, int(outcome))
    if os.environ.get("GITHUB_ACTIONS") == "true":
        # A workflow annotation: the reason shows on the run's summary page.
        print(f"::error title=deploy {outcome.name.lower()}::{message}", flush=True)
    return outcome


# --- command line -------------------------------------------------------------------------------

# `terraform output -json` names (infra/envs/*/outputs.tf) -> options they provide.
TERRAFORM_OUTPUTS = {
    "cluster_name": "cluster",
    "service_name": "service",
    "task_family_prefix": "family_prefix",
    "container_name": "container",
    "ecr_repository_url": "repository_url",
    "site_url": "smoke_url",
    "smoke_user_secret_arn": "smoke_secret",
    "aws_region": "region",
}


def terraform_values(path: str) -> dict[str, str]:
    """The options found in a `terraform output -json` file (``-``: standard input)."""
    text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    outputs = json.loads(text)
    return {
        option: str(outputs[name]["value"])
        for name, option in TERRAFORM_OUTPUTS.items()
        if isinstance(outputs.get(name), dict) and outputs[name].get("value") is not None
    }


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m spendwise.ops.deploy",
        description="Deploy an image to the SpendWise ECS service: new task definition "
        "revisions, migrations, service update, smoke test; roll back on failure.",
        epilog="Exit codes: 0 deployed, 1 failed before the rollout (nothing changed), "
        "2 usage, 3 failed and rolled back, 4 the rollback failed too.",
    )
    parser.add_argument(
        "--terraform-outputs",
        metavar="FILE",
        help="`terraform output -json` of the environment (- for stdin): the defaults of "
        "--cluster, --service, --family-prefix, --container, --smoke-url, --smoke-secret, "
        "--region and the repository of --image-tag",
    )
    parser.add_argument("--cluster", help="ECS cluster (output cluster_name)")
    parser.add_argument("--service", help="ECS service (output service_name)")
    parser.add_argument(
        "--family-prefix",
        help="task definition families are <prefix>-web/-migrate/-scheduled (default: the cluster)",
    )
    parser.add_argument("--container", help=f"the app container (default {DEFAULT_CONTAINER})")
    image = parser.add_mutually_exclusive_group(required=True)
    image.add_argument(
        "--image", help="full image URI, e.g. <account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>"
    )
    image.add_argument(
        "--image-tag", help="tag in the environment's repository (needs --terraform-outputs)"
    )
    parser.add_argument("--smoke-url", help="https://<domain_name> (output site_url)")
    parser.add_argument(
        "--smoke-secret",
        help="Secrets Manager id of the smoke user's {email, password, name} JSON "
        "(output smoke_user_secret_arn)",
    )
    parser.add_argument("--region", help="AWS region (default: AWS_REGION / the AWS config)")
    parser.add_argument(
        "--migrate-timeout",
        type=float,
        default=Timeouts.migrate,
        help="seconds (default %(default)g)",
    )
    parser.add_argument(
        "--stable-timeout",
        type=float,
        default=Timeouts.stable,
        help="seconds (default %(default)g)",
    )
    parser.add_argument(
        "--poll-interval", type=float, default=Timeouts.poll, help="seconds (default %(default)g)"
    )
    args = parser.parse_args(argv)

    found = terraform_values(args.terraform_outputs) if args.terraform_outputs else {}
    for option in (
        "cluster",
        "service",
        "family_prefix",
        "container",
        "smoke_url",
        "smoke_secret",
        "region",
    ):
        if getattr(args, option) is None and option in found:
            setattr(args, option, found[option])
    args.family_prefix = args.family_prefix or args.cluster
    args.container = args.container or DEFAULT_CONTAINER
    if args.image_tag:
        if "repository_url" not in found:
            parser.error(
                "--image-tag needs --terraform-outputs (ecr_repository_url); or give --image"
            )
        args.image = f"{found['repository_url']}:{args.image_tag}"
    missing = [
        f"--{o.replace('_', '-')}"
        for o in ("cluster", "service", "smoke_url")
        if not getattr(args, o)
    ]
    if missing:
        parser.error(f"missing {', '.join(missing)} (or --terraform-outputs)")
    if not args.smoke_url.startswith(("https://", "http://")):
        parser.error("--smoke-url must be a URL, e.g. https://app.example.com")
    return args


def make_clients(region: str | None) -> Clients:
    config = Config(retries={"mode": "standard", "max_attempts": 8})
    session = boto3.session.Session(region_name=region)
    return Clients(
        ecs=session.client("ecs", config=config),
        logs=session.client("logs", config=config),
        secrets=session.client("secretsmanager", config=config),
    )


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s deploy %(levelname)s %(message)s", stream=sys.stdout
    )
    try:
        args = parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return int(exc.code or 0)
    target = Target(args.cluster, args.service, args.family_prefix, args.container)
    timeouts = Timeouts(
        migrate=args.migrate_timeout, stable=args.stable_timeout, poll=args.poll_interval
    )
    return int(
        deploy(
            make_clients(args.region),
            target,
            args.image,
            args.smoke_url,
            args.smoke_secret,
            timeouts,
        )
    )


if __name__ == "__main__":
    sys.exit(main())
