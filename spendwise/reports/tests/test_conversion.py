"""Reports in the home currency (USD) with a EUR account converted at each date's rate, the
totals worked out by hand (see conftest.py for the world; the EUR amounts are the Euro card's
50.00 opening balance and 9.99 of groceries on Friday 6 November).

ECB rates loaded as global rates, 1 EUR in USD:

    Wed 30 Sep 1.10   Fri 30 Oct 1.20 (also used for Sat 31 Oct)   Fri 6 Nov 1.0765
    Fri 20 Nov 1.25
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from spendwise.currency import actions as currency_actions
from spendwise.currency.ecb import parse_ecb
from spendwise.currency.models import ExchangeRate
from spendwise.money import Money
from spendwise.periods import Period
from spendwise.reports import queries
from spendwise.reports.tests.test_pages import REPORT_URLS, chart_data, csv_rows, flat
from spendwise.testing.factories import make_member

pytestmark = pytest.mark.django_db

SEP = Period(date(2026, 9, 1), date(2026, 10, 1))
NOV = Period(date(2026, 11, 1), date(2026, 12, 1))
UNTIL_TODAY = Period(SEP.start, date(2026, 11, 21))
ECB_FILE = (
    "Date,USD,JPY,\n"
    "2026-11-20,1.25,N/A,\n"
    "2026-11-06,1.0765,163.45,\n"
    "2026-10-30,1.20,N/A,\n"
    "2026-09-30,1.10,N/A,\n"
)


def usd(minor: int) -> Money:
    return Money(minor, "USD")


@pytest.fixture
def rates(world) -> None:
    currency_actions.global_rates_load(rates=parse_ecb(ECB_FILE.encode()))


def test_spending_converts_the_euro_groceries_at_their_days_rate(world, rates):
    report = queries.spending_by_category(world.member.household, NOV, "USD")

    # 9.99 EUR × 1.0765 = 10.754235 → $10.75, in Food with the $19.99 of USD groceries
    assert [(r.name, r.spent, r.share) for r in report.rows] == [
        ("Housing", usd(80_000), Decimal("92.4")),
        ("Uncategorised", usd(3_501), Decimal("4.0")),
        ("Food", usd(3_074), Decimal("3.6")),
    ]
    assert report.total == usd(86_575)
    assert not report.missing


def test_every_report_adds_the_converted_amount(world, rates):
    household = world.member.household

    assert queries.income_vs_expenses(household, NOV, "USD").expenses == usd(86_575)
    assert queries.cash_flow(household, NOV, "USD").outflow == usd(86_575)
    assert queries.monthly_trend(household, NOV, "USD").totals == [usd(86_575)]
    payees = queries.top_payees(household, NOV, "USD")
    assert ("Carrefour", usd(1_075), 1) in [(r.name, r.spent, r.count) for r in payees.rows]
    tags = queries.spending_by_tag(household, NOV, "USD")
    assert ("weekly", usd(3_074), 2) in [(r.name, r.spent, r.count) for r in tags.rows]


def test_net_worth_converts_the_euro_balance_at_each_month_end(world, rates):
    report = queries.net_worth_series(world.member.household, UNTIL_TODAY, "USD")

    assert [(p.day, p.balance) for p in report.points] == [
        (date(2026, 9, 30), usd(318_750 + 5_500)),  # 50.00 EUR × 1.10
        (date(2026, 10, 31), usd(532_151 + 6_000)),  # × 1.20, Friday's rate on a Saturday
        (date(2026, 11, 20), usd(446_651 + 5_001)),  # 40.01 EUR × 1.25 = 50.0125
    ]
    assert report.accounts == 3
    assert not report.missing


def test_days_without_a_rate_are_left_out_and_named_the_rest_converted(world, rates):
    ExchangeRate.objects.filter(date=date(2026, 10, 30)).delete()

    report = queries.net_worth_series(world.member.household, UNTIL_TODAY, "USD")

    assert [p.balance for p in report.points] == [usd(324_250), usd(532_151), usd(451_652)]
    assert report.missing.messages == [
        "No EUR→USD rate for 1 day (2026-10-31); those amounts are not included."
    ]


def test_the_households_own_rate_wins_and_another_households_is_never_used(world, rates):
    outsider = make_member("outsider@example.com")
    currency_actions.rate_set(
        actor=outsider, day=date(2026, 11, 6), base="EUR", quote="USD", rate=Decimal("2")
    )
    household = world.member.household

    assert queries.spending_by_category(household, NOV, "USD").total == usd(86_575)

    currency_actions.rate_set(
        actor=world.member, day=date(2026, 11, 6), base="USD", quote="EUR", rate=Decimal("0.9")
    )
    # the household's own USD→EUR 0.9 on the same date, inverted: 9.99 ÷ 0.9 = $11.10
    assert queries.spending_by_category(household, NOV, "USD").total == usd(85_500 + 1_110)


def test_the_page_table_chart_and_csv_show_the_converted_numbers(
    world, rates, owner_client: Client
):
    response = owner_client.get(reverse("reports:spending"))
    page = flat(response)

    assert 'Food</a></th><td class="amount">$30.74</td><td class="amount">3.6%</td>' in page
    assert 'data-testid="total">$865.75<' in page
    assert 'data-testid="missing-rates"' not in page
    assert chart_data(response)["datasets"][0]["data"] == ["800.00", "35.01", "30.74"]
    rows = csv_rows(owner_client.get(reverse("reports:spending"), {"format": "csv"}))
    assert ["Food", "30.74", "USD", "3.6"] in rows


def test_the_net_worth_page_warns_about_a_missing_rate_in_plain_words(
    world, rates, owner_client: Client
):
    ExchangeRate.objects.filter(date=date(2026, 10, 30)).delete()

    response = owner_client.get(reverse("reports:net_worth"), {"range": "last_3"})
    page = flat(response)

    assert "No EUR→USD rate for 1 day (2026-10-31); those amounts are not included." in page
    assert '<th scope="row">Oct 31, 2026</th><td class="amount">$5,321.51</td>' in page
    assert '<th scope="row">Nov 20, 2026</th><td class="amount">$4,516.52</td>' in page
    assert chart_data(response)["datasets"][0]["data"] == ["3242.50", "5321.51", "4516.52"]
    rows = csv_rows(
        owner_client.get(reverse("reports:net_worth"), {"range": "last_3", "format": "csv"})
    )
    assert rows[1:] == [
        ["2026-09-30", "3242.50", "USD"],
        ["2026-10-31", "5321.51", "USD"],
        ["2026-11-20", "4516.52", "USD"],
    ]


@pytest.mark.parametrize("name", REPORT_URLS)
def test_converting_costs_one_more_query_however_many_days(
    world, rates, owner_client: Client, name, django_assert_max_num_queries
):
    # session, user, membership, unread alerts, one or two report queries, and the rates
    with django_assert_max_num_queries(7):
        response = owner_client.get(reverse(name), {"range": "last_3"})

    assert response.status_code == 200
