"""checkov for the infra tests: run it (its own venv, offline) and read its JSON report.

``run_checkov(workdir)`` copies infra/ into ``workdir`` and runs
``checkov --directory <copy> --framework terraform --skip-download --output json`` there;
conftest.py starts it in the background at the start of the session. ``parse_report`` turns
the JSON into ``Finding``s keyed the way infra/checkov-baseline.yaml is (see its header).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.tests.terraform import REPO_ROOT, copy_infra

__all__ = ["CHECKOV", "CheckovRun", "Finding", "Report", "local_address", "parse_report"]

CHECKOV = Path(os.environ.get("SPENDWISE_CHECKOV", REPO_ROOT / ".cache/checkov-venv/bin/checkov"))
CHECKOV_TIMEOUT_SECONDS = 900

# "module.stack.module.rds[0].aws_db_instance.this[0]" -> "aws_db_instance.this": checkov names
# a module's resource by the path of module calls it was evaluated through; the baseline does
# not care which root reached it.
_MODULE_PREFIX = re.compile(r'^(?:module\.[^.\[]+(?:\[(?:"[^"]*"|[^\]]*)\])?\.)+')
_INSTANCE_KEY = re.compile(r'\[(?:"[^"]*"|[^\]]*)\]$')


@dataclass(frozen=True)
class Finding:
    """One failed (or inline-skipped) check on one resource instance, as checkov reported it."""

    check: str
    name: str
    file: str  # relative to infra/, e.g. "modules/rds/main.tf"
    line: int
    resource: str  # checkov's full name, e.g. "module.stack.module.rds.aws_db_instance.this"
    guideline: str = ""

    @property
    def key(self) -> str:
        """The baseline key: the directory (under infra/) of the file that declares it."""
        return str(Path(self.file).parent)

    @property
    def address(self) -> str:
        """The resource's address inside its own module, e.g. "aws_db_instance.this"."""
        return local_address(self.resource)

    def describe(self) -> str:
        return f"{self.check} {self.name}\n    {self.file}:{self.line} {self.resource}" + (
            f"\n    {self.guideline}" if self.guideline else ""
        )


def local_address(resource: str) -> str:
    return _INSTANCE_KEY.sub("", _MODULE_PREFIX.sub("", resource))


@dataclass(frozen=True)
class Report:
    failed: list[Finding]
    skipped: list[Finding]
    parsing_errors: list[str]
    resource_count: int


def parse_report(data: Any) -> Report:
    """checkov -o json: one object, or a list of them when several frameworks ran."""
    reports = data if isinstance(data, list) else [data]
    failed: list[Finding] = []
    skipped: list[Finding] = []
    parsing_errors: list[str] = []
    resource_count = 0
    for report in reports:
        if report.get("check_type", "terraform") != "terraform":
            continue
        results = report.get("results", {})
        failed += [_finding(check) for check in results.get("failed_checks", [])]
        skipped += [_finding(check) for check in results.get("skipped_checks", [])]
        parsing_errors += [str(path) for path in results.get("parsing_errors", [])]
        resource_count += int(report.get("summary", {}).get("resource_count", 0))
    return Report(failed, skipped, parsing_errors, resource_count)


def _finding(check: dict[str, Any]) -> Finding:
    lines = check.get("file_line_range") or [0, 0]
    return Finding(
        check=check["check_id"],
        name=check.get("check_name", ""),
        file=str(check["file_path"]).lstrip("/"),
        line=int(lines[0]),
        resource=check["resource"],
        guideline=check.get("guideline") or "",
    )


@dataclass(frozen=True)
class CheckovRun:
    returncode: int
    report: Report | None  # None when checkov failed rather than reported
    error: str  # why checkov itself failed, else ""
    seconds: float


def checkov_missing() -> str | None:
    if os.access(CHECKOV, os.X_OK):
        return None
    return f"{CHECKOV} is missing: run `make .cache/checkov-venv` (make test does)"


def run_checkov(workdir: Path) -> CheckovRun:
    """checkov over a fresh copy of infra/ in ``workdir`` (an empty directory)."""
    started = time.monotonic()
    infra = copy_infra(workdir)
    output = workdir / "checkov.json"
    command = [
        str(CHECKOV),
        "--directory",
        str(infra),
        "--framework",
        "terraform",
        "--skip-download",
        "--output",
        "json",
    ]
    # No API key, no platform settings from the caller's shell: offline and the same everywhere.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BC_", "CKV_", "PRISMA_"))}
    env.update(LOG_LEVEL="WARNING")
    # The report goes to a file: checkov writes megabytes, which a pipe nobody reads would stall.
    with output.open("w", encoding="utf-8") as stdout:
        try:
            completed = subprocess.run(
                command,
                cwd=infra,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=subprocess.PIPE,
                text=True,
                timeout=CHECKOV_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            message = f"checkov did not finish within {CHECKOV_TIMEOUT_SECONDS}s"
            return CheckovRun(-1, None, message, time.monotonic() - started)
    seconds = time.monotonic() - started
    text = output.read_text(encoding="utf-8")
    # Exit status 1 means "a check failed", which the tests judge; anything else, or output
    # that is not JSON, is checkov itself failing.
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        data = None
    if completed.returncode not in (0, 1) or data is None:
        error = (
            f"checkov failed (exit status {completed.returncode}): {' '.join(command)}\n"
            f"{completed.stderr[-4000:]}\n{text[:2000]}"
        )
        return CheckovRun(completed.returncode, None, error, seconds)
    return CheckovRun(completed.returncode, parse_report(data), "", seconds)
