"""The local folder: files in, out and gone; keys that would leave the folder are refused."""

from __future__ import annotations

import pytest

from spendwise.attachments.storage import (
    LocalFileStorage,
    MissingFile,
    StorageError,
    household_prefix,
    new_key,
)

from .conftest import PNG


def test_it_keeps_the_bytes_and_their_content_type(storage: LocalFileStorage):
    key = new_key(7, "receipts")

    storage.save(key, PNG, "image/png")

    assert storage.open(key) == PNG
    assert storage.content_type(key) == "image/png"
    assert (storage.root / key).read_bytes() == PNG


def test_it_deletes_and_then_has_nothing(storage: LocalFileStorage):
    key = new_key(7, "receipts")
    storage.save(key, PNG, "image/png")

    storage.delete(key)
    storage.delete(key)  # twice is not an error

    with pytest.raises(MissingFile):
        storage.open(key)
    assert [p for p in storage.root.rglob("*") if p.is_file()] == []


def test_its_keys_are_unguessable_and_in_the_households_folder():
    first, second = new_key(7, "receipts"), new_key(7, "receipts")
    assert first != second
    assert first.startswith(household_prefix(7) + "receipts/")
    assert len(first.rsplit("/", 1)[1]) == 32  # a uuid4: 122 random bits


@pytest.mark.parametrize(
    "key",
    [
        "../outside",
        "households/1/../../etc/passwd",
        "/etc/passwd",
        "a//b",
        "a/.hidden",
        "x.meta.json",
    ],
)
def test_it_refuses_keys_that_are_not_ours(storage: LocalFileStorage, key):
    with pytest.raises(StorageError):
        storage.save(key, PNG, "image/png")
    assert not any(storage.root.parent.rglob("passwd"))


def test_its_links_carry_a_signed_key_that_cannot_be_altered(storage: LocalFileStorage):
    key = new_key(7, "receipts")
    url = storage.url(key, filename="bill.png")
    token = url.rstrip("/").rsplit("/", 1)[1]

    assert storage.read_token(token) == (key, "bill.png")
    with pytest.raises(MissingFile):
        storage.read_token(token.replace(token[5], "A" if token[5] != "A" else "B", 1))
