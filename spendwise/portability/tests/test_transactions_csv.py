"""The transactions CSV: the list's filters, the columns, and cells a spreadsheet won't run."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from spendwise.ledger import actions as ledger
from spendwise.portability import export
from spendwise.portability.spreadsheet import TRANSACTION_COLUMNS, neutralise, transaction_row
from spendwise.testing.factories import make_account, make_entry, make_transfer

CSV_URL = reverse("portability:transactions_csv")


# --- the cells ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+33 6 12 34 56", "'+33 6 12 34 56"),
        ("-12.50", "'-12.50"),  # in a text column even a number-like text is quoted
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("Coffee = good", "Coffee = good"),
        ("Phở", "Phở"),
        ("", ""),
    ],
)
def test_it_quotes_text_that_a_spreadsheet_would_run(text, expected):
    assert neutralise(text) == expected


def test_a_row_quotes_its_text_columns_but_leaves_the_amount_a_number():
    row = transaction_row(
        day="2026-11-03",
        account="@work",
        kind="expense",
        amount="-12.50",
        currency="USD",
        category="-Minus",
        payee='=HYPERLINK("http://evil")',
        tags=["+tag", "plain"],
        note="-12.50",
        transfer_id=None,
    )
    assert dict(zip(TRANSACTION_COLUMNS, row, strict=True)) == {
        "date": "2026-11-03",
        "account": "'@work",
        "kind": "expense",
        "amount": "-12.50",
        "currency": "USD",
        "category": "'-Minus",
        "payee": '\'=HYPERLINK("http://evil")',
        "tags": "'+tag, plain",
        "note": "'-12.50",
        "transfer id": "",
    }


# --- the download ---------------------------------------------------------------------------------
def read_csv(response) -> list[dict[str, str]]:
    assert response.streaming  # never built whole in memory
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.django_db
def test_it_downloads_every_transaction_oldest_first(owner, checking, savings, owner_client):
    make_entry(
        owner,
        checking,
        1250,
        on=date(2026, 11, 2),
        category_name="Groceries",
        payee="Corner shop",
        tags=("weekly", "food"),
        note="milk",
    )
    make_entry(
        owner,
        checking,
        300_000,
        kind="income",
        on=date(2026, 11, 1),
        category_name="Salary",
        payee="Employer",
    )
    transfer = make_transfer(owner, checking, savings, 5000, on=date(2026, 11, 3))

    response = owner_client.get(CSV_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="spendwise-transactions-'
    )
    rows = read_csv(response)
    assert list(rows[0]) == list(TRANSACTION_COLUMNS)
    assert [(r["date"], r["kind"], r["amount"]) for r in rows] == [
        ("2026-11-01", "income", "3000.00"),
        ("2026-11-02", "expense", "-12.50"),
        ("2026-11-03", "transfer", "-50.00"),
        ("2026-11-03", "transfer", "50.00"),
    ]
    assert rows[1] == {
        "date": "2026-11-02",
        "account": "Checking",
        "kind": "expense",
        "amount": "-12.50",
        "currency": "USD",
        "category": "Food › Groceries",
        "payee": "Corner shop",
        "tags": "food, weekly",
        "note": "milk",
        "transfer id": "",
    }
    assert {r["transfer id"] for r in rows[2:]} == {str(transfer.pk)}
    assert [r["account"] for r in rows[2:]] == ["Checking", "Savings"]


@pytest.mark.django_db
def test_it_neutralises_formulas_in_text_but_keeps_negative_amounts_numbers(owner, owner_client):
    account = make_account(owner, "@Work card")
    ledger.category_create(actor=owner, name="-Minus", kind="expense")
    make_entry(
        owner,
        account,
        1250,
        category_name="-Minus",
        payee="=cmd|' /C calc'!A0",
        tags=("+1",),
        note="-12.50",
    )

    (row,) = read_csv(owner_client.get(CSV_URL))

    assert row["amount"] == "-12.50"  # a number: a spreadsheet can add it up
    assert row["note"] == "'-12.50"  # text that only looks like one
    assert row["payee"] == "'=cmd|' /C calc'!A0"
    assert row["account"] == "'@Work card"
    assert row["category"] == "'-Minus"
    assert row["tags"] == "'+1"


@pytest.mark.django_db
def test_it_exports_what_the_lists_filters_select(owner, checking, savings, owner_client):
    make_entry(owner, checking, 1000, on=date(2026, 11, 2), note="coffee beans")
    make_entry(owner, checking, 2000, on=date(2026, 11, 20), note="coffee mug")
    make_entry(owner, checking, 3000, on=date(2026, 11, 21), note="tea")
    make_entry(owner, savings, 4000, on=date(2026, 11, 22), note="coffee machine")

    response = owner_client.get(
        CSV_URL,
        {"account": checking.pk, "text": "coffee", "date_from": "2026-11-10"},
    )

    assert [r["note"] for r in read_csv(response)] == ["coffee mug"]


@pytest.mark.django_db
def test_the_list_links_to_an_export_of_what_it_shows(owner, checking, owner_client):
    make_entry(owner, checking, 1000)

    page = owner_client.get(
        reverse("ledger:transactions"), {"account": checking.pk, "text": "x y", "cursor": "bad"}
    ).content.decode()

    assert f'href="{CSV_URL}?account={checking.pk}&amp;text=x+y" download' in page
    assert "Export these (CSV)" in page


@pytest.mark.django_db
def test_it_ignores_another_households_filter_values(owner, outsider, outsider_client):
    theirs = make_account(owner, "Not yours")
    make_entry(owner, theirs, 1000, note="owner's")
    mine = make_account(outsider, "Mine")
    make_entry(outsider, mine, 2000, note="outsider's")

    rows = read_csv(outsider_client.get(CSV_URL, {"account": theirs.pk}))

    assert [r["note"] for r in rows] == ["outsider's"]


@pytest.mark.django_db
def test_it_reads_the_database_in_chunks_with_each_rows_own_tags(
    owner, checking, owner_client, monkeypatch
):
    monkeypatch.setattr(export, "CHUNK", 3)
    for day in range(1, 9):
        make_entry(owner, checking, 100 * day, on=date(2026, 11, day), tags=(f"day{day}",))

    rows = read_csv(owner_client.get(CSV_URL))

    assert [(r["date"][-2:], r["tags"]) for r in rows] == [
        (f"{day:02d}", f"day{day}") for day in range(1, 9)
    ]


@pytest.mark.django_db
def test_a_viewer_may_export(viewer_client, owner, checking):
    make_entry(owner, checking, 1000)
    assert len(read_csv(viewer_client.get(CSV_URL))) == 1
