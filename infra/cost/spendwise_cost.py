"""spendwise-cost: the monthly AWS bill of a SpendWise environment, per service, to the cent.

    scripts/spendwise-cost infra/envs/dev/terraform.tfvars [--usage usage.json]
                           [--format table|json] [--compare-proposal]
    scripts/spendwise-cost --proposal-choices [--usage usage.json] [--format table|json]

Reads the environment's ``terraform.tfvars`` (python-hcl2), fills what it leaves out from the
defaults in that environment's ``variables.tf``, then ``infra/modules/stack/variables.tf``, then
``VARIABLES`` below (the modules' own defaults, for what the roots do not expose). Adds a usage
profile (``DEFAULT_USAGE``, overridable with ``--usage``) and prices both with ``prices.toml``.
Amounts are ``Decimal``: each component line is rounded to the cent (half up), and service
subtotals and the total are sums of those lines, so the printed figures add up.

``--compare-proposal`` sets each service beside its row of the proposal's budget table
(``PROPOSAL_ROWS``) and lists where the proposal's $74 floor does not hold.
``--proposal-choices`` prices the proposal's own assumed configuration (``PROPOSAL_CHOICES``).

Exit status: 0, or 2 with a one-line message for a file that cannot be read or parsed, a value
of the wrong type, an unknown instance class or an unknown usage key. See docs/cost.md.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PRICE_FILE = Path(__file__).resolve().with_name("prices.toml")
STACK_VARIABLES = ROOT / "infra" / "modules" / "stack" / "variables.tf"
PROPOSAL_FILE = "../shared/seed/000_49ced547c7e48aaa.txt"  # section 5, "Budget"

CENT = Decimal("0.01")
ZERO = Decimal(0)


class CostError(Exception):
    """Input the tool cannot use: reported on one line, exit status 2."""


# --- The variables the estimate depends on: the one place that lists them ---------------------


@dataclass(frozen=True)
class Variable:
    kind: str  # "bool", "number", "string", "list"
    fallback: Any  # the module's default, used when neither the tfvars nor a variables.tf has it
    doc: str


VARIABLES: dict[str, Variable] = {
    "aws_region": Variable(
        "string", "us-east-1", "region of the environment (prices are us-east-1's)"
    ),
    "az_count": Variable("number", 2, "AZs: interface endpoints and ALB addresses are per AZ"),
    "enable_nat_gateway": Variable("bool", False, "NAT gateway(s) and their Elastic IPs"),
    "single_nat_gateway": Variable("bool", True, "one NAT gateway rather than one per AZ"),
    "enable_bastion": Variable(
        "bool", False, "the SSM bastion (and, without NAT, 3 SSM endpoints)"
    ),
    "bastion_instance_type": Variable("string", "t4g.nano", "bastion module default"),
    "enable_edge": Variable("bool", True, "CloudFront (and WAF) in front of the ALB"),
    "enable_waf": Variable("bool", True, "WAF web ACL on CloudFront"),
    "enable_bot_control": Variable("bool", False, "edge module default (the stack sets none)"),
    "enable_budget": Variable("bool", True, "the AWS Budgets alarm"),
    "task_cpu": Variable("number", 512, "Fargate CPU units per task"),
    "task_memory": Variable("number", 1024, "Fargate MiB per task"),
    "desired_count": Variable("number", 2, "tasks at the first deployment"),
    "min_tasks": Variable("number", 2, "autoscaling floor: the tasks that run all month"),
    "max_tasks": Variable("number", 6, "autoscaling ceiling (not priced: see extra_task_hours)"),
    "cpu_architecture": Variable("string", "X86_64", "ecs_service module default"),
    "enable_container_insights": Variable("bool", True, "ecs_service module default"),
    "enable_app_metrics": Variable(
        "bool", True, "the app's METRICS_ENABLED: on unless DEBUG (spendwise/ops/metrics.py)"
    ),
    "schedule_expression": Variable("string", "rate(15 minutes)", "run_scheduled's schedule"),
    "db_instance_class": Variable("string", "db.t4g.micro", "RDS instance class"),
    "db_multi_az": Variable("bool", False, "RDS standby in a second AZ (twice the price)"),
    "db_allocated_storage": Variable("number", 20, "RDS gp3 GiB"),
    "db_backup_retention_days": Variable(
        "number", 7, "RDS automated backups (see backup_extra_gb)"
    ),
    "log_retention_days": Variable("number", 30, "retention of every log group"),
    "interface_services": Variable(
        "list",
        ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "cognito-idp", "sts"],
        "endpoints module default",
    ),
}

# Facts of the design that no variable changes, each from the module named; the tests check
# them against the module's HCL, so a module change that moves the bill fails a test.
SSM_SERVICES = ("ssm", "ssmmessages", "ec2messages")  # modules/endpoints: bastion without NAT
WAF_MANAGED_RULE_GROUPS = 4  # modules/edge: IP reputation, common, known bad inputs, SQLi
WAF_RATE_RULES = 1  # modules/edge: rate-limit-per-ip
ALARM_METRICS = 10  # modules/observability: 7 one-metric alarms + the 5xx-rate math alarm's 3
AUTOSCALING_ALARMS = 4  # modules/ecs_service: 2 target-tracking policies, 2 alarms each
DASHBOARDS = 1  # modules/observability
KMS_KEYS = 3  # modules/secrets (app), modules/rds (database + its secret), modules/ecr
SECRETS = 2  # modules/secrets (app secret) + the RDS-managed master user secret
ALB_ADDRESSES_PER_AZ = 1  # an internet-facing ALB has a node with a public IPv4 in each AZ
BASTION_VOLUME_GB = 8  # modules/bastion: the AL2023 AMI's root volume size (no override)
LAMBDA_MEMORY_MB = 512  # modules/cognito: the PostConfirmation function


# --- Usage: what the configuration cannot tell ------------------------------------------------

DEFAULT_USAGE: dict[str, Any] = {
    # Traffic
    "requests_per_month": 1_000_000,  # viewer requests to CloudFront (≈ 0.4 per second)
    "data_out_gb": 20,  # CloudFront to viewers
    "cache_hit_percent": 20,  # served by CloudFront without reaching the ALB (static assets)
    "origin_upload_gb": 1,  # viewer uploads (receipts, imports) carried to the ALB
    "requests_per_origin_connection": 20,  # CloudFront reuses its connections to the ALB
    "monthly_active_users": 100,  # Cognito MAU
    "signups_per_month": 50,  # PostConfirmation Lambda invocations
    "lambda_duration_ms": 1500,
    # Compute beyond the configured floor
    "extra_task_hours": 0,  # task-hours above min_tasks (autoscaling out)
    "scheduled_run_minutes": 2,  # billed per run_scheduled task (image pull + run; 1 min minimum)
    "deploys_per_month": 20,  # each runs the migrate task once
    "migrate_run_minutes": 3,
    "bastion_hours": 730,  # when enabled; stop it between sessions to save
    # Data and logs
    "endpoint_data_gb": 5,  # through interface endpoints (log delivery, API calls)
    "nat_data_gb": 5,  # through NAT, when enabled
    "inter_az_gb": 5,  # tasks in one AZ talking to RDS in another
    "app_log_gb": 2,  # web, migrate and scheduled containers
    "rds_log_gb": Decimal("0.5"),  # postgresql/upgrade exports + enhanced monitoring (RDSOSMetrics)
    "lambda_log_gb": Decimal("0.01"),
    "flow_log_gb": 1,  # VPC flow logs (ALL)
    "waf_log_gb": Decimal("1.5"),  # about 1.5 KB per request inspected
    "container_insights_log_gb": Decimal("0.5"),  # performance log events
    "container_insights_metrics": 30,  # cluster, service and task-family metrics (estimate)
    "app_metrics": 80,  # EMF: Requests + Latency per route and status class in use (estimate)
    "log_compression_ratio": Decimal("0.15"),  # CloudWatch bills stored logs compressed
    "ecr_storage_gb": 2,  # images kept by the lifecycle policy (layers shared)
    "s3_storage_gb": 5,  # receipts/exports, ALB + CloudFront access logs, the Lambda zip
    "s3_put_requests": 50_000,
    "s3_get_requests": 200_000,
    "backup_extra_gb": 0,  # RDS backup storage beyond the free 100% of provisioned storage
    "secrets_api_calls": 30_000,  # per worker: one read per 5-minute cache period, task starts
    "kms_requests": 50_000,
    "budgets_in_account": 2,  # with apply_free_tier: the first two are free
    "apply_free_tier": False,  # account-wide always-free allowances (shared by dev and prod)
}

_TRAFFIC_KEYS = (
    "requests_per_month",
    "data_out_gb",
    "origin_upload_gb",
    "monthly_active_users",
    "signups_per_month",
    "extra_task_hours",
    "deploys_per_month",
    "endpoint_data_gb",
    "nat_data_gb",
    "inter_az_gb",
    "app_log_gb",
    "rds_log_gb",
    "lambda_log_gb",
    "flow_log_gb",
    "waf_log_gb",
    "container_insights_log_gb",
    "app_metrics",
    "s3_put_requests",
    "s3_get_requests",
    "secrets_api_calls",
    "kms_requests",
)


# --- The proposal (shared/seed, section 5) ----------------------------------------------------


@dataclass(frozen=True)
class ProposalRow:
    service: str  # our service key
    label: str
    low: Decimal
    high: Decimal
    optional: tuple[Decimal, Decimal] | None = None  # "$0 or $a - $b": the range when enabled


def _d(value: int | str) -> Decimal:
    return Decimal(value)


PROPOSAL_ROWS: tuple[ProposalRow, ...] = (
    ProposalRow("alb", "Application Load Balancer (ALB + LCU)", _d(18), _d(35)),
    ProposalRow("fargate", "Fargate (vCPU & Memory)", _d(9), _d(25)),
    ProposalRow("endpoints", "VPC Endpoints (Interface + Gateway)", _d(20), _d(70)),
    ProposalRow("nat", "NAT Gateway (optional)", _d(0), _d(60), (_d(33), _d(60))),
    ProposalRow("rds", "PostgreSQL (small Single-AZ)", _d(12), _d(35)),
    ProposalRow("amplify", "Frontend hosting + build", _d(5), _d(20)),
    ProposalRow("cognito", "MAU & auth flow", _d(0), _d(10)),
    ProposalRow("ecr", "Image storage", _d(1), _d(8)),
    ProposalRow("cloudwatch", "Logs / Metrics / Alarms", _d(3), _d(15)),
    ProposalRow("cloudfront", "Distribution + data transfer (ALB origin)", _d(5), _d(40)),
    ProposalRow("waf", "Web ACL + Rules + Requests (optional)", _d(0), _d(25), (_d(8), _d(25))),
    ProposalRow("secrets", "Secret storage + API calls", _d(1), _d(6)),
    ProposalRow("bastion", "Bastion (optional)", _d(0), _d(12), (_d(5), _d(12))),
)
PROPOSAL_FLOOR = sum((row.low for row in PROPOSAL_ROWS), ZERO)  # $74
PROPOSAL_CEILING = sum((row.high for row in PROPOSAL_ROWS), ZERO)  # $361

# The configuration the proposal's table assumes: "small Single-AZ" RDS, one small task, NAT,
# bastion and WAF off, the four interface endpoints it names, Amplify for the frontend.
PROPOSAL_CHOICES: dict[str, Any] = {
    "aws_region": "us-east-1",
    "az_count": 2,
    "enable_nat_gateway": False,
    "single_nat_gateway": True,
    "enable_bastion": False,
    "bastion_instance_type": "t4g.nano",
    "enable_edge": True,
    "enable_waf": False,
    "enable_bot_control": False,
    "enable_budget": False,
    "task_cpu": 256,
    "task_memory": 512,
    "desired_count": 1,
    "min_tasks": 1,
    "max_tasks": 1,
    "cpu_architecture": "X86_64",
    "enable_container_insights": False,
    "enable_app_metrics": False,  # the proposal's backend is not this app
    "schedule_expression": "",  # the proposal's NestJS backend has no scheduled job
    "db_instance_class": "db.t4g.micro",
    "db_multi_az": False,
    "db_allocated_storage": 20,
    "db_backup_retention_days": 7,
    "log_retention_days": 7,
    "interface_services": ["ecr.api", "ecr.dkr", "logs", "cognito-idp"],
}


# --- Prices -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Price:
    key: str
    usd: Decimal
    unit: str
    source: str
    as_of: str
    per: Decimal = Decimal(1)  # usd is the price of this many units


@dataclass(frozen=True)
class PriceBook:
    path: Path
    region: str
    hours: Decimal
    transcribed: str
    prices: dict[str, Price]
    rds_instances: dict[str, tuple[Decimal, Decimal]]
    rds_source: str
    ec2_instances: dict[str, Decimal]
    ec2_source: str
    free_tier: dict[str, Decimal]

    def __getitem__(self, key: str) -> Price:
        return self.prices[key]

    def rds_instance(self, instance_class: str, multi_az: bool) -> Price:
        if instance_class not in self.rds_instances:
            known = ", ".join(sorted(self.rds_instances))
            raise CostError(
                f"db_instance_class {instance_class!r} has no price in {self.path.name} "
                f"(known: {known}); add it there with its source"
            )
        single, multi = self.rds_instances[instance_class]
        return Price(
            f"rds_instance.{instance_class}",
            multi if multi_az else single,
            "instance-hour",
            self.rds_source,
            self.prices["rds_gp3_gb_month"].as_of,
        )

    def ec2_instance(self, instance_type: str) -> Price:
        if instance_type not in self.ec2_instances:
            known = ", ".join(sorted(self.ec2_instances))
            raise CostError(
                f"bastion_instance_type {instance_type!r} has no price in {self.path.name} "
                f"(known: {known})"
            )
        return Price(
            f"ec2_instance.{instance_type}",
            self.ec2_instances[instance_type],
            "instance-hour",
            self.ec2_source,
            self.prices["ebs_gp3_gb_month"].as_of,
        )


def _decimal(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise CostError(f"{where}: {value!r} is not a number")
    return Decimal(value)


def load_prices(path: Path = PRICE_FILE) -> PriceBook:
    try:
        with path.open("rb") as file:
            data = tomllib.load(file, parse_float=Decimal)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CostError(f"cannot read the price file {path}: {exc}") from exc
    try:
        meta = data["meta"]
        prices = {
            key: Price(
                key,
                _decimal(entry["usd"], key),
                entry["unit"],
                entry["source"],
                entry["as_of"],
                _decimal(entry.get("per", 1), f"{key}.per"),
            )
            for key, entry in data["price"].items()
        }
        rds = {
            name: (_decimal(row["single_az"], name), _decimal(row["multi_az"], name))
            for name, row in data["rds_instance"].items()
        }
        ec2 = {name: _decimal(usd, name) for name, usd in data["ec2_instance"].items()}
        free = {
            key: _decimal(value, key)
            for key, value in data["free_tier"].items()
            if key not in {"source", "as_of"}
        }
        return PriceBook(
            path=path,
            region=meta["region"],
            hours=_decimal(meta["hours_per_month"], "hours_per_month"),
            transcribed=meta["transcribed"],
            prices=prices,
            rds_instances=rds,
            rds_source=data["rds_instance_source"]["source"],
            ec2_instances=ec2,
            ec2_source=data["ec2_instance_source"]["source"],
            free_tier=free,
        )
    except KeyError as exc:
        raise CostError(f"the price file {path} has no {exc.args[0]!r} entry") from exc


# --- Reading an environment -------------------------------------------------------------------


def _parse_hcl(path: Path) -> dict[str, Any]:
    import hcl2

    options = hcl2.SerializationOptions(strip_string_quotes=True, with_comments=False)
    try:
        with path.open(encoding="utf-8") as file:
            return dict(hcl2.load(file, serialization_options=options))
    except OSError as exc:
        raise CostError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except Exception as exc:  # lark's parse errors: one line is enough to find the typo
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CostError(f"{path} is not valid HCL: {first_line}") from exc


def variable_defaults(path: Path) -> dict[str, Any]:
    """``default`` of each variable in a variables.tf (variables without one are left out)."""
    if not path.is_file():
        return {}
    defaults: dict[str, Any] = {}
    for block in _parse_hcl(path).get("variable", []):
        for name, body in block.items():
            if isinstance(body, dict) and "default" in body:
                defaults[name] = body["default"]
    return defaults


def _coerce(name: str, value: Any, where: str) -> Any:
    kind = VARIABLES[name].kind
    if isinstance(value, str) and value.startswith("${"):
        raise CostError(f"{where}: {name} = {value} is an expression; the estimate needs a literal")
    if kind == "bool":
        if not isinstance(value, bool):
            raise CostError(f"{where}: {name} must be true or false, not {value!r}")
        return value
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise CostError(f"{where}: {name} must be a number, not {value!r}")
        number = Decimal(str(value))  # a float from HCL: its shortest repr, never its binary
        if number < 0:
            raise CostError(f"{where}: {name} must not be negative ({value})")
        return number
    if kind == "list":
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise CostError(f"{where}: {name} must be a list of strings, not {value!r}")
        return list(value)
    if not isinstance(value, str):
        raise CostError(f"{where}: {name} must be a string, not {value!r}")
    return value


@dataclass(frozen=True)
class Environment:
    name: str  # "dev", "prod", "proposal"
    source: str  # the tfvars path, or "the proposal's choices"
    values: dict[str, Any]  # every VARIABLES key, coerced
    origins: dict[str, str]  # where each value came from


def read_environment(tfvars: Path) -> Environment:
    """The tfvars, then its directory's variables.tf, then the stack's, then ``VARIABLES``."""
    if not tfvars.is_file():
        raise CostError(f"{tfvars}: no such file")
    layers = [
        (str(tfvars), _parse_hcl(tfvars)),
        (str(tfvars.parent / "variables.tf"), variable_defaults(tfvars.parent / "variables.tf")),
        (str(STACK_VARIABLES.relative_to(ROOT)), variable_defaults(STACK_VARIABLES)),
    ]
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for name, variable in VARIABLES.items():
        for where, layer in layers:
            if layer.get(name) is not None:
                values[name] = _coerce(name, layer[name], where)
                origins[name] = where
                break
        else:
            values[name] = _coerce(name, variable.fallback, "default")
            origins[name] = "module default"
    env_name = tfvars.resolve().parent.name
    return Environment(env_name, str(tfvars), values, origins)


def proposal_environment() -> Environment:
    values = {
        name: _coerce(name, value, "PROPOSAL_CHOICES") for name, value in PROPOSAL_CHOICES.items()
    }
    return Environment(
        "proposal", "the proposal's choices", values, dict.fromkeys(values, "PROPOSAL_CHOICES")
    )


def read_usage(path: Path | None) -> dict[str, Any]:
    usage: dict[str, Any] = {
        key: value if isinstance(value, bool) else Decimal(value)
        for key, value in DEFAULT_USAGE.items()
    }
    if path is None:
        return usage
    try:
        overrides = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except OSError as exc:
        raise CostError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise CostError(f"{path} is not JSON: {exc}") from exc
    if not isinstance(overrides, dict):
        raise CostError(f"{path} must hold a JSON object of usage figures")
    for key, value in overrides.items():
        if key not in DEFAULT_USAGE:
            raise CostError(
                f"{path}: unknown usage figure {key!r} (known: {', '.join(DEFAULT_USAGE)})"
            )
        if isinstance(DEFAULT_USAGE[key], bool):
            if not isinstance(value, bool):
                raise CostError(f"{path}: {key} must be true or false")
            usage[key] = value
            continue
        if isinstance(value, bool) or not isinstance(value, int | Decimal) or value < 0:
            raise CostError(f"{path}: {key} must be a number ≥ 0, not {value!r}")
        usage[key] = Decimal(value)
    return usage


def zero_traffic(usage: Mapping[str, Any]) -> dict[str, Any]:
    """The same profile with no traffic, no logs, no storage: what the design costs idle."""
    quiet = dict(usage)
    for key in (*_TRAFFIC_KEYS, "ecr_storage_gb", "s3_storage_gb", "backup_extra_gb"):
        quiet[key] = ZERO
    return quiet


# --- The estimate -----------------------------------------------------------------------------


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Line:
    label: str
    quantity: Decimal
    price: Price

    @property
    def cost(self) -> Decimal:
        return cents(self.quantity * self.price.usd / self.price.per)


@dataclass
class Service:
    key: str
    name: str
    lines: list[Line] = field(default_factory=list)
    note: str = ""

    @property
    def total(self) -> Decimal:
        return sum((line.cost for line in self.lines), ZERO)


@dataclass
class Estimate:
    environment: Environment
    usage: dict[str, Any]
    prices: PriceBook
    services: list[Service]

    @property
    def total(self) -> Decimal:
        return sum((service.total for service in self.services), ZERO)

    def service(self, key: str) -> Service:
        return next(service for service in self.services if service.key == key)


def runs_per_month(expression: str, hours: Decimal) -> Decimal:
    """Runs of an EventBridge ``rate(N unit)`` schedule in ``hours``; 0 for none."""
    if not expression:
        return ZERO
    match = re.fullmatch(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)", expression.strip())
    if not match:
        raise CostError(
            f"schedule_expression {expression!r}: only rate(N minutes|hours|days) can be priced"
        )
    every = Decimal(match.group(1))
    minutes = {"minute": 1, "hour": 60, "day": 1440}[match.group(2).rstrip("s")]
    return hours * 60 / (every * minutes)


def interface_services(values: Mapping[str, Any]) -> list[str]:
    services = list(values["interface_services"])
    if values["enable_bastion"] and not values["enable_nat_gateway"]:
        services += [service for service in SSM_SERVICES if service not in services]
    return services


def waf_rules(values: Mapping[str, Any]) -> int:
    return WAF_MANAGED_RULE_GROUPS + WAF_RATE_RULES + (1 if values["enable_bot_control"] else 0)


def nat_gateways(values: Mapping[str, Any]) -> Decimal:
    if not values["enable_nat_gateway"]:
        return ZERO
    return Decimal(1) if values["single_nat_gateway"] else values["az_count"]


def estimate(environment: Environment, usage: Mapping[str, Any], prices: PriceBook) -> Estimate:
    v, u, p = environment.values, dict(usage), prices
    hours, azs = p.hours, v["az_count"]
    free_tier = bool(u["apply_free_tier"])

    def billable(quantity: Decimal, allowance: str) -> Decimal:
        return max(ZERO, quantity - p.free_tier[allowance]) if free_tier else quantity

    edge = v["enable_edge"]
    waf = edge and v["enable_waf"]
    services: list[Service] = []

    def add(key: str, name: str, lines: Iterable[Line], note: str = "") -> None:
        services.append(Service(key, name, list(lines), note))

    # Elastic Load Balancing: hours, and LCUs from bytes or new connections (whichever is more).
    origin_share = (100 - u["cache_hit_percent"]) / 100 if edge else Decimal(1)
    processed_gb_per_hour = (u["data_out_gb"] * origin_share + u["origin_upload_gb"]) / hours
    connections_per_second = (
        u["requests_per_month"]
        * origin_share
        / u["requests_per_origin_connection"]
        / (hours * 3600)
        if u["requests_per_origin_connection"]
        else ZERO
    )
    lcu = max(processed_gb_per_hour, connections_per_second / 25)
    add(
        "alb",
        "Elastic Load Balancing",
        [
            Line("ALB hours", hours, p["alb_hour"]),
            Line("load balancer capacity units", lcu * hours, p["alb_lcu_hour"]),
        ],
    )

    # ECS on Fargate: the tasks that always run, scale-out hours, the scheduled job, migrations.
    arm = v["cpu_architecture"] == "ARM64"
    vcpu_price = p["fargate_arm_vcpu_hour" if arm else "fargate_x86_vcpu_hour"]
    gb_price = p["fargate_arm_gb_hour" if arm else "fargate_x86_gb_hour"]
    vcpu, memory_gb = v["task_cpu"] / 1024, v["task_memory"] / 1024
    fargate: list[Line] = []
    for label, task_hours in (
        ("web tasks", v["min_tasks"] * hours + u["extra_task_hours"]),
        (
            "scheduled job",
            runs_per_month(v["schedule_expression"], hours) * u["scheduled_run_minutes"] / 60,
        ),
        ("migrations", u["deploys_per_month"] * u["migrate_run_minutes"] / 60),
    ):
        if task_hours:
            fargate.append(Line(f"{label}: vCPU", task_hours * vcpu, vcpu_price))
            fargate.append(Line(f"{label}: memory", task_hours * memory_gb, gb_price))
    add("fargate", "Amazon ECS (Fargate)", fargate)

    # VPC endpoints: every interface endpoint in every AZ, every hour. The S3 gateway is free.
    endpoints = interface_services(v)
    add(
        "endpoints",
        "VPC endpoints",
        [
            Line(
                f"{len(endpoints)} interface endpoints × {azs} AZ",
                len(endpoints) * azs * hours,
                p["endpoint_az_hour"],
            ),
            Line("data processed", u["endpoint_data_gb"], p["endpoint_gb"]),
        ],
        note=f"interface: {', '.join(endpoints)}; S3 gateway endpoint free",
    )

    nats = nat_gateways(v)
    add(
        "nat",
        "NAT gateway",
        [
            Line(f"{nats} NAT gateway(s)", nats * hours, p["nat_hour"]),
            Line("data processed", u["nat_data_gb"], p["nat_gb"]),
        ]
        if nats
        else [],
        note="" if nats else "off: AWS APIs go through the VPC endpoints",
    )

    alb_addresses = azs * ALB_ADDRESSES_PER_AZ
    ipv4 = [
        Line(f"ALB: {alb_addresses} (one per AZ)", alb_addresses * hours, p["public_ipv4_hour"])
    ]
    if nats:
        ipv4.append(Line(f"NAT gateway Elastic IP: {nats}", nats * hours, p["public_ipv4_hour"]))
    add("public_ipv4", "Public IPv4 addresses", ipv4, note="bastion and tasks have none")

    storage_price = p["rds_gp3_gb_month_multi_az" if v["db_multi_az"] else "rds_gp3_gb_month"]
    add(
        "rds",
        "Amazon RDS for PostgreSQL",
        [
            Line(
                f"{v['db_instance_class']}{' Multi-AZ' if v['db_multi_az'] else ''}",
                hours,
                p.rds_instance(v["db_instance_class"], v["db_multi_az"]),
            ),
            Line("gp3 storage", v["db_allocated_storage"], storage_price),
            Line(
                "backups beyond the free allowance",
                u["backup_extra_gb"],
                p["rds_backup_gb_month"],
            ),
        ],
        note=f"{v['db_backup_retention_days']} days of backups; Performance Insights: 7 days, free",
    )

    add("amplify", "AWS Amplify", [], note="not used: Django renders the pages (docs/adr/0001)")

    add(
        "cognito",
        "Amazon Cognito",
        [
            Line(
                "monthly active users (Essentials)",
                billable(u["monthly_active_users"], "cognito_mau"),
                p["cognito_essentials_mau"],
            )
        ],
    )

    add("ecr", "Amazon ECR", [Line("image storage", u["ecr_storage_gb"], p["ecr_gb_month"])])

    # CloudWatch: log ingestion and storage, alarms (incl. autoscaling's), dashboard, metrics.
    insights = v["enable_container_insights"]
    ingest = (
        u["app_log_gb"]
        + u["rds_log_gb"]
        + u["lambda_log_gb"]
        + u["flow_log_gb"]
        + (u["waf_log_gb"] if waf else ZERO)
        + (u["container_insights_log_gb"] if insights else ZERO)
    )
    stored = ingest * v["log_retention_days"] / 30 * u["log_compression_ratio"]
    alarm_metrics = Decimal(ALARM_METRICS + AUTOSCALING_ALARMS)
    cloudwatch = [
        Line("logs ingested", billable(ingest, "cw_logs_gb"), p["cw_logs_ingest_gb"]),
        Line(
            f"logs stored ({v['log_retention_days']} days, compressed)",
            stored,
            p["cw_logs_storage_gb_month"],
        ),
        Line(
            "alarm metrics", billable(alarm_metrics, "cw_alarm_metrics"), p["cw_alarm_metric_month"]
        ),
        Line("dashboard", billable(Decimal(DASHBOARDS), "cw_dashboards"), p["cw_dashboard_month"]),
    ]
    # Custom metrics: the app's own (EMF log lines) and Container Insights'.
    app_metrics = u["app_metrics"] if v["enable_app_metrics"] else ZERO
    insights_metrics = u["container_insights_metrics"] if insights else ZERO
    if app_metrics or insights_metrics:
        cloudwatch.append(
            Line(
                f"custom metrics: {app_metrics} app, {insights_metrics} Container Insights",
                billable(app_metrics + insights_metrics, "cw_metrics"),
                p["cw_metric_month"],
            )
        )
    add("cloudwatch", "Amazon CloudWatch", cloudwatch)

    add(
        "cloudfront",
        "Amazon CloudFront",
        [
            Line(
                "data to viewers",
                billable(u["data_out_gb"], "cloudfront_gb_out"),
                p["cloudfront_gb_out"],
            ),
            Line(
                "HTTPS requests",
                billable(u["requests_per_month"], "cloudfront_requests"),
                p["cloudfront_https_10k"],
            ),
            Line("data to the origin", u["origin_upload_gb"], p["cloudfront_origin_gb"]),
        ]
        if edge
        else [],
        note="" if edge else "off: enable_edge = false",
    )

    rules = waf_rules(v)
    waf_lines = (
        [
            Line("web ACL", Decimal(1), p["waf_web_acl_month"]),
            Line(f"{rules} rules", Decimal(rules), p["waf_rule_month"]),
            Line("requests inspected", u["requests_per_month"], p["waf_million_requests"]),
        ]
        if waf
        else []
    )
    if waf and v["enable_bot_control"]:
        waf_lines += [
            Line("Bot Control subscription", Decimal(1), p["waf_bot_control_month"]),
            Line(
                "Bot Control requests beyond 10 million",
                max(ZERO, u["requests_per_month"] - 10_000_000),
                p["waf_bot_control_million"],
            ),
        ]
    add("waf", "AWS WAF", waf_lines, note="" if waf else "off")

    add(
        "secrets",
        "AWS Secrets Manager",
        [
            Line(
                f"{SECRETS} secrets (app, RDS-managed)", Decimal(SECRETS), p["secrets_secret_month"]
            ),
            Line("API calls", u["secrets_api_calls"], p["secrets_10k_calls"]),
        ],
    )

    bastion = v["enable_bastion"]
    add(
        "bastion",
        "Amazon EC2 (bastion)",
        [
            Line(
                v["bastion_instance_type"],
                u["bastion_hours"],
                p.ec2_instance(v["bastion_instance_type"]),
            ),
            Line(
                f"gp3 root volume {BASTION_VOLUME_GB} GB",
                Decimal(BASTION_VOLUME_GB),
                p["ebs_gp3_gb_month"],
            ),
        ]
        if bastion
        else [],
        note="" if bastion else "off",
    )

    add(
        "kms",
        "AWS KMS",
        [
            Line(f"{KMS_KEYS} customer managed keys", Decimal(KMS_KEYS), p["kms_key_month"]),
            Line("requests", billable(u["kms_requests"], "kms_requests"), p["kms_10k_requests"]),
        ],
        note="app, database, image repository",
    )

    add(
        "s3",
        "Amazon S3",
        [
            Line("storage", u["s3_storage_gb"], p["s3_standard_gb_month"]),
            Line("PUT requests", u["s3_put_requests"], p["s3_put_1k"]),
            Line("GET requests", u["s3_get_requests"], p["s3_get_1k"]),
        ],
    )

    gb_seconds = u["signups_per_month"] * u["lambda_duration_ms"] / 1000 * LAMBDA_MEMORY_MB / 1024
    add(
        "lambda",
        "AWS Lambda",
        [
            Line(
                "requests",
                billable(u["signups_per_month"], "lambda_requests"),
                p["lambda_million_requests"],
            ),
            Line("compute", billable(gb_seconds, "lambda_gb_seconds"), p["lambda_gb_second"]),
        ],
        note="the PostConfirmation trigger",
    )

    budgets = ZERO
    if v["enable_budget"]:
        budgets = Decimal(1)
        if free_tier and u["budgets_in_account"] <= p.free_tier["budgets"]:
            budgets = ZERO
    add(
        "budgets",
        "AWS Budgets",
        [Line("budget-days", budgets * hours / 24, p["budgets_budget_day"])]
        if v["enable_budget"]
        else [],
        note="" if v["enable_budget"] else "off",
    )

    add(
        "data_transfer",
        "Data transfer between AZs",
        [Line(f"{u['inter_az_gb']} GB, billed out and in", u["inter_az_gb"] * 2, p["inter_az_gb"])],
    )
    return Estimate(environment, dict(u), p, services)


# --- Comparison with the proposal -------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    service: str
    row: ProposalRow | None
    status: str  # within, below, above, off, replaced, omitted
    note: str = ""


@dataclass(frozen=True)
class Finding:
    service: str
    message: str


def _money(amount: Decimal) -> str:
    return f"${cents(amount):,.2f}"


def _range(row: ProposalRow) -> str:
    if row.optional:
        return f"$0 or ${row.optional[0]} - ${row.optional[1]}"
    return f"${row.low} - ${row.high}"


def compare(est: Estimate) -> dict[str, Comparison]:
    rows = {row.service: row for row in PROPOSAL_ROWS}
    result: dict[str, Comparison] = {}
    for service in est.services:
        row = rows.get(service.key)
        total = service.total
        if service.key == "amplify":
            result[service.key] = Comparison(service.key, row, "replaced", "ADR 0001")
        elif row is None:
            result[service.key] = Comparison(service.key, None, "omitted", "not in the proposal")
        elif row.optional and not service.lines:
            result[service.key] = Comparison(service.key, row, "off")
        else:
            low, high = row.optional or (row.low, row.high)
            status = "below" if total < low else "above" if total > high else "within"
            result[service.key] = Comparison(service.key, row, status)
    return result


def floor_findings(est: Estimate) -> list[Finding]:
    """Where the proposal's $74 floor does not hold for this configuration."""
    v, p = est.environment.values, est.prices
    hours, azs = p.hours, v["az_count"]
    findings: list[Finding] = []
    rows = {row.service: row for row in PROPOSAL_ROWS}

    ipv4 = est.service("public_ipv4")
    nats = nat_gateways(v)
    findings.append(
        Finding(
            "public_ipv4",
            f"public IPv4 addresses are not in the proposal: {azs * ALB_ADDRESSES_PER_AZ} for the "
            f"ALB (one per AZ), {nats} NAT Elastic IP(s), none for the bastion, × "
            f"{hours:.0f} h × ${p['public_ipv4_hour'].usd} = {_money(ipv4.total)} a month",
        )
    )

    endpoints = interface_services(v)
    hours_cost = cents(len(endpoints) * azs * hours * p["endpoint_az_hour"].usd)
    one_endpoint = 2 * hours * p["endpoint_az_hour"].usd
    row = rows["endpoints"]
    if hours_cost > row.low:
        beyond = f" and its ${row.high} high" if hours_cost > row.high else ""
        findings.append(
            Finding(
                "endpoints",
                f"interface endpoints are billed per endpoint per AZ: {len(endpoints)} endpoints × "
                f"{azs} AZ × {hours:.0f} h × ${p['endpoint_az_hour'].usd} = {_money(hours_cost)} "
                f"before any data, above the proposal's ${row.low} low{beyond} "
                f"(one endpoint in two AZs is already {_money(one_endpoint)})",
            )
        )

    waf = est.service("waf")
    waf_on = rows["waf"].optional or (rows["waf"].low, rows["waf"].high)
    if waf.lines:
        fixed = sum((line.cost for line in waf.lines if line.label != "requests inspected"), ZERO)
        findings.append(
            Finding(
                "waf",
                f"WAF is on: its web ACL and {waf_rules(v)} rules cost "
                f"{_money(fixed)} a month even with no traffic; the proposal's floor counts WAF "
                f"at $0 (its own range when on: ${waf_on[0]} - ${waf_on[1]})",
            )
        )

    findings.append(
        Finding(
            "amplify",
            f"Amplify is not used (server-rendered pages, docs/adr/0001): $0, not the proposal's "
            f"${rows['amplify'].low} - ${rows['amplify'].high}; this lowers the floor",
        )
    )

    for comparison in compare(est).values():
        service = est.service(comparison.service)
        if comparison.status == "omitted" and service.total and comparison.service != "public_ipv4":
            findings.append(
                Finding(
                    comparison.service,
                    f"{service.name} is not in the proposal: {_money(service.total)} a month",
                )
            )
        elif (
            comparison.row
            and comparison.status == "above"
            and service.key not in {"endpoints", "waf"}
        ):
            findings.append(
                Finding(
                    comparison.service,
                    f"{service.name}: {_money(service.total)}, above the proposal's "
                    f"{_range(comparison.row)}",
                )
            )
    return findings


