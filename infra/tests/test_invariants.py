"""Architecture invariants on infra/'s parsed HCL (python-hcl2; see infra/tests/hcl.py).

Each invariant is a checker ``Config -> list of violations`` (a violation names the file and
the resource), asserted empty on infra/ together with "the parse found something to check", and
fed a small broken snippet in ``test_it_flags_*`` so that it cannot pass vacuously.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest

from infra.tests.hcl import Block, Config, decided_by_validation, parse_snippet, parse_tree
from infra.tests.terraform import AWS_PROVIDER_CONSTRAINT, AWS_PROVIDER_SOURCE, INFRA

OPEN_CIDRS = ("0.0.0.0/0", "::/0")
# Egress to the whole internet is allowed only on tcp 443 and only here: (directory, address) ->
# why. Everything else leaves through VPC endpoints, or stays inside the VPC.
INTERNET_EGRESS_ALLOWED: dict[tuple[str, str], str] = {
    ("modules/ecs_service", "aws_vpc_security_group_egress_rule.https_internet"): (
        "only with allow_internet_egress, which needs a NAT gateway: the app's calls to AWS "
        "APIs that have no VPC endpoint in this design go out through NAT"
    ),
    ("modules/bastion", "aws_vpc_security_group_egress_rule.https_internet"): (
        "only with a NAT gateway and the bastion on: Session Manager's endpoints are reached "
        "through NAT instead of the SSM interface endpoints"
    ),
}
# CloudWatch Logs' allowed retention values (days); 0 would mean "never expire".
LOG_RETENTION_DAYS = {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827}
LOG_RETENTION_DAYS |= {2192, 2557, 2922, 3288, 3653}
SG_RULE_TYPES = (
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_security_group_rule",
)
# Resource types that are not the AWS provider's but need no provider either.
BUILTIN_TYPES = ("terraform_data",)
ENV_ROOTS = re.compile(r"^envs/[^/]+$")

Checker = Callable[[Config], list[str]]


@cache
def infra() -> Config:
    return parse_tree(INFRA)


def _is_expression(value: Any) -> bool:
    return isinstance(value, str) and "${" in value


def _var_reference(value: Any) -> str | None:
    match = re.fullmatch(r"\$\{var\.([A-Za-z_][\w-]*)\}", value) if isinstance(value, str) else None
    return match.group(1) if match else None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


# --- RDS --------------------------------------------------------------------------------------


def _pinned_bool(config: Config, block: Block, argument: str, required: bool) -> str | None:
    """Why ``argument`` is not certainly ``required``, or None when it is."""
    if argument not in block.body:
        return f"{argument} is not set (must be {str(required).lower()})"
    value = block.body[argument]
    if value is required:
        return None
    name = _var_reference(value)
    if name is not None:
        variable = config.variable(block.directory, name)
        if variable is not None and decided_by_validation(variable, not required):
            return None
        return (
            f"{argument} = var.{name}, and no validation of var.{name} refuses "
            f"{str(not required).lower()}"
        )
    return (
        f"{argument} = {value!r} (must be {str(required).lower()}, or a variable that cannot "
        "be anything else)"
    )


def check_rds(config: Config) -> list[str]:
    problems = []
    for db in config.resources("aws_db_instance"):
        for argument, required in (("publicly_accessible", False), ("storage_encrypted", True)):
            problem = _pinned_bool(config, db, argument, required)
            if problem:
                problems.append(f"{db.where}: {problem}")
    return problems


# --- security groups --------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One security-group rule, whichever way it is written (resource or inline block)."""

    direction: str  # ingress | egress
    directory: str
    address: str  # the resource's; "+ inline ingress" for inline blocks
    where: str
    cidrs: str  # the CIDR arguments' text, resolved through variables, locals and module calls
    from_port: Any
    to_port: Any
    protocol: Any
    description: Any

    @property
    def is_open(self) -> bool:
        return any(cidr in self.cidrs for cidr in OPEN_CIDRS)

    @property
    def is_https_only(self) -> bool:
        return (
            str(self.from_port) == "443"
            and str(self.to_port) == "443"
            and str(self.protocol).lower() in {"tcp", "6"}
        )


