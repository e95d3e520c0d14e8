"""Statement files and helpers that drive the wizard the way a person does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from spendwise.households.models import Household, Membership
from spendwise.imports.models import ImportBatch, ImportDraft, ImportLine
from spendwise.ledger.models import Account, DailyTotal, Payee, Transaction
from spendwise.rules import suggest
from spendwise.testing.factories import make_account

FILES = Path(__file__).parent / "files"


def statement(name: str) -> bytes:
    return (FILES / name).read_bytes()


def upload(client: Client, account: Account, name: str, content: bytes | None = None) -> Any:
    """Post a file to the upload step (the fixture ``name`` unless ``content`` is given)."""
    data = statement(name) if content is None else content
    return client.post(
        reverse("imports:upload"),
        {"account": account.pk, "file": SimpleUploadedFile(name, data)},
    )


def draft_of(response: Any) -> ImportDraft:
    """The draft an upload redirected to."""
    pk = int(response["Location"].rstrip("/").split("/")[-2])
    return ImportDraft.objects.get(pk=pk)


def map_columns(client: Client, draft: ImportDraft, **changes: Any) -> Any:
    """Post the mapping step with what was detected (or remembered), changed by ``changes``."""
    page = client.get(reverse("imports:mapping", args=[draft.pk]))
    form = page.context["form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not None and v is not False}
    return client.post(reverse("imports:mapping", args=[draft.pk]), data)


def preview_rows(client: Client, draft: ImportDraft, page: int = 1) -> list[Any]:
    response = client.get(reverse("imports:preview", args=[draft.pk]) + f"?page={page}")
    assert response.status_code == 200, response.content.decode()[:2000]
    return [item.row for item in response.context["rows"]]


def commit(client: Client, draft: ImportDraft, ticked: list[int] | None = None) -> Any:
    """Press "Import" on the first preview page, with ``ticked`` lines (default: as shown)."""
    page = client.get(reverse("imports:preview", args=[draft.pk]))
    items = page.context["rows"]
    shown = [str(item.row.line_number) for item in items]
    if ticked is None:
        chosen = [str(item.row.line_number) for item in items if item.ticked]
    else:
        chosen = [str(line) for line in ticked]
    return client.post(
        reverse("imports:commit", args=[draft.pk]), {"shown": shown, "import": chosen, "page": 1}
    )


def import_file(client: Client, account: Account, name: str, content: bytes | None = None) -> Any:
    """Upload, map (CSV, as detected), and commit with the default choices."""
    response = upload(client, account, name, content)
    assert response.status_code == 302, response.content.decode()[:3000]
    draft = draft_of(response)
    if draft.is_csv:
        assert map_columns(client, draft).status_code == 302
    return commit(client, draft)


def counts(household: Household) -> dict[str, int]:
    """Rows of everything an import could write, for "nothing changed" checks."""
    return {
        "transactions": Transaction.objects.filter(household=household).count(),
        "payees": Payee.objects.filter(household=household).count(),
        "daily_totals": DailyTotal.objects.filter(household=household).count(),
        "batches": ImportBatch.objects.filter(household=household).count(),
        "lines": ImportLine.objects.filter(batch__household=household).count(),
        "drafts": ImportDraft.objects.filter(household=household).count(),
    }


@pytest.fixture(autouse=True)
def fresh_suggestions():
    """The suggester caches a model per household for two minutes: not across tests."""
    suggest.forget()
    yield
    suggest.forget()


@pytest.fixture
def euro_account(owner: Membership) -> Account:
    return make_account(owner, "Girokonto", currency="EUR")
