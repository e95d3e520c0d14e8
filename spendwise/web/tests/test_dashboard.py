"""The dashboard shows this budget month's numbers, computed exactly."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

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
