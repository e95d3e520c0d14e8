"""A restore that cannot be done says why and writes nothing at all."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any
from zipfile import ZipFile

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from spendwise.attachments.models import Attachment
from spendwise.attachments.storage import LocalFileStorage
from spendwise.errors import DomainError, PermissionDenied
from spendwise.portability import restore as restore_module
from spendwise.portability.export import DOCUMENT_NAME
from spendwise.portability.restore import restore
from spendwise.testing.factories import demote_to_viewer, make_account, make_member

from .conftest import export_bytes, fill_household

pytestmark = pytest.mark.django_db


def table_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def stored(storage: LocalFileStorage) -> list[str]:
    return sorted(str(p) for p in storage.root.rglob("*") if p.is_file())


def rewritten(archive: bytes, change: Callable[[dict[str, Any]], None]) -> bytes:
    """``archive`` with its document changed by ``change`` (the other files as they were)."""
    out = io.BytesIO()
    with ZipFile(io.BytesIO(archive)) as source, ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == DOCUMENT_NAME:
                document = json.loads(data)
                change(document)
                data = json.dumps(document).encode()
            target.writestr(name, data)
    return out.getvalue()


@pytest.fixture
def archive(owner) -> bytes:
    fill_household(owner)
    return export_bytes(owner.household)


@pytest.fixture
def fresh():
    return make_member("fresh@example.com")


def refused(archive: bytes, actor) -> str:
    """The refusal's message; asserts that nothing was written anywhere."""
    before = table_counts()
    with pytest.raises(DomainError) as refusal:
        restore(io.BytesIO(archive), actor)
    assert table_counts() == before
    return refusal.value.message


def test_it_refuses_a_household_that_is_not_empty(archive, owner, fresh, storage):
    make_account(fresh, "Already here")
    files_before = stored(storage)

    message = refused(archive, fresh)

    assert message.startswith("This household is not empty (1 account).")
    assert "sign up with a new account and import it there" in message
    assert stored(storage) == files_before


def test_it_refuses_what_is_not_a_zip(fresh):
    assert "it is not a zip file" in refused(b"date,amount\n2026-11-01,12.50\n", fresh)


def test_it_refuses_a_zip_without_a_document(fresh):
    out = io.BytesIO()
    with ZipFile(out, "w") as other:
        other.writestr("photo.png", b"\x89PNG\r\n\x1a\n")
    assert "it has no spendwise.json" in refused(out.getvalue(), fresh)


def test_it_refuses_a_newer_version(archive, fresh):
    message = refused(rewritten(archive, lambda d: d.update(version=99)), fresh)
    assert message == (
        "This file cannot be imported: version: this SpendWise reads exports of version 1, "
        "the file is version 99"
    )


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (
            lambda d: d["transactions"][3].update(account=999),
            "transactions[3].account: no account has id 999",
        ),
        (
            lambda d: d["transactions"][0].update(amount="12.345"),
            "transactions[0].amount: USD amounts have at most 2 decimal places.",
        ),
        (
            lambda d: d["transactions"][0].update(amount=12.5),
            'transactions[0].amount: must be an amount written as text, like "-12.50"',
        ),
        (
            lambda d: d["transactions"][0].update(amount="12.50"),
            "transactions[0].amount: an expense is negative and an income positive",
        ),
        (
            lambda d: d["transactions"][0].update(date="2026-13-01"),
            "transactions[0].date: must be a date (YYYY-MM-DD)",
        ),
        (
            lambda d: d["transactions"][0].update(tags=[1, 1]),
            "transactions[0].tags: a tag is listed twice",
        ),
        (
            lambda d: d["accounts"][0].update(currency="XYZ"),
            "accounts[0].currency: “XYZ” is not an ISO 4217 currency code.",
        ),
        (
            lambda d: d["accounts"][1].update(name="checking"),
            "accounts[1]: a second account named “checking”",
        ),
        (lambda d: d["categories"].reverse(), "categories[0].parent: no earlier category has id"),
        (
            lambda d: d["budgets"][0]["amounts"][0].update(amount="-1.00"),
            "budgets[0].amounts[0]: a budget amount is zero or more",
        ),
        (
            lambda d: d["schedules"][0].update(interval=0),
            "schedules[0].interval: must be from 1 to 999",
        ),
        (lambda d: d["rules"][0].update(payee_value="(unclosed"), "rules[0].payee_value:"),
        (
            lambda d: d["exchange_rates"][0].update(rate="0"),
            "exchange_rates[0].rate: A rate must be a number greater than zero.",
        ),
        (lambda d: d.pop("accounts"), "the file: accounts: missing"),
    ],
)
def test_it_refuses_a_damaged_document_saying_where(archive, fresh, change, where):
    message = refused(rewritten(archive, change), fresh)
    assert message.startswith("This file cannot be imported: ")
    assert where.removeprefix("the file: ") in message