def security_group_rules(config: Config) -> list[Rule]:
    rules: list[Rule] = []
    for block in config.resources(*SG_RULE_TYPES):
        body = block.body
        cidr_args: tuple[str, ...]
        if block.type == "aws_security_group_rule":
            direction, protocol = str(body.get("type")), "protocol"
            cidr_args = ("cidr_blocks", "ipv6_cidr_blocks")
        else:
            direction = "ingress" if block.type.endswith("ingress_rule") else "egress"
            cidr_args, protocol = ("cidr_ipv4", "cidr_ipv6"), "ip_protocol"
        cidrs = [body.get(argument) for argument in cidr_args]
        rules.append(
            Rule(
                direction=direction,
                directory=block.directory,
                address=block.address,
                where=block.where,
                cidrs=config.resolve_text(cidrs, block.directory, block),
                from_port=body.get("from_port"),
                to_port=body.get("to_port"),
                protocol=body.get(protocol),
                description=body.get("description"),
            )
        )
    for group in config.resources("aws_security_group", "aws_default_security_group"):
        for direction in ("ingress", "egress"):
            for inline in group.blocks(direction):
                cidrs = [inline.get("cidr_blocks"), inline.get("ipv6_cidr_blocks")]
                cidrs.append(inline.get("__for_each__"))  # dynamic blocks: what they iterate
                rules.append(
                    Rule(
                        direction=direction,
                        directory=group.directory,
                        address=f"{group.address} (inline {direction})",
                        where=f"{group.where} (inline {direction})",
                        cidrs=config.resolve_text(cidrs, group.directory, group),
                        from_port=inline.get("from_port"),
                        to_port=inline.get("to_port"),
                        protocol=inline.get("protocol"),
                        description=inline.get("description"),
                    )
                )
    return rules


def check_open_ingress(config: Config) -> list[str]:
    return [
        f"{rule.where}: ingress from {' or '.join(c for c in OPEN_CIDRS if c in rule.cidrs)}"
        for rule in security_group_rules(config)
        if rule.direction == "ingress" and rule.is_open
    ]


def check_internet_egress(
    config: Config, allowed: dict[tuple[str, str], str] = INTERNET_EGRESS_ALLOWED
) -> list[str]:
    problems = []
    open_rules = [r for r in security_group_rules(config) if r.direction == "egress" and r.is_open]
    for rule in open_rules:
        if not rule.is_https_only:
            problems.append(
                f"{rule.where}: egress to the internet on ports {rule.from_port}-{rule.to_port} "
                f"protocol {rule.protocol} (only tcp 443 may leave the VPC)"
            )
        if (rule.directory, rule.address) not in allowed:
            problems.append(
                f"{rule.where}: egress to the internet, not in INTERNET_EGRESS_ALLOWED in "
                "infra/tests/test_invariants.py (add it there with the reason, if the design "
                "needs it)"
            )
    present = {(rule.directory, rule.address) for rule in open_rules}
    problems += [
        f"INTERNET_EGRESS_ALLOWED lists {directory}: {address}, which has no such rule any more"
        for directory, address in allowed
        if (directory, address) not in present
    ]
    return problems


def check_security_group_descriptions(config: Config) -> list[str]:
    problems = [
        f"{group.where}: no description"
        for group in config.resources("aws_security_group")
        if not _text(group.body.get("description"))
    ]
    problems += [
        f"{rule.where}: no description"
        for rule in security_group_rules(config)
        if not _text(rule.description)
    ]
    return problems


# --- tags, S3, logs -------------------------------------------------------------------------


def check_tags(config: Config, taggable: set[str]) -> list[str]:
    return [
        f"{resource.where}: no `tags` argument (write `tags = var.tags`, even where the "
        "provider's default_tags would cover it)"
        for resource in config.resources()
        if resource.type in taggable and "tags" not in resource.body
    ]


