"""Build the PostConfirmation Lambda's deployment package, byte for byte reproducibly.

    python lambdas/build.py [--output dist/post_confirmation.zip]    (or: make lambda)

The zip holds ``handler.py`` at its root (handler ``handler.handler``, runtime python3.11,
x86_64), the ``spendwise`` package (without tests and static files) and every runtime
dependency of ``requirements/base.lock`` as Linux wheels for that runtime, installed by pip
with ``--require-hashes``. The wheels are downloaded once into ``.cache/lambda-wheels`` and
installed from there afterwards, so a rebuild needs no network.

Same inputs, same bytes: entries sorted, every timestamp 1980-01-01 00:00, every file mode
0644, no ``.pyc``, no console scripts (their ``#!`` line would carry this machine's Python
path; they are dropped from the packages' RECORD files too).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HANDLER = ROOT / "lambdas" / "post_confirmation" / "handler.py"
PACKAGE = ROOT / "spendwise"
LOCK = ROOT / "requirements" / "base.lock"
WHEEL_CACHE = ROOT / ".cache" / "lambda-wheels"
OUTPUT = ROOT / "dist" / "post_confirmation.zip"

# The Lambda runtime: python3.11 on x86_64 (Amazon Linux 2, glibc 2.26: manylinux2014 wheels).
TARGET = [
    "--platform",
    "manylinux2014_x86_64",
    "--only-binary=:all:",
    "--python-version",
    "3.11",
    "--implementation",
    "cp",
]
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
FILE_MODE = 0o100644  # a regular file, rw-r--r--
UNIX = 3  # ZipInfo.create_system
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024  # bytes; AWS refuses bigger packages
SKIPPED_DIRS = {"__pycache__", "tests"}
SKIPPED_TOP_LEVEL = {"bin"}  # console scripts: not used in Lambda, and machine-specific
SKIPPED_PACKAGE_DIRS = {PACKAGE / "static"}  # the web app's assets: the Lambda serves none
SKIPPED_SUFFIXES = {".pyc", ".pyo"}


class BuildError(RuntimeError):
    """The package could not be built (pip failed, the result is too big …)."""


def pip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pip", *args, "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=False,
    )


def download_wheels(wheel_cache: Path, lock: Path) -> None:
    """Fetch the lock's Linux wheels into ``wheel_cache`` (needs the package index)."""
    wheel_cache.mkdir(parents=True, exist_ok=True)
    result = pip("download", "--quiet", "--dest", str(wheel_cache), *TARGET,
                 "--require-hashes", "-r", str(lock))  # fmt: skip
    if result.returncode:
        raise BuildError(f"pip could not download the Lambda's wheels:\n{result.stderr.strip()}")


def install_dependencies(target: Path, wheel_cache: Path, lock: Path) -> None:
    """Install the lock into ``target`` from the wheel cache, downloading what is missing."""

    def install() -> subprocess.CompletedProcess[str]:
        shutil.rmtree(target, ignore_errors=True)
        return pip("install", "--quiet", "--no-index", "--find-links", str(wheel_cache),
                   *TARGET, "--target", str(target), "--no-compile", "--require-hashes",
                   "-r", str(lock))  # fmt: skip

    if wheel_cache.is_dir() and install().returncode == 0:
        return
    download_wheels(wheel_cache, lock)
    result = install()
    if result.returncode:
        raise BuildError(f"pip could not install the Lambda's wheels:\n{result.stderr.strip()}")


def _files(directory: Path) -> Iterator[Path]:
    for path in directory.rglob("*"):
        if not path.is_file() or path.suffix in SKIPPED_SUFFIXES:
            continue
        parts = path.relative_to(directory).parts
        if SKIPPED_DIRS.intersection(parts[:-1]):
            continue
        yield path


def _without_scripts(record: bytes) -> bytes:
    """A RECORD without the lines for files outside the package folder (console scripts)."""
    lines = record.decode().splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith("../")).encode()


def package_contents(dependencies: Path) -> dict[str, bytes]:
    """What goes into the zip: archive name → bytes."""
    contents: dict[str, bytes] = {"handler.py": HANDLER.read_bytes()}
    for path in _files(PACKAGE):
        if any(path.is_relative_to(skipped) for skipped in SKIPPED_PACKAGE_DIRS):
            continue
        contents[path.relative_to(ROOT).as_posix()] = path.read_bytes()
    for path in _files(dependencies):
        name = path.relative_to(dependencies).as_posix()
        if name.split("/", 1)[0] in SKIPPED_TOP_LEVEL:
            continue
        data = path.read_bytes()
        if name.endswith(".dist-info/RECORD"):
            data = _without_scripts(data)
        contents[name] = data
    return contents


def write_zip(output: Path, contents: dict[str, bytes]) -> None:
    """Sorted entries with fixed dates and modes: the bytes depend only on ``contents``."""
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for name in sorted(contents):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
            info.create_system = UNIX
            info.external_attr = FILE_MODE << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, contents[name], compresslevel=6)
    partial.replace(output)


def build(output: Path = OUTPUT, *, wheel_cache: Path = WHEEL_CACHE, lock: Path = LOCK) -> str:
    """Build the zip at ``output``; return its sha256 (hex)."""
    with tempfile.TemporaryDirectory(prefix="spendwise-lambda-") as scratch:
        dependencies = Path(scratch) / "dependencies"
        install_dependencies(dependencies, wheel_cache, lock)
        contents = package_contents(dependencies)
    unzipped = sum(len(data) for data in contents.values())
    if unzipped > LAMBDA_UNZIPPED_LIMIT:
        raise BuildError(
            f"the package unzips to {unzipped / 2**20:.0f} MiB, over Lambda's 250 MiB limit"
        )
    write_zip(output, contents)
    return hashlib.sha256(output.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help="the zip to write")
    parser.add_argument("--wheel-cache", type=Path, default=WHEEL_CACHE, help="wheel folder")
    arguments = parser.parse_args(argv)
    try:
        digest = build(arguments.output, wheel_cache=arguments.wheel_cache)
    except BuildError as exc:
        print(f"lambda build failed: {exc}", file=sys.stderr)
        return 1
    size = os.path.getsize(arguments.output)
    print(f"{arguments.output}  {size / 2**20:.1f} MiB  sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
