"""Category suggestions learned from the household's own history."""

from __future__ import annotations

from datetime import date

import pytest

from spendwise.ledger.actions import category_update
from spendwise.rules.suggest import CategoryModel, suggester_for, tokens
from spendwise.testing.factories import category, make_entry

pytestmark = pytest.mark.django_db


def test_tokens_are_lower_cased_words_without_numbers():
    assert tokens("NETFLIX.COM 8841", "Monthly plan x") == ["netflix", "com", "monthly", "plan"]


def test_a_known_payee_gets_its_most_frequent_category():
    model = CategoryModel().learn(
        [
            ("expense", 1, "Corner Shop", ""),
            ("expense", 1, "corner  shop", ""),
            ("expense", 2, "Corner Shop", "birthday present"),
        ]
    )
    assert model.suggest("CORNER SHOP", "", "expense") == 1


def test_words_of_payee_and_note_suggest_for_a_new_payee():
    model = CategoryModel().learn(
        [
            ("expense", 1, "Fresh Market", "weekly groceries"),
            ("expense", 1, "Green Grocer", "groceries"),
            ("expense", 2, "Shell", "fuel"),
            ("expense", 2, "BP Station", "fuel top up"),
        ]
    )
    assert model.suggest("Downtown Market", "", "expense") == 1
    assert model.suggest("Esso", "fuel", "expense") == 2


def test_it_says_nothing_when_unsure_or_when_nothing_is_known():
    model = CategoryModel().learn(
        [("expense", 1, "Shop A", "things"), ("expense", 2, "Shop B", "things")]
    )
    assert model.suggest("Shop C", "things", "expense") is None  # an even split
    assert model.suggest("Zzyzx", "", "expense") is None  # no known word
    assert model.suggest("Shop A", "", "income") is None  # nothing learnt for income


def test_expenses_and_income_are_learnt_apart():
    model = CategoryModel().learn(
        [("expense", 1, "ACME", "lunch"), ("income", 9, "ACME", "salary")]
    )
    assert model.suggest("ACME", "", "expense") == 1
    assert model.suggest("ACME", "", "income") == 9


def test_it_learns_from_the_households_categorised_history(owner, checking, outsider):
    for day in range(1, 6):
        make_entry(
            owner,
            checking,
            2000,
            on=date(2026, 10, day),
            category_name="Groceries",
            payee="Fresh Market",
            note="weekly shop",
        )
        make_entry(
            owner,
            checking,
            900,
            on=date(2026, 10, day),
            category_name="Coffee",
            payee="Bean There",
            note="flat white",
        )
    make_entry(owner, checking, 500, on=date(2026, 10, 9), payee="Mystery")  # no category

    suggester = suggester_for(owner.household)

    assert suggester.suggest("Fresh Market", "", "expense") == category(owner, "Groceries").pk
    assert (
        suggester.suggest("Bean Counter Cafe", "flat white", "expense")
        == category(owner, "Coffee").pk
    )
    assert suggester.suggest("Mystery", "", "expense") is None
    # the outsider's household has no history at all
    assert suggester_for(outsider.household).suggest("Fresh Market", "", "expense") is None


def test_archived_categories_are_not_suggested(owner, checking):
    make_entry(owner, checking, 2000, category_name="Clothes", payee="Tailor")
    clothes = category(owner, "Clothes")
    category_update(
        actor=owner,
        category=clothes,
        name=clothes.name,
        parent=clothes.parent,
        colour=clothes.colour,
        archived=True,
    )
    assert suggester_for(owner.household).suggest("Tailor", "", "expense") is None


def test_the_trained_model_is_reused_for_a_while(owner, checking, django_assert_num_queries):
    make_entry(owner, checking, 2000, category_name="Groceries", payee="Fresh Market")
    suggester_for(owner.household)
    with django_assert_num_queries(0):
        suggester_for(owner.household).suggest("Fresh Market", "", "expense")
