"""checkov over infra/, compared with the accepted findings in infra/checkov-baseline.yaml.

checkov runs once per session from its own virtualenv (.cache/checkov-venv, `make
.cache/checkov-venv`), offline (--skip-download), over a scratch copy of infra/. A failed check
is accepted only when the baseline lists it, with a reason; see the baseline file's header for
how checkov's resource names map to its keys and entries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from infra.tests.checkov import CheckovRun, Finding, Report, local_address, parse_report
from infra.tests.terraform import INFRA, REPO_ROOT

BASELINE = INFRA / "checkov-baseline.yaml"
MIN_REASON_LENGTH = 20
ENTRY_KEYS = {"check", "resource", "reason"}


@dataclass(frozen=True)
class Entry:
    key: str
    check: str
    resource: str
    reason: str

    def matches(self, finding: Finding) -> bool:
        return (
            finding.key == self.key
            and finding.check == self.check
            and finding.address == self.resource
        )

    def describe(self) -> str:
        return f"{self.key}: {self.check} {self.resource}"


# --- reading checkov's report and the baseline ------------------------------------------------


def load_baseline(text: str) -> tuple[list[Entry], list[str]]:
    """The entries, and what is wrong with the file's shape (empty when nothing is)."""
    data = yaml.safe_load(text)
    if data is None:
        return [], []
    if not isinstance(data, dict):
        return [], ["the baseline must be a mapping of infra/ directories to lists of entries"]
    entries: list[Entry] = []
    problems: list[str] = []
    for key, items in data.items():
        if items is None:
            continue
        if not isinstance(items, list):
            problems.append(f"{key}: expected a list of entries, got {type(items).__name__}")
            continue
        for index, item in enumerate(items):
            if not isinstance(item, dict) or set(item) != ENTRY_KEYS:
                problems.append(
                    f"{key}[{index}]: an entry has exactly the keys check, resource, reason; "
                    f"got {item!r}"
                )
                continue
            entries.append(
                Entry(
                    key=str(key),
                    check=str(item["check"]).strip(),
                    resource=str(item["resource"]).strip(),
                    reason=" ".join(str(item["reason"] or "").split()),
                )
            )
    return entries, problems


# --- the comparisons (pure, so the self-checks below can feed them made-up findings) -----------


def unlisted(findings: Iterable[Finding], entries: list[Entry]) -> list[Finding]:
    return [finding for finding in findings if not any(e.matches(finding) for e in entries)]


def stale(entries: list[Entry], findings: list[Finding]) -> list[Entry]:
    return [entry for entry in entries if not any(entry.matches(f) for f in findings)]


def unreasoned(entries: list[Entry]) -> list[Entry]:
    return [entry for entry in entries if len(entry.reason) < MIN_REASON_LENGTH]


def unknown_keys(entries: list[Entry], infra: Path) -> list[str]:
    return sorted({entry.key for entry in entries if not any((infra / entry.key).glob("*.tf"))})


def duplicates(entries: list[Entry]) -> list[Entry]:
    seen: set[tuple[str, str, str]] = set()
    repeated: list[Entry] = []
    for entry in entries:
        identity = (entry.key, entry.check, entry.resource)
        if identity in seen:
            repeated.append(entry)
        seen.add(identity)
    return repeated


def paste_ready(findings: list[Finding]) -> str:
    """The unlisted findings as baseline entries, one per key, check and resource."""
    by_key: dict[str, dict[tuple[str, str], Finding]] = {}
    for finding in findings:
        by_key.setdefault(finding.key, {})[(finding.check, finding.address)] = finding
    lines: list[str] = []
    for key in sorted(by_key):
        lines.append(f"{key}:")
        for (check, address), finding in sorted(by_key[key].items()):
            lines += [
                f"  - check: {check}  # {finding.name}",
                f"    resource: {address}",
                "    reason: <why this is right for SpendWise>",
            ]
    return "\n".join(lines)


# --- running checkov ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def checkov_report(checkov_run: CheckovRun) -> Report:
    """checkov's report (it started in the background, see conftest.py)."""
    if checkov_run.report is None:
        pytest.fail(checkov_run.error, pytrace=False)
    return checkov_run.report


@pytest.fixture(scope="session")
def baseline() -> list[Entry]:
    entries, problems = load_baseline(BASELINE.read_text(encoding="utf-8"))
    assert not problems, f"{BASELINE.relative_to(REPO_ROOT)}:\n" + "\n".join(problems)
    return entries


def test_it_parses_every_terraform_file(checkov_report: Report) -> None:
    assert not checkov_report.parsing_errors, (
        "checkov could not parse (and so did not check) these files:\n"
        + "\n".join(checkov_report.parsing_errors)
    )
    assert checkov_report.resource_count > 0, "checkov found no resources under infra/"


def test_it_has_no_unlisted_checkov_failures(checkov_report: Report, baseline: list[Entry]) -> None:
    new = unlisted(checkov_report.failed, baseline)
    if new:
        pytest.fail(
            f"{len(new)} failed checkov checks are not in infra/checkov-baseline.yaml. Fix them, "
            "or "
            "accept one with a reason (docs/development.md, 'Infrastructure checks'):\n\n"
            + "\n".join(finding.describe() for finding in new)
            + "\n\nAs baseline entries:\n"
            + paste_ready(new),
            pytrace=False,
        )


