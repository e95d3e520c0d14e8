"""Categories (one level of nesting, same kind), payees and tags."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from spendwise.ledger.models import Category, Payee
from spendwise.testing.factories import category, demote_to_viewer, make_entry

pytestmark = pytest.mark.django_db


def category_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {"name": "Pets", "kind": "expense", "parent": "", "colour": "#AA5500"}
    data.update(overrides)
    return data


def test_it_lists_each_kind_as_a_tree(owner_client, owner, checking):
    make_entry(owner, checking, 1_000, category_name="Groceries")

    response = owner_client.get(reverse("ledger:categories"))

    content = response.content.decode()
    expense, income = content.split('id="income-title"')
    food, groceries = category(owner, "Food"), category(owner, "Groceries")
    rows = re.findall(r'<tr class="(parent|child)" data-id="(\d+)"', expense)
    position = rows.index(("parent", str(food.pk)))
    assert rows[position + 1 : position + 4] == [
        ("child", str(category(owner, name).pk)) for name in ("Coffee", "Groceries", "Restaurants")
    ]
    assert f'data-id="{groceries.pk}" data-parent="{food.pk}"' in expense
    assert "Salary" in income and "Salary" not in expense


def test_it_creates_a_subcategory(owner_client, owner):
    food = category(owner, "Food")

    response = owner_client.post(
        reverse("ledger:category_create"), category_data(name="Snacks", parent=food.pk)
    )

    assert response.status_code == 302
    snacks = Category.objects.get(household=owner.household, name="Snacks")
    assert (snacks.parent, snacks.kind, snacks.colour) == (food, "expense", "#aa5500")


def test_it_refuses_grandchildren(owner_client, owner):
    groceries = category(owner, "Groceries")
    before = Category.objects.count()

    response = owner_client.post(
        reverse("ledger:category_create"), category_data(parent=groceries.pk)
    )

    assertContains(response, "Select a valid choice", status_code=400)
    assert Category.objects.count() == before


def test_it_refuses_a_parent_of_the_other_kind(owner_client, owner):
    before = Category.objects.count()

    response = owner_client.post(
        reverse("ledger:category_create"),
        category_data(kind="income", parent=category(owner, "Food").pk),
    )

    assertContains(response, "The parent must be of the same kind", status_code=400)
    assert Category.objects.count() == before


def test_it_refuses_another_households_parent(owner_client, outsider):
    before = Category.objects.count()

    response = owner_client.post(
        reverse("ledger:category_create"), category_data(parent=category(outsider, "Food").pk)
    )

    assertContains(response, "Select a valid choice", status_code=400)
    assert Category.objects.count() == before


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"colour": "red"}, "Pick a colour such as #1d4ed8."),
        ({"name": "food"}, "A category with this name already exists here."),
    ],
)
def test_it_refuses_a_bad_category(owner_client, overrides, message):
    before = Category.objects.count()

    response = owner_client.post(reverse("ledger:category_create"), category_data(**overrides))

    assertContains(response, message, status_code=400)
    assert Category.objects.count() == before


def test_it_edits_a_category_but_not_its_kind(owner_client, owner):
    coffee = category(owner, "Coffee")
    page = owner_client.get(reverse("ledger:category_edit", args=[coffee.pk]))
    assert 'name="kind"' not in page.content.decode()

    response = owner_client.post(
        reverse("ledger:category_edit", args=[coffee.pk]),
        {"name": "Café", "parent": "", "colour": "#123456", "archived": "on", "kind": "income"},
    )

    assert response.status_code == 302
    coffee.refresh_from_db()
    assert (coffee.name, coffee.parent, coffee.kind, coffee.archived) == (
        "Café",
        None,
        "expense",
        True,
    )


def test_it_refuses_to_nest_a_category_that_has_children(owner_client, owner):
    food, housing = category(owner, "Food"), category(owner, "Housing")

    response = owner_client.post(
        reverse("ledger:category_edit", args=[food.pk]),
        {"name": "Food", "parent": housing.pk, "colour": "#123456"},
    )

    assertContains(response, "This category has subcategories", status_code=400)
    food.refresh_from_db()
    assert food.parent is None


def test_it_offers_only_top_level_parents_of_the_same_kind_when_editing(owner_client, owner):
    coffee = category(owner, "Coffee")

    response = owner_client.post(
        reverse("ledger:category_edit", args=[coffee.pk]),
        {"name": "Coffee", "parent": category(owner, "Salary").pk, "colour": "#123456"},
    )

    assertContains(response, "Select a valid choice", status_code=400)
    coffee.refresh_from_db()
    assert coffee.parent == category(owner, "Food")


def test_it_refuses_a_viewers_category(owner_client, owner):
    demote_to_viewer(owner)
    before = Category.objects.count()

    response = owner_client.post(reverse("ledger:category_create"), category_data())

    assertContains(response, "Your role in this household cannot make changes.", status_code=403)
    assert Category.objects.count() == before


# --- payees and tags ----------------------------------------------------------------------------
def test_it_lists_payees_with_their_default_category_and_count(owner_client, owner, checking):
    make_entry(owner, checking, 1_000, payee="Market", category_name="Groceries")
    make_entry(owner, checking, 2_000, payee="Market")

    response = owner_client.get(reverse("ledger:payees"))

    assertContains(response, "Market")
    assertContains(response, "Food › Groceries")
    assertContains(response, '<td class="amount">2</td>', html=False)


def test_it_edits_a_payee(owner_client, owner, checking):
    make_entry(owner, checking, 1_000, payee="Market")
    payee = Payee.objects.get()

    response = owner_client.post(
        reverse("ledger:payee_edit", args=[payee.pk]),
        {"name": "Farmers market", "default_category": category(owner, "Groceries").pk},
    )

    assert response.status_code == 302
    payee.refresh_from_db()
    assert (payee.name, payee.default_category) == ("Farmers market", category(owner, "Groceries"))


def test_it_refuses_a_payee_name_that_is_taken(owner_client, owner, checking):
    make_entry(owner, checking, 1_000, payee="Market")
    make_entry(owner, checking, 1_000, payee="Bakery")
    bakery = Payee.objects.get(name="Bakery")

    response = owner_client.post(
        reverse("ledger:payee_edit", args=[bakery.pk]), {"name": "market", "default_category": ""}
    )

    assertContains(response, "Another payee already has this name.", status_code=400)
    bakery.refresh_from_db()
    assert bakery.name == "Bakery"


def test_it_lists_tags_with_counts(owner_client, owner, checking):
    make_entry(owner, checking, 1_000, tags=("holiday", "food"))
    make_entry(owner, checking, 1_000, tags=("holiday",))

    response = owner_client.get(reverse("ledger:tags"))

    content = response.content.decode()
    assert re.search(r">holiday</a></td><td class=\"amount\">2</td>", content)
    assert re.search(r">food</a></td><td class=\"amount\">1</td>", content)


def test_it_hides_another_households_categories_and_payees(outsider_client, owner, checking):
    make_entry(owner, checking, 1_000, payee="Market")
    payee = Payee.objects.get()
    food = category(owner, "Food")

    assert outsider_client.get(reverse("ledger:category_edit", args=[food.pk])).status_code == 404
    assert outsider_client.get(reverse("ledger:payee_edit", args=[payee.pk])).status_code == 404
    response = outsider_client.post(reverse("ledger:payee_edit", args=[payee.pk]), {"name": "Mine"})
    assert response.status_code == 404
    payee.refresh_from_db()
    assert payee.name == "Market"
