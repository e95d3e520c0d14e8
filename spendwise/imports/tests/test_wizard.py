"""The wizard end to end, with realistic statement files: what the person sees at each step
and what the database holds after."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from spendwise.imports.models import ImportBatch, ImportDraft, ImportMapping
from spendwise.ledger import rollup
from spendwise.ledger.models import Transaction
from spendwise.testing.factories import make_account

from .conftest import commit, counts, draft_of, import_file, map_columns, preview_rows, upload

pytestmark = pytest.mark.django_db


def amounts_in(account) -> list[tuple[date, int, str, str]]:
    return sorted(
        Transaction.objects.filter(account=account).values_list(
            "date", "amount", "payee__name", "note"
        )
    )


def test_it_imports_a_german_csv_with_bom_semicolons_and_decimal_commas(
    owner, euro_account, owner_client: Client
):
    response = upload(owner_client, euro_account, "girokonto_bom_semicolon.csv")
    assert response.status_code == 302
    draft = draft_of(response)
    assert response["Location"] == reverse("imports:mapping", args=[draft.pk])

    page = owner_client.get(response["Location"]).content.decode()
    assert "UTF-8 text, columns separated by semicolon" in page
    assert "Buchungstag" in page and "REWE Markt GmbH" in page
    assert map_columns(owner_client, draft).status_code == 302

    rows = preview_rows(owner_client, draft)
    assert [(r.date, r.amount_minor, r.status) for r in rows] == [
        (date(2026, 11, 3), -4217, "new"),
        (date(2026, 11, 5), 250000, "new"),
        (date(2026, 11, 12), -7550, "new"),
        (date(2026, 11, 15), -1280, "new"),
        (date(2026, 11, 28), -120000, "new"),
    ]
    response = commit(owner_client, draft)

    batch = ImportBatch.objects.get(household=owner.household)
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:batch", args=[batch.pk])
    assert amounts_in(euro_account) == [
        (date(2026, 11, 3), -4217, "REWE Markt GmbH", "Lebensmittel Einkauf"),
        (date(2026, 11, 5), 250000, "ACME GmbH", "Gehalt November 2026"),
        (date(2026, 11, 12), -7550, "Stadtwerke München", "Wasser Abschlag November"),
        (date(2026, 11, 15), -1280, "Café Müller", "Frühstück"),
        (date(2026, 11, 28), -120000, "Hausverwaltung Schmidt", "Miete Dezember; Whg. 4"),
    ]
    assert sorted(
        Transaction.objects.filter(account=euro_account).values_list("kind", flat=True)
    ) == ["expense", "expense", "expense", "expense", "income"]
    assert (batch.rows_in_file, batch.rows_imported, batch.duplicates_skipped) == (5, 5, 0)
    assert not ImportDraft.objects.exists()
    assert rollup.differences(owner.household.pk) == []
    page = owner_client.get(response["Location"]).content.decode()
    assert "Imported 5 transactions." in page and "Café Müller" in page


def test_it_imports_a_windows_1252_csv_with_debit_and_credit_columns(
    owner, checking, owner_client: Client
):
    import_file(owner_client, checking, "current_account_cp1252.csv")
    assert amounts_in(checking) == [
        (date(2026, 11, 3), -4217, "Café Rouge – Soho", ""),
        (date(2026, 11, 5), 250000, "Acme Corp Payroll", ""),
        # "(12.50)" in the debit column: money out, whatever its brackets say
        (date(2026, 11, 12), -1250, "Marks & Spencer refund", ""),
        (date(2026, 11, 14), -7550, "Thames Water", ""),
        (date(2026, 11, 30), 37, "Interest", ""),
    ]
    assert rollup.differences(owner.household.pk) == []


def test_it_asks_for_the_date_format_when_every_day_could_be_a_month(
    owner, checking, owner_client: Client
):
    draft = draft_of(upload(owner_client, checking, "ambiguous_dates.csv"))
    page = owner_client.get(reverse("imports:mapping", args=[draft.pk]))
    html = page.content.decode()
    assert "can be read more than one way" in html
    assert page.context["form"].initial["date_format"] == ""
    choices = dict(page.context["form"].fields["date_format"].choices)
    assert set(choices) == {"", "DD/MM/YYYY", "MM/DD/YYYY"}

    refused = map_columns(owner_client, draft, date_format="")
    assert refused.status_code == 400
    assert "Choose how the dates are written." in refused.content.decode()
    assert owner_client.get(reverse("imports:preview", args=[draft.pk])).status_code == 302

    assert map_columns(owner_client, draft, date_format="DD/MM/YYYY").status_code == 302
    rows = preview_rows(owner_client, draft)
    assert [(r.date, r.amount_minor) for r in rows][:3] == [
        (date(2026, 2, 1), -1250),  # "(12.50)" in an amount column is negative
        (date(2026, 4, 3), 180000),
        (date(2026, 6, 5), -4000),
    ]


def test_it_remembers_the_mapping_for_the_account_and_prefills_it(
    owner, checking, owner_client: Client
):
    first = draft_of(upload(owner_client, checking, "ambiguous_dates.csv"))
    map_columns(owner_client, first, date_format="MM/DD/YYYY", sign="out")
    assert ImportMapping.objects.filter(account=checking).count() == 1

    again = draft_of(upload(owner_client, checking, "ambiguous_dates.csv"))
    form = owner_client.get(reverse("imports:mapping", args=[again.pk])).context["form"]
    assert form.initial["date_format"] == "MM/DD/YYYY"
    assert form.initial["sign"] == "out"

    other = make_account(owner, "Other bank")
    elsewhere = draft_of(upload(owner_client, other, "ambiguous_dates.csv"))
    form = owner_client.get(reverse("imports:mapping", args=[elsewhere.pk])).context["form"]
    assert form.initial["date_format"] == "" and form.initial["sign"] == "in"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "checking.ofx",
            [
                (date(2026, 11, 3), -4217, "WHOLE FOODS MARKET #10234", "POS PURCHASE"),
                (date(2026, 11, 5), 250000, "ACME CORP PAYROLL", "DIRECT DEP"),
                (date(2026, 11, 12), -7550, "CHECK 1043", "Check 1043"),
                # 23:30 in California is still the 30th, whatever the time in UTC
                (date(2026, 11, 30), -120000, "OAKWOOD APARTMENTS", "RENT NOVEMBER"),
            ],
        ),
        (
            "creditcard.qfx",
            [
                (date(2026, 11, 2), -1599, "NETFLIX.COM", "STREAMING SERVICE"),
                (date(2026, 11, 9), -6430, "SHELL OIL 57444", ""),
                (date(2026, 11, 20), 50000, "PAYMENT THANK YOU", ""),
            ],
        ),
        (
            "checking.qif",
            [
                (date(2026, 11, 3), -4217, "Whole Foods Market", "Groceries for the week"),
                (date(2026, 11, 5), 250000, "Acme Corp Payroll", "Salary November"),
                (date(2026, 11, 12), -7550, "City Water Dept", "Water bill"),
                (date(2026, 11, 28), -999, "Spotify", ""),
            ],
        ),
    ],
)
def test_it_imports_ofx_qfx_and_qif_without_a_mapping_step(
    name, expected, owner, checking, owner_client: Client
):
    response = upload(owner_client, checking, name)
    draft = draft_of(response)
    assert response["Location"] == reverse("imports:preview", args=[draft.pk])
    assert commit(owner_client, draft).status_code == 302
    assert amounts_in(checking) == expected
    assert rollup.differences(owner.household.pk) == []


def test_it_takes_the_category_a_qif_file_names(owner, checking, owner_client: Client):
    import_file(owner_client, checking, "checking.qif")
    row = Transaction.objects.get(account=checking, payee__name="Whole Foods Market")
    assert row.category is not None and row.category.name == "Groceries"


def test_it_imports_mt940(owner, euro_account, owner_client: Client):
    import_file(owner_client, euro_account, "statement.sta")
    assert amounts_in(euro_account) == [
        (date(2026, 11, 3), -4217, "REWE MARKT GMBH", "Lebensmittel Einkauf"),
        (date(2026, 11, 5), 250000, "ACME GMBH", "Gehalt November 2026"),
        (date(2026, 11, 12), -7550, None, "Stadtwerke Wasser Abschlag November"),
    ]


def test_it_imports_camt053_once_the_pending_entry_is_skipped(
    owner, euro_account, owner_client: Client
):
    draft = draft_of(upload(owner_client, euro_account, "statement.camt053.xml"))
    rows = preview_rows(owner_client, draft)
    assert [(r.line_number, r.status) for r in rows] == [
        (22, "new"),
        (41, "new"),
        (57, "new"),
        (66, "error"),
    ]
    page = owner_client.get(reverse("imports:preview", args=[draft.pk])).content.decode()
    assert "pending, not booked yet" in page

    before = counts(owner.household)
    refused = commit(owner_client, draft)
    assert refused.status_code == 400
    assert "line 66 cannot be imported" in refused.content.decode()
    assert counts(owner.household) == before

    assert commit(owner_client, draft, ticked=[22, 41, 57]).status_code == 302
    assert amounts_in(euro_account) == [
        (date(2026, 11, 3), -4217, "REWE Markt GmbH", "Lebensmittel Einkauf Filiale 4711"),
        (date(2026, 11, 5), 250000, "ACME GmbH", "Gehalt November 2026"),
        (date(2026, 11, 12), -7550, None, "Stadtwerke Wasser Abschlag November"),
    ]
    batch = ImportBatch.objects.get()
    assert (batch.rows_imported, batch.errors_skipped) == (3, 1)


def test_it_skips_every_error_row_with_one_button(owner, euro_account, owner_client: Client):
    draft = draft_of(upload(owner_client, euro_account, "statement.camt053.xml"))
    response = owner_client.post(
        reverse("imports:preview", args=[draft.pk]), {"skip_errors": "1", "page": "1"}
    )
    assert response.status_code == 302
    assert commit(owner_client, draft).status_code == 302
    assert Transaction.objects.filter(account=euro_account).count() == 3


def test_it_cancels_a_draft(owner, checking, owner_client: Client):
    draft = draft_of(upload(owner_client, checking, "checking.ofx"))
    response = owner_client.post(reverse("imports:cancel", args=[draft.pk]))
    assert response.status_code == 302
    assert not ImportDraft.objects.exists()
    assert owner_client.get(reverse("imports:preview", args=[draft.pk])).status_code == 404


def test_it_lists_imports_with_an_undo_button(owner, checking, owner_client: Client):
    import_file(owner_client, checking, "checking.ofx")
    page = owner_client.get(reverse("imports:index")).content.decode()
    batch = ImportBatch.objects.get()
    assert "checking.ofx" in page
    assert reverse("imports:undo", args=[batch.pk]) in page
