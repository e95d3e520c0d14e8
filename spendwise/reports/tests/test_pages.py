"""The report pages: the table shows the same numbers as the chart data, CSVs carry them, other
households' categories are 404s, and a page costs the same few queries however many
transactions there are."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from spendwise.reports.views import distinct_colours
from spendwise.testing.factories import category, make_account, make_entry

pytestmark = pytest.mark.django_db

REPORT_URLS = [
    "reports:spending",
    "reports:trend",
    "reports:income_expenses",
    "reports:cash_flow",
    "reports:net_worth",
    "reports:payees",
    "reports:tags",
]
LAST_3 = {"range": "last_3"}


def flat(response) -> str:
    """The page as one line, so that a table row can be matched whole."""
    return re.sub(r"\s*\n\s*", "", response.content.decode())


def chart_data(response) -> Any:
    match = re.search(
        r'<script id="chart-data" type="application/json">(.*?)</script>', response.content.decode()
    )
    assert match, "no chart data on the page"
    return json.loads(match.group(1))


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.reader(io.StringIO(response.content.decode())))


# --- what the pages show ------------------------------------------------------------------------
def test_the_index_links_every_report(world, owner_client: Client):
    page = owner_client.get(reverse("reports:index")).content.decode()
    for name in REPORT_URLS:
        assert f'href="{reverse(name)}"' in page


def test_spending_shows_the_table_and_the_same_numbers_as_chart_data(world, owner_client: Client):
    response = owner_client.get(reverse("reports:spending"))
    page = flat(response)

    food = category(world.member, "Food")
    assert "<caption>Spending by category, Nov 2026, in USD</caption>" in page
    assert 'Housing</a></th><td class="amount">$800.00</td><td class="amount">93.6%</td>' in page
    assert 'Uncategorised</th><td class="amount">$35.01</td><td class="amount">4.1%</td>' in page
    assert f'href="/reports/spending/?range=this_month&amp;category={food.pk}">Food</a>' in page
    assert 'data-testid="total">$855.00<' in page
    # no exchange rates yet: the euro groceries are left out, and the page says so plainly
    assert "No EUR→USD rate for 1 day (2026-11-06); those amounts are not included." in page
    data = chart_data(response)
    assert data["type"] == "doughnut"
    assert data["labels"] == ["Housing", "Uncategorised", "Food"]
    assert data["datasets"][0]["data"] == ["800.00", "35.01", "19.99"]
    assert '<canvas data-chart="chart-data"' in page


def test_the_drill_down_shows_a_parents_subcategories(world, owner_client: Client):
    food = category(world.member, "Food")

    page = flat(owner_client.get(reverse("reports:spending"), LAST_3 | {"category": food.pk}))

    assert "<caption>Spending by subcategory of Food, Sep 1 – Nov 30, 2026, in USD" in page
    assert 'Directly in Food</th><td class="amount">$40.00</td>' in page
    assert 'Groceries</th><td class="amount">$32.49</td>' in page
    assert 'Restaurants</th><td class="amount">$25.99</td>' in page
    assert 'data-testid="total">$98.48<' in page
    assert f'<input type="hidden" name="category" value="{food.pk}">' in page


@pytest.mark.parametrize(
    ("url_name", "expected"),
    [
        (
            "reports:trend",
            [
                'Housing</th><td class="amount">$800.00</td><td class="amount">$800.00</td>'
                '<td class="amount">$800.00</td><td class="amount">$2,400.00</td>',
                'Food</th><td class="amount">$12.50</td><td class="amount">$65.99</td>'
                '<td class="amount">$19.99</td><td class="amount">$98.48</td>',
                'data-testid="total">$2,533.49<',
            ],
        ),
        (
            "reports:income_expenses",
            [
                '<th scope="row">Sep 2026</th><td class="amount">$3,000.00</td>'
                '<td class="amount">$812.50</td><td class="amount">$2,187.50</td>'
                '<td class="amount">72.9%</td>',
                '<th scope="row">Oct 2026</th><td class="amount">$3,000.00</td>'
                '<td class="amount">$865.99</td><td class="amount">$2,134.01</td>'
                '<td class="amount">71.1%</td>',
                '<th scope="row">Nov 2026</th><td class="amount">$0.00</td>'
                '<td class="amount">$855.00</td><td class="amount negative">-$855.00</td>'
                '<td class="amount">—</td>',
                'data-testid="savings-rate">57.8%<',
            ],
        ),
        (
            "reports:cash_flow",
            [
                "Cash flow per budget month",
                '<th scope="row">Oct 2026</th><td class="amount">$3,000.00</td>'
                '<td class="amount">$865.99</td><td class="amount">$2,134.01</td>'
                '<td class="amount">$4,321.51</td>',
                'data-testid="net">$3,466.51<',
            ],
        ),
        (
            "reports:net_worth",
            [
                '<th scope="row">Sep 30, 2026</th><td class="amount">$3,187.50</td>',
                '<th scope="row">Oct 31, 2026</th><td class="amount">$5,321.51</td>',
                '<th scope="row">Nov 20, 2026</th><td class="amount">$4,466.51</td>',
                "No EUR→USD rate for 3 days (2026-09-30, 2026-10-31, 2026-11-20); those "
                "amounts are not included.",
            ],
        ),
        (
            "reports:payees",
            [
                'Oak Street</th><td class="amount">$2,400.00</td><td class="amount">3</td>',
                'FreshMart</th><td class="amount">$72.49</td><td class="amount">3</td>',
                'data-testid="total">$2,533.49<',
            ],
        ),
        (
            "reports:tags",
            [
                'weekly</th><td class="amount">$58.48</td><td class="amount">3</td>',
                'date night</th><td class="amount">$25.99</td><td class="amount">1</td>',
                'data-testid="untagged">$2,440.00<',
            ],
        ),
    ],
)
def test_each_report_shows_its_numbers_in_a_table(world, owner_client, url_name, expected):
    response = owner_client.get(reverse(url_name), LAST_3)

    assert response.status_code == 200
    page = flat(response)
    for text in expected:
        assert text in page
    assert "<caption>" in page and 'scope="col"' in page
    assert chart_data(response)["currency"] == "USD"


def test_the_cash_flow_of_a_month_is_per_day_and_leaves_the_transfer_out(world, owner_client):
    response = owner_client.get(reverse("reports:cash_flow"))
    page = flat(response)

    assert "Cash flow per day, Nov 2026" in page
    assert '<th scope="row">Nov 10, 2026</th><td class="amount">$0.00</td>' in page
    nothing = '<td class="amount">$0.00</td><td class="amount">$0.00</td>'
    assert f'<th scope="row">Nov 15, 2026</th>{nothing}' in page  # the transfer day
    data = chart_data(response)
    assert len(data["labels"]) == 30
    assert data["datasets"][1]["data"][9] == "800.00"  # money out on 10 November


def test_the_trend_defaults_to_twelve_budget_months_ending_with_this_one(world, owner_client):
    data = chart_data(owner_client.get(reverse("reports:trend")))

    assert data["labels"][0] == "Dec 2025" and data["labels"][-1] == "Nov 2026"
    assert data["stacked"] is True
    assert [d["label"] for d in data["datasets"]] == ["Housing", "Food", "Uncategorised"]


def test_the_savings_rate_is_a_line_on_its_own_axis_with_gaps_for_no_income(world, owner_client):
    data = chart_data(owner_client.get(reverse("reports:income_expenses"), LAST_3))

    rate = data["datasets"][2]
    assert rate["type"] == "line" and rate["axis"] == "percent"
    assert rate["data"] == ["72.9", "71.1", None]


@pytest.mark.parametrize("url_name", REPORT_URLS)
def test_with_no_data_a_report_says_so_instead_of_drawing_an_empty_chart(
    url_name, owner, owner_client: Client
):
    make_account(owner, "Checking") if url_name != "reports:net_worth" else None

    page = owner_client.get(reverse(url_name)).content.decode()

    assert 'data-testid="empty"' in page
    assert "<canvas" not in page and "chart-data" not in page


def test_pages_have_no_inline_script_code(world, owner_client: Client):
    for name in REPORT_URLS:
        page = owner_client.get(reverse(name), LAST_3).content.decode()
        for tag in re.findall(r"<script[^>]*>", page):
            assert " src=" in tag or 'type="application/json"' in tag, (name, tag)
        assert " style=" not in page


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client: Client):
    response = client.get(reverse("reports:spending"))
    assert response.status_code == 302
    assert reverse("identity:sign_in") in response["Location"]


# --- another household --------------------------------------------------------------------------
def test_another_households_category_is_a_404(world, outsider_client: Client):
    food = category(world.member, "Food")

    response = outsider_client.get(reverse("reports:spending"), {"category": food.pk})

    assert response.status_code == 404
    as_csv = {"category": str(food.pk), "format": "csv"}
    assert outsider_client.get(reverse("reports:spending"), as_csv).status_code == 404


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "99999999999"])
def test_a_category_that_is_not_a_number_or_not_there_is_a_404(value, owner_client: Client):
    assert owner_client.get(reverse("reports:spending"), {"category": value}).status_code == 404


def test_only_top_level_expense_categories_can_be_drilled_into(owner, owner_client: Client):
    for name in ("Groceries", "Salary"):
        response = owner_client.get(
            reverse("reports:spending"), {"category": category(owner, name).pk}
        )
        assert response.status_code == 404


def test_the_outsider_sees_none_of_the_owners_numbers(world, outsider_client: Client):
    for name in REPORT_URLS:
        page = outsider_client.get(reverse(name), LAST_3).content.decode()
        assert "Oak Street" not in page and "$800.00" not in page and "3,187.50" not in page
        rows = csv_rows(outsider_client.get(reverse(name), LAST_3 | {"format": "csv"}))
        amounts = [cell for row in rows[1:] for cell in row if re.fullmatch(r"-?\d+\.\d\d", cell)]
        assert set(amounts) <= {"0.00"}, name  # months and days with nothing in them


# --- CSV ----------------------------------------------------------------------------------------
def test_the_spending_csv_has_the_same_numbers_as_plain_decimals(world, owner_client: Client):
    response = owner_client.get(reverse("reports:spending"), {"format": "csv"})

    assert response["Content-Disposition"] == (
        'attachment; filename="spending-by-category_2026-11-01_2026-11-30.csv"'
    )
    assert csv_rows(response) == [
        ["category", "spent", "currency", "share_percent"],
        ["Housing", "800.00", "USD", "93.6"],
        ["Uncategorised", "35.01", "USD", "4.1"],
        ["Food", "19.99", "USD", "2.3"],
    ]


def test_the_income_and_cash_flow_csvs_keep_negative_amounts_as_numbers(world, owner_client):
    income = csv_rows(
        owner_client.get(reverse("reports:income_expenses"), LAST_3 | {"format": "csv"})
    )
    flow = csv_rows(owner_client.get(reverse("reports:cash_flow"), {"format": "csv"}))

    assert income == [
        ["month_start", "month_end", "income", "expenses", "net", "savings_rate_percent",
         "currency"],
        ["2026-09-01", "2026-09-30", "3000.00", "812.50", "2187.50", "72.9", "USD"],
        ["2026-10-01", "2026-10-31", "3000.00", "865.99", "2134.01", "71.1", "USD"],
        ["2026-11-01", "2026-11-30", "0.00", "855.00", "-855.00", "", "USD"],
    ]  # fmt: skip
    assert flow[0] == ["start", "end", "inflow", "outflow", "net", "cumulative_net", "currency"]
    assert flow[10] == ["2026-11-10", "2026-11-10", "0.00", "800.00", "-800.00", "-855.00", "USD"]
    assert len(flow) == 31


def test_csv_cells_of_user_text_cannot_become_formulas(world, owner_client: Client):
    payees = csv_rows(owner_client.get(reverse("reports:payees"), LAST_3 | {"format": "csv"}))
    tags = csv_rows(owner_client.get(reverse("reports:tags"), LAST_3 | {"format": "csv"}))

    assert ["'=cmd|' /C calc'!A0", "35.01", "1", "USD"] in payees
    assert ["'-rm", "35.01", "1", "USD"] in tags
    assert payees[1] == ["Oak Street", "2400.00", "3", "USD"]


def test_the_net_worth_and_trend_csvs(world, owner_client: Client):
    worth = csv_rows(owner_client.get(reverse("reports:net_worth"), LAST_3 | {"format": "csv"}))
    trend = csv_rows(owner_client.get(reverse("reports:trend"), LAST_3 | {"format": "csv"}))

    assert worth == [
        ["date", "net_worth", "currency"],
        ["2026-09-30", "3187.50", "USD"],
        ["2026-10-31", "5321.51", "USD"],
        ["2026-11-20", "4466.51", "USD"],
    ]
    assert trend[0] == ["month_start", "month_end", "category", "spent", "currency"]
    assert ["2026-10-01", "2026-10-31", "Food", "65.99", "USD"] in trend
    assert ["2026-11-01", "2026-11-30", "Uncategorised", "35.01", "USD"] in trend
    assert len(trend) == 1 + 3 * 3


# --- cost ---------------------------------------------------------------------------------------
def add_expenses(member, account, count: int, start: int = 0) -> None:
    names = ["Groceries", "Restaurants", "Rent", "Fuel", None]
    for index in range(start, start + count):
        make_entry(
            member, account, 100 + index,
            on=date(2026, 9, 1) + timedelta(days=index % 80),
            category_name=names[index % len(names)],
            payee=f"Payee {index % 7}",
            tags=(f"tag{index % 3}",) if index % 2 else (),
        )  # fmt: skip
        if index % 10 == 0:
            day = date(2026, 9, 1) + timedelta(days=index % 80)
            make_entry(member, account, 500_000, kind="income", on=day, category_name="Salary")


def count_queries(client: Client) -> dict[str, int]:
    counts = {}
    for name in REPORT_URLS:
        for params in (LAST_3, {"range": "this_month"}, LAST_3 | {"format": "csv"}):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name), params).status_code == 200
            counts[f"{name} {params}"] = len(queries)
            reads_transactions = [q["sql"] for q in queries if "ledger_transaction" in q["sql"]]
            if name in ("reports:payees", "reports:tags"):
                # one GROUP BY over the range, never the rows themselves
                (sql,) = reads_transactions
                assert "GROUP BY" in sql
            else:
                assert reads_transactions == [], name  # sums come from the daily rollup
    return counts


def test_a_report_costs_the_same_few_queries_for_5_or_200_transactions(
    owner, owner_client: Client, frozen_today, django_assert_max_num_queries
):
    checking = make_account(owner, "Checking", opening=1_000)
    make_account(owner, "Euro card", currency="EUR")
    add_expenses(owner, checking, 5)
    few = count_queries(owner_client)

    add_expenses(owner, checking, 195, start=5)
    many = count_queries(owner_client)

    assert many == few
    # session, user, membership and unread alerts, then one or two report queries (+1 for a
    # drill-down)
    for name in REPORT_URLS:
        with django_assert_max_num_queries(6):
            owner_client.get(reverse(name), LAST_3)
    food = category(owner, "Food")
    with django_assert_max_num_queries(7):
        owner_client.get(reverse("reports:spending"), {"category": food.pk})


def test_subcategories_sharing_a_colour_get_distinct_shades(world, owner_client: Client):
    food = category(world.member, "Food")

    data = chart_data(owner_client.get(reverse("reports:spending"), LAST_3 | {"category": food.pk}))

    colours = data["datasets"][0]["colours"]
    assert colours[0] == food.colour
    assert len(set(colours)) == len(colours) == 3
    assert distinct_colours(["#000000", "#000000", "not-a-colour"]) == [
        "#000000", "#2d2d2d", "not-a-colour",
    ]  # fmt: skip