def test_it_refuses_a_transfer_with_one_leg(archive, fresh):
    def drop_a_leg(document):
        legs = [t for t in document["transactions"] if t["transfer"] == 1]
        document["transactions"].remove(legs[1])

    message = refused(rewritten(archive, drop_a_leg), fresh)
    assert "transfer 1 must be two transactions on one date" in message


def test_it_refuses_a_damaged_receipt(archive, fresh, storage):
    out = io.BytesIO()
    with ZipFile(io.BytesIO(archive)) as source, ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, data[:-1] + b"!" if name.startswith("receipts/1-") else data)
    files_before = stored(storage)

    message = refused(out.getvalue(), fresh)

    assert "receipts/1-till receipt.png is damaged (its checksum does not match)" in message
    assert stored(storage) == files_before


def test_it_refuses_a_receipt_that_is_not_what_it_claims(archive, fresh):
    html = b"<html><script>alert(1)</script></html>"

    def swap(document):
        receipt = document["transactions"][0]["receipts"][0]
        receipt.update(size=len(html), sha256=__import__("hashlib").sha256(html).hexdigest())

    out = io.BytesIO()
    with ZipFile(io.BytesIO(rewritten(archive, swap))) as source, ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name, html if name.startswith("receipts/1-") else source.read(name))

    assert "is not a image/png file" in refused(out.getvalue(), fresh)


def test_a_failure_while_writing_undoes_everything_and_removes_copied_files(
    archive, fresh, storage, monkeypatch
):
    files_before = stored(storage)
    real_save = type(storage).save
    calls = []

    def fail_on_the_second_file(self, key, data, content_type):
        calls.append(key)
        if len(calls) == 2:
            raise OSError("disk full")
        real_save(self, key, data, content_type)

    monkeypatch.setattr(type(storage), "save", fail_on_the_second_file)
    before = table_counts()

    with pytest.raises(OSError, match="disk full"):
        restore(io.BytesIO(archive), fresh)

    assert table_counts() == before
    assert stored(storage) == files_before
    assert not Attachment.objects.filter(household=fresh.household).exists()


def test_a_viewer_cannot_restore(archive, fresh):
    demote_to_viewer(fresh)
    before = table_counts()
    with pytest.raises(PermissionDenied):
        restore(io.BytesIO(archive), fresh)
    assert table_counts() == before


def test_the_page_shows_the_refusal_on_the_form(archive, fresh):
    make_account(fresh, "Already here")
    client = Client()
    client.force_login(fresh.user)

    page = client.get(reverse("portability:restore")).content.decode()
    response = client.post(
        reverse("portability:restore"),
        {"archive": SimpleUploadedFile("export.zip", archive, content_type="application/zip")},
    )

    assert "This household already has data (1 account)" in page
    assert response.status_code == 400
    assert "Nothing was imported." in response.content.decode()
    assert "This household is not empty (1 account)." in response.content.decode()


def test_the_page_refuses_a_file_over_the_limit(settings, archive, fresh):
    settings.RESTORE_MAX_BYTES = 100
    client = Client()
    client.force_login(fresh.user)
    before = table_counts()

    response = client.post(
        reverse("portability:restore"),
        {"archive": SimpleUploadedFile("export.zip", archive, content_type="application/zip")},
    )

    assert response.status_code == 400
    assert "at most 100\xa0bytes can be imported here" in response.content.decode()
    assert table_counts() == before


def test_a_viewer_is_refused_on_the_page_with_403(archive, fresh):
    demote_to_viewer(fresh)
    client = Client()
    client.force_login(fresh.user)

    response = client.post(
        reverse("portability:restore"),
        {"archive": SimpleUploadedFile("export.zip", archive, content_type="application/zip")},
    )

    assert response.status_code == 403
    assert "cannot make changes" in response.content.decode()


def test_the_command_says_why_it_refused(archive, fresh, tmp_path):
    make_account(fresh, "Already here")
    path = tmp_path / "export.zip"
    path.write_bytes(archive)

    with pytest.raises(CommandError, match="This household is not empty"):
        call_command("restore_export", str(path), "--email", fresh.user.email)


def test_the_checks_run_before_anything_is_written(archive, fresh, monkeypatch):
    """The reader refuses the last section's problem before the first row is saved."""
    writes = []
    monkeypatch.setattr(restore_module, "_write", lambda *args: writes.append(args))
    damaged = rewritten(archive, lambda d: d["exchange_rates"][0].update(base="???"))

    with pytest.raises(DomainError, match=r"exchange_rates\[0\]\.base"):
        restore(io.BytesIO(damaged), fresh)
    assert writes == []