# --- Output -----------------------------------------------------------------------------------


def _quantity(value: Decimal) -> str:
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return text or "0"


def _price(value: Decimal) -> str:
    text = f"{value:f}"
    if "." in text:
        whole, fraction = text.split(".")
        text = f"{whole}.{fraction.rstrip('0').ljust(2, '0')}"
    return f"${text}"


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def render_table(est: Estimate, *, proposal: bool, floor: Estimate | None = None) -> str:
    env, p = est.environment, est.prices
    out: list[str] = []
    title = "the proposal's own choices" if env.name == "proposal" else env.source
    out.append(f"SpendWise: monthly AWS estimate for {title}")
    out.append(
        f"Prices: {p.region} on-demand USD from {_shown(p.path)}"
        f" (transcribed {p.transcribed}), {p.hours:.0f} hours a month."
    )
    region = env.values["aws_region"]
    if region != p.region:
        out.append(
            f"Note: this environment is in {region}; the prices are {p.region}'s (most of these\n"
            "services cost a few percent more elsewhere: check the AWS pages for your region)."
        )
    out.append(
        "Usage: the default profile (docs/cost.md)"
        + (", free tier applied" if est.usage["apply_free_tier"] else ", no free tier")
        + "."
    )
    out.append("")
    comparisons = compare(est) if proposal else {}
    for service in est.services:
        header = f"{service.name:<80}{_money(service.total):>12}"
        if proposal:
            comparison = comparisons[service.key]
            if comparison.row:
                header += f"   proposal {_range(comparison.row)}: {comparison.status}"
            elif comparison.status == "omitted":
                header += "   proposal: not in it"
        out.append(header)
        for line in service.lines:
            per = f" per {line.price.per:,}" if line.price.per != 1 else ""
            priced = f"{_quantity(line.quantity)} {line.price.unit} × {_price(line.price.usd)}{per}"
            out.append(f"    {line.label:<36}{priced:<40}{_money(line.cost):>12}")
        if service.note:
            out.append(f"    ({service.note})")
    out.append("")
    out.append(f"{'TOTAL':<80}{_money(est.total):>12}")
    if proposal:
        listed = sum((s.total for s in est.services if comparisons[s.key].row is not None), ZERO)
        out.append(
            f"{'  rows the proposal lists':<80}{_money(listed):>12}"
            f"   proposal ${PROPOSAL_FLOOR} - ${PROPOSAL_CEILING}"
        )
        out.append(f"{'  rows it leaves out':<80}{_money(est.total - listed):>12}")
        out.append("")
        out.append(f"Where the proposal's ${PROPOSAL_FLOOR} floor does not hold:")
        for finding in floor_findings(est):
            out.append(
                textwrap.fill(finding.message, 100, initial_indent="  - ", subsequent_indent="    ")
            )
        if floor is not None:
            over = floor.total - PROPOSAL_FLOOR
            summary = (
                f"with no traffic at all this configuration costs {_money(floor.total)} a month"
                + (f", {_money(over)} over the ${PROPOSAL_FLOOR} floor." if over > 0 else ".")
            )
            out.append(textwrap.fill(summary, 100, initial_indent="  = ", subsequent_indent="    "))
    return "\n".join(out) + "\n"