def test_it_has_no_stale_baseline_entries(checkov_report: Report, baseline: list[Entry]) -> None:
    gone = stale(baseline, checkov_report.failed)
    assert not gone, (
        "these baseline entries match no failed check any more; delete them:\n"
        + "\n".join(entry.describe() for entry in gone)
    )


def test_it_gives_every_baseline_entry_a_reason(baseline: list[Entry]) -> None:
    bad = unreasoned(baseline)
    assert not bad, (
        f"baseline entries need a reason of at least {MIN_REASON_LENGTH} characters:\n"
        + "\n".join(f"{entry.describe()}: {entry.reason!r}" for entry in bad)
    )
    repeated = duplicates(baseline)
    assert not repeated, "listed twice:\n" + "\n".join(e.describe() for e in repeated)
    unknown = unknown_keys(baseline, INFRA)
    assert not unknown, (
        "baseline keys that are not a directory of .tf files under infra/: " + ", ".join(unknown)
    )


def test_it_has_no_inline_checkov_skips(checkov_report: Report) -> None:
    # A `#checkov:skip=` comment would accept a finding outside the one reviewed list.
    assert not checkov_report.skipped, (
        "accept findings in infra/checkov-baseline.yaml, not with #checkov:skip comments:\n"
        + "\n".join(finding.describe() for finding in checkov_report.skipped)
    )


# --- self-checks: the comparison cannot pass vacuously ----------------------------------------


def _made_up(resource: str, check: str = "CKV_AWS_1", file: str = "modules/rds/main.tf") -> Finding:
    return Finding(check=check, name="made up", file=file, line=1, resource=resource)


@pytest.mark.parametrize(
    ("resource", "address"),
    [
        ("aws_db_instance.this", "aws_db_instance.this"),
        ("aws_instance.this[0]", "aws_instance.this"),
        ("module.stack.module.rds.aws_db_instance.this", "aws_db_instance.this"),
        ('module.stack.module.bastion[0].aws_instance.this["a.b"]', "aws_instance.this"),
        ('module.x["k.1"].module.y[2].aws_s3_bucket.logs', "aws_s3_bucket.logs"),
    ],
)
def test_it_names_resources_by_their_local_address(resource: str, address: str) -> None:
    assert local_address(resource) == address


def test_it_matches_findings_to_entries_by_directory_check_and_address() -> None:
    entries, problems = load_baseline(
        "modules/rds:\n"
        "  - check: CKV_AWS_1\n"
        "    resource: aws_db_instance.this\n"
        "    reason: Accepted for a reason that is long enough.\n"
        "envs/dev: []\n"
    )
    assert not problems
    via_dev = _made_up("module.stack.module.rds.aws_db_instance.this")
    via_prod = _made_up("module.stack.module.rds.aws_db_instance.this")
    other_check = _made_up("aws_db_instance.this", check="CKV_AWS_2")
    other_dir = _made_up("aws_db_instance.this", file="modules/stack/main.tf")
    assert unlisted([via_dev, via_prod], entries) == []
    assert unlisted([other_check, other_dir], entries) == [other_check, other_dir]
    assert stale(entries, [other_check]) == entries
    assert stale(entries, [via_prod]) == []


def test_it_refuses_malformed_or_unreasoned_entries() -> None:
    entries, problems = load_baseline(
        "modules/rds:\n"
        "  - check: CKV_AWS_1\n"
        "    resource: aws_db_instance.this\n"
        "    reason: too short\n"
        "  - check: CKV_AWS_1\n"
        "    resource: aws_db_instance.this\n"
        "    reason: ''\n"
        "  - check: CKV_AWS_2\n"
        "    resource: aws_db_instance.this\n"
        "modules/nothing_here:\n"
        "  - check: CKV_AWS_3\n"
        "    resource: aws_db_instance.this\n"
        "    reason: A reason long enough to pass the length check.\n"
    )
    assert len(problems) == 1 and "exactly the keys" in problems[0]
    assert [entry.reason for entry in unreasoned(entries)] == ["too short", ""]
    assert len(duplicates(entries)) == 1
    assert unknown_keys(entries, INFRA) == ["modules/nothing_here"]


def test_it_reads_checkov_json(tmp_path: Path) -> None:
    check = {
        "check_id": "CKV_AWS_1",
        "check_name": "made up",
        "file_path": "/modules/rds/main.tf",
        "file_line_range": [3, 9],
        "resource": "module.stack.module.rds.aws_db_instance.this",
    }
    report = parse_report(
        [
            {
                "check_type": "terraform",
                "results": {"failed_checks": [check], "skipped_checks": [], "parsing_errors": []},
                "summary": {"resource_count": 4},
            },
            {"check_type": "secrets", "results": {"failed_checks": [check]}},
        ]
    )
    (finding,) = report.failed
    assert (finding.key, finding.address, finding.line) == (
        "modules/rds",
        "aws_db_instance.this",
        3,
    )
    assert report.resource_count == 4
