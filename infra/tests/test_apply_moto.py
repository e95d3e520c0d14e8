"""infra/envs/dev applied for real, against a moto server on 127.0.0.1, checked, destroyed.

What happens (once per module; ~4 minutes, nearly all of it the provider's fixed waits, most of
them on the RDS instance's create and delete; the timings are printed at the end):

1. A moto server starts on a free loopback port (infra/tests/moto_server.py: a few calls moto
   lacks are filled in there, each with its reason in ``MOTO_SHIMS``).
2. infra/ is copied to a temporary directory; ``moto_override.tf`` is written into the copy's
   envs/dev. It overrides both aws providers (the default and ``us_east_1``) with moto's
   endpoint for every service, fake credentials and few retries, and the S3 backend with a
   local one. Nothing else of the env changes: terraform.tfvars is used as it is.
3. ``terraform init`` + ``apply`` with the -var flags of ``MOTO_CANNOT`` (what moto cannot
   create, each with the reason) and ``TEST_INPUTS`` (test fixtures, each with the reason).
   Every terraform call runs with a timeout, and with HTTP(S)_PROXY pointing at a closed port:
   the provider reaches moto directly (loopback is never proxied), and a call to a real AWS
   endpoint (a service missing from the override) fails at once instead of hanging.
4. The tests below check with boto3, against moto, what a reviewer would check (network
   isolation, the database, the security group graph, ECS, Cognito and its Lambda, secrets,
   logs, alarms, the budget, the deploy role). A few settings moto accepts but does not keep
   (``MOTO_DOES_NOT_KEEP``) are checked in the Terraform state instead.
5. ``terraform destroy``, then every kind of object the stack creates is listed again: none
   may remain (KMS keys may only be pending deletion, as in AWS).

Without terraform, the provider mirror or moto the test is skipped loudly; with CI=true it
fails (infra/tests/terraform.py).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from infra.tests.terraform import Terraform, copy_infra, require_terraform, unavailable

ENV = "envs/dev"

# -var flags for what moto (requirements/dev.lock: moto 5.2) cannot create: flag -> (value, why).
# These are switched off here only; dev and prod keep them on.
MOTO_CANNOT: dict[str, tuple[str, str]] = {
    "enable_edge": (
        "false",
        "CloudFront: moto 5.2 has no response headers policies (CreateResponseHeadersPolicy "
        "is a 404), and the distribution needs the edge module's security-headers policy. "
        "This also leaves out the edge's WAF web ACL, us-east-1 certificate and logs bucket, "
        "which moto could create; the edge module is covered by its terraform test (mocks).",
    ),
}

# -var flags that are test fixtures, not moto gaps: flag -> (value or None, why). A None value
# is filled in by the fixture (a path in the temporary directory).
TEST_INPUTS: dict[str, tuple[str | None, str]] = {
    "lambda_zip_path": (
        None,
        "a tiny stand-in package: the real one (dist/post_confirmation.zip, ~50 MB with "
        "psycopg) is built by `make lambda` and tested in lambdas/; moto only stores the code",
    ),
    "enable_bastion": (
        "true",
        "dev ships without the bastion; it is turned on here so that the bastion module, its "
        "PostgreSQL rule on the database and the SSM endpoints (no NAT) are applied too",
    ),
}

# Settings moto accepts and then drops, so boto3 cannot show them: they are checked in the
# applied Terraform state (what the provider sent) instead. resource type -> attributes, why.
MOTO_DOES_NOT_KEEP: dict[str, tuple[tuple[str, ...], str]] = {
    "aws_vpc_security_group_ingress_rule/egress_rule": (
        ("description",),
        "moto 5.2 drops the description of a rule whose source is a prefix list (the ALB's "
        "CloudFront rule, the tasks' S3 rule)",
    ),
    "aws_ecs_service": (
        (
            "deployment_circuit_breaker",
            "deployment_minimum_healthy_percent",
            "deployment_maximum_percent",
            "enable_execute_command",
        ),
        "moto 5.2's CreateService ignores deploymentConfiguration and enableExecuteCommand; "
        "the provider keeps what it sent. (healthCheckGracePeriodSeconds is dropped too, and "
        "read back as 0, so it cannot be checked here at all.)",
    ),
}

# Every AWS service the stack (edge included) talks to, as aws provider endpoint names.
ENDPOINT_SERVICES = (
    "acm",
    "appautoscaling",
    "budgets",
    "cloudfront",
    "cloudwatch",
    "cognitoidp",
    "ec2",
    "ecr",
    "ecs",
    "elbv2",
    "events",
    "iam",
    "kms",
    "lambda",
    "logs",
    "rds",
    "route53",
    "s3",
    "scheduler",
    "secretsmanager",
    "sns",
    "ssm",
    "sts",
    "wafv2",
)

INIT_TIMEOUT = 180
APPLY_TIMEOUT = 480
DESTROY_TIMEOUT = 300
# Enough for moto; the provider's own waiters (RDS, ALB, S3 lifecycle) run concurrently.
PARALLELISM = "30"


def moto_override(url: str) -> str:
    """The override file: both aws providers at moto, and a local backend."""
    endpoints = "\n".join(f"    {service:<14} = {json.dumps(url)}" for service in ENDPOINT_SERVICES)
    provider = f"""\
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  # sts:GetCallerIdentity is answered by moto (account 123456789012): budgets and ARNs need it.
  skip_requesting_account_id = false
  s3_use_path_style          = true
  # moto answers a call it lacks with a 500, which the SDK would retry for minutes.
  max_retries = 2

  endpoints {{
{endpoints}
  }}