def check_s3_buckets(config: Config) -> list[str]:
    problems = []
    for bucket in config.resources("aws_s3_bucket"):
        reference = re.compile(rf"\baws_s3_bucket\.{re.escape(bucket.name)}\.(id|bucket)\b")
        for companion in (
            "aws_s3_bucket_server_side_encryption_configuration",
            "aws_s3_bucket_public_access_block",
        ):
            if not any(
                other.directory == bucket.directory
                and reference.search(str(other.body.get("bucket", "")))
                for other in config.resources(companion)
            ):
                problems.append(
                    f"{bucket.where}: no {companion} in {bucket.directory} whose bucket is "
                    f"aws_s3_bucket.{bucket.name}.id"
                )
    return problems


def check_log_retention(config: Config) -> list[str]:
    problems = []
    for group in config.resources("aws_cloudwatch_log_group"):
        days = group.body.get("retention_in_days")
        if days is None:
            problems.append(f"{group.where}: retention_in_days is not set (logs kept forever)")
        elif not _is_expression(days) and days not in LOG_RETENTION_DAYS:
            problems.append(
                f"{group.where}: retention_in_days = {days!r} is not one of CloudWatch's values"
            )
        elif (name := _var_reference(days)) is not None:
            variable = config.variable(group.directory, name)
            if variable is None or not variable.blocks("validation"):
                problems.append(
                    f"{group.where}: retention_in_days = var.{name}, which has no validation"
                )
    return problems


# --- variables, outputs, providers ------------------------------------------------------------


def check_descriptions(config: Config) -> list[str]:
    return [
        f"{block.where}: no description"
        for block in config.of("variable") + config.of("output")
        if not _text(block.body.get("description"))
    ]


def check_provider_pins(config: Config) -> list[str]:
    problems = []
    files = {block.file for block in config.blocks}
    for directory in config.directories:
        if f"infra/{directory}/versions.tf" not in files:
            problems.append(f"infra/{directory}: no versions.tf pinning the AWS provider")
    for terraform in config.of("terraform"):
        providers: dict[str, Any] = {}
        for required in _blocks(terraform.body.get("required_providers")):
            providers.update({k: v for k, v in required.items() if not k.startswith("__")})
        for name, spec in providers.items():
            source = spec.get("source") if isinstance(spec, dict) else None
            if source != AWS_PROVIDER_SOURCE:
                problems.append(
                    f"{terraform.file}: provider {name!r} from {source!r}; only "
                    f"{AWS_PROVIDER_SOURCE} is allowed"
                )
        if terraform.file.endswith("/versions.tf"):
            aws = providers.get("aws")
            version = aws.get("version") if isinstance(aws, dict) else None
            if version != AWS_PROVIDER_CONSTRAINT:
                problems.append(
                    f"{terraform.file}: hashicorp/aws pinned {version!r}, not "
                    f"{AWS_PROVIDER_CONSTRAINT!r}"
                )
            if not _text(terraform.body.get("required_version")):
                problems.append(f"{terraform.file}: no required_version")
    for provider in config.of("provider"):
        if provider.name != "aws":
            problems.append(f"{provider.where}: a provider other than aws")
    for block in config.of("resource") + config.of("data"):
        if not block.type.startswith("aws_") and block.type not in BUILTIN_TYPES:
            problems.append(f"{block.where}: {block.type} needs a provider other than aws")
    return problems


def _blocks(value: Any) -> list[dict[str, Any]]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, dict)]


def check_default_tags(config: Config) -> list[str]:
    problems = []
    for directory in (d for d in config.directories if ENV_ROOTS.match(d)):
        providers = [p for p in config.of("provider") if p.directory == directory]
        if not any(p.name == "aws" for p in providers):
            problems.append(f'infra/{directory}: no provider "aws" block')
        for provider in providers:
            if not any("tags" in tags for tags in provider.blocks("default_tags")):
                alias = provider.body.get("alias")
                problems.append(
                    f"{provider.where}{f' (alias {alias})' if alias else ''}: no default_tags"
                )
    return problems


