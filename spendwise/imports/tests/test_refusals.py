"""Files and people the wizard refuses: each gets a clear message and the database is left
exactly as it was."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.http import multipartparser
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from spendwise.errors import DomainError
from spendwise.imports import actions, formats
from spendwise.imports.models import ImportBatch, ImportDraft
from spendwise.ledger.models import Transaction
from spendwise.testing.factories import make_account

from .conftest import commit, counts, draft_of, import_file, statement, upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "utf16.csv",
            "Date,Payee,Amount\n2026-11-03,Café,-4.20\n".encode("utf-16"),
            "This file is encoded as UTF-16, which SpendWise cannot read.",
        ),
        (
            "utf16-no-bom.csv",
            "Date,Payee,Amount\n2026-11-03,Café,-4.20\n".encode("utf-16-le"),
            "This file is not plain text: it contains NUL bytes",
        ),
        (
            "neither.csv",
            b"Date,Payee,Amount\n2026-11-03,Caf\x81,-4.20\n",
            "This file is neither UTF-8 nor Windows-1252 text",
        ),
        (
            "statement.xlsx",
            b"PK\x03\x04" + b"\x00" * 200,
            "This looks like an Excel or OpenDocument workbook",
        ),
        (
            "truncated.xml",
            statement("statement.camt053.xml")[:1500],
            "This XML file is damaged or incomplete",
        ),
        (
            "truncated.ofx",
            statement("checking.ofx")[:700],
            "This OFX file is damaged or incomplete",
        ),
        (
            "bomb.xml",
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
            b'"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
            b"<Document><BkToCstmrStmt><Stmt><Ntry>&lol2;</Ntry></Stmt></BkToCstmrStmt></Document>",
            "declares a document type or entities",
        ),
        (
            "xxe.xml",
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<Document><BkToCstmrStmt><Stmt><Ntry>&x;</Ntry></Stmt></BkToCstmrStmt></Document>",
            "declares a document type or entities",
        ),
        ("empty.csv", b"   \n", "The file is empty."),
        ("notes.txt", b"just some words\nand more words\n", "does not look like a table"),
        ("statement.pdf", b"%PDF-1.7\n...", "PDF statements cannot be imported"),
        ("export.csv", b"<!DOCTYPE html><html><body>Session expired</body></html>", "web page"),
        (
            "bad.sta",
            b":20:X\n:25:DE1/EUR\n:28C:1\n:60F:C261031EUR1,00\n:61:2611051105Cabc\n-",
            "Line 5 of this MT940 file cannot be read",
        ),
    ],
)
def test_it_refuses_a_file_it_cannot_read_with_a_clear_message(
    name, content, message, owner, euro_account, owner_client: Client
):
    before = counts(owner.household)
    response = upload(owner_client, euro_account, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert counts(owner.household) == before


def test_it_marks_an_amount_that_is_not_a_number(owner, checking, owner_client: Client):
    content = b"date,payee,amount\n2026-11-03,Shop,-4.20\n2026-11-04,Shop,twelve\n"
    response = upload(owner_client, checking, "words.csv", content)
    draft = draft_of(response)
    owner_client.post(
        reverse("imports:mapping", args=[draft.pk]),
        {
            "skip_rows": 0,
            "has_header": "on",
            "date": 0,
            "date_format": "YYYY-MM-DD",
            "amount_layout": "single",
            "amount": 2,
            "sign": "in",
            "decimal_mark": ".",
            "payee": 1,
        },
    )
    before = counts(owner.household)
    page = owner_client.get(reverse("imports:preview", args=[draft.pk])).content.decode()
    assert "“twelve” is not an amount." in page
    assert commit(owner_client, draft).status_code == 400
    assert counts(owner.household) == before


def test_it_refuses_a_50_mb_upload_before_reading_it(
    owner, checking, owner_client: Client, tmp_path: Path, monkeypatch
):
    big = tmp_path / "huge.csv"
    with big.open("wb") as out:
        line = b"2026-11-03,Some shop with a long name,-12.34\n"
        out.write(b"date,payee,amount\n")
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            out.write(line)
    assert big.stat().st_size > 50 * 1024 * 1024

    def must_not_run(*args, **kwargs):
        raise AssertionError("the body was parsed")

    monkeypatch.setattr(multipartparser.MultiPartParser, "parse", must_not_run)
    monkeypatch.setattr(formats, "detect_format", must_not_run)
    before = counts(owner.household)
    with big.open("rb") as handle:
        response = owner_client.post(
            reverse("imports:upload"), {"account": checking.pk, "file": handle}
        )
    assert response.status_code == 413
    assert "This file is too large (50.0 MB): one import takes at most 10.0 MB." in (
        response.content.decode()
    )
    assert counts(owner.household) == before


@override_settings(IMPORT_MAX_BYTES=2000)
def test_it_stops_reading_an_upload_that_passes_the_limit_while_streaming(
    owner, checking, owner_client: Client, monkeypatch
):
    """A body within the Content-Length allowance still stops at the limit (what protects
    a request sent without a length)."""
    content = b"date,payee,amount\n" + b"2026-11-03,Shop,-1.00\n" * 500
    monkeypatch.setattr(formats, "detect_format", lambda *a: pytest.fail("parsed"))
    before = counts(owner.household)
    response = upload(owner_client, checking, "long.csv", content)
    assert response.status_code == 413
    assert "This file is too large" in response.content.decode()
    assert counts(owner.household) == before


@override_settings(IMPORT_MAX_ROWS=3)
def test_it_refuses_a_file_with_more_rows_than_allowed(owner, checking, owner_client: Client):
    before = counts(owner.household)
    response = upload(owner_client, checking, "checking.ofx")
    assert response.status_code == 400
    assert "This file has 4 rows; one import takes at most 3." in response.content.decode()
    assert counts(owner.household) == before


def test_it_checks_the_size_in_the_action_too(owner, checking):
    with override_settings(IMPORT_MAX_BYTES=1024), pytest.raises(DomainError, match="too large"):
        actions.draft_create(actor=owner, account=checking, file_name="a.csv", content=b"x" * 2000)


def test_it_refuses_a_viewer_at_every_step(owner, viewer_client: Client, checking, owner_client):
    draft = draft_of(upload(owner_client, checking, "checking.ofx"))
    import_file(owner_client, checking, "creditcard.qfx")
    batch_pk = ImportBatch.objects.get().pk
    before = counts(owner.household)
    answers = {
        "upload page": viewer_client.get(reverse("imports:upload")).status_code,
        "upload": upload(viewer_client, checking, "checking.qif").status_code,
        "preview": viewer_client.get(reverse("imports:preview", args=[draft.pk])).status_code,
        "commit": viewer_client.post(reverse("imports:commit", args=[draft.pk])).status_code,
        "cancel": viewer_client.post(reverse("imports:cancel", args=[draft.pk])).status_code,
        "undo": viewer_client.post(reverse("imports:undo", args=[batch_pk])).status_code,
    }
    assert answers == dict.fromkeys(answers, 403)
    assert counts(owner.household) == before
    history = viewer_client.get(reverse("imports:index"))
    assert history.status_code == 200 and "creditcard.qfx" in history.content.decode()
    assert reverse("imports:undo", args=[batch_pk]) not in history.content.decode()


def test_it_hides_another_households_drafts_and_imports(
    owner, checking, owner_client: Client, outsider, outsider_client: Client
):
    draft = draft_of(upload(owner_client, checking, "checking.ofx"))
    import_file(owner_client, checking, "creditcard.qfx")
    batch = ImportBatch.objects.get()
    before = counts(owner.household)
    for name, pk in [
        ("imports:mapping", draft.pk),
        ("imports:preview", draft.pk),
        ("imports:commit", draft.pk),
        ("imports:cancel", draft.pk),
        ("imports:batch", batch.pk),
        ("imports:undo", batch.pk),
    ]:
        url = reverse(name, args=[pk])
        answers = {
            outsider_client.get(url).status_code,
            outsider_client.post(url, {"import": ["39"], "shown": ["39"]}).status_code,
        }
        assert answers <= {404, 405} and 404 in answers, name
    assert counts(owner.household) == before
    assert "checking.ofx" not in outsider_client.get(reverse("imports:index")).content.decode()


def test_it_refuses_to_import_into_another_households_account(
    owner, outsider, outsider_client: Client, checking
):
    make_account(outsider, "Their own")
    response = upload(outsider_client, checking, "checking.ofx")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not ImportDraft.objects.exists()


def test_it_refuses_an_archived_account(owner, owner_client: Client):
    account = make_account(owner, "Old card")
    account.archived = True
    account.save()
    response = upload(owner_client, account, "checking.ofx")
    assert response.status_code == 400
    assert not Transaction.objects.exists()


def test_it_expires_drafts_after_a_day(owner, checking, owner_client: Client):
    draft = draft_of(upload(owner_client, checking, "checking.ofx"))
    with time_machine.travel(draft.created_at + timedelta(days=1, minutes=1)):
        response = owner_client.get(reverse("imports:preview", args=[draft.pk]))
        assert response.status_code == 410
        assert "This import has expired" in response.content.decode()
        assert actions.purge_expired_drafts() == 1
    assert not ImportDraft.objects.exists()


def test_it_keeps_only_the_latest_drafts_of_a_household(owner, checking, owner_client: Client):
    for _ in range(actions.DRAFTS_PER_HOUSEHOLD + 2):
        upload(owner_client, checking, "checking.ofx")
    assert ImportDraft.objects.count() == actions.DRAFTS_PER_HOUSEHOLD


def test_it_purges_expired_drafts_from_the_command_line(owner, checking, owner_client: Client):
    upload(owner_client, checking, "checking.ofx")
    out = StringIO()
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        call_command("purge_import_drafts", stdout=out)
    assert "Deleted 1 expired import draft(s)." in out.getvalue()
    assert not ImportDraft.objects.exists()


@pytest.mark.parametrize("column", ["²", "9" * 5000])
def test_it_refuses_a_date_column_that_only_looks_like_a_number(
    owner, checking, owner_client: Client, column: str
):
    draft = draft_of(upload(owner_client, checking, "current_account_cp1252.csv"))
    before = counts(owner.household)
    response = owner_client.post(reverse("imports:mapping", args=[draft.pk]), {"date": column})
    assert response.status_code == 400
    assert counts(owner.household) == before
    draft.refresh_from_db()
    assert not draft.settings.get("mapped")


@pytest.mark.parametrize("line", ["²", "9" * 5000])
def test_it_ignores_a_line_number_that_only_looks_like_a_number(
    owner, checking, owner_client: Client, line: str
):
    draft = draft_of(upload(owner_client, checking, "checking.ofx"))
    choices = dict(draft.choices)
    url = reverse("imports:preview", args=[draft.pk])
    response = owner_client.post(url, {"shown": [line], "import": [line]})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.choices == choices