"""
    return f"""\
# Written by infra/tests/test_apply_moto.py into a temporary copy of infra/: never committed.
terraform {{
  backend "local" {{}}
}}

provider "aws" {{
{provider}}}

provider "aws" {{
  alias = "us_east_1"
{provider}}}
"""


def env_settings(root: Path, var_flags: dict[str, str]) -> dict[str, Any]:
    """What the env is applied with, so the checks expect dev's values, not copies of them."""
    import hcl2

    options = hcl2.SerializationOptions(strip_string_quotes=True, with_comments=False)
    variables = hcl2.loads(
        (root / "variables.tf").read_text(encoding="utf-8"), serialization_options=options
    )
    settings = {
        name: body.get("default")
        for block in variables.get("variable", [])
        for name, body in block.items()
    }
    tfvars = root / "terraform.tfvars"
    settings.update(hcl2.loads(tfvars.read_text(encoding="utf-8"), serialization_options=options))
    for flag, value in var_flags.items():
        settings[flag] = {"true": True, "false": False}.get(value, value)
    return settings


def stand_in_lambda_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "handler.py",
            "# Stand-in for the apply test; the real handler is lambdas/post_confirmation.\n"
            "def handler(event, context):\n    return event\n",
        )
    return path


# --- running terraform ----------------------------------------------------------------------


@dataclass
class Run:
    args: tuple[str, ...]
    returncode: int
    output: str
    seconds: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def describe(self, tail: int = 80) -> str:
        lines = self.output.strip().splitlines()
        shown = "\n".join(lines[-tail:])
        return (
            f"`terraform {' '.join(self.args)}` exited {self.returncode} after "
            f"{self.seconds:.0f}s; last {min(tail, len(lines))} lines:\n{shown}"
        )