# --- the invariants on infra/ ---------------------------------------------------------------


def _assert_none(problems: list[str], invariant: str) -> None:
    if problems:
        pytest.fail(f"{invariant}:\n  " + "\n  ".join(problems), pytrace=False)


def _assert_found(blocks: list[Block] | list[Rule], what: str) -> None:
    assert blocks, f"the parse found no {what} under infra/: nothing was checked"


def test_it_parses_every_terraform_file() -> None:
    config = infra()
    assert not config.errors, "python-hcl2 could not parse:\n" + "\n".join(
        f"{error.file}: {error.message}" for error in config.errors
    )
    _assert_found(config.resources(), "resources")


def test_it_keeps_every_database_private_and_encrypted() -> None:
    _assert_found(infra().resources("aws_db_instance"), "aws_db_instance")
    _assert_none(check_rds(infra()), "RDS must be private and encrypted")


def test_it_opens_no_ingress_to_the_internet() -> None:
    _assert_found(
        [r for r in security_group_rules(infra()) if r.direction == "ingress"], "ingress rules"
    )
    _assert_none(check_open_ingress(infra()), "no ingress from 0.0.0.0/0 or ::/0")


def test_it_allows_internet_egress_only_on_443_where_the_design_says() -> None:
    _assert_found(
        [r for r in security_group_rules(infra()) if r.direction == "egress"], "egress rules"
    )
    _assert_none(check_internet_egress(infra()), "internet egress only tcp 443, allowlisted")


def test_it_describes_every_security_group_and_rule() -> None:
    _assert_found(infra().resources("aws_security_group"), "aws_security_group")
    _assert_none(check_security_group_descriptions(infra()), "security groups need descriptions")


def test_it_tags_every_taggable_resource(aws_resource_schemas: dict[str, dict[str, Any]]) -> None:
    taggable = taggable_types(aws_resource_schemas)
    assert {"aws_s3_bucket", "aws_db_instance"} <= taggable, "the schema lost `tags`?"
    assert "aws_s3_bucket_public_access_block" not in taggable
    _assert_found([r for r in infra().resources() if r.type in taggable], "taggable resources")
    _assert_none(check_tags(infra(), taggable), "every taggable resource has `tags`")


def test_it_encrypts_and_blocks_public_access_on_every_bucket() -> None:
    _assert_found(infra().resources("aws_s3_bucket"), "aws_s3_bucket")
    _assert_none(check_s3_buckets(infra()), "S3 buckets need SSE and a public access block")


def test_it_sets_retention_on_every_log_group() -> None:
    _assert_found(infra().resources("aws_cloudwatch_log_group"), "aws_cloudwatch_log_group")
    _assert_none(check_log_retention(infra()), "log groups need retention_in_days")


def test_it_describes_every_variable_and_output() -> None:
    _assert_found(infra().of("variable"), "variables")
    _assert_found(infra().of("output"), "outputs")
    _assert_none(check_descriptions(infra()), "variables and outputs need a description")


def test_it_pins_only_the_aws_provider() -> None:
    _assert_found(infra().of("terraform"), "terraform blocks")
    _assert_none(
        check_provider_pins(infra()), f"only {AWS_PROVIDER_SOURCE} {AWS_PROVIDER_CONSTRAINT}"
    )


def test_it_sets_default_tags_in_every_env_root() -> None:
    _assert_found(
        [p for p in infra().of("provider") if ENV_ROOTS.match(p.directory)], "env providers"
    )
    _assert_none(check_default_tags(infra()), "env roots' aws providers need default_tags")


def taggable_types(schemas: dict[str, dict[str, Any]]) -> set[str]:
    """Resource types whose schema has a `tags` attribute."""
    return {
        name
        for name, schema in schemas.items()
        if "tags" in schema.get("block", {}).get("attributes", {})
    }


# --- self-checks: each checker flags a small broken example ----------------------------------

