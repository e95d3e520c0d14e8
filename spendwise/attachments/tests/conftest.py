"""Receipts go to a fresh folder per test, never to the project's var/files."""

from __future__ import annotations

import pytest

from spendwise.attachments.storage import FileStorage, get_storage

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture(autouse=True)
def storage(settings, tmp_path) -> FileStorage:
    settings.FILE_STORAGE = "local"
    settings.FILE_STORAGE_DIR = tmp_path / "files"
    return get_storage()