def run_terraform(terraform: Terraform, cwd: Path, *args: str, timeout: float) -> Run:
    """terraform in its own process group, killed as a whole on timeout (providers included)."""
    env = terraform.env()
    for key in list(env):
        # The caller's AWS settings must not reach the provider (profiles, real endpoints).
        if key.startswith("AWS_"):
            del env[key]
    # Loopback (moto) is never proxied; anything else hits a closed port and fails at once.
    env.update(
        HTTP_PROXY="http://127.0.0.1:9",
        HTTPS_PROXY="http://127.0.0.1:9",
        NO_PROXY="127.0.0.1,localhost",
        AWS_EC2_METADATA_DISABLED="true",
        TF_IN_AUTOMATION="1",
    )
    started = time.monotonic()
    process = subprocess.Popen(
        [terraform.binary, *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
        returncode = process.returncode
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        output += f"\nKILLED: no result after {timeout:g}s"
        returncode = -1
    return Run(args, returncode, output, time.monotonic() - started)


# --- the deployment -------------------------------------------------------------------------


@dataclass
class Deployment:
    terraform: Terraform
    root: Path
    var_args: tuple[str, ...]
    url: str
    # dev's settings as applied: terraform.tfvars over variables.tf defaults, then the -var flags.
    settings: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    state: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    destroyed: Run | None = None
    timings: dict[str, float] = field(default_factory=dict)

    def client(self, service: str, region: str | None = None) -> Any:
        import boto3
        from botocore.config import Config

        # Any: boto3-stubs types client() per literal service name.
        session: Any = boto3.session.Session()
        return session.client(
            service,
            endpoint_url=self.url,
            region_name=region or self.region,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=Config(
                retries={"max_attempts": 2, "mode": "standard"},
                s3={"addressing_style": "path"},
                connect_timeout=10,
                read_timeout=60,
            ),
        )

    @property
    def region(self) -> str:
        return str(self.outputs["aws_region"])

    def resources(self, address_suffix: str) -> list[dict[str, Any]]:
        """Attributes of every applied instance whose address ends with ``address_suffix``
        (e.g. "aws_ecs_service.web"), from terraform.tfstate."""
        return [
            attributes
            for address, instances in self.state.items()
            if address.endswith(address_suffix)
            for attributes in instances
        ]

    def of_type(self, resource_type: str) -> list[dict[str, Any]]:
        """Attributes of every applied instance of ``resource_type``."""
        return [
            attributes
            for address, instances in self.state.items()
            if address.split(".")[-2] == resource_type
            for attributes in instances
        ]

    def one(self, address_suffix: str) -> dict[str, Any]:
        found = self.resources(address_suffix)
        assert len(found) == 1, f"expected one {address_suffix} in the state, found {len(found)}"
        return found[0]

    def read_state(self) -> None:
        """The root outputs and every managed resource, from the local state file."""
        raw = json.loads((self.root / "terraform.tfstate").read_text(encoding="utf-8"))
        self.outputs = {name: output["value"] for name, output in raw.get("outputs", {}).items()}
        self.state = {}
        for resource in raw.get("resources", []):
            if resource.get("mode") != "managed":
                continue
            # Module instance keys dropped ("module.budgets[0]" -> "module.budgets"): the
            # checks name a resource by where it is written, not by how often it is.
            module = re.sub(r"\[[^\]]*\]", "", resource.get("module", ""))
            prefix = f"{module}." if module else ""
            address = f"{prefix}{resource['type']}.{resource['name']}"
            self.state[address] = [i["attributes"] for i in resource.get("instances", [])]

    def destroy(self) -> Run:
        if self.destroyed is None:
            # No refresh: nothing changed since the apply, and it saves a full read of the stack.
            # No lock: the state is this test's own, and an apply killed at its timeout leaves
            # its lock behind.
            self.destroyed = run_terraform(
                self.terraform,
                self.root,
                "destroy",
                "-auto-approve",
                "-input=false",
                "-no-color",
                "-refresh=false",
                "-lock=false",
                f"-parallelism={PARALLELISM}",
                *self.var_args,
                timeout=DESTROY_TIMEOUT,
            )
            self.timings["destroy"] = self.destroyed.seconds
        return self.destroyed


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    terraform = require_terraform()
    try:
        from infra.tests.moto_server import MotoServer
    except ImportError as exc:  # moto[server] and boto3 come with requirements/dev.lock
        unavailable(f"moto[server] is not importable: {exc}")

    work = tmp_path_factory.mktemp("apply-moto")
    root = copy_infra(work) / ENV
    var_flags = {flag: value for flag, (value, _why) in MOTO_CANNOT.items()}
    var_flags.update({flag: value for flag, (value, _why) in TEST_INPUTS.items() if value})
    var_flags["lambda_zip_path"] = str(stand_in_lambda_zip(work / "post_confirmation.zip"))
    var_args = tuple(f"-var={flag}={value}" for flag, value in var_flags.items())

    with MotoServer() as url:
        (root / "moto_override.tf").write_text(moto_override(url), encoding="utf-8")
        deployed = Deployment(
            terraform=terraform,
            root=root,
            var_args=var_args,
            url=url,
            settings=env_settings(root, var_flags),
        )
        try:
            init = run_terraform(
                terraform, root, "init", "-input=false", "-no-color", timeout=INIT_TIMEOUT
            )
            deployed.timings["init"] = init.seconds
            if not init.ok:
                pytest.fail(init.describe(), pytrace=False)
            applied = run_terraform(
                terraform,
                root,
                "apply",
                "-auto-approve",
                "-input=false",
                "-no-color",
                f"-parallelism={PARALLELISM}",
                *var_args,
                timeout=APPLY_TIMEOUT,
            )
            deployed.timings["apply"] = applied.seconds
            if not applied.ok:
                pytest.fail(applied.describe(), pytrace=False)
            deployed.read_state()
            yield deployed
        finally:
            # Whatever happened, leave nothing behind in moto's (per-process) backends.
            destroyed = deployed.destroy()
            print(f"apply test timings (s): {deployed.timings}")
            if not destroyed.ok:
                print(destroyed.describe())


# --- helpers for the checks -----------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One source (or destination) of one permission of a security group."""

    port: tuple[int, int] | None  # None: all traffic
    kind: str  # "group", "cidr", "cidr6" or "prefix-list"
    source: str
    description: str


def rules_of(group: dict[str, Any], direction: str = "ingress") -> list[Rule]:
    """A DescribeSecurityGroups entry's ingress (or egress) permissions, one Rule per source.
    (DescribeSecurityGroupRules would be simpler, but moto leaves out its descriptions.)"""
    key = "IpPermissions" if direction == "ingress" else "IpPermissionsEgress"
    rules: list[Rule] = []
    for permission in group[key]:
        port = None
        if permission["IpProtocol"] != "-1":
            port = (permission["FromPort"], permission["ToPort"])
        sources = (
            [
                ("group", p["GroupId"], p.get("Description", ""))
                for p in permission["UserIdGroupPairs"]
            ]
            + [("cidr", r["CidrIp"], r.get("Description", "")) for r in permission["IpRanges"]]
            + [("cidr6", r["CidrIpv6"], r.get("Description", "")) for r in permission["Ipv6Ranges"]]
            + [
                ("prefix-list", p["PrefixListId"], p.get("Description", ""))
                for p in permission["PrefixListIds"]
            ]
        )
        rules.extend(Rule(port, kind, source, text) for kind, source, text in sources)
    return rules


def all_pages(client: Any, operation: str, key: str, **kwargs: Any) -> list[Any]:
    items: list[Any] = []
    for page in client.get_paginator(operation).paginate(**kwargs):
        items.extend(page.get(key, []))
    return items


def name_of(arn: str) -> str:
    return arn.rsplit("/", 1)[-1].rsplit(":", 1)[-1]


# --- the checks -----------------------------------------------------------------------------


def test_network_two_azs_no_nat_database_isolated(deployment: Deployment) -> None:
    ec2 = deployment.client("ec2")
    vpc_id = deployment.one("module.network.aws_vpc.this")["id"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    tiers: dict[str, list[dict[str, Any]]] = {}
    for subnet in subnets:
        tier = {t["Key"]: t["Value"] for t in subnet.get("Tags", [])}.get("Tier", "?")
        tiers.setdefault(tier, []).append(subnet)
    assert sorted(tiers) == ["database", "private", "public"], tiers.keys()
    for tier, members in tiers.items():
        assert len({s["AvailabilityZone"] for s in members}) == 2, f"{tier} subnets: two AZs"
    assert not any(s["MapPublicIpOnLaunch"] for s in subnets), "no subnet hands out public IPs"
    assert set(deployment.outputs["private_subnet_ids"]) == {
        s["SubnetId"] for s in tiers["private"]
    }

    nats = ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
    assert [n for n in nats["NatGateways"] if n["State"] != "deleted"] == [], "dev has no NAT"

    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
    for table in tables["RouteTables"]:
        subnet_ids = {a.get("SubnetId") for a in table["Associations"]} - {None}
        default_routes = [
            r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"
        ]
        if subnet_ids & {s["SubnetId"] for s in tiers["public"]}:
            assert [r["GatewayId"][:4] for r in default_routes] == ["igw-"]
        elif subnet_ids:
            # Private and database subnets: no way out (no NAT, no internet gateway).
            assert default_routes == [], f"{table['RouteTableId']} routes to the internet"

    flow_logs = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])
    assert [f["TrafficType"] for f in flow_logs["FlowLogs"]] == ["ALL"]

    endpoints = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
    services = {e["ServiceName"].split(".", 3)[-1]: e for e in endpoints["VpcEndpoints"]}
    expected = {"ecr.api", "ecr.dkr", "logs", "secretsmanager", "cognito-idp", "sts"}
    # The bastion is on and there is no NAT: its SSM agent needs these too.
    expected |= {"ssm", "ssmmessages", "ec2messages"}
    interface = {s for s, e in services.items() if e["VpcEndpointType"] == "Interface"}
    assert interface == expected
    assert all(services[s]["PrivateDnsEnabled"] for s in interface)
    assert services["s3"]["VpcEndpointType"] == "Gateway"


def test_database_private_encrypted_backed_up_tls_only(deployment: Deployment) -> None:
    rds = deployment.client("rds")
    (db,) = rds.describe_db_instances(DBInstanceIdentifier=deployment.outputs["db_instance_id"])[
        "DBInstances"
    ]
    assert db["PubliclyAccessible"] is False
    assert db["StorageEncrypted"] is True and db["KmsKeyId"]
    dev = deployment.settings
    assert db["BackupRetentionPeriod"] == dev["db_backup_retention_days"] >= 7
    assert db["MultiAZ"] is dev["db_multi_az"]
    assert db["DeletionProtection"] is dev["db_deletion_protection"]
    assert db["Engine"] == "postgres" and db["EngineVersion"] == dev["db_engine_version"]
    assert db["IAMDatabaseAuthenticationEnabled"] is True
    assert set(db["EnabledCloudwatchLogsExports"]) == {"postgresql", "upgrade"}
    # The password is RDS-managed, in Secrets Manager, under the database's own key.
    assert db["MasterUserSecret"]["SecretArn"] == deployment.outputs["db_secret_arn"]

    database_subnets = {s["id"] for s in deployment.resources("module.network.aws_subnet.database")}
    assert {s["SubnetIdentifier"] for s in db["DBSubnetGroup"]["Subnets"]} == database_subnets

    (group,) = db["DBParameterGroups"]
    parameters = {
        p["ParameterName"]: p.get("ParameterValue")
        for p in all_pages(
            rds,
            "describe_db_parameters",
            "Parameters",
            DBParameterGroupName=group["DBParameterGroupName"],
        )
    }
    assert parameters.get("rds.force_ssl") == "1", "the database must refuse plain connections"


def test_security_groups_form_the_designed_graph(deployment: Deployment) -> None:
    ec2 = deployment.client("ec2")
    out = deployment.outputs
    rds_sg = deployment.one("module.rds.aws_security_group.this")["id"]
    alb_sg = deployment.one("module.alb.aws_security_group.alb")["id"]
    app_sg = out["app_security_group_id"]
    lambda_function = deployment.client("lambda").get_function_configuration(
        FunctionName=deployment.one("module.cognito.aws_lambda_function.post_confirmation")[
            "function_name"
        ]
    )
    (lambda_sg,) = lambda_function["VpcConfig"]["SecurityGroupIds"]
    (reservation,) = ec2.describe_instances(InstanceIds=[out["bastion_instance_id"]])[
        "Reservations"
    ]
    (bastion,) = reservation["Instances"]
    # moto lists an instance's groups on its network interface only.
    bastion_sgs = {g["GroupId"] for g in bastion["SecurityGroups"]} | {
        g["GroupId"] for nic in bastion["NetworkInterfaces"] for g in nic["Groups"]
    }
    assert bastion_sgs

    vpc_id = deployment.one("module.network.aws_vpc.this")["id"]
    groups = {
        g["GroupId"]: g
        for g in ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])[
            "SecurityGroups"
        ]
    }

    def ingress(group_id: str) -> set[tuple[tuple[int, int] | None, str, str]]:
        return {(r.port, r.kind, r.source) for r in rules_of(groups[group_id])}

    # PostgreSQL: only from the app tasks, the Lambda and the bastion; never from a range.
    assert ingress(rds_sg) == {
        ((5432, 5432), "group", source) for source in {app_sg, lambda_sg} | bastion_sgs
    }

    # ALB: only HTTPS from CloudFront's origin-facing prefix list.
    ((port, kind, prefix_list),) = ingress(alb_sg)
    assert (port, kind) == ((443, 443), "prefix-list")
    names = ec2.describe_managed_prefix_lists(PrefixListIds=[prefix_list])["PrefixLists"]
    assert [p["PrefixListName"] for p in names] == ["com.amazonaws.global.cloudfront.origin-facing"]

    # Tasks: only the ALB, on the container port.
    assert ingress(app_sg) == {((8000, 8000), "group", alb_sg)}

    # Lambda and bastion: nothing inbound at all (the bastion is reached through SSM only).
    assert ingress(lambda_sg) == set()
    for group in bastion_sgs:
        assert ingress(group) == set()

    # Endpoints: HTTPS from the VPC only.
    endpoints_sg = deployment.one("module.endpoints.aws_security_group.this")["id"]
    vpc_cidr = deployment.one("module.network.aws_vpc.this")["cidr_block"]
    assert ingress(endpoints_sg) == {((443, 443), "cidr", vpc_cidr)}

    # The VPC's default group is locked (no rules at all), and in every other group nothing is
    # open to the world inbound, outbound to the world is HTTPS only, and every rule says why.
    # moto drops the description of a prefix-list source (MOTO_DOES_NOT_KEEP): those come from
    # the applied rule resources.
    applied_descriptions = {
        (rule["security_group_id"], rule["prefix_list_id"]): rule["description"]
        for kind in ("ingress", "egress")
        for rule in deployment.of_type(f"aws_vpc_security_group_{kind}_rule")
        if rule.get("prefix_list_id")
    }

    def description(group_id: str, rule: Rule) -> str:
        return rule.description or applied_descriptions.get((group_id, rule.source), "")

    for group in groups.values():
        label, group_id = group["GroupName"], group["GroupId"]
        if label == "default":
            assert group["IpPermissions"] == [] and group["IpPermissionsEgress"] == [], label
            continue
        for rule in rules_of(group):
            assert rule.source not in ("0.0.0.0/0", "::/0"), f"{label}: open to the world"
            assert description(group_id, rule), f"{label}: an ingress rule without a description"
        for rule in rules_of(group, "egress"):
            if rule.source in ("0.0.0.0/0", "::/0"):
                assert rule.port == (443, 443), f"{label}: egress to the world beyond HTTPS"
            assert description(group_id, rule), f"{label}: an egress rule without a description"


