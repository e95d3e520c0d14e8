"""docs/runbooks/: every runbook exists, and every command it names is real.

A runbook is read at 3 a.m. by someone who will type what it says: a script that was renamed,
a make target that was dropped, a Terraform output or an option that does not exist would fail
them then. These tests read the code of every runbook (fenced blocks and `inline` spans) and
check each ``scripts/…`` file, ``make`` target, ``terraform output`` name and script option.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
RUNBOOKS = ROOT / "docs" / "runbooks"
EXPECTED = [
    "deploy-and-rollback.md",
    "restore-drill.md",
    "5xx-spike.md",
    "database-full-or-overloaded.md",
    "rotating-secrets.md",
    "db-tunnel.md",
]
ALL_FILES = ["README.md", *EXPECTED]
# Scripts whose options are checked against their --help (scripts/tf passes everything on).
CHECKED_OPTIONS = {"restore-drill", "db-tunnel"}


def code_of(text: str) -> list[str]:
    """The code in a Markdown text: fenced blocks (continuation lines joined) and inline spans."""
    fenced = re.findall(r"^```[^\n]*\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)
    prose = re.sub(r"^```[^\n]*\n.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
    inline = re.findall(r"`([^`\n]+)`", prose)
    return [block.replace("\\\n", " ") for block in fenced] + inline


@functools.cache
def runbook_code() -> dict[str, list[str]]:
    return {name: code_of((RUNBOOKS / name).read_text(encoding="utf-8")) for name in ALL_FILES}


def named(pattern: str) -> list[tuple[str, str]]:
    """(runbook, match) for every match of ``pattern``'s group 1 in the runbooks' code."""
    return sorted(
        {
            (name, found)
            for name, code in runbook_code().items()
            for chunk in code
            for found in re.findall(pattern, chunk)
        }
    )


@functools.cache
def make_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z0-9-]*):(?!=)", makefile, flags=re.MULTILINE))


@functools.cache
def terraform_outputs() -> dict[str, set[str]]:
    return {
        env: set(
            re.findall(
                r'^output "([a-z0-9_]+)"',
                (ROOT / "infra" / "envs" / env / "outputs.tf").read_text(encoding="utf-8"),
                flags=re.MULTILINE,
            )
        )
        for env in ("dev", "prod")
    }


@functools.cache
def help_text(*command: str) -> str:
    result = subprocess.run(
        [str(ROOT / "scripts" / command[0]), *command[1:], "--help"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_it_has_every_runbook_and_indexes_them():
    index = (RUNBOOKS / "README.md").read_text(encoding="utf-8")
    for name in EXPECTED:
        text = (RUNBOOKS / name).read_text(encoding="utf-8")
        assert text.startswith("# "), name
        assert f"]({name})" in index, f"docs/runbooks/README.md does not link {name}"


@pytest.mark.parametrize("name", EXPECTED)
def test_each_runbook_says_when_how_to_verify_and_how_to_back_out(name):
    headings = re.findall(r"^#+ (.+)$", (RUNBOOKS / name).read_text(encoding="utf-8"), re.M)

    assert "When to use it" in headings
    assert any(h.startswith("Verify") for h in headings)
    assert any("back out" in h.lower() for h in headings)


def test_every_script_a_runbook_names_exists():
    scripts = named(r"(?<![\w/.-])scripts/([\w.-]+)")

    assert scripts, "the runbooks name no scripts at all"
    missing = [(name, s) for name, s in scripts if not (ROOT / "scripts" / s).is_file()]
    assert missing == []
    not_executable = [
        (name, s) for name, s in scripts if not os.access(ROOT / "scripts" / s, os.X_OK)
    ]
    assert not_executable == []


def test_every_make_target_a_runbook_names_exists():
    targets = named(r"(?:^|[\s;&|(])make\s+([a-z][\w-]*)")

    assert targets
    assert [(name, t) for name, t in targets if t not in make_targets()] == []


def test_every_terraform_output_a_runbook_reads_exists():
    # `$(out NAME)` (the runbooks' shell function) and `terraform … output -raw NAME`.
    outputs = named(r"\$\(out\s+([a-z0-9_]+)\)") + named(r"\boutput\s+-(?:raw|json)\s+([a-z0-9_]+)")

    assert outputs
    for env, known in terraform_outputs().items():
        assert [(name, o) for name, o in outputs if o not in known] == [], env


def _invocations(script: str) -> list[tuple[str, list[str]]]:
    """(runbook, words) of each command line that runs ``scripts/<script>``."""
    found = []
    for name, code in runbook_code().items():
        for chunk in code:
            for line in chunk.splitlines():
                # Command substitutions are other programs' arguments: drop them.
                while re.search(r"\$\([^()]*\)", line):
                    line = re.sub(r"\$\([^()]*\)", "X", line)
                for match in re.finditer(rf"(?<![\w/.-])scripts/{re.escape(script)}\b", line):
                    rest = re.split(r"\||;|&&|#", line[match.end() :])[0]
                    found.append((name, rest.split()))
    return found


@pytest.mark.parametrize("script", sorted(CHECKED_OPTIONS))
def test_every_option_a_runbook_passes_to_a_script_exists(script):
    invocations = _invocations(script)

    assert invocations, f"no runbook runs scripts/{script}"
    unknown = []
    for name, words in invocations:
        command = [script]
        if script == "restore-drill" and words and not words[0].startswith("-"):
            command.append(words[0])  # the mode's own options
        text = help_text(*command)
        unknown += [
            (name, " ".join(command), word)
            for word in words
            if word.startswith("--") and word.split("=")[0] not in text
        ]
    assert unknown == []
