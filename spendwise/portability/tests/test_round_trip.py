"""Export → restore into a fresh household → export again: nothing lost, nothing changed."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any
from zipfile import ZipFile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from spendwise.attachments.models import Attachment
from spendwise.households.models import Household
from spendwise.ledger import rollup
from spendwise.ledger.models import Category
from spendwise.ledger.queries import account_balances
from spendwise.periods import Period
from spendwise.portability.export import CSV_NAME, DOCUMENT_NAME, FORMAT, VERSION
from spendwise.portability.restore import restore
from spendwise.reports import queries as reports
from spendwise.testing.factories import make_member

from .conftest import PDF, PNG, export_bytes, fill_household

pytestmark = pytest.mark.django_db

YEAR = Period(date(2026, 1, 1), date(2027, 1, 1))
NOVEMBER = Period(date(2026, 11, 1), date(2026, 12, 1))


def document(archive: bytes) -> dict[str, Any]:
    with ZipFile(io.BytesIO(archive)) as opened:
        data: dict[str, Any] = json.loads(opened.read(DOCUMENT_NAME))
    return data


def normalised(archive: bytes) -> dict:
    """The document without what must differ between two exports: when each was made.
    (Its ids are the file's own numbering, not database ids, so they stay in.)"""
    data = document(archive)
    del data["exported_at"]
    return data


def members(archive: bytes) -> dict[str, bytes]:
    with ZipFile(io.BytesIO(archive)) as opened:
        return {name: opened.read(name) for name in opened.namelist() if name != DOCUMENT_NAME}


def report_numbers(household: Household) -> dict[str, object]:
    """What the reports show, by name (ids differ between households)."""
    spending = reports.spending_by_category(household, NOVEMBER, "USD")
    payees = reports.top_payees(household, YEAR, "USD")
    tags = reports.spending_by_tag(household, YEAR, "USD")
    net_worth = reports.net_worth_series(household, YEAR, "USD")
    return {
        "spending": [(row.name, row.spent) for row in spending.rows],
        "spending_total": spending.total,
        "payees": [(row.name, row.spent, row.count) for row in payees.rows],
        "tags": [(row.name, row.spent, row.count) for row in tags.rows],
        "untagged": tags.untagged,
        "net_worth": [(p.day, p.balance) for p in net_worth.points],
    }


def balances(household: Household) -> list[tuple[str, object]]:
    return [
        (row.account.name, row.balance)
        for row in account_balances(household, include_archived=True)
    ]


@pytest.fixture
def fresh():
    return make_member("fresh@example.com")


def test_an_export_restored_into_a_fresh_household_exports_the_same(owner, fresh):
    fill_household(owner)
    first = export_bytes(owner.household)

    summary = restore(io.BytesIO(first), fresh)
    second = export_bytes(fresh.household)

    assert normalised(second) == normalised(first)
    assert members(second) == members(first)  # the CSV and every receipt, byte for byte
    assert summary.transactions == len(document(first)["transactions"])
    assert summary.receipts == 3


def test_the_restored_household_has_the_same_balances_reports_and_an_exact_rollup(owner, fresh):
    fill_household(owner)
    restore(io.BytesIO(export_bytes(owner.household)), fresh)

    assert balances(fresh.household) == balances(owner.household)
    assert report_numbers(fresh.household) == report_numbers(owner.household)
    assert rollup.differences(fresh.household.pk) == []
    assert fresh.household.name == owner.household.name


def test_the_document_holds_every_kind_of_object(owner):
    fill_household(owner)
    data = document(export_bytes(owner.household))

    assert data["format"] == FORMAT and data["version"] == VERSION
    assert {a["name"] for a in data["accounts"]} >= {"Checking", "Euro card", "Ví"}
    assert next(a for a in data["accounts"] if a["name"] == "Old wallet")["archived"] is True
    models = next(c for c in data["categories"] if c["name"] == "Models")
    hobbies = next(c for c in data["categories"] if c["name"] == "Hobbies")
    assert models["parent"] == hobbies["id"] and hobbies["colour"] == "#123456"
    shop = next(p for p in data["payees"] if p["name"] == "Corner shop")
    groceries = next(c for c in data["categories"] if c["name"] == "Groceries")
    assert shop["default_category"] == groceries["id"]
    expense = next(t for t in data["transactions"] if t["receipts"] and t["kind"] == "expense")
    assert expense["amount"] == "-45.50" and expense["currency"] == "USD"
    assert len(expense["tags"]) == 2
    assert [r["content_type"] for r in expense["receipts"]] == ["image/png", "application/pdf"]
    legs = [t for t in data["transactions"] if t["kind"] == "transfer"]
    # Two typed by hand, three posted by the fortnightly schedule: two legs each.
    assert sorted({t["transfer"] for t in legs}) == [1, 2, 3, 4, 5] and len(legs) == 10
    cross = [t for t in legs if t["transfer"] == 2]
    assert sorted((t["amount"], t["currency"]) for t in cross) == [
        ("-110.00", "USD"),
        ("100.00", "EUR"),
    ]
    food_id = next(c["id"] for c in data["categories"] if c["name"] == "Food")
    food = next(b for b in data["budgets"] if b["category"] == food_id)
    assert food["rollover"] is True
    assert food["amounts"] == [
        {"month": "2026-11-01", "amount": "40.00", "repeats": True},
        {"month": "2026-12-01", "amount": "60.00", "repeats": False},
    ]
    assert {a["threshold"] for a in food["alerts"]} == {80, 100}
    overall = next(b for b in data["budgets"] if b["category"] is None)
    assert overall["thresholds"] == [50, 90, 100]
    statuses = {o["status"] for s in data["schedules"] for o in s["occurrences"]}
    assert statuses == {"pending", "posted", "skipped"}
    posted = [o for s in data["schedules"] for o in s["occurrences"] if o["status"] == "posted"]
    assert all(o["transaction"] or o["transfer"] for o in posted)
    assert data["rules"][0]["payee_value"] == r"^(star|blue) ?bucks"
    assert data["exchange_rates"] == [
        {"date": "2026-11-02", "base": "EUR", "quote": "USD", "rate": "1.0765", "source": "manual"}
    ]


def test_the_zip_holds_the_transactions_csv_and_the_receipt_files(owner):
    fill_household(owner)
    files = members(export_bytes(owner.household))

    receipts = {name: data for name, data in files.items() if name.startswith("receipts/")}
    assert receipts == {
        "receipts/1-till receipt.png": PNG,
        "receipts/2-bank slip.pdf": PDF,
        "receipts/3-t.pdf": PDF,
    }
    lines = files[CSV_NAME].decode().splitlines()
    assert lines[0] == "date,account,kind,amount,currency,category,payee,tags,note,transfer id"
    assert (
        "2026-11-03,Checking,expense,-45.50,USD,Food › Groceries,Corner shop,"
        in files[CSV_NAME].decode()
    )


def test_the_restored_receipts_are_new_files_of_the_new_household(owner, fresh, storage):
    fill_household(owner)
    restore(io.BytesIO(export_bytes(owner.household)), fresh)

    copies = Attachment.objects.filter(household=fresh.household).order_by("id")
    originals = Attachment.objects.filter(household=owner.household).order_by("id")
    assert [(a.original_name, a.sha256) for a in copies] == [
        (a.original_name, a.sha256) for a in originals
    ]
    for copy, original in zip(copies, originals, strict=True):
        assert copy.key != original.key
        assert copy.key.startswith(f"households/{fresh.household_id}/receipts/")
        assert storage.open(copy.key) == storage.open(original.key)


def test_the_fresh_households_default_categories_are_replaced_by_the_files(owner, fresh):
    fill_household(owner)
    restore(io.BytesIO(export_bytes(owner.household)), fresh)

    def names(household):
        return sorted(
            Category.objects.filter(household=household).values_list("kind", "name", "archived")
        )

    assert names(fresh.household) == names(owner.household)


def test_the_import_page_restores_an_uploaded_export(owner, fresh):
    fill_household(owner)
    archive = export_bytes(owner.household)
    client = Client()
    client.force_login(fresh.user)

    page = client.get(reverse("portability:restore"))
    response = client.post(
        reverse("portability:restore"),
        {"archive": SimpleUploadedFile("export.zip", archive, content_type="application/zip")},
        follow=True,
    )

    assert "This household is empty" in page.content.decode()
    assert response.redirect_chain[0][0] == reverse("web:dashboard")
    assert (
        "Imported 5 accounts, 18 transactions, 3 receipts, 3 budgets, 3 recurring schedules "
        "and 1 rule." in response.content.decode()
    )
    assert balances(fresh.household) == balances(owner.household)


def test_the_commands_export_and_restore_through_files(owner, fresh, tmp_path):
    fill_household(owner)
    path = tmp_path / "backup.zip"
    out = io.StringIO()

    call_command("export_household", "--email", owner.user.email, "-o", str(path), stdout=out)
    call_command("restore_export", str(path), "--email", fresh.user.email, stdout=out)

    assert "Imported 5 accounts, 18 transactions, 3 receipts" in out.getvalue()
    fresh.household.refresh_from_db()
    assert normalised(export_bytes(fresh.household)) == normalised(path.read_bytes())