def test_bastion_ssm_only(deployment: Deployment) -> None:
    ec2 = deployment.client("ec2")
    (reservation,) = ec2.describe_instances(
        InstanceIds=[deployment.outputs["bastion_instance_id"]]
    )["Reservations"]
    (bastion,) = reservation["Instances"]
    assert "PublicIpAddress" not in bastion
    assert bastion["SubnetId"] in deployment.outputs["private_subnet_ids"]
    assert bastion["MetadataOptions"]["HttpTokens"] == "required", "IMDSv2 only"
    assert bastion["IamInstanceProfile"]["Arn"]
    assert bastion["Monitoring"]["State"] == "enabled"


def test_ecs_service_private_autoscaled(deployment: Deployment) -> None:
    ecs = deployment.client("ecs")
    out = deployment.outputs
    (cluster,) = ecs.describe_clusters(clusters=[out["cluster_name"]])["clusters"]
    assert cluster["status"] == "ACTIVE"
    (service,) = ecs.describe_services(cluster=out["cluster_name"], services=[out["service_name"]])[
        "services"
    ]
    assert service["launchType"] == "FARGATE"
    assert service["desiredCount"] == deployment.settings["desired_count"]
    network = service["networkConfiguration"]["awsvpcConfiguration"]
    assert network["assignPublicIp"] == "DISABLED"
    assert set(network["subnets"]) == set(out["private_subnet_ids"])
    assert network["securityGroups"] == [out["app_security_group_id"]]
    (balancer,) = service["loadBalancers"]
    assert balancer["targetGroupArn"] == deployment.one("module.alb.aws_lb_target_group.web")["arn"]
    assert balancer["containerPort"] == 8000

    # What moto drops (MOTO_DOES_NOT_KEEP), from the applied state.
    applied = deployment.one("module.ecs_service.aws_ecs_service.web")
    assert applied["deployment_circuit_breaker"] == [{"enable": True, "rollback": True}]
    assert applied["deployment_minimum_healthy_percent"] == 100
    assert applied["deployment_maximum_percent"] == 200
    assert applied["enable_execute_command"] is False

    scaling = deployment.client("application-autoscaling")
    resource_id = f"service/{out['cluster_name']}/{out['service_name']}"
    (target,) = scaling.describe_scalable_targets(
        ServiceNamespace="ecs", ResourceIds=[resource_id]
    )["ScalableTargets"]
    dev = deployment.settings
    assert (target["MinCapacity"], target["MaxCapacity"]) == (dev["min_tasks"], dev["max_tasks"])
    policies = scaling.describe_scaling_policies(ServiceNamespace="ecs", ResourceId=resource_id)
    metrics = {
        p["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"][
            "PredefinedMetricType"
        ]
        for p in policies["ScalingPolicies"]
    }
    assert metrics == {"ECSServiceAverageCPUUtilization", "ALBRequestCountPerTarget"}


