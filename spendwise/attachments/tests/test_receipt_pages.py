"""Receipts on transactions: what a member sees, what the database and the storage hold."""

from __future__ import annotations

import hashlib
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from spendwise.attachments import actions
from spendwise.attachments.models import Attachment
from spendwise.attachments.storage import LocalFileStorage, MissingFile
from spendwise.ledger.actions import transaction_delete
from spendwise.testing.factories import make_entry, make_transfer

from .conftest import PDF, PNG

pytestmark = pytest.mark.django_db

HTML = b"<!doctype html><script>alert(document.cookie)</script>"


def upload(data: bytes, name: str = "receipt.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files(storage: LocalFileStorage) -> list[str]:
    return sorted(
        str(p.relative_to(storage.root))
        for p in storage.root.rglob("*")
        if p.is_file() and not p.name.endswith(".meta.json")
    )


@pytest.fixture
def expense(owner, checking):
    return make_entry(owner, checking, 4550, payee="Corner shop", note="Groceries")


@pytest.fixture
def receipt(owner, expense) -> Attachment:
    return actions.attachment_add(actor=owner, row=expense, name="bill.png", data=PNG)


def receipts_url(row) -> str:
    return reverse("attachments:receipts", args=[row.pk])


# --- adding --------------------------------------------------------------------------------------
def test_it_attaches_a_file_typed_by_its_content_not_its_name(
    owner_client: Client, expense, storage
):
    # Named .txt and sent as text/plain by the browser; the bytes are a PNG.
    response = owner_client.post(
        receipts_url(expense), {"file": upload(PNG, "photo.txt", "text/plain")}
    )

    assert response.status_code == 302
    attachment = Attachment.objects.get(transaction=expense)
    assert attachment.content_type == "image/png"
    assert attachment.original_name == "photo.txt.png"
    assert attachment.size == len(PNG)
    assert attachment.sha256 == hashlib.sha256(PNG).hexdigest()
    assert attachment.household_id == expense.household_id
    assert re.fullmatch(
        rf"households/{expense.household_id}/receipts/[0-9a-f]{{32}}", attachment.key
    )
    assert storage.open(attachment.key) == PNG
    page = owner_client.get(response["Location"]).content.decode()
    assert "Receipt “photo.txt.png” attached." in page


def test_it_goes_back_to_the_transaction_page_it_came_from(owner_client: Client, expense):
    edit = reverse("ledger:transaction_edit", args=[expense.pk])
    response = owner_client.post(
        receipts_url(expense), {"file": upload(PDF, "a.pdf"), "next": edit}
    )
    assert response["Location"] == edit


def test_it_refuses_a_file_that_is_not_an_image_or_pdf_whatever_it_claims(
    owner_client: Client, expense, storage
):
    response = owner_client.post(
        receipts_url(expense), {"file": upload(HTML, "receipt.png", "image/png")}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was attached." in page
    assert "receipts must be JPEG, PNG, WebP or HEIC images, or PDF documents" in page
    assert not Attachment.objects.exists()
    assert stored_files(storage) == []


def test_it_refuses_a_file_over_the_size_limit_saying_the_limit(
    settings, owner_client: Client, expense, storage
):
    settings.RECEIPT_MAX_BYTES = 1024
    response = owner_client.post(receipts_url(expense), {"file": upload(PNG + b"\0" * 2000)})

    assert response.status_code == 400
    assert "receipts can be at most 1.0\xa0KB" in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_files(storage) == []


def test_it_asks_for_a_file_when_none_is_sent(owner_client: Client, expense):
    response = owner_client.post(receipts_url(expense), {})
    assert response.status_code == 400
    assert not Attachment.objects.exists()


def test_it_removes_the_stored_file_when_the_row_cannot_be_written(
    owner, expense, storage, monkeypatch
):
    def broken_create(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Attachment.objects, "create", broken_create)
    with pytest.raises(RuntimeError):
        actions.attachment_add(actor=owner, row=expense, name="a.png", data=PNG)
    assert stored_files(storage) == []


# --- seeing --------------------------------------------------------------------------------------
def test_the_edit_page_lists_receipts_with_a_form_to_add_more(owner_client: Client, receipt):
    page = owner_client.get(
        reverse("ledger:transaction_edit", args=[receipt.transaction_id])
    ).content.decode()

    assert "Receipts" in page
    assert reverse("attachments:open", args=[receipt.pk]) in page
    assert "bill.png" in page
    assert 'enctype="multipart/form-data"' in page
    assert reverse("attachments:delete", args=[receipt.pk]) in page


def test_the_list_shows_a_paperclip_only_on_rows_with_receipts(
    owner, checking, owner_client: Client, receipt
):
    plain = make_entry(owner, checking, 100, note="no receipt here")
    page = owner_client.get(reverse("ledger:transactions")).content.decode()

    with_receipt = re.search(rf'<tr id="txn-{receipt.transaction_id}".*?</tr>', page, re.S)
    without = re.search(rf'<tr id="txn-{plain.pk}".*?</tr>', page, re.S)
    assert with_receipt and without
    assert 'class="receipt-clip"' in with_receipt.group(0)
    assert receipts_url(receipt.transaction) in with_receipt.group(0)
    assert "receipt-clip" not in without.group(0)


def test_the_paperclips_cost_one_query_for_the_whole_page(owner, checking, owner_client: Client):
    rows = [make_entry(owner, checking, 100 + n) for n in range(6)]
    actions.attachment_add(actor=owner, row=rows[0], name="a.png", data=PNG)
    list_url = reverse("ledger:transactions")
    owner_client.get(list_url)  # warm up (session, content types)
    with CaptureQueriesContext(connection) as one_receipt:
        owner_client.get(list_url)
    for row in rows[1:]:
        actions.attachment_add(actor=owner, row=row, name="b.pdf", data=PDF)
    with CaptureQueriesContext(connection) as six_receipts:
        page = owner_client.get(list_url).content.decode()

    assert page.count('class="receipt-clip"') == 6
    assert len(six_receipts) == len(one_receipt)
    receipt_queries = [q for q in six_receipts if "attachments_attachment" in q["sql"]]
    assert len(receipt_queries) == 1


def test_opening_a_receipt_serves_its_bytes_inline_with_its_real_type(
    owner_client: Client, receipt
):
    response = owner_client.get(reverse("attachments:open", args=[receipt.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/files/")

    file = owner_client.get(response["Location"])

    assert file.status_code == 200
    assert file.content == PNG
    assert file["Content-Type"] == "image/png"
    assert file["X-Content-Type-Options"] == "nosniff"
    assert file["Content-Disposition"] == 'inline; filename="bill.png"'
    assert "sandbox" in file["Content-Security-Policy"]
    assert "no-store" in file["Cache-Control"]


def test_a_pdf_is_served_as_a_pdf(owner, expense, owner_client: Client):
    attachment = actions.attachment_add(actor=owner, row=expense, name="scan.pdf", data=PDF)
    link = owner_client.get(reverse("attachments:open", args=[attachment.pk]))["Location"]
    file = owner_client.get(link)
    assert file.content == PDF
    assert file["Content-Type"] == "application/pdf"
    assert file["Content-Disposition"] == 'inline; filename="scan.pdf"'


def test_a_file_link_expires(settings, owner_client: Client, receipt):
    settings.FILE_URL_EXPIRY_SECONDS = 300
    with time_machine.travel("2026-11-27 10:00:00+00:00", tick=False) as clock:
        link = owner_client.get(reverse("attachments:open", args=[receipt.pk]))["Location"]
        clock.shift(301)
        assert owner_client.get(link).status_code == 404


def test_a_file_link_needs_a_signed_in_member(client: Client, owner_client: Client, receipt):
    link = owner_client.get(reverse("attachments:open", args=[receipt.pk]))["Location"]
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:sign_in"))


def test_a_file_link_is_no_use_to_another_household(
    owner_client: Client, outsider_client: Client, receipt
):
    link = owner_client.get(reverse("attachments:open", args=[receipt.pk]))["Location"]
    assert outsider_client.get(link).status_code == 404


def test_a_forged_file_link_is_a_404(owner_client: Client, receipt):
    assert owner_client.get(reverse("attachments:file", args=["not-a-token"])).status_code == 404


# --- viewers and outsiders -----------------------------------------------------------------------
def test_a_viewer_sees_and_opens_receipts_but_cannot_add_or_delete(
    viewer_client: Client, receipt, storage
):
    page = viewer_client.get(receipts_url(receipt.transaction))
    assert page.status_code == 200
    assert "bill.png" in page.content.decode()
    assert 'enctype="multipart/form-data"' not in page.content.decode()
    link = viewer_client.get(reverse("attachments:open", args=[receipt.pk]))["Location"]
    assert viewer_client.get(link).content == PNG

    added = viewer_client.post(receipts_url(receipt.transaction), {"file": upload(PDF, "x.pdf")})
    deleted = viewer_client.post(reverse("attachments:delete", args=[receipt.pk]))

    assert added.status_code == 403
    assert "cannot make changes" in added.content.decode()
    assert deleted.status_code == 403
    assert list(Attachment.objects.values_list("pk", flat=True)) == [receipt.pk]
    assert len(stored_files(storage)) == 1


def test_another_households_receipts_are_a_404(outsider_client: Client, receipt, storage):
    for response in (
        outsider_client.get(receipts_url(receipt.transaction)),
        outsider_client.post(receipts_url(receipt.transaction), {"file": upload(PNG)}),
        outsider_client.get(reverse("attachments:open", args=[receipt.pk])),
        outsider_client.post(reverse("attachments:delete", args=[receipt.pk])),
    ):
        assert response.status_code == 404
    assert list(Attachment.objects.values_list("pk", flat=True)) == [receipt.pk]
    assert len(stored_files(storage)) == 1


# --- deleting ------------------------------------------------------------------------------------
def test_deleting_a_receipt_removes_its_file_once_committed(
    owner_client: Client, receipt, storage, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("attachments:delete", args=[receipt.pk]))

    assert response.status_code == 302
    assert not Attachment.objects.exists()
    with pytest.raises(MissingFile):
        storage.open(receipt.key)
    assert stored_files(storage) == []


def test_deleting_a_transaction_deletes_its_files(
    owner, receipt, storage, django_capture_on_commit_callbacks
):
    second = actions.attachment_add(actor=owner, row=receipt.transaction, name="b.pdf", data=PDF)
    with django_capture_on_commit_callbacks(execute=True):
        transaction_delete(actor=owner, row=receipt.transaction)

    assert not Attachment.objects.exists()
    for key in (receipt.key, second.key):
        with pytest.raises(MissingFile):
            storage.open(key)


def test_deleting_a_transfer_deletes_its_legs_files(
    owner, checking, savings, storage, owner_client: Client, django_capture_on_commit_callbacks
):
    transfer = make_transfer(owner, checking, savings, 5000)
    leg = transfer.transactions.get(amount__lt=0)
    attachment = actions.attachment_add(actor=owner, row=leg, name="slip.pdf", data=PDF)

    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("ledger:transaction_delete", args=[leg.pk]))

    assert not Attachment.objects.exists()
    with pytest.raises(MissingFile):
        storage.open(attachment.key)


def test_a_deletion_that_is_rolled_back_keeps_the_file(
    owner, receipt, storage, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        transaction_delete(actor=owner, row=receipt.transaction)
        raise RuntimeError("something later in the same transaction failed")

    assert Attachment.objects.filter(pk=receipt.pk).exists()
    assert storage.open(receipt.key) == PNG