_CALLED_MODULE = """
variable "cidr" {
  description = "x"
  type        = string
}
resource "aws_vpc_security_group_ingress_rule" "app" {
  security_group_id = "sg-1"
  cidr_ipv4         = var.cidr
  description       = "x"
}
"""
_CALLER = """
module "example" {
  source = "../../modules/example"
  cidr   = local.anywhere
}
locals {
  anywhere = "0.0.0.0/0"
}
"""
_RULE = """
resource "aws_vpc_security_group_egress_rule" "out" {{
  security_group_id = "sg-1"
  cidr_ipv4         = "{cidr}"
  from_port         = {port}
  to_port           = {port}
  ip_protocol       = "tcp"
  description       = "x"
}}
"""
_BUCKET = """
resource "aws_s3_bucket" "files" {
  bucket = "x"
}
"""
_BUCKET_COMPANIONS = """
resource "aws_s3_bucket_server_side_encryption_configuration" "files" {
  bucket = aws_s3_bucket.files.id
}
resource "aws_s3_bucket_public_access_block" "files" {
  bucket = aws_s3_bucket.id
}
"""


def _config(*parts: tuple[str, str]) -> Config:
    """A Config of several (directory, HCL) snippets."""
    return Config(
        blocks=[b for directory, text in parts for b in parse_snippet(text, directory).blocks]
    )


def _one(text: str, directory: str = "modules/example") -> Config:
    return parse_snippet(text, directory)


@pytest.mark.parametrize(
    ("checker", "config", "expected"),
    [
        pytest.param(
            check_rds,
            _one(
                'resource "aws_db_instance" "db" {\n publicly_accessible = true\n'
                " storage_encrypted = true\n}"
            ),
            ["aws_db_instance.db: publicly_accessible = True"],
            id="public-rds",
        ),
        pytest.param(
            check_rds,
            _one(
                'variable "public" {\n description = "x"\n default = false\n}\n'
                'resource "aws_db_instance" "db" {\n publicly_accessible = var.public\n}'
            ),
            [
                "publicly_accessible = var.public, and no validation of var.public refuses true",
                "storage_encrypted is not set",
            ],
            id="rds-variable-without-validation",
        ),
        pytest.param(
            check_open_ingress,
            _config(("modules/example", _CALLED_MODULE), ("envs/dev", _CALLER)),
            ["aws_vpc_security_group_ingress_rule.app: ingress from 0.0.0.0/0"],
            id="ingress-open-through-a-module-call",
        ),
        pytest.param(
            check_open_ingress,
            _one(
                'resource "aws_security_group" "sg" {\n description = "x"\n'
                ' dynamic "ingress" {\n  for_each = ["::/0"]\n'
                "  content {\n   cidr_blocks = [ingress.value]\n  }\n }\n}\n"
                'resource "aws_security_group_rule" "r" {\n type = "ingress"\n'
                ' cidr_blocks = ["0.0.0.0/0"]\n description = "x"\n}'
            ),
            [
                "aws_security_group.sg (inline ingress): ingress from ::/0",
                "aws_security_group_rule.r",
            ],
            id="ingress-open-inline-and-legacy-rule",
        ),
        pytest.param(
            check_internet_egress,
            _one(_RULE.format(cidr="0.0.0.0/0", port=80)),
            ["ports 80-80", "not in INTERNET_EGRESS_ALLOWED"],
            id="egress-to-the-internet",
        ),
        pytest.param(
            check_security_group_descriptions,
            _one(
                'resource "aws_security_group" "sg" {\n name = "x"\n'
                " egress {\n  from_port = 443\n }\n}"
            ),
            ["aws_security_group.sg: no description", "aws_security_group.sg (inline egress)"],
            id="security-group-without-description",
        ),
        pytest.param(
            lambda config: check_tags(config, {"aws_s3_bucket"}),
            _one(_BUCKET),
            ["aws_s3_bucket.files: no `tags` argument"],
            id="untagged-resource",
        ),
        pytest.param(
            check_s3_buckets,
            _one(_BUCKET + _BUCKET_COMPANIONS),
            ["no aws_s3_bucket_public_access_block in modules/example"],
            id="bucket-without-public-access-block",
        ),
        pytest.param(
            check_log_retention,
            _one(
                'resource "aws_cloudwatch_log_group" "a" {\n name = "a"\n}\n'
                'resource "aws_cloudwatch_log_group" "b" {\n retention_in_days = 0\n}\n'
                'variable "days" {\n description = "x"\n}\n'
                'resource "aws_cloudwatch_log_group" "c" {\n retention_in_days = var.days\n}'
            ),
            [
                "log_group.a: retention_in_days is not set",
                "= 0 is not one",
                "var.days, which has no",
            ],
            id="log-group-without-retention",
        ),
        pytest.param(
            check_descriptions,
            _one(
                'variable "v" {\n type = string\n}\noutput "o" {\n value = 1\n description = ""\n}'
            ),
            ["variable.v: no description", "output.o: no description"],
            id="variable-and-output-without-description",
        ),
        pytest.param(
            check_provider_pins,
            _config(
                (
                    "modules/example",
                    "terraform {\n required_providers {\n"
                    '  aws = {\n   source = "hashicorp/aws"\n   version = ">= 5.0"\n  }\n'
                    '  random = {\n   source = "hashicorp/random"\n  }\n }\n}\n'
                    'resource "random_password" "p" {\n length = 20\n}',
                ),
            ),
            ["no versions.tf", "provider 'random'", "random_password.p: random_password needs"],
            id="provider-other-than-aws",
        ),
        pytest.param(
            check_default_tags,
            _one('provider "aws" {\n region = "eu-west-1"\n}', "envs/dev"),
            ["provider.aws: no default_tags"],
            id="env-provider-without-default-tags",
        ),
    ],
)
def test_it_flags_a_broken_example(checker: Checker, config: Config, expected: list[str]) -> None:
    problems = "\n".join(checker(config))
    for fragment in expected:
        assert fragment in problems, f"expected {fragment!r} among:\n{problems or '(none)'}"


