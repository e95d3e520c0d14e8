"""``make lambda``: the same inputs give the same zip, and the zip works on its own.

The first run downloads the Linux wheels from the package index into ``.cache/lambda-wheels``
(git-ignored); later runs install from there without the network. Without the network and
without the cache, the test is skipped with a loud reason, except in CI, where it fails.
"""

from __future__ import annotations

import hashlib
import urllib.request
import zipfile
from pathlib import Path

import pytest

from lambdas import build
from lambdas.post_confirmation.tests.invoke import confirm_event, invoke
from spendwise.identity.models import User
from spendwise.identity.tests.aws import in_ci


def index_reachable() -> bool:
    try:
        with urllib.request.urlopen("https://pypi.org/simple/", timeout=10):
            return True
    except OSError:
        return False


def built(output: Path) -> str:
    try:
        return build.build(output)
    except build.BuildError as exc:
        if in_ci() or index_reachable():
            raise
        pytest.skip(f"LAMBDA PACKAGE NOT BUILT: the package index is unreachable: {exc}")


def differing_entries(first: Path, second: Path) -> list[str]:
    """Names whose content differs (a file edited between the two builds, say)."""
    with zipfile.ZipFile(first) as one, zipfile.ZipFile(second) as other:
        a = {entry.filename: entry.CRC for entry in one.infolist()}
        b = {entry.filename: entry.CRC for entry in other.infolist()}
    return sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))


@pytest.mark.usefixtures("needs_postgres")
def test_it_builds_the_same_zip_twice_and_the_zip_works_alone(tmp_path, lambda_env):
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"

    digest = built(first)
    assert built(second) == digest, f"entries that differ: {differing_entries(first, second)}"
    assert hashlib.sha256(first.read_bytes()).hexdigest() == digest
    assert first.read_bytes() == second.read_bytes()

    with zipfile.ZipFile(first) as archive:
        entries = archive.infolist()
        names = [entry.filename for entry in entries]
        assert names == sorted(names)
        assert {entry.date_time for entry in entries} == {(1980, 1, 1, 0, 0, 0)}
        assert {entry.external_attr >> 16 for entry in entries} == {0o100644}
        assert "handler.py" in names
        assert "spendwise/identity/actions.py" in names
        assert "spendwise/db/credentials.py" in names  # the handler reads the secret with it
        assert any(name.startswith("psycopg_binary/") and ".so" in name for name in names)
        assert any(name.startswith("jwt/") for name in names)
        assert not [n for n in names if n.endswith(".pyc") or "/tests/" in n]
        assert not [n for n in names if n.startswith(("bin/", "spendwise/static/"))]
        archive.extractall(tmp_path / "package")

    # Only the zip's contents on the path (-S: not even this virtualenv's site-packages).
    lambda_env["PYTHONPATH"] = str(tmp_path / "package")
    event = confirm_event()
    invocation = invoke(event, lambda_env, tmp_path, "-S")
    assert invocation.exit_code == 0, invocation.output
    assert invocation.returned == event
    assert User.objects.filter(cognito_sub=event["request"]["userAttributes"]["sub"]).exists()