def test_task_definitions_non_root_read_only_secrets_from_secrets_manager(
    deployment: Deployment,
) -> None:
    ecs = deployment.client("ecs")
    out = deployment.outputs
    (service,) = ecs.describe_services(cluster=out["cluster_name"], services=[out["service_name"]])[
        "services"
    ]
    schedule = deployment.client("scheduler").get_schedule(
        Name=deployment.one("module.ecs_service.aws_scheduler_schedule.run_scheduled")["name"]
    )
    assert schedule["ScheduleExpression"] == "rate(15 minutes)"
    assert (
        schedule["Target"]["Arn"]
        == deployment.one("module.ecs_service.aws_ecs_cluster.this")["arn"]
    )
    arns = {
        "web": service["taskDefinition"],
        "migrate": out["migrate_task_definition_arn"],
        "run-scheduled": schedule["Target"]["EcsParameters"]["TaskDefinitionArn"],
    }
    app_secret_arn = deployment.one("module.secrets.aws_secretsmanager_secret.app")["arn"]
    for command, arn in arns.items():
        task = ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
        assert task["requiresCompatibilities"] == ["FARGATE"] and task["networkMode"] == "awsvpc"
        assert task["executionRoleArn"] and task["taskRoleArn"]
        (container,) = task["containerDefinitions"]
        assert container["command"] == [command]
        assert container["readonlyRootFilesystem"] is True, f"{command}: read-only root"
        assert container.get("user") not in (None, "", "0", "root"), f"{command}: non-root"
        assert container["logConfiguration"]["logDriver"] == "awslogs"
        assert (
            container["logConfiguration"]["options"]["awslogs-group"] == out["app_log_group_name"]
        )
        secrets = {s["name"]: s["valueFrom"] for s in container["secrets"]}
        assert secrets["SECRET_KEY"].startswith(f"{app_secret_arn}:SECRET_KEY"), secrets
        environment = {e["name"]: e["value"] for e in container["environment"]}
        assert "SECRET_KEY" not in environment, "secrets are injected, never plain environment"
        assert environment["DB_SECRET_ARN"] == out["db_secret_arn"]
        assert environment["DB_HOST"] == out["db_address"]
        assert environment["COGNITO_USER_POOL_ID"] == out["user_pool_id"]


