"""The budget pages: what a member sees and what the forms write, or refuse to."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from spendwise.budgets.models import Budget, BudgetAmount
from spendwise.testing.factories import (
    category,
    demote_to_viewer,
    make_account,
    make_entry,
    set_budget,
)

pytestmark = pytest.mark.django_db

DEC = date(2026, 12, 1)
INDEX = reverse("budgets:index")


@pytest.fixture(autouse=True)
def in_december_2026():
    with time_machine.travel("2026-12-10 12:00:00+00:00", tick=False):
        yield


def rows_written(owner) -> list[tuple]:
    return sorted(
        BudgetAmount.objects.filter(budget__household=owner.household).values_list(
            "budget__category__name", "month", "amount", "repeats"
        ),
        key=str,
    )


def budget_row(page: str, budget: Budget) -> str:
    match = re.search(rf'<tr class="[^"]*" data-budget="{budget.pk}">.*?</tr>', page, re.S)
    assert match, f"no row for {budget}"
    return match.group(0)


def test_it_explains_budgets_when_there_are_none(owner_client: Client):
    page = owner_client.get(INDEX).content.decode()
    assert "A budget is a monthly limit on spending" in page
    assert "Set your first budget" in page
    assert "December 2026" in page


def test_it_shows_progress_with_a_meter_a_class_and_words(owner, checking, owner_client: Client):
    food = set_budget(owner, "Food", 10000, DEC)
    transport = set_budget(owner, "Transport", 10000, DEC)
    overall = set_budget(owner, None, 100000, DEC)
    make_entry(owner, checking, 8500, on=date(2026, 12, 2), category_name="Groceries")
    make_entry(owner, checking, 12000, on=date(2026, 12, 3), category_name="Fuel")

    page = owner_client.get(INDEX).content.decode()

    food_row = budget_row(page, food)
    assert 'class="budget-row over-80"' in food_row
    assert 'value="85"' in food_row and "<meter" in food_row
    assert "85 % used — close to the limit" in food_row
    transport_row = budget_row(page, transport)
    assert 'class="budget-row over-100"' in transport_row
    assert "120 % used — over budget by $20.00" in transport_row
    overall_row = budget_row(page, overall)
    assert "over-" not in overall_row.split(">")[0]
    assert "20 % used" in overall_row
    # Overall first, then the categories by name.
    assert page.index(f'data-budget="{overall.pk}"') < page.index(f'data-budget="{food.pk}"')


def test_it_says_when_spending_in_other_currencies_is_not_counted(
    owner, checking, owner_client: Client
):
    set_budget(owner, None, 100000, DEC)
    make_entry(owner, make_account(owner, "Euro card", currency="EUR"), 100, on=date(2026, 12, 2))
    page = owner_client.get(INDEX).content.decode()
    assert "Spending in EUR is not counted" in page


def test_it_moves_between_months_and_swaps_only_the_month_for_htmx(owner, owner_client: Client):
    set_budget(owner, "Food", 10000, DEC, repeats=False)
    page = owner_client.get(INDEX + "?month=2027-01").content.decode()
    assert "January 2027" in page and "No budget applies to January 2027" in page
    assert "Not set for January 2027" in page
    assert "?month=2026-12" in page and "?month=2027-02" in page

    fragment = owner_client.get(INDEX + "?month=2026-12", headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert html.lstrip().startswith('<section id="budget-month"')
    assert "<html" not in html and "Food" in html


def test_it_sets_a_budget_from_the_form(owner, owner_client: Client):
    response = owner_client.post(
        reverse("budgets:set") + "?month=2026-12",
        {
            "category": category(owner, "Food").pk,
            "amount": "1,234.50",
            "scope": "repeat",
            "rollover": "on",
            "thresholds": "50, 90, 100",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == INDEX + "?month=2026-12"
    assert rows_written(owner) == [("Food", DEC, 123450, True)]
    budget = Budget.objects.get(household=owner.household)
    assert budget.rollover and budget.thresholds == "50,90,100" and budget.currency == "USD"


def test_it_sets_the_overall_budget_for_one_month_in_the_persons_locale(
    owner, owner_client: Client
):
    owner.user.locale, owner.user.home_currency = "vi", "VND"
    owner.user.save()
    response = owner_client.post(
        reverse("budgets:set") + "?month=2027-01",
        {"category": "", "amount": "5.000.000", "scope": "once", "thresholds": ""},
    )
    assert response.status_code == 302
    assert rows_written(owner) == [(None, date(2027, 1, 1), 5_000_000, False)]
    assert Budget.objects.get(household=owner.household).thresholds == "80,100"


def test_it_edits_a_budget_for_this_month_only(owner, owner_client: Client):
    food = set_budget(owner, "Food", 10000, date(2026, 11, 1))
    url = reverse("budgets:edit", args=[food.pk]) + "?month=2026-12"
    form = owner_client.get(url).content.decode()
    assert 'value="100.00"' in form

    response = owner_client.post(
        url, {"amount": "150", "scope": "once", "thresholds": "80,100", "category": "999999"}
    )

    assert response.status_code == 302
    assert rows_written(owner) == [
        ("Food", date(2026, 11, 1), 10000, True),
        ("Food", DEC, 15000, False),
    ]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("twelve", "“twelve” is not an amount."),
        ("12.345", "USD amounts have at most 2 decimal places."),
        ("-5", "Enter an amount of zero or more."),
        ("", "This field is required."),
    ],
)
def test_a_bad_amount_is_a_400_with_a_message_and_nothing_is_written(
    owner, owner_client: Client, amount, message
):
    response = owner_client.post(
        reverse("budgets:set"),
        {"category": category(owner, "Food").pk, "amount": amount, "scope": "repeat"},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Nothing was saved" in response.content.decode()
    assert not Budget.objects.exists()
    assert not BudgetAmount.objects.exists()


def test_bad_thresholds_are_a_400(owner, owner_client: Client):
    response = owner_client.post(
        reverse("budgets:set"), {"category": "", "amount": "10", "thresholds": "eighty"}
    )
    assert response.status_code == 400
    assert "“eighty” is not a whole percentage." in response.content.decode()
    assert not Budget.objects.exists()


def test_another_households_category_cannot_be_budgeted(owner, outsider, owner_client: Client):
    response = owner_client.post(
        reverse("budgets:set"),
        {"category": category(outsider, "Food").pk, "amount": "10", "scope": "repeat"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Budget.objects.exists()


def test_income_categories_are_not_offered(owner, owner_client: Client):
    page = owner_client.get(reverse("budgets:set")).content.decode()
    assert "Groceries" in page and "Overall (all expenses)" in page
    assert "Salary" not in page


def test_a_viewer_gets_a_403_and_nothing_is_written(owner, owner_client: Client):
    food = set_budget(owner, "Food", 10000, DEC)
    before = rows_written(owner)
    demote_to_viewer(owner)

    page = owner_client.get(INDEX).content.decode()
    assert "Set a budget" not in page and "Copy last month" not in page
    data = {"category": category(owner, "Rent").pk, "amount": "10", "scope": "repeat"}
    responses = [
        owner_client.get(reverse("budgets:set")),
        owner_client.post(reverse("budgets:set"), data),
        owner_client.post(reverse("budgets:edit", args=[food.pk]), data),
        owner_client.post(reverse("budgets:delete", args=[food.pk])),
        owner_client.post(reverse("budgets:copy"), {"month": "2027-01"}),
    ]

    for response in responses:
        assert response.status_code == 403
        assert "Your role in this household cannot make changes." in response.content.decode()
    assert rows_written(owner) == before
    assert Budget.objects.filter(pk=food.pk).exists()


def test_another_households_budget_is_a_404(owner, outsider_client: Client):
    food = set_budget(owner, "Food", 10000, DEC)
    before = rows_written(owner)
    data = {"amount": "1", "scope": "repeat"}

    assert outsider_client.get(reverse("budgets:edit", args=[food.pk])).status_code == 404
    assert outsider_client.post(reverse("budgets:edit", args=[food.pk]), data).status_code == 404
    assert outsider_client.post(reverse("budgets:delete", args=[food.pk])).status_code == 404
    assert rows_written(owner) == before
    assert "Food" not in outsider_client.get(INDEX).content.decode()


def test_it_deletes_a_budget(owner, owner_client: Client):
    food = set_budget(owner, "Food", 10000, DEC)
    response = owner_client.post(reverse("budgets:delete", args=[food.pk]), {"month": "2026-12"})
    assert response.status_code == 302
    assert not Budget.objects.exists() and not BudgetAmount.objects.exists()


def test_it_copies_last_months_budgets_from_the_page(owner, owner_client: Client):
    set_budget(owner, "Food", 10000, date(2026, 11, 1), repeats=False)
    set_budget(owner, None, 50000, date(2026, 11, 1), repeats=False)

    response = owner_client.post(reverse("budgets:copy"), {"month": "2026-12"}, follow=True)

    assert "Copied 2 budgets from November 2026 into this month." in response.content.decode()
    assert (None, DEC, 50000, False) in rows_written(owner)
    assert ("Food", DEC, 10000, False) in rows_written(owner)


def test_copying_from_a_month_without_budgets_says_so(owner, owner_client: Client):
    set_budget(owner, "Food", 10000, DEC)
    response = owner_client.post(reverse("budgets:copy"), {"month": "2026-12"}, follow=True)
    assert "No budgets were set for November 2026" in response.content.decode()
    assert rows_written(owner) == [("Food", DEC, 10000, True)]
