"""Three months of fixed money for the report tests, with totals worked out by hand.

The owner's home currency is USD, the month start day 1, and "today" is 20 November 2026.

    Sep  5  Groceries (Food)    -12.50  FreshMart      #weekly
    Sep 10  Rent (Housing)     -800.00  Oak Street
    Sep 25  Salary           +3,000.00  Acme Corp
    Oct  3  Restaurants (Food)  -25.99  Luigi's        #weekly #date night
    Oct 10  Rent (Housing)     -800.00  Oak Street
    Oct 12  Food itself         -40.00  FreshMart
    Oct 25  Salary           +3,000.00  Acme Corp
    Nov  2  Groceries (Food)    -19.99  FreshMart      #weekly
    Nov  4  no category         -35.01  =cmd|' /C calc'!A0   #-rm
    Nov 10  Rent (Housing)     -800.00  Oak Street
    Nov 15  transfer Checking → Savings 500.00 (neither spending nor income)
    Nov  6  Groceries on the EUR card -9.99 EUR (never added to USD numbers)

Checking opens at 1,000.00 USD, Savings at 0, the Euro card at 50.00 EUR.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
import time_machine

from spendwise.households.models import Membership
from spendwise.ledger.models import Account
from spendwise.testing.factories import make_account, make_entry, make_transfer

TODAY = "2026-11-20 12:00:00+00:00"
HOSTILE_PAYEE = "=cmd|' /C calc'!A0"


@dataclass
class World:
    member: Membership
    checking: Account
    savings: Account
    euros: Account


@pytest.fixture
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def world(owner: Membership, frozen_today: None) -> World:
    checking = make_account(owner, "Checking", opening=100_000)
    savings = make_account(owner, "Savings", kind="savings")
    euros = make_account(owner, "Euro card", currency="EUR", opening=5_000)

    def spend(minor, day, category=None, payee="", tags=()):
        make_entry(owner, checking, minor, on=day, category_name=category, payee=payee, tags=tags)

    def earn(minor, day):
        make_entry(
            owner, checking, minor, kind="income", on=day, category_name="Salary",
            payee="Acme Corp",
        )  # fmt: skip

    spend(1_250, date(2026, 9, 5), "Groceries", "FreshMart", ("weekly",))
    spend(80_000, date(2026, 9, 10), "Rent", "Oak Street")
    earn(300_000, date(2026, 9, 25))
    spend(2_599, date(2026, 10, 3), "Restaurants", "Luigi's", ("weekly", "date night"))
    spend(80_000, date(2026, 10, 10), "Rent", "Oak Street")
    spend(4_000, date(2026, 10, 12), "Food", "FreshMart")
    earn(300_000, date(2026, 10, 25))
    spend(1_999, date(2026, 11, 2), "Groceries", "FreshMart", ("weekly",))
    spend(3_501, date(2026, 11, 4), None, HOSTILE_PAYEE, ("-rm",))
    spend(80_000, date(2026, 11, 10), "Rent", "Oak Street")
    make_transfer(owner, checking, savings, 50_000, on=date(2026, 11, 15))
    make_entry(
        owner, euros, 999, on=date(2026, 11, 6), category_name="Groceries", payee="Carrefour",
        tags=("weekly",),
    )  # fmt: skip
    return World(owner, checking, savings, euros)