def test_ecr_immutable_scanned_encrypted(deployment: Deployment) -> None:
    name = deployment.outputs["ecr_repository_url"].split("/", 1)[1]
    ecr = deployment.client("ecr")
    (repository,) = ecr.describe_repositories(repositoryNames=[name])["repositories"]
    assert repository["imageTagMutability"] == "IMMUTABLE"
    assert repository["imageScanningConfiguration"]["scanOnPush"] is True
    assert repository["encryptionConfiguration"]["encryptionType"] == "KMS"
    rules = json.loads(ecr.get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"])
    assert rules["rules"], "old images expire"


def test_cognito_post_confirmation_lambda_in_the_vpc(deployment: Deployment) -> None:
    out = deployment.outputs
    pool = deployment.client("cognito-idp").describe_user_pool(UserPoolId=out["user_pool_id"])[
        "UserPool"
    ]
    trigger = pool["LambdaConfig"]["PostConfirmation"]
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] >= 12
    client = deployment.client("cognito-idp").describe_user_pool_client(
        UserPoolId=out["user_pool_id"], ClientId=out["app_client_id"]
    )["UserPoolClient"]
    assert client["PreventUserExistenceErrors"] == "ENABLED"

    function = deployment.client("lambda").get_function_configuration(FunctionName=trigger)
    assert function["FunctionArn"] == trigger
    vpc = function["VpcConfig"]
    assert vpc["SubnetIds"] and set(vpc["SubnetIds"]) <= set(out["private_subnet_ids"])
    variables = function["Environment"]["Variables"]
    assert variables["DB_SECRET_ARN"] == out["db_secret_arn"]
    assert variables["DB_HOST"] == out["db_address"]
    policy = json.loads(deployment.client("lambda").get_policy(FunctionName=trigger)["Policy"])
    (statement,) = policy["Statement"]
    assert statement["Principal"] == {"Service": "cognito-idp.amazonaws.com"}
    assert statement["Condition"]["ArnLike"]["AWS:SourceArn"] == pool["Arn"]


def test_app_secret_generated_and_encrypted(deployment: Deployment) -> None:
    secrets = deployment.client("secretsmanager")
    arn = deployment.one("module.secrets.aws_secretsmanager_secret.app")["arn"]
    described = secrets.describe_secret(SecretId=arn)
    assert described["Name"] == f"{deployment.outputs['name']}/app"
    assert described["KmsKeyId"]
    value = json.loads(secrets.get_secret_value(SecretId=arn)["SecretString"])
    assert set(value) >= {"SECRET_KEY", "ORIGIN_VERIFY"}
    assert len(value["SECRET_KEY"]) >= 50


def test_every_log_group_has_retention_and_a_key(deployment: Deployment) -> None:
    groups = all_pages(deployment.client("logs"), "describe_log_groups", "logGroups")
    ours = [g for g in groups if deployment.outputs["name"] in g["logGroupName"]]
    assert len(ours) >= 5, [g["logGroupName"] for g in groups]  # flow logs, app, RDS x2, Lambda
    for group in ours:
        assert group.get("retentionInDays") == deployment.settings["log_retention_days"], group
        assert group.get("kmsKeyId"), f"{group['logGroupName']} is not encrypted with a CMK"


