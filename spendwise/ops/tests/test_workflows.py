""".github/workflows: the delivery pipeline's contract, read from the YAML (docs/delivery.md).

actionlint (``make lint``) checks syntax, expressions and the shell in ``run:`` blocks; these
tests check what actionlint cannot know: every action pinned to a commit, least privilege, the
OIDC jobs in their GitHub environments (the roles trust only those subjects), and that the
commands the workflows run exist. scripts/running-image-tag runs with stand-ins for terraform
and the AWS CLI.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
WORKFLOWS = ROOT / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))
# `uses: owner/repo@<40 hex> # v1.2.3`
PINNED = re.compile(
    r"^\s*-?\s*uses:\s*[\w.-]+/[\w.-]+(?:/[\w./-]+)?@[0-9a-f]{40} # v\d+\.\d+\.\d+\s*$"
)


def load(path: Path) -> dict[str, Any]:
    # PyYAML reads the key `on` as True (YAML 1.1).
    document: dict[Any, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in document:
        document["on"] = document.pop(True)
    return document


def jobs() -> list[tuple[str, str, dict[str, Any]]]:
    return [(path.name, name, job) for path in FILES for name, job in load(path)["jobs"].items()]


def steps_of(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job.get("steps", []))


def test_it_has_the_three_workflows_and_their_reusable_parts():
    assert {path.name for path in FILES} == {
        "ci.yml",
        "deploy.yml",
        "deploy-environment.yml",
        "infra.yml",
        "infra-apply.yml",
    }


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_it_pins_every_action_to_a_commit_with_its_version(path):
    for line in path.read_text(encoding="utf-8").splitlines():
        if re.match(r"^\s*-?\s*uses:", line) and "uses: ./" not in line:
            assert PINNED.match(line), f"{path.name}: not pinned to a full SHA + version: {line}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_it_grants_only_contents_read_by_default(path):
    assert load(path)["permissions"] == {"contents": "read"}


def test_only_jobs_that_assume_a_role_get_an_oidc_token():
    for file, name, job in jobs():
        permissions = job.get("permissions", {})
        assert permissions != "write-all", f"{file}:{name}"
        assumes = any(
            str(step.get("uses", "")).startswith("aws-actions/configure-aws-credentials@")
            for step in steps_of(job)
        )
        calls_one = str(job.get("uses", "")).startswith("./.github/workflows/")
        if permissions.get("id-token") == "write":
            assert assumes or calls_one, f"{file}:{name} asks for an OIDC token it never uses"
        if assumes:
            assert permissions.get("id-token") == "write", f"{file}:{name}"


def test_jobs_that_deploy_or_apply_run_in_their_github_environment():
    # The deploy role trusts only repo:<repo>:environment:<env>, the administrator apply role
    # only environment:<env>-infra (infra/modules/stack passes terraform_apply_environment), so
    # a deploy job, which runs the release's code, cannot assume the apply role.
    expected = {
        "deploy-environment.yml": "${{ inputs.environment }}",
        "infra-apply.yml": "${{ inputs.environment }}-infra",
    }
    for file, wanted in expected.items():
        (job,) = load(WORKFLOWS / file)["jobs"].values()
        environment = job["environment"]
        name = environment["name"] if isinstance(environment, dict) else environment
        assert name == wanted, file
        assert job["concurrency"]["cancel-in-progress"] is False, file
    stack = (ROOT / "infra/modules/stack/main.tf").read_text()
    assert 'terraform_apply_environment = "${var.environment}-infra"' in stack


def test_pull_request_plans_assume_the_plan_role_without_an_environment():
    # The plan role trusts repo:<repo>:pull_request: a job with an environment presents
    # another subject.
    plan = load(WORKFLOWS / "infra.yml")["jobs"]["plan"]
    assert "environment" not in plan
    assert "pull_request" in plan["if"] and "head.repo.full_name == github.repository" in plan["if"]
    assert plan["permissions"] == {
        "contents": "read",
        "id-token": "write",
        "pull-requests": "write",
    }


def test_deploy_runs_after_ci_on_main_and_prod_after_dev():
    deploy = load(WORKFLOWS / "deploy.yml")
    assert deploy["on"]["workflow_run"] == {
        "workflows": ["ci"],
        "types": ["completed"],
        "branches": ["main"],
    }
    assert deploy["on"]["workflow_dispatch"]["inputs"]["environment"]["options"] == ["dev", "prod"]
    build = deploy["jobs"]["build"]
    assert "conclusion == 'success'" in build["if"] and "event == 'push'" in build["if"]
    assert deploy["jobs"]["prod"]["needs"] == ["build", "dev"]
    assert deploy["jobs"]["prod"]["with"]["environment"] == "prod"


def test_deploy_calls_the_deploy_script_with_every_input():
    (job,) = load(WORKFLOWS / "deploy-environment.yml")["jobs"].values()
    (deploy_step,) = [s for s in steps_of(job) if s.get("name") == "Deploy"]
    for option in ("--cluster", "--service", "--image", "--smoke-url", "--smoke-secret"):
        assert option in deploy_step["run"], option
    assert "python -m spendwise.ops.deploy" in deploy_step["run"]
    # The variables the first step checks are the ones the job reads.
    check = steps_of(job)[0]["run"]
    for name in re.findall(r"vars\.([A-Z_]+)", yaml.safe_dump(job)):
        assert name in check, f"{name} is read but not checked"


def test_ci_runs_lint_and_the_suite_with_ci_true_and_terraform_1_11():
    ci = load(WORKFLOWS / "ci.yml")
    assert ci["env"]["TERRAFORM_VERSION"].startswith("1.11.")
    runs = {
        step.get("run", "").strip(): step for _, job in ci["jobs"].items() for step in steps_of(job)
    }
    assert runs["make lint"]["env"]["CI"] == "true"
    assert runs["make test"]["env"]["CI"] == "true"
    test_steps = steps_of(ci["jobs"]["test"])
    (terraform,) = [s for s in test_steps if "setup-terraform" in str(s.get("uses"))]
    assert terraform["with"]["terraform_wrapper"] is False
    (mirror,) = [s for s in test_steps if "providers mirror" in s.get("run", "")]
    assert "TF_PROVIDER_MIRROR=" in mirror["run"]
    copied = re.search(r"cp (infra/\S+/versions\.tf)", mirror["run"])
    assert copied and (ROOT / copied.group(1)).is_file()


def test_every_script_and_make_target_the_workflows_run_exists():
    text = "\n".join(path.read_text(encoding="utf-8") for path in FILES)
    for script in set(re.findall(r"(?<![\w/])(scripts/[\w.-]+)", text)):
        assert os.access(ROOT / script, os.X_OK), f"{script} is not an executable file"
    targets = set(re.findall(r"^([a-z][a-z0-9-]*):", (ROOT / "Makefile").read_text(), re.M))
    for target in set(re.findall(r"\bmake ([a-z][a-z0-9-]*)", text)):
        assert target in targets, f"make {target}"
    assert (ROOT / "lambdas" / "build.py").is_file()


# --- scripts/running-image-tag ------------------------------------------------------------------


def fake_program(directory: Path, name: str, body: str) -> None:
    path = directory / name
    path.write_text(f"#!/usr/bin/env bash\n{body}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def running_image_tag(tmp_path: Path, terraform: str, aws: str) -> subprocess.CompletedProcess[str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_program(bin_dir, "terraform", terraform)
    fake_program(bin_dir, "aws", aws)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    return subprocess.run(
        [str(ROOT / "scripts" / "running-image-tag"), str(ROOT / "infra" / "envs" / "dev")],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        check=False,
    )


TERRAFORM_OUTPUTS = """case "$*" in
  *"output -raw cluster_name") echo spendwise-dev ;;
  *"output -raw service_name") echo spendwise-dev-web ;;
  *"output -raw container_name") echo app ;;
  *) exit 1 ;;
