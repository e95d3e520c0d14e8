"""``/api/v1/budgets``: the budget page's numbers, and its writes through the same actions."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from spendwise.api.tests.conftest import api_client
from spendwise.budgets.models import Budget, BudgetAmount
from spendwise.budgets.queries import budget_progress
from spendwise.testing.factories import category, demote_to_viewer, make_entry, set_budget

pytestmark = pytest.mark.django_db

DEC = date(2026, 12, 1)
NOV = date(2026, 11, 1)


@pytest.fixture(autouse=True)
def in_december_2026():
    with time_machine.travel("2026-12-10 12:00:00+00:00", tick=False):
        yield


def amounts(owner) -> list[tuple]:
    return sorted(
        BudgetAmount.objects.filter(budget__household=owner.household).values_list(
            "budget__category__name", "month", "amount", "repeats"
        ),
        key=str,
    )


def test_it_lists_the_budget_pages_numbers(owner, checking, api):
    food = set_budget(owner, "Food", 10000, DEC)
    set_budget(owner, None, 50000, DEC)
    make_entry(owner, checking, 8550, on=date(2026, 12, 2), category_name="Groceries")
    response = api.get("/budgets", month="2026-12")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["month"], body["start"], body["end"]) == ("2026-12", "2026-12-01", "2026-12-31")
    assert body["is_current"] is True
    assert [item["name"] for item in body["items"]] == ["Overall", "Food"]
    item = body["items"][1]
    assert item["id"] == food.pk
    assert item["budgeted"] == {"amount": "100.00", "currency": "USD"}
    assert item["spent"] == {"amount": "85.50", "currency": "USD"}
    assert item["remaining"] == {"amount": "14.50", "currency": "USD"}
    assert item["percent"] == 85
    page = budget_progress(owner.household, owner.user, DEC)[1]
    assert page.projected is not None
    assert item["projected"] == {"amount": page.projected.amount_str(), "currency": "USD"}
    assert item["thresholds"] == [80, 100]


def test_it_defaults_to_the_current_month_and_lists_budgets_without_an_amount(owner, api):
    set_budget(owner, "Food", 10000, DEC, repeats=False)
    body = api.get("/budgets").json()
    assert body["month"] == "2026-12"
    assert [item["name"] for item in body["items"]] == ["Food"]
    january = api.get("/budgets", month="2027-01").json()
    assert january["items"] == []
    assert [budget["name"] for budget in january["unset"]] == ["Food"]


@pytest.mark.parametrize("month", ["2026-13", "1800-01", "2026-1"])
def test_it_refuses_a_month_that_does_not_exist(api, month):
    response = api.get("/budgets", month=month)
    assert response.status_code in (400, 422)
    assert response.json()["errors"][0]["field"] == "month"


def test_it_creates_a_budget_then_replaces_its_amount(owner, api):
    food = category(owner, "Food")
    body = {"category_id": food.pk, "month": "2026-12", "amount": "250.00"}
    created = api.post("/budgets", body)
    assert created.status_code == 201, created.content
    assert created.json()["amounts"] == [
        {"month": "2026-12", "amount": {"amount": "250.00", "currency": "USD"}, "repeats": True}
    ]
    again = api.post("/budgets", {**body, "amount": "300", "thresholds": [50, 90]})
    assert again.status_code == 200
    assert again.json()["id"] == created.json()["id"]
    assert again.json()["thresholds"] == [50, 90]
    assert amounts(owner) == [("Food", DEC, 30000, True)]


def test_it_sets_the_overall_budget_without_a_category(owner, api):
    response = api.post("/budgets", {"amount": "1000"})
    assert response.status_code == 201
    assert response.json()["name"] == "Overall"
    assert amounts(owner) == [(None, DEC, 100000, True)]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "-1"}, "amount"),
        ({"amount": "1.001"}, "amount"),
        ({"thresholds": [0]}, "thresholds"),
        ({"category_id": "income"}, "category_id"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_it_refuses_bad_input_and_writes_nothing(owner, api, change, field):
    if change.get("category_id") == "income":
        change = {"category_id": category(owner, "Salary").pk}
        field = "category"
    body = {"category_id": category(owner, "Food").pk, "amount": "10", **change}
    response = api.post("/budgets", body)
    assert response.status_code in (400, 422), response.content
    assert any(error["field"] == field for error in response.json()["errors"]), response.json()
    assert not Budget.objects.exists()


def test_it_changes_one_month_only(owner, api):
    food = set_budget(owner, "Food", 10000, NOV)
    response = api.put(f"/budgets/{food.pk}", {"month": "2026-12", "amount": "5", "repeats": False})
    assert response.status_code == 200, response.content
    assert amounts(owner) == [("Food", NOV, 10000, True), ("Food", DEC, 500, False)]
    january = api.get("/budgets", month="2027-01").json()["items"][0]
    assert january["budgeted"]["amount"] == "100.00"


def test_it_deletes_a_budget(owner, api):
    food = set_budget(owner, "Food", 10000, DEC)
    assert api.delete(f"/budgets/{food.pk}").status_code == 204
    assert not Budget.objects.exists()
    assert api.get(f"/budgets/{food.pk}").status_code == 404


def test_it_copies_last_month(owner, api):
    set_budget(owner, "Food", 10000, NOV, repeats=False)
    response = api.post("/budgets/copy-last-month", {"month": "2026-12"})
    assert response.json() == {"month": "2026-12", "copied": 1}
    assert amounts(owner) == [("Food", NOV, 10000, False), ("Food", DEC, 10000, False)]


def test_a_viewer_is_refused_and_nothing_is_written(owner):
    viewer_api = api_client(owner)
    demote_to_viewer(owner)
    response = viewer_api.post("/budgets", {"amount": "10"})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not Budget.objects.exists()
    assert viewer_api.get("/budgets").status_code == 200
