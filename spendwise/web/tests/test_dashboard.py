"""The dashboard shows this budget month's numbers, computed exactly."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from spendwise.currency.actions import global_rates_load
from spendwise.currency.ecb import parse_ecb
from spendwise.testing.factories import make_account, make_entry, make_transfer

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-11-27 12:00:00+00:00", tick=False)
def test_it_shows_this_months_spending_income_balances_and_net_worth(owner, owner_client: Client):
    owner.user.month_start_day = 25
    owner.user.save()
    checking = make_account(owner, "Checking", opening=100000)
    savings = make_account(owner, "Savings", kind="savings")
    # In the budget month 25 Nov – 24 Dec:
    make_entry(
        owner, checking, 4550, on=date(2026, 11, 25), category_name="Groceries", payee="FreshMart"
    )
    make_entry(owner, checking, 1999, on=date(2026, 11, 26), category_name="Restaurants")
    make_entry(
        owner, checking, 250000, kind="income", on=date(2026, 11, 25), category_name="Salary"
    )
    make_transfer(owner, checking, savings, 30000, on=date(2026, 11, 26))  # not spending
    # The previous budget month (ends 24 Nov) does not count:
    make_entry(owner, checking, 777, on=date(2026, 11, 24), category_name="Coffee")

    page = owner_client.get(reverse("web:dashboard")).content.decode()

    assert 'data-testid="spent">$65.49<' in page
    assert 'data-testid="earned">$2,500.00<' in page
    assert 'data-testid="left">$2,434.51<' in page
    # 1,000.00 - 45.50 - 19.99 + 2,500.00 - 7.77 = 3,426.74 in all accounts together
    assert 'data-testid="net-worth">$3,426.74<' in page
    assert "$3,126.74" in page  # checking after the transfer
    assert "$300.00" in page  # savings
    # Food (Groceries + Restaurants roll up into their parent) is the top category.
    assert 'Food</td><td class="amount">$65.49' in page.replace("\n", "")
    assert "FreshMart" in page
    assert "Nov 25, 2026" in page


def test_a_new_user_is_told_what_to_do_first(owner_client: Client):
    page = owner_client.get(reverse("web:dashboard")).content.decode()
    assert "Add your first account" in page


# --- other currencies, converted into the home currency -----------------------------------------
def _euro_month(owner):
    """USD home; a USD account and a EUR one, with ECB rates for some days (1 EUR in USD):
    Thu 5 Nov 1.08, Mon 16 Nov 1.0955, Fri 27 Nov 1.1111."""
    checking = make_account(owner, "Checking", opening=100_000)
    euros = make_account(owner, "Euro account", currency="EUR", opening=20_000)
    make_entry(owner, checking, 4_550, on=date(2026, 11, 3), category_name="Groceries")
    make_entry(owner, euros, 2_000, on=date(2026, 11, 5), category_name="Restaurants")
    make_entry(owner, euros, 10_000, kind="income", on=date(2026, 11, 16), category_name="Salary")
    return checking, euros


def _load(csv_text: str) -> None:
    global_rates_load(rates=parse_ecb(csv_text.encode()))


@time_machine.travel("2026-11-27 12:00:00+00:00", tick=False)
def test_it_shows_totals_in_the_home_currency_converted_at_each_days_rate(
    owner, owner_client: Client
):
    _euro_month(owner)
    _load("Date,USD,\n2026-11-27,1.1111,\n2026-11-16,1.0955,\n2026-11-05,1.08,\n")

    page = owner_client.get(reverse("web:dashboard")).content.decode()

    # spent: 45.50 + 20.00 EUR × 1.08 (= 21.60) = 67.10; income: 100.00 EUR × 1.0955 = 109.55
    assert 'data-testid="spent">$67.10<' in page
    assert 'data-testid="earned">$109.55<' in page
    assert 'data-testid="left">$42.45<' in page
    # net worth today: 954.50 USD + 280.00 EUR × 1.1111 (= 311.108 → 311.11)
    assert 'data-testid="net-worth">$1,265.61<' in page
    assert "€280.00" in page  # the account itself stays in its own currency
    assert 'data-testid="missing-rates"' not in page
    # Food: 45.50 of groceries and 21.60 of restaurants
    assert 'Food</td><td class="amount">$67.10' in page.replace("\n", "")


@time_machine.travel("2026-11-27 12:00:00+00:00", tick=False)
def test_it_leaves_out_what_has_no_rate_and_says_so(owner, owner_client: Client):
    _euro_month(owner)
    # no rate for 16 Nov (nor the 7 days before), nor for today's net worth
    _load("Date,USD,\n2026-11-05,1.08,\n")

    page = owner_client.get(reverse("web:dashboard")).content.decode()

    assert 'data-testid="spent">$67.10<' in page
    assert 'data-testid="earned">$0.00<' in page
    assert 'data-testid="net-worth">$954.50<' in page
    assert (
        "No EUR→USD rate for 2 days (2026-11-16, 2026-11-27); those amounts are not included."
        in page
    )
    assert 'href="/exchange-rates/"' in page
