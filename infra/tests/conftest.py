"""Fixtures for the infra checks, and the slow work started in the background.

When the first infra test starts, for the infra tests selected in this run:

* checkov starts over its own copy of infra/ (infra/tests/checkov.py), and
* terraform (infra/tests/terraform.py) installs the AWS provider once into a scratch root, then
  a thread pool runs `init` + `validate` for each selected root and `init` + `test` for each
  selected module on a shared scratch copy of infra/, and the provider schema is read.

So checkov (one core) overlaps with terraform (the others), and the tests only wait for the
result they assert on. Without terraform, the mirror or the checkov venv, the fixtures skip
loudly (or fail with CI=true) through ``unavailable``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from infra.tests.checkov import CheckovRun, checkov_missing, run_checkov
from infra.tests.terraform import (
    Job,
    ModuleTests,
    RunResult,
    Terraform,
    TerraformMissingError,
    copy_infra,
    find_terraform,
    init_provider_root,
    merge_results,
    run_job,
    unavailable,
)
from infra.tests.terraform import aws_resource_schemas as read_aws_resource_schemas

# terraform test is partly waiting on provider start-up: a little above the CPU count pays.
JOBS = int(os.environ.get("SPENDWISE_INFRA_JOBS", "0")) or min(8, 2 * (os.cpu_count() or 1))
TESTS_DIR = Path(__file__).resolve().parent


@dataclass
class Prepared:
    """terraform found, its plugin cache filled, and a copy of infra/ to run it in."""

    terraform: Terraform
    provider_root: Path
    infra_copy: Path
    jobs: dict[Job, Future[RunResult]] = field(default_factory=dict)
    schemas: Future[dict[str, dict[str, Any]]] | None = None


@dataclass
class Background:
    workdir: Path
    pool: ThreadPoolExecutor
    prepared: Future[Prepared | str]  # a str says why terraform cannot run
    checkov: Future[CheckovRun] | None = None


_BACKGROUND = pytest.StashKey[Background]()


def _fixtures(item: pytest.Item) -> tuple[str, ...]:
    return tuple(getattr(item, "fixturenames", ()))


def _selected_jobs(items: list[pytest.Item]) -> list[Job]:
    jobs: list[Job] = []
    for item in items:
        params = getattr(item, "callspec", None)
        if params is None or "terraform_results" not in _fixtures(item):
            continue
        if "root" in params.params:
            jobs.append(("validate", params.params["root"]))
        elif "module" in params.params:
            jobs.append(("test", params.params["module"]))
    return jobs


def pytest_runtest_setup(item: pytest.Item) -> None:
    # Called for the tests under infra/tests only (a conftest hook with an item), at the first
    # of them: the rest of the suite (`make test` runs the app's tests first) never shares the
    # CPUs with this.
    if _BACKGROUND not in item.config.stash:
        _start_background(item.session)


def _start_background(session: pytest.Session) -> None:
    items = [item for item in session.items if TESTS_DIR in item.path.parents]
    workdir = Path(tempfile.mkdtemp(prefix="spendwise-infra-"))
    # One pool: the checkov thread only waits on its subprocess.
    pool = ThreadPoolExecutor(max_workers=JOBS + 2, thread_name_prefix="infra")
    needs_checkov = any("checkov_run" in _fixtures(item) for item in items)
    checkov = None
    if needs_checkov and checkov_missing() is None:
        (workdir / "checkov").mkdir()
        checkov = pool.submit(run_checkov, workdir / "checkov")
    jobs = _selected_jobs(items)
    wants_schema = any("aws_resource_schemas" in _fixtures(item) for item in items)
    prepared = pool.submit(_prepare, pool, workdir, jobs, wants_schema)
    session.config.stash[_BACKGROUND] = Background(workdir, pool, prepared, checkov)


def _prepare(
    pool: ThreadPoolExecutor, workdir: Path, jobs: list[Job], wants_schema: bool
) -> Prepared | str:
    try:
        terraform = find_terraform().with_private_plugin_cache(workdir / "terraform")
    except TerraformMissingError as exc:
        return str(exc)
    provider_root = workdir / "aws-provider"
    result = init_provider_root(terraform, provider_root)
    if not result.ok:
        return "terraform could not install hashicorp/aws from the local mirror:\n" + (
            result.describe()
        )
    prepared = Prepared(terraform, provider_root, copy_infra(workdir / "terraform-runs"))
    if wants_schema:
        prepared.schemas = pool.submit(read_aws_resource_schemas, terraform, provider_root)
    # Units of work, the longest first so that the pool ends evenly: a root's validate, or one
    # test file of a module. The stack's run blocks plan every module at once.
    units: list[tuple[int, Job, Callable[[], RunResult]]] = []
    parts: dict[Job, list[Future[RunResult]]] = {}
    for job in jobs:
        kind, directory = job
        if kind == "validate":
            units.append((20, job, partial(run_job, terraform, prepared.infra_copy, job)))
            continue
        module = ModuleTests(terraform, prepared.infra_copy, directory)
        if not module.files:  # let run_job report what is missing
            units.append((0, job, partial(run_job, terraform, prepared.infra_copy, job)))
        for file in module.files:
            weight = module.run_blocks(file) * (5 if directory == "modules/stack" else 1)
            units.append((weight, job, partial(module.run_file, file)))
    for _, job, work in sorted(units, key=lambda unit: -unit[0]):
        parts.setdefault(job, []).append(pool.submit(work))
    prepared.jobs = {job: _merged(futures) for job, futures in parts.items()}
    return prepared


def _merged(parts: list[Future[RunResult]]) -> Future[RunResult]:
    """A future for all of ``parts`` together (see merge_results)."""
    if len(parts) == 1:
        return parts[0]
    merged: Future[RunResult] = Future()
    lock = threading.Lock()
    pending = set(parts)

    def part_done(part: Future[RunResult]) -> None:
        with lock:
            pending.discard(part)
            if pending:
                return
        try:
            merged.set_result(merge_results([p.result() for p in parts]))
        except BaseException as exc:  # a cancelled or crashed part: the test reports it
            merged.set_exception(exc)

    for part in parts:
        part.add_done_callback(part_done)
    return merged


def pytest_sessionfinish(session: pytest.Session) -> None:
    background = session.config.stash.get(_BACKGROUND, None)
    if background is None:
        return
    background.pool.shutdown(wait=True, cancel_futures=True)
    shutil.rmtree(background.workdir, ignore_errors=True)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line of timings: where the infra checks' minutes go."""
    background = terminalreporter.config.stash.get(_BACKGROUND, None)
    if background is None or not background.prepared.done():
        return
    prepared = background.prepared.result()
    timings: list[tuple[float, str]] = []
    if isinstance(prepared, Prepared):
        for (kind, directory), future in prepared.jobs.items():
            if future.done() and not future.cancelled() and future.exception() is None:
                timings.append((future.result().seconds, f"{kind} {directory}"))
    checkov = background.checkov
    if (
        checkov is not None
        and checkov.done()
        and not checkov.cancelled()
        and not checkov.exception()
    ):
        timings.append((checkov.result().seconds, "checkov"))
    if timings:
        slowest = ", ".join(f"{name} {seconds:.0f}s" for seconds, name in sorted(timings)[::-1][:5])
        terminalreporter.write_line(
            f"infra checks: {len(timings)} background runs; slowest: {slowest}"
        )


