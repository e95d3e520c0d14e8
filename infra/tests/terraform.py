"""Terraform for the infra tests: offline, on a scratch copy of infra/.

* ``find_terraform()`` finds the ``terraform`` binary and the offline CLI config that
  ``scripts/tf --print-config-path`` writes (``filesystem_mirror`` pointing at the machine's
  local mirror of hashicorp/aws; no registry is ever contacted).
* ``copy_infra(dest)`` copies infra/ without ``.terraform`` directories, lock files and state,
  so that ``init`` and ``test`` write into the copy, never into the checkout.
* ``Terraform.run(...)`` runs terraform in a directory of that copy with ``TF_CLI_CONFIG_FILE``
  set and returns its exit status and output. Parallel runs use
  ``Terraform.with_private_plugin_cache`` (see there why); the ``terraform`` fixture is one.
* ``run_job`` is one root's init + validate or one module's init + test; conftest.py runs the
  selected ones in a thread pool.
* ``unavailable(reason)``: terraform or the mirror is missing. Locally the test is skipped with a
  loud reason; with ``CI=true`` it fails, because CI must run these checks (the same contract as
  the PostgreSQL tests, see conftest.py).

Used by infra/tests/test_*.py (fixtures in infra/tests/conftest.py) and by the apply test.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import threading
import time
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

import pytest

__all__ = [
    "AWS_PROVIDER_CONSTRAINT",
    "AWS_PROVIDER_SOURCE",
    "INFRA",
    "PROVIDER_ONLY_ROOT",
    "REPO_ROOT",
    "ROOTS",
    "Job",
    "ModuleTests",
    "RunResult",
    "Terraform",
    "TerraformMissingError",
    "aws_resource_schemas",
    "copy_infra",
    "find_terraform",
    "in_ci",
    "init_provider_root",
    "merge_results",
    "module_dirs",
    "modules_with_tests",
    "require_terraform",
    "run_job",
    "unavailable",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
INFRA = REPO_ROOT / "infra"
TF_WRAPPER = REPO_ROOT / "scripts" / "tf"
# The root configurations: each is initialised and validated on its own.
ROOTS = ("bootstrap", "envs/dev", "envs/prod")
# Not copied: local working state that would make a run depend on what ran before.
_COPY_IGNORE = shutil.ignore_patterns(
    ".terraform",
    ".terraform.lock.hcl",
    "*.tfstate",
    "*.tfstate.*",
    "*.tfplan",
    "crash.log",
    "__pycache__",
    ".pytest_cache",
)
# Variables that would make a run depend on the caller's shell rather than on the files.
_DROPPED_ENV_PREFIXES = ("TF_VAR_", "TF_CLI_ARGS")
_DROPPED_ENV = {
    "TF_DATA_DIR",
    "TF_WORKSPACE",
    "TF_CLI_CONFIG_FILE",
    "TF_LOG",
    "TF_LOG_PATH",
    "TF_PLUGIN_CACHE_DIR",
    "TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE",
}
DEFAULT_TIMEOUT_SECONDS = 1200
# The only provider, and its pin in every versions.tf (checked by test_invariants.py).
AWS_PROVIDER_SOURCE = "hashicorp/aws"
AWS_PROVIDER_CONSTRAINT = "~> 5.100"


class TerraformMissingError(RuntimeError):
    """terraform is not on PATH, or scripts/tf found no local provider mirror."""


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@dataclass(frozen=True)
class RunResult:
    command: tuple[str, ...]
    cwd: Path
    returncode: int
    stdout: str
    stderr: str
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def output(self) -> str:
        return "\n".join(part.strip("\n") for part in (self.stdout, self.stderr) if part.strip())

    def describe(self) -> str:
        # The copy's path means nothing to the reader: name the directory as it is in the repo.
        parts = self.cwd.parts
        where = (
            Path(*parts[len(parts) - parts[::-1].index("infra") - 1 :])
            if "infra" in parts
            else self.cwd
        )
        return (
            f"`{' '.join(self.command)}` in {where} exited {self.returncode}:\n"
            f"{self.output.strip() or '(no output)'}"
        )


@dataclass(frozen=True)
class Terraform:
    binary: str
    cli_config: Path
    # Set by with_private_plugin_cache: the cache is filled once, then only read.
    trust_plugin_cache: bool = False

    def with_private_plugin_cache(self, directory: Path) -> Terraform:
        """The same terraform with a plugin cache of its own in ``directory``.

        Without a lock file every `init` re-installs the provider into the plugin cache, which
        replaces the cache's entry; a `validate` or `test` running at that moment from another
        directory (another thread here, or anyone's scripts/tf on the shared .cache/terraform)
        then fails with "could not read package directory". A private cache, filled by one
        `init` before the parallel ones and trusted without a lock file afterwards
        (TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE), is never rewritten.
        """
        directory.mkdir(parents=True, exist_ok=True)
        cache_line = f'plugin_cache_dir = "{directory / "plugin-cache"}"'
        lines = [
            line
            for line in self.cli_config.read_text(encoding="utf-8").splitlines()
            if not line.strip().startswith("plugin_cache_dir")
        ]
        config = directory / "cli.tfrc"
        config.write_text("\n".join([cache_line, *lines]) + "\n", encoding="utf-8")
        (directory / "plugin-cache").mkdir(exist_ok=True)
        return dataclasses.replace(self, cli_config=config, trust_plugin_cache=True)

    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in _DROPPED_ENV and not key.startswith(_DROPPED_ENV_PREFIXES)
        }
        env.update(
            TF_CLI_CONFIG_FILE=str(self.cli_config),
            CHECKPOINT_DISABLE="1",
            TF_IN_AUTOMATION="1",
            TF_INPUT="0",
        )
        if self.trust_plugin_cache:
            env["TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE"] = "true"
        return env

    def run(self, *args: str, cwd: Path, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> RunResult:
        """Run ``terraform ARGS`` in ``cwd`` (a directory of a copy, see copy_infra)."""
        command = (self.binary, *args)
        started = time.monotonic()
        try:
            completed = subprocess.run(
                command,
                cwd=cwd,
                env=self.env(),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            partial = exc.stdout or b""
            stdout = partial.decode(errors="replace") if isinstance(partial, bytes) else partial
            message = f"TIMED OUT after {timeout:g}s"
            return RunResult(("terraform", *args), cwd, -1, stdout, message, timeout)
        return RunResult(
            ("terraform", *args),
            cwd,
            completed.returncode,
            completed.stdout,
            completed.stderr,
            time.monotonic() - started,
        )

    def run_all(self, *steps: Iterable[str], cwd: Path) -> RunResult:
        """Run several terraform commands in ``cwd``, stopping at the first that fails."""
        result: RunResult | None = None
        seconds = 0.0
        for step in steps:
            result = self.run(*step, cwd=cwd)
            seconds += result.seconds
            if not result.ok:
                break
        assert result is not None, "run_all needs at least one step"
        return dataclasses.replace(result, seconds=seconds)


@cache
def find_terraform() -> Terraform:
    """The terraform binary and the offline CLI config, or TerraformMissingError saying why."""
    binary = shutil.which("terraform")
    if binary is None:
        raise TerraformMissingError(
            "terraform is not on PATH (Terraform >= 1.10 is needed; it is not a Debian "
            "package, see docs/development.md)"
        )
    try:
        completed = subprocess.run(
            [str(TF_WRAPPER), "--print-config-path"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except OSError as exc:
        raise TerraformMissingError(f"{TF_WRAPPER} could not run: {exc}") from exc
    if completed.returncode != 0:
        raise TerraformMissingError(
            completed.stderr.strip() or f"scripts/tf exited {completed.returncode}"
        )
    config = Path(completed.stdout.strip())
    if not config.is_file():
        raise TerraformMissingError(f"scripts/tf printed {config!s}, which is not a file")
    return Terraform(binary=binary, cli_config=config)


def unavailable(reason: str) -> NoReturn:
    """Skip loudly here, fail in CI: the infra checks must run where CI runs."""
    if in_ci():
        pytest.fail(
            f"INFRA CHECKS CANNOT RUN: {reason}\nWith CI=true terraform and the provider "
            "mirror must be present; refusing to skip.",
            pytrace=False,
        )
    message = f"INFRA CHECKS NOT RUN: {reason}"
    warnings.warn(message, stacklevel=2)
    pytest.skip(message)


def require_terraform() -> Terraform:
    try:
        return find_terraform()
    except TerraformMissingError as exc:
        unavailable(str(exc))


def copy_infra(dest: Path) -> Path:
    """Copy infra/ to ``dest/infra`` (which must not exist yet) and return that path."""
    target = dest / "infra"
    shutil.copytree(INFRA, target, ignore=_COPY_IGNORE, symlinks=True)
    return target


def module_dirs(infra: Path = INFRA) -> list[str]:
    """Every module, as its path under infra/ (modules/<name>), sorted."""
    return (
        sorted(
            f"modules/{path.name}"
            for path in (infra / "modules").iterdir()
            if path.is_dir() and any(path.glob("*.tf"))
        )
        if (infra / "modules").is_dir()
        else []
    )


def modules_with_tests(infra: Path = INFRA) -> list[str]:
    """Modules and roots with terraform test files (<dir>/tests/*.tftest.hcl), as paths under
    infra/: modules/<name>, and envs/<env> whose tests plan the example tfvars through the stack."""
    patterns = ("modules/*/tests/*.tftest.hcl", "envs/*/tests/*.tftest.hcl", "*/tests/*.tftest.hcl")
    return sorted(
        {
            path.parents[1].relative_to(infra).as_posix()
            for pattern in patterns
            for path in infra.glob(pattern)
        }
    )


# --- the slow part, run in parallel by conftest.py: one job per root or tested module ----------

Job = tuple[str, str]  # ("validate", "envs/dev") or ("test", "modules/rds")
INIT = ("init", "-backend=false", "-input=false", "-no-color")


def run_job(terraform: Terraform, infra: Path, job: Job) -> RunResult:
    """init + validate (a root) or init + test (a module) in the copy ``infra``."""
    kind, directory = job
    cwd = infra / directory
    if not cwd.is_dir():
        return RunResult(("ls", directory), cwd, 1, "", f"{directory} does not exist under infra/")
    last = ("validate", "-no-color") if kind == "validate" else ("test", "-no-color")
    return terraform.run_all(INIT, last, cwd=cwd)


class ModuleTests:
    """One module's `terraform test`, one test file at a time so that files run in parallel.

    `terraform test` runs a file's run blocks one after the other, and each plans with a fresh
    provider process; a module whose tests are split into several files is split here too.
    ``run_file`` may be called from several threads: the first one runs `init`, once.
    """

    def __init__(self, terraform: Terraform, infra: Path, directory: str) -> None:
        self.terraform = terraform
        self.cwd = infra / directory
        self.directory = directory
        self._init: RunResult | None = None
        self._lock = threading.Lock()

    @property
    def files(self) -> list[str]:
        return sorted(
            p.relative_to(self.cwd).as_posix() for p in self.cwd.glob("tests/*.tftest.hcl")
        )

    def run_blocks(self, file: str) -> int:
        return len(re.findall(r"^\s*run\s+\"", (self.cwd / file).read_text(encoding="utf-8"), re.M))

    def init(self) -> RunResult:
        with self._lock:
            if self._init is None:
                self._init = self.terraform.run(*INIT, cwd=self.cwd)
            return self._init

    def run_file(self, file: str) -> RunResult:
        init = self.init()
        if not init.ok:
            return init
        return self.terraform.run("test", f"-filter={file}", "-no-color", cwd=self.cwd)


def merge_results(results: list[RunResult]) -> RunResult:
    """Several runs in one directory as one: failed if any failed, with all the output."""
    failed = [result for result in results if not result.ok]
    first = failed[0] if failed else results[-1]
    return RunResult(
        first.command if failed else results[0].command[:2],
        first.cwd,
        first.returncode,
        "\n".join(result.stdout for result in results if result.stdout),
        "\n".join(result.stderr for result in results if result.stderr),
        max(result.seconds for result in results),
    )


# A root that needs only the AWS provider: initialised before any parallel init (they would
# otherwise race to fill the shared plugin cache), and asked for the provider's schema.
PROVIDER_ONLY_ROOT = f"""\
terraform {{
  required_providers {{
    aws = {{
      source  = "{AWS_PROVIDER_SOURCE}"
      version = "{AWS_PROVIDER_CONSTRAINT}"
    }}
  }}
}}
"""


def init_provider_root(terraform: Terraform, root: Path) -> RunResult:
    root.mkdir(parents=True, exist_ok=True)
    (root / "versions.tf").write_text(PROVIDER_ONLY_ROOT, encoding="utf-8")
    return terraform.run(*INIT, cwd=root)


def aws_resource_schemas(terraform: Terraform, root: Path) -> dict[str, dict[str, Any]]:
    """hashicorp/aws's resource schemas by type (`terraform providers schema -json`)."""
    result = terraform.run("providers", "schema", "-json", cwd=root)
    if not result.ok:
        raise RuntimeError(result.describe())
    schemas = json.loads(result.stdout)["provider_schemas"]
    (aws,) = (value for key, value in schemas.items() if key.endswith(f"/{AWS_PROVIDER_SOURCE}"))
    resources: dict[str, dict[str, Any]] = aws["resource_schemas"]
    return resources
