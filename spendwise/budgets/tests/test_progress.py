"""Budget progress from the rollup: what counts towards which budget, in which month."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from spendwise.budgets import actions
from spendwise.budgets.models import BudgetAmount
from spendwise.budgets.queries import budget_progress
from spendwise.money import Money
from spendwise.testing.factories import make_account, make_entry, make_transfer, set_budget

pytestmark = pytest.mark.django_db

NOV, DEC, JAN = date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def by_name(owner, month):
    return {row.name: row for row in budget_progress(owner.household, owner.user, month)}


def test_it_counts_a_parent_categorys_children_in_its_budget(owner, checking):
    set_budget(owner, "Food", 50000, DEC)
    set_budget(owner, "Groceries", 20000, DEC)
    make_entry(owner, checking, 10000, on=date(2026, 12, 3), category_name="Groceries")
    make_entry(owner, checking, 5000, on=date(2026, 12, 4), category_name="Restaurants")
    make_entry(owner, checking, 2000, on=date(2026, 12, 5), category_name="Food")
    make_entry(owner, checking, 90000, on=date(2026, 12, 5), category_name="Rent")

    rows = by_name(owner, DEC)

    assert rows["Food"].spent == usd(17000)
    assert rows["Food"].remaining == usd(33000)
    assert rows["Food"].percent == 34
    assert rows["Food › Groceries"].spent == usd(10000)
    assert rows["Food › Groceries"].percent == 50


def test_the_overall_budget_counts_every_expense_but_not_income_or_transfers(owner, checking):
    savings = make_account(owner, "Savings", kind="savings")
    set_budget(owner, None, 100000, DEC)
    make_entry(owner, checking, 10000, on=date(2026, 12, 3), category_name="Groceries")
    make_entry(owner, checking, 2500, on=date(2026, 12, 3))  # no category
    make_entry(owner, checking, 300000, kind="income", on=date(2026, 12, 1), category_name="Salary")
    make_transfer(owner, checking, savings, 40000, on=date(2026, 12, 2))

    (overall,) = budget_progress(owner.household, owner.user, DEC)

    assert overall.name == "Overall"
    assert overall.spent == usd(12500)
    assert overall.budgeted == usd(100000)
    assert overall.remaining == usd(87500)


def test_spending_in_another_currency_is_not_counted(owner, checking):
    euros = make_account(owner, "Euro card", currency="EUR")
    set_budget(owner, None, 100000, DEC)
    make_entry(owner, checking, 1000, on=date(2026, 12, 3))
    make_entry(owner, euros, 5000, on=date(2026, 12, 3))

    (overall,) = budget_progress(owner.household, owner.user, DEC)

    assert overall.spent == usd(1000)


def test_it_repeats_an_amount_overrides_one_month_and_copies_last_month(owner):
    set_budget(owner, "Food", 50000, NOV)
    set_budget(owner, "Food", 70000, DEC, repeats=False)
    set_budget(owner, "Food", 60000, date(2027, 2, 1))

    def food(month):
        rows = by_name(owner, month)
        return (rows["Food"].budgeted, rows["Food"].repeats) if "Food" in rows else None

    assert food(date(2026, 10, 1)) is None  # before the first month: no budget
    assert food(NOV) == (usd(50000), True)
    assert food(DEC) == (usd(70000), False)  # this month only
    assert food(JAN) == (usd(50000), True)  # back to the repeating amount
    assert food(date(2027, 2, 1)) == (usd(60000), True)
    assert food(date(2027, 9, 1)) == (usd(60000), True)

    # Copy December (the one-off 700) into January, for January only.
    assert actions.budget_copy_last_month(actor=owner, month=JAN) == 1
    assert food(JAN) == (usd(70000), False)
    assert food(date(2027, 2, 1)) == (usd(60000), True)
    # Copying again changes nothing: January already has December's amount.
    assert actions.budget_copy_last_month(actor=owner, month=JAN) == 0
    assert BudgetAmount.objects.filter(budget__household=owner.household).count() == 4


def test_setting_a_repeating_amount_replaces_that_months_one_off(owner):
    set_budget(owner, "Food", 70000, DEC, repeats=False)
    set_budget(owner, "Food", 40000, DEC)

    assert by_name(owner, DEC)["Food"].budgeted == usd(40000)
    assert by_name(owner, JAN)["Food"].budgeted == usd(40000)
    assert list(
        BudgetAmount.objects.filter(budget__household=owner.household).values_list(
            "month", "amount", "repeats"
        )
    ) == [(DEC, 40000, True)]


def test_budget_months_follow_a_month_start_day_of_25(owner, checking):
    owner.user.month_start_day = 25
    owner.user.save()
    set_budget(owner, None, 100000, NOV)
    make_entry(owner, checking, 100, on=date(2026, 11, 24))  # last day of "November"
    make_entry(owner, checking, 2000, on=date(2026, 11, 25))  # first day of "December"
    make_entry(owner, checking, 30000, on=date(2026, 12, 24))  # last day of "December"
    make_entry(owner, checking, 400000, on=date(2026, 12, 25))  # first day of "January"

    (november,) = budget_progress(owner.household, owner.user, NOV)
    (december,) = budget_progress(owner.household, owner.user, DEC)
    (january,) = budget_progress(owner.household, owner.user, JAN)

    assert november.spent == usd(100)
    assert december.spent == usd(32000)
    assert december.period.start == date(2026, 11, 25)
    assert december.period.last_day == date(2026, 12, 24)
    assert january.spent == usd(400000)
    # Any day of the budget month names it: 27 November is in "December".
    assert budget_progress(owner.household, owner.user, date(2026, 11, 27))[0].spent == usd(32000)


def test_rollover_carries_underspending_and_overspending_across_the_year_end(owner, checking):
    set_budget(owner, "Food", 30000, NOV, rollover=True)
    set_budget(owner, "Transport", 10000, NOV)  # no rollover: nothing carried
    make_entry(owner, checking, 25000, on=date(2026, 11, 15), category_name="Groceries")
    make_entry(owner, checking, 40000, on=date(2026, 12, 15), category_name="Restaurants")
    make_entry(owner, checking, 10000, on=date(2027, 1, 15), category_name="Food")
    make_entry(owner, checking, 4000, on=date(2026, 12, 2), category_name="Fuel")

    november, december, january = (by_name(owner, m) for m in (NOV, DEC, JAN))

    # November: 300 budgeted, 250 spent → 50 left, carried into December.
    assert november["Food"].remaining == usd(5000)
    # December: 300 + 50 = 350 available, 400 spent → 50 over, carried into January.
    assert december["Food"].carried == usd(5000)
    assert december["Food"].available == usd(35000)
    assert december["Food"].remaining == usd(-5000)
    assert december["Food"].over and december["Food"].overspent == usd(5000)
    # January 2027: 300 - 50 = 250 available, 100 spent → 150 left.
    assert january["Food"].carried == usd(-5000)
    assert january["Food"].available == usd(25000)
    assert january["Food"].remaining == usd(15000)
    assert january["Transport"].carried == usd(0)
    assert january["Transport"].available == usd(10000)


@time_machine.travel("2026-12-10 12:00:00+00:00", tick=False)
def test_it_shows_the_pace_for_the_current_month_only(owner, checking, owner_client: Client):
    set_budget(owner, None, 100000, NOV)
    make_entry(owner, checking, 4000, on=date(2026, 12, 2))
    make_entry(owner, checking, 6000, on=date(2026, 12, 9))
    make_entry(owner, checking, 5000, on=date(2026, 11, 9))

    (december,) = budget_progress(owner.household, owner.user, DEC)
    (november,) = budget_progress(owner.household, owner.user, NOV)

    # 100.00 in 10 days of 31 → 310.00 by the end of December.
    assert december.projected == usd(31000)
    assert november.projected is None
    page = owner_client.get(reverse("budgets:index")).content.decode()
    assert "December 2026" in page
    assert "At this rate you will spend $310.00 by month end." in page
    earlier = owner_client.get(reverse("budgets:index") + "?month=2026-11").content.decode()
    assert "At this rate" not in earlier


def test_progress_reads_the_rollup_at_a_cost_that_does_not_grow_with_transactions(owner, checking):
    set_budget(owner, "Food", 30000, date(2025, 1, 1), rollover=True)
    set_budget(owner, None, 90000, date(2025, 1, 1), rollover=True)

    def queries_for_december():
        with CaptureQueriesContext(connection) as context:
            budget_progress(owner.household, owner.user, DEC)
        return len(context)

    make_entry(owner, checking, 100, on=date(2026, 12, 2), category_name="Groceries")
    few = queries_for_december()
    for day in range(1, 29):
        for month in (1, 6, 12):
            make_entry(owner, checking, 100, on=date(2026, month, day), category_name="Coffee")
    assert queries_for_december() == few
    overall, food = budget_progress(owner.household, owner.user, DEC)
    assert food.spent == usd(2900)  # 1.00 + 28 days of 1.00 coffee in December
    assert overall.spent == usd(2900)