def _background(request: pytest.FixtureRequest) -> Background:
    background = request.config.stash.get(_BACKGROUND, None)
    if background is None:  # e.g. a test outside infra/tests using these fixtures
        raise RuntimeError("the infra background jobs were not started for this session")
    return background


def _prepared(request: pytest.FixtureRequest) -> Prepared:
    outcome = _background(request).prepared.result()
    if isinstance(outcome, str):
        unavailable(outcome)
    return outcome


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def terraform(request: pytest.FixtureRequest) -> Terraform:
    """terraform with the offline CLI config and a private plugin cache, already filled."""
    return _prepared(request).terraform


@pytest.fixture(scope="session")
def infra_copy(request: pytest.FixtureRequest) -> Path:
    """The scratch copy of infra/ that terraform runs in (it writes .terraform there)."""
    return _prepared(request).infra_copy


@pytest.fixture(scope="session")
def terraform_results(request: pytest.FixtureRequest) -> dict[Job, Future[RunResult]]:
    """Root validations and module tests, running in the background; .result() waits."""
    return _prepared(request).jobs


@pytest.fixture(scope="session")
def aws_resource_schemas(request: pytest.FixtureRequest) -> dict[str, dict[str, Any]]:
    """hashicorp/aws's resource schemas by type, read once per session."""
    schemas = _prepared(request).schemas
    assert schemas is not None, "the schema job was not started"
    return schemas.result()


@pytest.fixture(scope="session")
def checkov_run(request: pytest.FixtureRequest) -> CheckovRun:
    missing = checkov_missing()
    if missing:
        unavailable(missing)
    future = _background(request).checkov
    assert future is not None, "checkov was not started"
    return future.result()