def to_json(est: Estimate, *, proposal: bool, floor: Estimate | None = None) -> dict[str, Any]:
    comparisons = compare(est) if proposal else {}
    services = []
    for service in est.services:
        entry: dict[str, Any] = {
            "key": service.key,
            "name": service.name,
            "total": str(service.total),
            "note": service.note,
            "components": [
                {
                    "label": line.label,
                    "quantity": format(line.quantity.normalize(), "f"),
                    "unit": line.price.unit,
                    "unit_price": str(line.price.usd),
                    "per": str(line.price.per),
                    "price_key": line.price.key,
                    "cost": str(line.cost),
                }
                for line in service.lines
            ],
        }
        if proposal:
            comparison = comparisons[service.key]
            entry["proposal"] = {
                "range": _range(comparison.row) if comparison.row else None,
                "low": str(comparison.row.low) if comparison.row else None,
                "high": str(comparison.row.high) if comparison.row else None,
                "status": comparison.status,
            }
        services.append(entry)
    result: dict[str, Any] = {
        "environment": est.environment.name,
        "source": est.environment.source,
        "region": est.environment.values["aws_region"],
        "prices": {
            "region": est.prices.region,
            "file": str(est.prices.path),
            "transcribed": est.prices.transcribed,
            "hours_per_month": str(est.prices.hours),
        },
        "usage": {
            key: value if isinstance(value, bool) else str(value)
            for key, value in est.usage.items()
        },
        "services": services,
        "total": str(est.total),
    }
    if proposal:
        result["proposal"] = {
            "floor": str(PROPOSAL_FLOOR),
            "ceiling": str(PROPOSAL_CEILING),
            "findings": [{"service": f.service, "message": f.message} for f in floor_findings(est)],
            "zero_traffic_total": str(floor.total) if floor else None,
        }
    return result