def test_alarms_notify_the_topic(deployment: Deployment) -> None:
    topic = deployment.outputs["sns_topic_arn"]
    alarms = all_pages(
        deployment.client("cloudwatch"),
        "describe_alarms",
        "MetricAlarms",
        AlarmNamePrefix=f"{deployment.outputs['name']}-",
    )
    namespaces = set()
    for alarm in alarms:
        if alarm.get("Namespace"):
            namespaces.add(alarm["Namespace"])
        for query in alarm.get("Metrics", []):  # metric math (the ALB 5xx rate)
            if "MetricStat" in query:
                namespaces.add(query["MetricStat"]["Metric"]["Namespace"])
    assert namespaces == {"AWS/ApplicationELB", "AWS/ECS", "AWS/RDS", "AWS/Lambda"}
    assert len(alarms) >= 8
    for alarm in alarms:
        assert alarm["AlarmActions"] == [topic], alarm["AlarmName"]
        assert alarm["OKActions"] == [topic], alarm["AlarmName"]
    sns = deployment.client("sns")
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"].get("KmsMasterKeyId")
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    emails = {("email", address) for address in deployment.settings["alarm_emails"]}
    assert {(s["Protocol"], s["Endpoint"]) for s in subscriptions} == emails


def test_budget_alerts(deployment: Deployment) -> None:
    budgets = deployment.client("budgets", region="us-east-1")
    account = deployment.client("sts").get_caller_identity()["Account"]
    name = deployment.one("module.budgets.aws_budgets_budget.monthly")["name"]
    budget = budgets.describe_budget(AccountId=account, BudgetName=name)["Budget"]
    assert budget["BudgetType"] == "COST" and budget["TimeUnit"] == "MONTHLY"
    assert float(budget["BudgetLimit"]["Amount"]) == deployment.settings["monthly_budget_usd"]
    notifications = budgets.describe_notifications_for_budget(AccountId=account, BudgetName=name)[
        "Notifications"
    ]
    kinds = {(n["NotificationType"], float(n["Threshold"])) for n in notifications}
    assert {("ACTUAL", 80.0), ("ACTUAL", 100.0), ("FORECASTED", 100.0)} <= kinds


def test_deploy_role_trusts_one_repository_and_environment(deployment: Deployment) -> None:
    iam = deployment.client("iam")
    role = iam.get_role(RoleName=name_of(deployment.outputs["deploy_role_arn"]))["Role"]
    assert role["MaxSessionDuration"] == 3600
    trust = role["AssumeRolePolicyDocument"]
    if isinstance(trust, str):
        trust = json.loads(trust)
    (statement,) = trust["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"]["Federated"].endswith(
        ":oidc-provider/token.actions.githubusercontent.com"
    )
    assert set(statement["Condition"]) == {"StringEquals"}, "exact match only, no wildcards"
    equals = statement["Condition"]["StringEquals"]
    assert equals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
    sub = equals["token.actions.githubusercontent.com:sub"]
    # Only jobs in the GitHub environment "dev" (whose deployment branch is main): a job that
    # names no environment cannot skip the environment's rules.
    expected = f"repo:{deployment.settings['github_repository']}:environment:dev"
    assert sub in (expected, [expected])


def test_alb_https_only_and_origin_header_gated(deployment: Deployment) -> None:
    elbv2 = deployment.client("elbv2")
    arn = deployment.one("module.alb.aws_lb.this")["arn"]
    listeners = elbv2.describe_listeners(LoadBalancerArn=arn)["Listeners"]
    assert [(x["Port"], x["Protocol"]) for x in listeners] == [(443, "HTTPS")], "no plain HTTP"
    (listener,) = listeners
    assert listener["DefaultActions"][0]["Type"] == "fixed-response"
    assert listener["DefaultActions"][0]["FixedResponseConfig"]["StatusCode"] == "403"
    rules = [
        r
        for r in elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]
        if not r["IsDefault"]
    ]
    (rule,) = rules
    (condition,) = rule["Conditions"]
    assert condition["HttpHeaderConfig"]["HttpHeaderName"] == "X-Origin-Verify"
    assert rule["Actions"][0]["Type"] == "forward"
    attributes = {
        a["Key"]: a["Value"]
        for a in elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]
    }
    assert attributes.get("routing.http.drop_invalid_header_fields.enabled") == "true"
    assert attributes.get("access_logs.s3.enabled") == "true"


def test_files_bucket_private_and_encrypted(deployment: Deployment) -> None:
    s3 = deployment.client("s3")
    bucket = deployment.outputs["files_bucket_name"]
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values()), block
    (rule,) = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"


# --- teardown ---------------------------------------------------------------------------------

# Left behind on purpose, as in AWS: kind -> why.
KEPT_AFTER_DESTROY = {
    "task definitions": (
        "ecs_service sets skip_destroy: revisions stay ACTIVE so that a rollback (or a service "
        "still running one) can use them; only the stack's three families may remain"
    ),
    "KMS keys": (
        "AWS (and moto) cannot delete a key at once, only schedule its deletion; AWS-managed "
        "keys (alias/aws/*, created on first use) are not the stack's"
    ),
}


