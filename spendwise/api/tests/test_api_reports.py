"""``/api/v1/reports/…``: the report pages' numbers for the pages' own range parameters."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from spendwise.testing.factories import category, make_account, make_entry, make_transfer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_november_2026():
    with time_machine.travel("2026-11-27 12:00:00+00:00", tick=False):
        yield


@pytest.fixture
def history(owner, checking, savings):
    """October and November: salary, groceries with tags, rent, a transfer (never counted)."""
    for month in (10, 11):
        make_entry(owner, checking, 300000, kind="income", on=date(2026, month, 1),
                   category_name="Salary", payee="Employer")  # fmt: skip
        make_entry(owner, checking, 120000, on=date(2026, month, 3), category_name="Rent",
                   payee="Landlord")  # fmt: skip
        make_entry(owner, checking, 4550, on=date(2026, month, 5), category_name="Groceries",
                   payee="Corner Shop", tags=("weekly",))  # fmt: skip
    make_entry(owner, checking, 1000, on=date(2026, 11, 6), tags=("weekly", "treats"))
    make_transfer(owner, checking, savings, 50000, on=date(2026, 11, 7))


def usd(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "USD"}


def test_spending_by_category_for_a_preset_and_a_drill_down(owner, history, api):
    body = api.get("/reports/spending", range="this_month").json()
    assert body["range"] == {"preset": "this_month", "start": "2026-11-01", "end": "2026-11-30"}
    assert [(item["name"], item["spent"]) for item in body["items"]] == [
        ("Housing", usd("1200.00")),
        ("Food", usd("45.50")),
        ("Uncategorised", usd("10.00")),
    ]
    assert body["total"] == usd("1255.50")
    assert body["items"][0]["share"] == "95.6"
    assert body["left_out"] == []
    food = category(owner, "Food")
    drill = api.get("/reports/spending", range="this_month", category_id=food.pk).json()
    assert drill["category_id"] == food.pk
    assert [(item["name"], item["spent"]) for item in drill["items"]] == [
        ("Groceries", usd("45.50"))
    ]


def test_a_subcategory_cannot_be_drilled_into(owner, api):
    groceries = category(owner, "Groceries")
    response = api.get("/reports/spending", category_id=groceries.pk)
    assert response.status_code == 404


def test_a_custom_range_includes_both_ends(history, api):
    body = api.get(
        "/reports/spending", range="custom", **{"from": "2026-10-03", "to": "2026-10-05"}
    )
    assert body.status_code == 200, body.content
    assert body.json()["total"] == usd("1245.50")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"range": "custom", "from": "2026-11-05", "to": "2026-11-01"}, "range"),
        ({"range": "custom", "from": "2026-11-05"}, "range"),
        ({"range": "custom", "from": "2000-01-01", "to": "2026-01-01"}, "range"),
        ({"range": "forever"}, "range"),
        ({"range": "custom", "from": "0001-01-01", "to": "0001-01-02"}, "from"),
        ({"range": "custom", "from": "2026-11-01", "to": "2026-02-30"}, "to"),
    ],
)
def test_a_range_the_page_would_replace_is_refused(api, params, field):
    response = api.get("/reports/trend", **params)
    assert response.status_code in (400, 422), response.content
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_trend_income_expenses_and_cash_flow(history, api):
    trend = api.get("/reports/trend", range="last_3").json()
    assert [month["start"] for month in trend["months"]] == [
        "2026-09-01",
        "2026-10-01",
        "2026-11-01",
    ]
    housing = trend["series"][0]
    assert housing["name"] == "Housing"
    assert housing["amounts"] == [usd("0.00"), usd("1200.00"), usd("1200.00")]
    assert trend["totals"][2] == usd("1255.50")

    flows = api.get("/reports/income-expenses", range="last_month").json()
    assert flows["income"] == usd("3000.00")
    assert flows["expenses"] == usd("1245.50")
    assert flows["net"] == usd("1754.50")
    assert flows["savings_rate"] == "58.5"
    assert flows["months"][0]["start"] == "2026-10-01"

    cash = api.get("/reports/cash-flow").json()  # the page's default: this month, by day
    assert cash["by_day"] is True
    assert len(cash["buckets"]) == 30
    assert cash["buckets"][0]["inflow"] == usd("3000.00")
    assert cash["buckets"][-1]["cumulative"] == usd("1744.50")
    assert cash["outflow"] == usd("1255.50")


def test_net_worth_stops_at_today(owner, history, api):
    body = api.get("/reports/net-worth", range="last_3").json()
    assert [point["day"] for point in body["points"]] == ["2026-09-30", "2026-10-31", "2026-11-27"]
    # Opening balance 1000.00 in checking; transfers move money without changing the sum.
    assert body["points"][0]["balance"] == usd("1000.00")
    assert body["points"][-1]["balance"] == usd("4499.00")
    assert body["change"] == usd("3499.00")
    future = api.get(
        "/reports/net-worth", range="custom", **{"from": "2027-01-01", "to": "2027-02-01"}
    )
    assert future.json()["points"] == []


def test_top_payees_and_spending_by_tag(history, api):
    payees = api.get("/reports/payees", range="last_3").json()
    assert [(row["name"], row["spent"], row["count"]) for row in payees["items"]] == [
        ("Landlord", usd("2400.00"), 2),
        ("Corner Shop", usd("91.00"), 2),
        ("No payee", usd("10.00"), 1),
    ]
    assert payees["total"] == usd("2501.00")
    tags = api.get("/reports/tags", range="last_3").json()
    assert [(row["name"], row["spent"]) for row in tags["items"]] == [
        ("weekly", usd("101.00")),
        ("treats", usd("10.00")),
    ]
    assert tags["untagged"] == usd("2400.00")
    assert tags["untagged_count"] == 2


def test_amounts_in_another_currency_without_a_rate_are_named(owner, api):
    euros = make_account(owner, "Euro card", currency="EUR")
    make_entry(owner, euros, 999, on=date(2026, 11, 20))
    body = api.get("/reports/spending").json()
    assert body["left_out"] == ["EUR"]
