"""The report numbers, checked against totals worked out by hand (see conftest.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from spendwise.currency.rates import MissingRates, RateGap
from spendwise.ledger.models import Category
from spendwise.money import Money
from spendwise.periods import Period, preset_period
from spendwise.reports import queries
from spendwise.testing.factories import category, make_account, make_entry, make_transfer

pytestmark = pytest.mark.django_db

SEP = Period(date(2026, 9, 1), date(2026, 10, 1))
OCT = Period(date(2026, 10, 1), date(2026, 11, 1))
NOV = Period(date(2026, 11, 1), date(2026, 12, 1))
LAST_3 = Period(SEP.start, NOV.end)


# No exchange rates in these tests: the euro groceries of 6 November are left out, and named.
EUR_ON_NOV_6 = MissingRates((RateGap("EUR", "USD", (date(2026, 11, 6),), 1),))


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def test_it_rolls_children_into_their_top_level_category(world):
    report = queries.spending_by_category(world.member.household, NOV, "USD")

    assert [(r.name, r.spent, r.share) for r in report.rows] == [
        ("Housing", usd(80_000), Decimal("93.6")),
        ("Uncategorised", usd(3_501), Decimal("4.1")),
        ("Food", usd(1_999), Decimal("2.3")),
    ]
    assert report.total == usd(85_500)
    assert [r.has_children for r in report.rows] == [True, False, True]


def test_without_a_rate_amounts_in_other_currencies_are_left_out_and_named(world):
    report = queries.spending_by_category(world.member.household, NOV, "USD")

    assert report.total == usd(85_500)
    assert report.missing == EUR_ON_NOV_6
    euros = queries.spending_by_category(world.member.household, NOV, "EUR")
    assert [(r.name, r.spent) for r in euros.rows] == [("Food", Money(999, "EUR"))]
    assert euros.missing.messages == [  # the three USD expense entries of November
        "No USD→EUR rate for 3 days (2026-11-02, 2026-11-04, 2026-11-10); those amounts are "
        "not included."
    ]


def test_a_drill_down_shows_subcategories_and_what_is_directly_in_the_parent(world):
    food = category(world.member, "Food")

    report = queries.spending_by_category(world.member.household, LAST_3, "USD", parent=food)

    assert [(r.name, r.spent) for r in report.rows] == [
        ("Directly in Food", usd(4_000)),
        ("Groceries", usd(3_249)),
        ("Restaurants", usd(2_599)),
    ]
    assert report.total == usd(9_848)
    assert report.rows[0].direct and report.rows[0].category_id == food.pk
    assert report.missing == EUR_ON_NOV_6  # the EUR groceries are Food too


def test_the_trend_has_one_series_per_top_level_category_per_month(world):
    report = queries.monthly_trend(world.member.household, LAST_3, "USD")

    assert report.months == [SEP, OCT, NOV]
    assert [(s.name, s.amounts) for s in report.series] == [
        ("Housing", [usd(80_000), usd(80_000), usd(80_000)]),
        ("Food", [usd(1_250), usd(6_599), usd(1_999)]),
        ("Uncategorised", [usd(0), usd(0), usd(3_501)]),
    ]
    assert report.totals == [usd(81_250), usd(86_599), usd(85_500)]
    assert report.total == usd(253_349)
    assert report.missing == EUR_ON_NOV_6


def test_income_vs_expenses_gives_the_savings_rate_per_month(world):
    report = queries.income_vs_expenses(world.member.household, LAST_3, "USD")

    assert [(m.period, m.income, m.expenses, m.net, m.savings_rate) for m in report.months] == [
        (SEP, usd(300_000), usd(81_250), usd(218_750), Decimal("72.9")),  # 72.916…
        (OCT, usd(300_000), usd(86_599), usd(213_401), Decimal("71.1")),  # 71.133…
        (NOV, usd(0), usd(85_500), usd(-85_500), None),  # no income: no rate
    ]
    assert (report.income, report.expenses, report.net) == (
        usd(600_000), usd(253_349), usd(346_651),
    )  # fmt: skip
    assert report.savings_rate == Decimal("57.8")  # 57.775…
    assert report.missing == EUR_ON_NOV_6


def test_the_savings_rate_rounds_half_up_and_can_be_negative():
    assert queries.percent(1, 8) == Decimal("12.5")
    assert queries.percent(1, 16) == Decimal("6.3")  # 6.25 → 6.3
    assert queries.percent(-1, 3) == Decimal("-33.3")
    assert queries.percent(5, 0) is None


def test_cash_flow_is_per_day_within_a_month_and_leaves_transfers_out(world):
    report = queries.cash_flow(world.member.household, NOV, "USD")

    assert report.by_day
    assert len(report.buckets) == 30
    moving = {b.period.start: (b.inflow, b.outflow) for b in report.buckets if b.outflow}
    assert moving == {
        date(2026, 11, 2): (usd(0), usd(1_999)),
        date(2026, 11, 4): (usd(0), usd(3_501)),
        date(2026, 11, 10): (usd(0), usd(80_000)),
    }  # the transfer of 15 November is not there
    assert (report.inflow, report.outflow, report.net) == (usd(0), usd(85_500), usd(-85_500))
    assert report.buckets[-1].cumulative == usd(-85_500)


def test_cash_flow_is_per_month_for_longer_ranges(world):
    report = queries.cash_flow(world.member.household, LAST_3, "USD")

    assert not report.by_day
    assert [(b.period, b.inflow, b.outflow, b.net, b.cumulative) for b in report.buckets] == [
        (SEP, usd(300_000), usd(81_250), usd(218_750), usd(218_750)),
        (OCT, usd(300_000), usd(86_599), usd(213_401), usd(432_151)),
        (NOV, usd(0), usd(85_500), usd(-85_500), usd(346_651)),
    ]


def test_without_rates_net_worth_is_every_home_currency_balance_at_each_month_end(world):
    until_today = Period(SEP.start, date(2026, 11, 21))

    report = queries.net_worth_series(world.member.household, until_today, "USD")

    assert [(p.day, p.balance) for p in report.points] == [
        (date(2026, 9, 30), usd(318_750)),  # 1,000.00 - 12.50 - 800.00 + 3,000.00
        (date(2026, 10, 31), usd(532_151)),  # - 25.99 - 800.00 - 40.00 + 3,000.00
        (date(2026, 11, 20), usd(446_651)),  # - 19.99 - 35.01 - 800.00; the transfer nets out
    ]
    assert report.accounts == 3
    assert report.missing.messages == [  # the Euro card's balance at each point
        "No EUR→USD rate for 3 days (2026-09-30, 2026-10-31, 2026-11-20); those amounts are "
        "not included."
    ]
    assert report.change == usd(446_651 - 318_750)


def test_net_worth_counts_history_before_the_range(world):
    report = queries.net_worth_series(world.member.household, NOV, "USD")

    assert [p.balance for p in report.points] == [usd(446_651)]


def test_top_payees_are_ordered_by_spending(world):
    report = queries.top_payees(world.member.household, LAST_3, "USD")

    assert [(r.name, r.spent, r.count) for r in report.rows] == [
        ("Oak Street", usd(240_000), 3),
        ("FreshMart", usd(7_249), 3),
        ("=cmd|' /C calc'!A0", usd(3_501), 1),
        ("Luigi's", usd(2_599), 1),
    ]
    assert report.total == usd(253_349)
    assert report.missing == EUR_ON_NOV_6


def test_top_payees_stop_at_fifteen(owner, frozen_today):
    checking = make_account(owner, "Checking")
    for index in range(17):
        make_entry(owner, checking, 100 + index, on=date(2026, 11, 3), payee=f"Shop {index:02}")

    report = queries.top_payees(owner.household, NOV, "USD")

    assert len(report.rows) == 15
    assert report.rows[0].name == "Shop 16"
    assert report.total == usd(sum(100 + i for i in range(17)))


def test_spending_by_tag_counts_an_expense_under_each_of_its_tags(world):
    report = queries.spending_by_tag(world.member.household, LAST_3, "USD")

    assert [(r.name, r.spent, r.count) for r in report.rows] == [
        ("weekly", usd(5_848), 3),
        ("-rm", usd(3_501), 1),
        ("date night", usd(2_599), 1),
    ]
    assert report.untagged == usd(244_000)
    assert report.missing == EUR_ON_NOV_6


def test_transfers_are_never_spending_or_income(owner, frozen_today):
    checking = make_account(owner, "Checking", opening=10_000)
    savings = make_account(owner, "Savings")
    make_transfer(owner, checking, savings, 5_000, on=date(2026, 11, 3))
    household = owner.household

    assert queries.spending_by_category(household, NOV, "USD").rows == []
    assert queries.income_vs_expenses(household, NOV, "USD").months[0].expenses == usd(0)
    assert queries.cash_flow(household, NOV, "USD").outflow == usd(0)
    assert queries.top_payees(household, NOV, "USD").rows == []
    assert queries.spending_by_tag(household, NOV, "USD").untagged == usd(0)
    assert queries.net_worth_series(household, NOV, "USD").points[-1].balance == usd(10_000)


def test_a_month_start_day_of_25_puts_the_24th_and_the_25th_in_different_months(
    owner, frozen_today
):
    owner.user.month_start_day = 25
    owner.user.save()
    checking = make_account(owner, "Checking")
    make_entry(owner, checking, 500, on=date(2026, 11, 24), category_name="Coffee")
    make_entry(owner, checking, 700, on=date(2026, 11, 25), category_name="Coffee")
    period = preset_period("last_3", date(2026, 11, 27), 25)

    flows = queries.income_vs_expenses(owner.household, period, "USD", start_day=25)
    trend = queries.monthly_trend(owner.household, period, "USD", start_day=25)

    assert [(m.period.start, m.period.end, m.expenses) for m in flows.months] == [
        (date(2026, 9, 25), date(2026, 10, 25), usd(0)),
        (date(2026, 10, 25), date(2026, 11, 25), usd(500)),
        (date(2026, 11, 25), date(2026, 12, 25), usd(700)),
    ]
    assert trend.series[0].amounts == [usd(0), usd(500), usd(700)]
    this_month = preset_period("this_month", date(2026, 11, 27), 25)
    assert queries.spending_by_category(owner.household, this_month, "USD").total == usd(700)


def test_a_category_moved_under_another_parent_rolls_up_there_from_then_on(world):
    coffee = category(world.member, "Coffee")
    make_entry(world.member, world.checking, 450, on=date(2026, 11, 3), category_name="Coffee")
    Category.objects.filter(pk=coffee.pk).update(parent=category(world.member, "Housing"))

    report = queries.spending_by_category(world.member.household, NOV, "USD")

    assert report.rows[0].name == "Housing" and report.rows[0].spent == usd(80_450)