def leftovers(deployment: Deployment) -> dict[str, list[str]]:
    """Every kind of object the stack creates, as moto holds it now (names or ids)."""
    c = deployment.client
    name = deployment.outputs["name"]
    account = c("sts").get_caller_identity()["Account"]
    ec2, ecs, iam, kms = c("ec2"), c("ecs"), c("iam"), c("kms")

    def aws_managed_keys() -> set[str]:
        # alias/aws/*: keys AWS creates on first use (e.g. alias/aws/ebs for the bastion's
        # encrypted volume) and never deletes; not the stack's.
        aliases = all_pages(kms, "list_aliases", "Aliases")
        return {a["TargetKeyId"] for a in aliases if a["AliasName"].startswith("alias/aws/")}

    listers: dict[str, Callable[[], list[str]]] = {
        "VPCs": lambda: [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v["IsDefault"]],
        "instances": lambda: [
            i["InstanceId"]
            for r in ec2.describe_instances()["Reservations"]
            for i in r["Instances"]
            if i["State"]["Name"] != "terminated"
        ],
        "Elastic IPs": lambda: [a["PublicIp"] for a in ec2.describe_addresses()["Addresses"]],
        "DB instances": lambda: [
            d["DBInstanceIdentifier"] for d in c("rds").describe_db_instances()["DBInstances"]
        ],
        "DB parameter groups": lambda: [
            g["DBParameterGroupName"]
            for g in c("rds").describe_db_parameter_groups()["DBParameterGroups"]
            if g["DBParameterGroupName"].startswith(name)
        ],
        "ECS clusters": lambda: [
            x["clusterName"]
            for x in ecs.describe_clusters(clusters=ecs.list_clusters()["clusterArns"])["clusters"]
            if x["status"] == "ACTIVE"
        ],
        "task definitions": lambda: [
            arn
            for arn in ecs.list_task_definitions(status="ACTIVE")["taskDefinitionArns"]
            if arn.rsplit("/", 1)[-1].rsplit(":", 1)[0]
            not in {f"{name}-web", f"{name}-migrate", f"{name}-scheduled"}
        ],
        "ECR repositories": lambda: [
            r["repositoryName"] for r in c("ecr").describe_repositories()["repositories"]
        ],
        "load balancers": lambda: [
            b["LoadBalancerName"] for b in c("elbv2").describe_load_balancers()["LoadBalancers"]
        ],
        "target groups": lambda: [
            t["TargetGroupName"] for t in c("elbv2").describe_target_groups()["TargetGroups"]
        ],
        "ACM certificates": lambda: [
            x["CertificateArn"] for x in c("acm").list_certificates()["CertificateSummaryList"]
        ],
        "user pools": lambda: [
            p["Name"] for p in c("cognito-idp").list_user_pools(MaxResults=60)["UserPools"]
        ],
        "Lambda functions": lambda: [
            f["FunctionName"] for f in c("lambda").list_functions()["Functions"]
        ],
        "secrets": lambda: [s["Name"] for s in c("secretsmanager").list_secrets()["SecretList"]],
        "log groups": lambda: [
            g["logGroupName"] for g in all_pages(c("logs"), "describe_log_groups", "logGroups")
        ],
        "alarms": lambda: [
            a["AlarmName"] for a in c("cloudwatch").describe_alarms()["MetricAlarms"]
        ],
        "dashboards": lambda: [
            d["DashboardName"] for d in c("cloudwatch").list_dashboards()["DashboardEntries"]
        ],
        "SNS topics": lambda: [t["TopicArn"] for t in c("sns").list_topics()["Topics"]],
        "S3 buckets": lambda: [b["Name"] for b in c("s3").list_buckets()["Buckets"]],
        "schedules": lambda: [s["Name"] for s in c("scheduler").list_schedules()["Schedules"]],
        "scalable targets": lambda: [
            t["ResourceId"]
            for t in c("application-autoscaling").describe_scalable_targets(ServiceNamespace="ecs")[
                "ScalableTargets"
            ]
        ],
        "budgets": lambda: [
            b["BudgetName"]
            for b in c("budgets", region="us-east-1")
            .describe_budgets(AccountId=account)
            .get("Budgets", [])
        ],
        "IAM roles": lambda: [
            r["RoleName"]
            for r in all_pages(iam, "list_roles", "Roles")
            if r["RoleName"].startswith(name)
        ],
        "instance profiles": lambda: [
            p["InstanceProfileName"]
            for p in all_pages(iam, "list_instance_profiles", "InstanceProfiles")
        ],
        "OIDC providers": lambda: [
            p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
        ],
        "KMS keys": lambda: [
            k["KeyId"]
            for k in kms.list_keys()["Keys"]
            if k["KeyId"] not in aws_managed_keys()
            and kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]["KeyState"] != "PendingDeletion"
        ],
    }
    found = {kind: lister() for kind, lister in listers.items()}
    return {kind: items for kind, items in found.items() if items}


def test_destroy_leaves_nothing(deployment: Deployment) -> None:
    """Runs last (file order): destroy, then list every kind of object the stack creates
    (KEPT_AFTER_DESTROY is filtered out above: the three task definition families, and KMS
    keys pending deletion)."""
    destroyed = deployment.destroy()
    assert destroyed.ok, destroyed.describe()
    left = leftovers(deployment)
    assert left == {}, f"terraform destroy left these in moto: {left}"