# --- Command line -----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="spendwise-cost",
        description="Monthly AWS estimate of a SpendWise environment, per service (docs/cost.md).",
    )
    parser.add_argument("tfvars", nargs="?", type=Path, help="e.g. infra/envs/dev/terraform.tfvars")
    parser.add_argument("--usage", type=Path, help="JSON object overriding the usage profile")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument(
        "--compare-proposal", action="store_true", help="the proposal's range beside each service"
    )
    parser.add_argument(
        "--proposal-choices",
        action="store_true",
        help="price the proposal's own assumed configuration instead of a tfvars",
    )
    parser.add_argument("--prices", type=Path, default=PRICE_FILE, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.proposal_choices == (args.tfvars is not None):
        parser.error("give an environment's terraform.tfvars, or --proposal-choices (not both)")
    try:
        prices = load_prices(args.prices)
        environment = (
            proposal_environment() if args.proposal_choices else read_environment(args.tfvars)
        )
        usage = read_usage(args.usage)
        result = estimate(environment, usage, prices)
        proposal = args.compare_proposal or args.proposal_choices
        floor = estimate(environment, zero_traffic(usage), prices) if proposal else None
    except CostError as exc:
        print(f"spendwise-cost: error: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        sys.stdout.write(json.dumps(to_json(result, proposal=proposal, floor=floor), indent=2))
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_table(result, proposal=proposal, floor=floor))
    return 0


if __name__ == "__main__":
    sys.exit(main())