esac"""


def test_running_image_tag_prints_the_tag_the_service_runs(tmp_path):
    aws = """case "$*" in
  "ecs describe-services --cluster spendwise-dev --services spendwise-dev-web "*) echo arn:aws:ecs:eu-west-1:1:task-definition/spendwise-dev-web:7 ;;
  "ecs describe-task-definition --task-definition arn:aws:ecs:eu-west-1:1:task-definition/spendwise-dev-web:7 "*) echo 1.dkr.ecr.eu-west-1.amazonaws.com/spendwise-dev:4f2a9c ;;
  *) echo "unexpected: $*" >&2; exit 3 ;;
esac"""  # noqa: E501

    result = running_image_tag(tmp_path, TERRAFORM_OUTPUTS, aws)

    assert result.returncode == 0, result.stderr
    assert result.stdout == "4f2a9c\n"


def test_running_image_tag_prints_nothing_before_the_first_apply(tmp_path):
    result = running_image_tag(tmp_path, "exit 1", 'echo "aws must not be called" >&2; exit 3')

    assert result.returncode == 0
    assert result.stdout == ""
    assert "nothing deployed yet" in result.stderr


def test_running_image_tag_prints_nothing_when_the_service_is_missing(tmp_path):
    result = running_image_tag(tmp_path, TERRAFORM_OUTPUTS, "echo None")

    assert result.returncode == 0 and result.stdout == ""
    assert "service spendwise-dev-web not found" in result.stderr
