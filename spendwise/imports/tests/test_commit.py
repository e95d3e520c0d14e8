"""Commit and undo: all or nothing, duplicates recognised, undo removes exactly its rows,
and the rollup stays exact throughout."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from spendwise.errors import DomainError
from spendwise.imports import actions, preview
from spendwise.imports.models import ImportBatch, ImportDraft, ImportLine
from spendwise.ledger import rollup
from spendwise.ledger.actions import EntryInput, transaction_update
from spendwise.ledger.models import Category, Transaction
from spendwise.money import Money
from spendwise.rules.actions import RuleInput, rule_create
from spendwise.testing.factories import category, make_entry

from .conftest import (
    commit,
    counts,
    draft_of,
    import_file,
    map_columns,
    preview_rows,
    statement,
    upload,
)

pytestmark = pytest.mark.django_db


def test_it_adds_nothing_when_the_same_file_is_imported_twice(
    owner, checking, owner_client: Client
):
    import_file(owner_client, checking, "checking.ofx")
    before = counts(owner.household)

    draft = draft_of(upload(owner_client, checking, "checking.ofx"))
    rows = preview_rows(owner_client, draft)
    assert {(r.status, r.reason) for r in rows} == {("duplicate", "Imported before.")}
    response = commit(owner_client, draft)

    assert response.status_code == 400
    assert "No row is ticked for import." in response.content.decode()
    after = counts(owner.household)
    assert after == {**before, "drafts": before["drafts"] + 1}


def test_it_recognises_a_csv_imported_before_without_bank_ids(
    owner, checking, owner_client: Client
):
    import_file(owner_client, checking, "current_account_cp1252.csv")
    draft = draft_of(upload(owner_client, checking, "current_account_cp1252.csv"))
    assert map_columns(owner_client, draft).status_code == 302
    assert {r.status for r in preview_rows(owner_client, draft)} == {"duplicate"}


def test_it_marks_rows_already_in_the_account_and_rows_repeated_in_the_file(
    owner, checking, owner_client: Client
):
    make_entry(owner, checking, 350, on=date(2026, 11, 2), payee="Corner Café")
    content = (
        b"Date,Payee,Amount\n"
        b"2026-11-02,Corner Cafe,-3.50\n"  # another payee spelling: not the same
        b"2026-11-02,corner caf\xc3\xa9,-3.50\n"  # the one entered by hand
        b"2026-11-03,Bakery,-2.10\n"
        b"2026-11-03,Bakery,-2.10\n"  # two identical rows in one file
    )
    draft = draft_of(upload(owner_client, checking, "mixed.csv", content))
    map_columns(owner_client, draft)
    rows = preview_rows(owner_client, draft)
    assert [(r.line_number, r.status, r.reason) for r in rows] == [
        (2, "new", ""),
        (3, "duplicate", "Already in this account: same date, amount and payee."),
        (4, "new", ""),
        (5, "duplicate", "Repeats line 4 of this file."),
    ]
    # Both coffees and both loaves are real: tick the duplicate of the file to keep it.
    assert commit(owner_client, draft, ticked=[2, 4, 5]).status_code == 302
    assert Transaction.objects.filter(account=checking, payee__name="Bakery").count() == 2

    again = draft_of(upload(owner_client, checking, "mixed.csv", content))
    map_columns(owner_client, again)
    assert [r.status for r in preview_rows(owner_client, again)] == ["duplicate"] * 4


def test_it_commits_nothing_while_an_error_row_is_ticked(owner, checking, owner_client: Client):
    draft = draft_of(upload(owner_client, checking, "nonexistent_date.csv"))
    map_columns(owner_client, draft)
    rows = preview_rows(owner_client, draft)
    assert [(r.line_number, r.status) for r in rows] == [(2, "new"), (3, "error"), (4, "new")]
    assert rows[1].reason == "“2026-02-30” is not a real date."
    before = counts(owner.household)

    response = commit(owner_client, draft)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was imported: line 3 cannot be imported" in html
    assert "2026-02-30" in html
    assert counts(owner.household) == before
    assert commit(owner_client, draft, ticked=[2, 4]).status_code == 302
    assert Transaction.objects.filter(account=checking).count() == 2


def test_it_rolls_back_every_row_when_the_commit_fails_midway(
    owner, checking, owner_client: Client, monkeypatch
):
    draft = draft_of(upload(owner_client, checking, "checking.ofx"))
    before = counts(owner.household)
    real_add = rollup.add
    calls = []

    def failing_add(rows):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        real_add(rows)

    monkeypatch.setattr(rollup, "add", failing_add)
    with pytest.raises(RuntimeError):
        actions.import_commit(actor=owner, draft=draft, chunk_size=2)
    assert counts(owner.household) == before
    assert rollup.differences(owner.household.pk) == []


def test_it_refuses_a_second_commit_of_the_same_draft(owner, checking, owner_client: Client):
    draft = draft_of(upload(owner_client, checking, "checking.ofx"))
    actions.import_commit(actor=owner, draft=draft)
    with pytest.raises(DomainError, match="already committed"):
        actions.import_commit(actor=owner, draft=draft)
    assert Transaction.objects.filter(account=checking).count() == 4


def test_it_refuses_rows_another_import_committed_meanwhile(owner, checking, owner_client: Client):
    first = draft_of(upload(owner_client, checking, "checking.ofx"))
    second = draft_of(upload(owner_client, checking, "checking.ofx"))
    # Both previews were built before either commit: the second commit still sees them new.
    shown = preview.build_preview(second)
    actions.import_commit(actor=owner, draft=first)
    before = counts(owner.household)

    def stale(draft):
        return shown

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(preview, "build_preview", stale)
        with pytest.raises(DomainError, match="imported by another import meanwhile"):
            actions.import_commit(actor=owner, draft=second)
    assert counts(owner.household) == before


def test_it_commits_in_chunks_and_keeps_the_rollup_exact(owner, checking):
    lines = ["date,payee,amount"] + [
        f"2026-{1 + i % 12:02d}-{1 + i % 28:02d},Shop {i},-{1 + i % 50}.{i % 100:02d}"
        for i in range(2500)
    ]
    content = "\n".join(lines).encode()
    draft = actions.draft_create(
        actor=owner, account=checking, file_name="big.csv", content=content
    )
    stored = preview.csv_settings(draft)
    assert stored is not None
    actions.draft_map(actor=owner, draft=draft, mapping=stored.mapping)
    batch = actions.import_commit(actor=owner, draft=draft, chunk_size=1000)
    assert batch.rows_imported == 2500
    assert Transaction.objects.filter(account=checking).count() == 2500
    assert ImportLine.objects.filter(batch=batch).count() == 2500
    assert rollup.differences(owner.household.pk) == []


def test_it_undoes_exactly_the_rows_of_the_import(owner, checking, owner_client: Client):
    kept = make_entry(owner, checking, 999, on=date(2026, 11, 4), payee="By hand")
    import_file(owner_client, checking, "creditcard.qfx")
    other = ImportBatch.objects.get()
    import_file(owner_client, checking, "checking.ofx")
    batch = ImportBatch.objects.exclude(pk=other.pk).get()
    assert Transaction.objects.filter(account=checking).count() == 8

    response = owner_client.post(reverse("imports:undo", args=[batch.pk]))

    assert response.status_code == 302
    remaining = set(Transaction.objects.filter(account=checking).values_list("pk", flat=True))
    assert remaining == {kept.pk} | set(
        ImportLine.objects.filter(batch=other).values_list("transaction_id", flat=True)
    )
    batch.refresh_from_db()
    assert batch.undone_at is not None and batch.rows_undone == 4
    assert not ImportLine.objects.filter(batch=batch).exists()
    assert rollup.differences(owner.household.pk) == []
    page = owner_client.get(response["Location"]).content.decode()
    assert "Import undone: 4 transactions removed." in page
    # Undone, the same file can come in again.
    import_file(owner_client, checking, "checking.ofx")
    assert Transaction.objects.filter(account=checking).count() == 8


def test_it_asks_before_undoing_an_import_whose_rows_were_edited(
    owner, checking, owner_client: Client
):
    import_file(owner_client, checking, "checking.ofx")
    batch = ImportBatch.objects.get()
    row = Transaction.objects.get(account=checking, date=date(2026, 11, 3))
    Transaction.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    row.refresh_from_db()
    transaction_update(
        actor=owner,
        row=row,
        entry=EntryInput(
            kind="expense",
            account=checking,
            date=row.date,
            amount=Money(5000, "USD"),
            category=category(owner, "Groceries"),
            payee_name="Whole Foods",
        ),
    )
    before = counts(owner.household)

    response = owner_client.post(reverse("imports:undo", args=[batch.pk]))

    assert response.status_code == 409
    html = response.content.decode()
    assert "1 of this import&#x27;s transaction was changed after the import" in html
    assert 'name="include_changed"' in html
    assert counts(owner.household) == before

    response = owner_client.post(
        reverse("imports:undo", args=[batch.pk]), {"include_changed": "on"}
    )
    assert response.status_code == 302
    assert not Transaction.objects.filter(account=checking).exists()
    assert rollup.differences(owner.household.pk) == []


def test_it_refuses_to_undo_twice(owner, checking, owner_client: Client):
    import_file(owner_client, checking, "checking.ofx")
    batch = ImportBatch.objects.get()
    actions.import_undo(actor=owner, batch=batch)
    response = owner_client.post(reverse("imports:undo", args=[batch.pk]))
    assert response.status_code == 400
    assert "already undone" in response.content.decode()


def test_it_keeps_a_row_deleted_by_hand_from_coming_back(owner, checking, owner_client: Client):
    import_file(owner_client, checking, "checking.ofx")
    Transaction.objects.get(account=checking, payee__name="CHECK 1043").delete()
    draft = draft_of(upload(owner_client, checking, "checking.ofx"))
    assert {r.status for r in preview_rows(owner_client, draft)} == {"duplicate"}


def test_it_shows_categories_from_rules_and_suggestions(owner, euro_account, owner_client: Client):
    groceries = category(owner, "Groceries")
    rule_create(
        actor=owner,
        data=RuleInput(
            name="Supermarket",
            currency="EUR",
            payee_match="contains",
            payee_value="rewe",
            set_category=groceries,
            rename_payee="REWE",
            tag_names=("food",),
        ),
    )
    salary = category(owner, "Salary")
    make_entry(
        owner,
        euro_account,
        100,
        kind="income",
        on=date(2026, 10, 1),
        payee="ACME GmbH",
        category_name="Salary",
    )
    draft = draft_of(upload(owner_client, euro_account, "statement.camt053.xml"))
    rows = {r.line_number: r for r in preview_rows(owner_client, draft)}

    assert (rows[22].category_id, rows[22].category_source) == (groceries.pk, "rule")
    assert (rows[22].payee, rows[22].tag_names) == ("REWE", ["food"])
    assert (rows[41].category_id, rows[41].category_source) == (salary.pk, "suggested")
    assert rows[57].category_id is None
    page = owner_client.get(reverse("imports:preview", args=[draft.pk])).content.decode()
    assert "by a rule" in page and "suggested" in page and "(was REWE Markt GmbH)" in page

    commit(owner_client, draft, ticked=[22, 41, 57])
    imported = Transaction.objects.get(account=euro_account, date=date(2026, 11, 3))
    assert imported.category == groceries
    assert imported.payee is not None and imported.payee.name == "REWE"
    assert list(imported.tags.values_list("name", flat=True)) == ["food"]
    assert Transaction.objects.get(account=euro_account, date=date(2026, 11, 5)).category == salary
    assert rollup.differences(owner.household.pk) == []


def test_it_gives_new_payees_the_category_they_came_with(owner, checking, owner_client: Client):
    import_file(owner_client, checking, "checking.qif")
    payee = Transaction.objects.get(account=checking, date=date(2026, 11, 3)).payee
    assert payee is not None
    assert payee.default_category == Category.objects.get(
        household=owner.household, name="Groceries"
    )


def test_it_refuses_a_file_in_another_currency(owner, checking, owner_client: Client):
    response = upload(owner_client, checking, "statement.sta")
    assert response.status_code == 400
    assert "This statement is in EUR, but “Checking” is in USD." in response.content.decode()
    assert not ImportDraft.objects.exists()


def test_it_marks_rows_in_another_currency_as_errors(owner, euro_account, owner_client: Client):
    content = statement("statement.camt053.xml").replace(
        b'<Amt Ccy="EUR">75.50</Amt>', b'<Amt Ccy="CHF">75.50</Amt>'
    )
    draft = draft_of(upload(owner_client, euro_account, "chf.xml", content))
    rows = {r.line_number: r for r in preview_rows(owner_client, draft)}
    assert (rows[57].status, rows[57].reason) == (
        "error",
        "This row is in CHF; the account is in EUR.",
    )
