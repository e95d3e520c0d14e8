"""A household with one of everything, built through the real actions; files go to a fresh
folder per test."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from spendwise.attachments.actions import attachment_add
from spendwise.attachments.storage import FileStorage, get_storage
from spendwise.budgets.alerts import check_budget_alerts
from spendwise.currency.actions import rate_set
from spendwise.households.models import Household, Membership
from spendwise.ledger import actions as ledger
from spendwise.ledger.rollup import Entry
from spendwise.notifications.actions import notify
from spendwise.portability.export import write_archive
from spendwise.recurring.actions import occurrence_skip, run_due
from spendwise.rules.actions import RuleInput, rule_create
from spendwise.testing.factories import (
    category,
    make_account,
    make_entry,
    make_schedule,
    make_transfer,
    set_budget,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(48))
PDF = b"%PDF-1.7\n" + "receipt ✓".encode() + b"\n%%EOF\n"
NOV, DEC = date(2026, 11, 1), date(2026, 12, 1)


@pytest.fixture(autouse=True)
def storage(settings, tmp_path) -> FileStorage:
    settings.FILE_STORAGE = "local"
    settings.FILE_STORAGE_DIR = tmp_path / "files"
    return get_storage()


def export_bytes(household: Household) -> bytes:
    out = io.BytesIO()
    write_archive(household, out)
    return out.getvalue()


def fill_household(member: Membership, prefix: str = "") -> dict[str, Any]:
    """Accounts of three currencies (one archived), custom and nested categories, payees with
    default categories, tags, expenses and income, transfers (one across currencies),
    receipts, budgets (repeating, single-month, overall, rollover) with an alert, schedules
    with posted, pending and skipped dates, a rule, an exchange rate and a notification."""
    checking = make_account(member, f"{prefix}Checking", opening=150_000)
    savings = make_account(member, f"{prefix}Savings", kind="savings", opening=20_000)
    euros = make_account(member, f"{prefix}Euro card", currency="EUR", kind="credit_card")
    dong = make_account(member, f"{prefix}Ví", currency="VND", kind="e_wallet", opening=500_000)
    old = make_account(member, f"{prefix}Old wallet", kind="cash")
    hobbies = ledger.category_create(actor=member, name="Hobbies", kind="expense", colour="#123456")
    ledger.category_create(actor=member, name="Models", kind="expense", parent=hobbies)
    old_category = ledger.category_create(actor=member, name="Old stuff", kind="expense")
    ledger.category_update(
        actor=member,
        category=old_category,
        name="Old stuff",
        parent=None,
        colour="#000000",
        archived=True,
    )

    groceries = make_entry(
        member,
        checking,
        4550,
        on=date(2026, 11, 3),
        category_name="Groceries",
        payee="Corner shop",
        tags=("food", "weekly"),
        note='=HYPERLINK("http://x")',
    )
    make_entry(member, checking, 1250, on=date(2026, 11, 4), payee="Corner shop")
    make_entry(
        member,
        checking,
        320_000,
        kind="income",
        on=date(2026, 11, 1),
        category_name="Salary",
        payee="Employer",
        note="-12.50 looks like a number",
    )
    make_entry(
        member,
        euros,
        2390,
        on=date(2026, 11, 5),
        category_name="Restaurants",
        payee="Café de Flore",
        tags=("holiday",),
        note="Phở & crêpes",
    )
    make_entry(
        member,
        dong,
        45_000,
        on=date(2026, 11, 6),
        category_name="Models",
        payee="Hobby shop",
        tags=("holiday",),
    )
    make_entry(member, checking, 999, on=date(2026, 10, 28))  # no category, no payee
    make_entry(member, old, 500, on=date(2026, 9, 1), payee="@home")
    ledger.account_update(  # archived after its last transaction
        actor=member, account=old, name=old.name, kind="cash", opening_balance=0, archived=True
    )
    transfer = make_transfer(member, checking, savings, 25_000, on=date(2026, 11, 10))
    make_transfer(member, checking, euros, 11_000, received=10_000, on=date(2026, 11, 12))

    attachment_add(actor=member, row=groceries, name="till receipt.png", data=PNG)
    attachment_add(actor=member, row=groceries, name="bank slip.pdf", data=PDF)
    attachment_add(
        actor=member, row=transfer.transactions.get(amount__lt=0), name="t.pdf", data=PDF
    )

    set_budget(member, "Food", 4000, NOV, rollover=True)
    set_budget(member, "Food", 6000, DEC, repeats=False, rollover=True)
    set_budget(member, None, 200_000, NOV, thresholds=(50, 90, 100))
    set_budget(member, "Hobbies", 0, NOV)
    # The alert the ledger's commit would raise for the groceries (over 100 % of 40.00).
    check_budget_alerts(household_id=member.household_id, entries=[Entry.of(groceries)])

    rent = make_schedule(
        member,
        checking,
        120_000,
        name="Rent",
        start=date(2026, 10, 1),
        category_name="Rent",
        auto_post=False,
    )
    make_schedule(
        member,
        checking,
        1599,
        name="Streaming",
        start=NOV,
        category_name="Subscriptions",
        payee_name="StreamCo",
        day_of_month=-1,
    )
    make_schedule(
        member,
        checking,
        5000,
        name="To Euros",
        kind="transfer",
        start=NOV,
        to_account=euros,
        received=4500,
        frequency="weekly",
        interval=2,
        end_date=date(2027, 6, 30),
    )
    run_due(date(2026, 11, 30))
    occurrence_skip(actor=member, occurrence=rent.occurrences.order_by("date")[0])

    rule_create(
        actor=member,
        data=RuleInput(
            name="Coffee",
            currency="USD",
            payee_match="matches",
            payee_value=r"^(star|blue) ?bucks",
            set_category=category(member, "Coffee"),
            tag_names=("caffeine",),
        ),
    )
    rate_set(actor=member, day=date(2026, 11, 2), base="EUR", quote="USD", rate=Decimal("1.0765"))
    notify(household=member.household, title=f"{prefix}Welcome")
    return {"checking": checking, "groceries": groceries, "transfer": transfer}