def test_it_accepts_the_good_examples() -> None:
    private_by_validation = _one(
        'variable "public" {\n description = "x"\n type = bool\n default = false\n'
        ' validation {\n  condition = !var.public\n  error_message = "never public"\n }\n}\n'
        'resource "aws_db_instance" "db" {\n publicly_accessible = var.public\n'
        " storage_encrypted = true\n}"
    )
    assert check_rds(private_by_validation) == []
    allowed = {("modules/example", "aws_vpc_security_group_egress_rule.out"): "AWS APIs via NAT"}
    https_out = _one(_RULE.format(cidr="0.0.0.0/0", port=443))
    assert check_internet_egress(https_out, allowed) == []
    vpc_only = _one(_RULE.format(cidr="10.20.0.0/16", port=5432))
    assert check_internet_egress(vpc_only, allowed) == [
        "INTERNET_EGRESS_ALLOWED lists modules/example: aws_vpc_security_group_egress_rule.out, "
        "which has no such rule any more"
    ]
    both = _BUCKET_COMPANIONS.replace("aws_s3_bucket.id", "aws_s3_bucket.files.id")
    assert check_s3_buckets(_one(_BUCKET + both)) == []


@pytest.mark.parametrize(
    ("condition", "refuses_true"),
    [
        ("${!var.x}", True),
        ("${var.x == false}", True),
        ("${var.x != true}", True),
        ("${!(var.x && true)}", True),
        ("${var.x || !var.x}", False),
        ("${contains([false], var.x)}", False),  # not decided: counts as not refusing
        ("${var.x}", False),
    ],
)
def test_it_decides_simple_boolean_validations(condition: str, refuses_true: bool) -> None:
    variable = _one(
        f'variable "x" {{\n description = "x"\n validation {{\n  condition = {condition[2:-1]}\n'
        '  error_message = "no"\n }\n}'
    ).of("variable")[0]
    assert decided_by_validation(variable, True) is refuses_true
