"""terraform fmt, init + validate of every root, and `terraform test` of every module's tests.

All offline (scripts/tf's CLI config), on scratch copies of infra/. The slow part, init and
validate/test per directory, starts in a thread pool with the first infra test (conftest.py),
for exactly the roots and modules selected in this run (so `-k rds` runs one); each test waits
for its own result.
"""

from __future__ import annotations

import re
from concurrent.futures import Future
from pathlib import Path

import pytest

from infra.tests.terraform import (
    INFRA,
    ROOTS,
    Job,
    RunResult,
    Terraform,
    copy_infra,
    module_dirs,
    modules_with_tests,
)

# Discovered, never listed: a module gets a test id as soon as it has tests/*.tftest.hcl.
MODULES_WITH_TESTS = modules_with_tests()


def _assert_ok(results: dict[Job, Future[RunResult]], job: Job) -> RunResult:
    result = results[job].result()
    if not result.ok:
        pytest.fail(result.describe(), pytrace=False)
    return result


def test_it_is_formatted(terraform: Terraform, tmp_path: Path) -> None:
    infra = copy_infra(tmp_path)
    result = terraform.run("fmt", "-check", "-recursive", "-diff", "-no-color", cwd=infra)
    if not result.ok:
        pytest.fail(
            "terraform fmt would change these files (run `make fmt`):\n" + result.output,
            pytrace=False,
        )


@pytest.mark.parametrize("root", ROOTS)
def test_it_validates_the_root(root: str, terraform_results: dict[Job, Future[RunResult]]) -> None:
    _assert_ok(terraform_results, ("validate", root))


@pytest.mark.parametrize("module", MODULES_WITH_TESTS)
def test_it_passes_the_module_tests(
    module: str, terraform_results: dict[Job, Future[RunResult]]
) -> None:
    result = _assert_ok(terraform_results, ("test", module))
    assert not re.search(r"(?<!\d)0 passed", result.output), f"{module}: no run block ran"


def test_it_has_terraform_tests_for_every_module() -> None:
    untested = sorted(set(module_dirs()) - set(MODULES_WITH_TESTS))
    assert module_dirs(), f"no modules found under {INFRA / 'modules'}"
    assert not untested, (
        "modules without tests/*.tftest.hcl (each module proves its validations refuse bad "
        f"values with a mock provider): {', '.join(untested)}"
    )
