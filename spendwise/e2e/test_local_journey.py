"""A newcomer's whole first session in local identity mode, in a desktop browser, light scheme.

Sign up, confirm with the e-mailed code, sign in, add two accounts, record an expense, an income
and a transfer, set a budget and see its progress, read the dashboard and a report (the figures
on the page and the numbers its chart drew), import a CSV through the wizard, export the
transactions and sign out.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from django.core import mail

from spendwise.e2e.browser import DESKTOP, chart_data
from spendwise.identity.models import User
from spendwise.ledger.models import Account, Transaction, TransactionKind

EMAIL = "newcomer@example.com"
PASSWORD = "violet-teapot-marathon-42"
STATEMENT = (
    "Date,Description,Amount\n{day},Corner Bakery,-12.30\n{day},Refund from FreshMart,5.00\n"
)


def sign_up_and_confirm(page: Any) -> None:
    page.goto("/sign-up/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(re.compile(r"/confirm/"))
    assert page.get_by_text(f"We sent a 6-digit code to {EMAIL}").is_visible()
    (message,) = mail.outbox
    code = re.search(r"\b(\d{6})\b", str(message.body))
    assert code is not None, message.body
    assert page.get_by_label("Email").input_value() == EMAIL
    page.get_by_label("Code").fill(code.group(1))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r"/sign-in/"))
    assert page.get_by_text("Your e-mail is confirmed").is_visible()


def sign_in(page: Any) -> None:
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


def add_account(page: Any, name: str, kind: str, opening: str) -> None:
    page.goto("/accounts/add/")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Kind").select_option(label=kind)
    page.get_by_label("Currency").fill("USD")
    page.get_by_label("Opening balance").fill(opening)
    page.get_by_role("button", name="Add account").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=name).first.is_visible()


def add_entry(page: Any, kind: str, amount: str, category: str, payee: str) -> None:
    page.goto("/transactions/add/")
    page.get_by_label("Kind").select_option(label=kind)
    page.get_by_label("Amount").fill(amount)
    page.get_by_label("Account").select_option(label="Everyday (USD)")
    page.get_by_label("Category").select_option(label=category)
    page.get_by_label("Payee").fill(payee)
    page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_url(re.compile(r"/transactions/"))


def assert_chart(page: Any, *, labels: list[str], data: list[str]) -> None:
    """The report's chart: its canvas is shown, the JSON it reads holds these numbers, and
    Chart.js drew exactly them."""
    assert page.locator("canvas[data-chart=chart-data]").is_visible()
    spec = chart_data(page)
    assert spec["labels"] == labels
    assert spec["datasets"][0]["data"] == data
    drawn = page.evaluate(
        "() => { const chart = Chart.getChart(document.querySelector('canvas[data-chart]'));"
        " return chart ? {labels: chart.data.labels, data: chart.data.datasets[0].data} : null; }"
    )
    assert drawn == {"labels": labels, "data": [float(x) for x in data]}, "Chart.js drew otherwise"


def test_it_takes_a_newcomer_from_sign_up_to_export(
    open_page: Any, screenshot_dir: Path, tmp_path: Path
) -> None:
    page = open_page(DESKTOP, "light")
    sign_up_and_confirm(page)
    sign_in(page)
    assert page.get_by_role("heading", name="Welcome to SpendWise").is_visible()
    user = User.objects.get(email=EMAIL)
    today = user.today()

    add_account(page, "Everyday", "Checking", "1,000.00")
    add_account(page, "Rainy day", "Savings", "0")
    add_entry(page, "Expense", "42.50", "Food › Groceries", "FreshMart")
    add_entry(page, "Income", "2,000.00", "Salary", "Acme Corp")

    page.goto("/transfers/add/")
    page.get_by_label("From account").select_option(label="Everyday (USD)")
    page.get_by_label("To account").select_option(label="Rainy day (USD)")
    page.locator("#id_amount").fill("300")
    page.get_by_role("button", name="Record transfer").click()
    page.wait_for_url(re.compile(r"/transactions/"))
    rows = page.locator("#transaction-rows")
    assert rows.get_by_text("FreshMart").is_visible()
    assert rows.get_by_text("Acme Corp").is_visible()

    page.goto("/budgets/")
    page.get_by_role("link", name="Set your first budget").click()
    page.get_by_label("Category").select_option(label="— Groceries")
    page.get_by_label("Amount").fill("200")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/budgets/"))
    groceries = page.locator("tr.budget-row", has_text="Groceries")
    assert groceries.locator("[data-field=budgeted]").inner_text() == "$200.00"
    assert groceries.locator("[data-field=spent]").inner_text() == "$42.50"
    assert groceries.locator("[data-field=remaining]").inner_text() == "$157.50"
    assert "21 % used" in groceries.locator("[data-field=status]").inner_text()
    assert groceries.locator("meter").get_attribute("value") == "21"

    page.goto("/")
    assert page.get_by_test_id("spent").inner_text() == "$42.50"
    assert page.get_by_test_id("earned").inner_text() == "$2,000.00"
    assert page.get_by_test_id("left").inner_text() == "$1,957.50"
    assert page.get_by_test_id("net-worth").inner_text() == "$2,957.50"  # transfer: no change
    balances = page.locator("section[aria-labelledby=balances]")
    assert (
        balances.locator("tr", has_text="Everyday").locator("td.amount").inner_text() == "$2,657.50"
    )
    assert (
        balances.locator("tr", has_text="Rainy day").locator("td.amount").inner_text() == "$300.00"
    )
    page.screenshot(path=screenshot_dir / "journey-dashboard-desktop-light.png", full_page=True)

    page.goto("/reports/spending/")
    food = page.locator("table tbody tr", has_text="Food")
    assert food.locator("td.amount").first.inner_text() == "$42.50"
    assert page.get_by_test_id("total").inner_text() == "$42.50"
    assert_chart(page, labels=["Food"], data=["42.50"])
    food.get_by_role("link", name="Food").click()  # drill down into the subcategories
    page.wait_for_url(re.compile(r"category="))
    assert (
        page.locator("table tbody tr", has_text="Groceries").locator("td.amount").first.inner_text()
        == "$42.50"
    )
    assert_chart(page, labels=["Groceries"], data=["42.50"])
    page.screenshot(path=screenshot_dir / "journey-report-desktop-light.png", full_page=True)

    # Import a CSV through the wizard: upload, columns, preview, commit.
    statement = tmp_path / "statement.csv"
    statement.write_text(STATEMENT.format(day=today.isoformat()))
    page.goto("/imports/new/")
    page.get_by_label("Account").select_option(label="Everyday")
    page.get_by_label("Statement file").set_input_files(statement)
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_url(re.compile(r"/imports/drafts/\d+/columns/"))
    page.get_by_role("button", name="Preview the rows").click()
    page.wait_for_url(re.compile(r"/imports/drafts/\d+/preview/"))
    assert page.get_by_text("Corner Bakery").first.is_visible()
    page.get_by_role("button", name="Import the ticked rows").click()
    page.wait_for_url(re.compile(r"/imports/\d+/"))
    imported = Transaction.objects.filter(
        account=Account.objects.get(name="Everyday"), kind=TransactionKind.EXPENSE
    )
    assert sorted(imported.values_list("amount", flat=True)) == [-4250, -1230]
    assert Transaction.objects.filter(amount=500, kind=TransactionKind.INCOME).count() == 1

    page.goto("/export/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download transactions (.csv)").click()
    exported = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    rows_out = list(csv.DictReader(io.StringIO(exported)))
    # The expense, the income, the transfer's two legs and the two imported rows.
    assert sorted((row["account"], row["kind"], row["amount"]) for row in rows_out) == [
        ("Everyday", "expense", "-12.30"),
        ("Everyday", "expense", "-42.50"),
        ("Everyday", "income", "2000.00"),
        ("Everyday", "income", "5.00"),
        ("Everyday", "transfer", "-300.00"),
        ("Rainy day", "transfer", "300.00"),
    ]

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/sign-in/"))
    page.goto("/")
    assert "/sign-in/" in page.url
