"""``apply_rules``: the interface the import wizard calls, on drafts not yet written."""

from __future__ import annotations

from datetime import date

import pytest

from spendwise.money import Money
from spendwise.rules.engine import Draft, apply_rules
from spendwise.rules.tests.conftest import make_rule
from spendwise.testing.factories import category, make_account

pytestmark = pytest.mark.django_db


def draft(account, payee="NETFLIX.COM 8841", amount=-1599, note="", **fields) -> Draft:
    return Draft(
        account_id=account.pk,
        date=date(2026, 11, 3),
        amount_minor=amount,
        payee_name=payee,
        description=note,
        **fields,
    )


def test_it_sets_category_renames_payee_and_adds_tags(owner, checking):
    rule = make_rule(
        owner,
        payee_match="contains",
        payee_value="netflix",
        category_name="Subscriptions",
        rename_payee="Netflix",
        tag_names=("streaming",),
    )
    drafts = [draft(checking, tag_names=["family"]), draft(checking, payee="Corner Shop")]

    result = apply_rules(owner.household, drafts)

    assert result is drafts
    netflix, shop = drafts
    assert netflix.category_id == category(owner, "Subscriptions").pk
    assert netflix.payee_name == "Netflix"
    assert netflix.tag_names == ["family", "streaming"]
    assert netflix.rule_ids == [rule.pk]
    assert (shop.category_id, shop.payee_name, shop.tag_names, shop.rule_ids) == (
        None,
        "Corner Shop",
        [],
        [],
    )


def test_it_overrides_a_category_the_draft_had(owner, checking):
    make_rule(owner, payee_match="contains", payee_value="netflix", category_name="Subscriptions")
    rent = category(owner, "Rent").pk
    (result,) = apply_rules(owner.household, [draft(checking, category_id=rent)])
    assert result.category_id == category(owner, "Subscriptions").pk


def test_it_matches_the_note_amount_and_account(owner, checking, savings):
    make_rule(
        owner,
        "Big rent payments",
        note_match="matches",
        note_value=r"^rent \d{4}-\d{2}$",
        amount_min=Money(100000, "USD"),
        account=checking,
        category_name="Rent",
    )
    matching = draft(checking, payee="Landlord", amount=-120000, note="Rent 2026-11")
    too_small = draft(checking, payee="Landlord", amount=-50000, note="Rent 2026-11")
    other_account = draft(savings, payee="Landlord", amount=-120000, note="Rent 2026-11")
    other_note = draft(checking, payee="Landlord", amount=-120000, note="deposit")

    apply_rules(owner.household, [matching, too_small, other_account, other_note])

    rent = category(owner, "Rent").pk
    assert [d.category_id for d in (matching, too_small, other_account, other_note)] == [
        rent,
        None,
        None,
        None,
    ]


def test_amount_bounds_are_read_in_the_accounts_currency(owner, checking):
    euros = make_account(owner, "Euro card", currency="EUR")
    make_rule(owner, amount_max=Money(1000, "USD"), tag_names=("small",))
    dollars, eur = draft(checking, amount=-500), draft(euros, amount=-500)
    apply_rules(owner.household, [dollars, eur])
    assert dollars.tag_names == ["small"]
    assert eur.tag_names == []  # 5.00 EUR is not compared with a dollar bound


def test_an_expense_category_is_not_put_on_income(owner, checking):
    make_rule(owner, payee_match="contains", payee_value="acme", category_name="Groceries")
    refund = draft(checking, payee="ACME", amount=2500)
    (result,) = apply_rules(owner.household, [refund])
    assert result.category_id is None and result.rule_ids == []


def test_the_first_matching_rule_wins_per_action_in_the_households_order(owner, checking):
    first = make_rule(
        owner, "First", payee_match="contains", payee_value="shop", category_name="Groceries"
    )
    second = make_rule(
        owner,
        "Second",
        payee_match="contains",
        payee_value="shop",
        category_name="Clothes",
        rename_payee="The Shop",
    )
    (result,) = apply_rules(owner.household, [draft(checking, payee="corner shop")])
    assert result.category_id == category(owner, "Groceries").pk
    assert result.payee_name == "The Shop"
    assert result.rule_ids == [first.pk, second.pk]


def test_another_households_rules_are_not_applied(owner, outsider, checking):
    make_rule(outsider, payee_match="contains", payee_value="netflix", tag_names=("theirs",))
    (result,) = apply_rules(owner.household, [draft(checking)])
    assert result.tag_names == [] and result.rule_ids == []


def test_it_reads_the_rules_once_however_many_drafts(
    owner, checking, django_assert_max_num_queries
):
    for n in range(5):
        make_rule(
            owner, f"Rule {n}", payee_match="matches", payee_value=f"shop{n}$", tag_names=("t",)
        )
    drafts = [draft(checking, payee=f"shop{n % 7}") for n in range(500)]
    with django_assert_max_num_queries(2):
        apply_rules(owner.household, drafts)
    assert sum(1 for d in drafts if d.tag_names == ["t"]) == len(
        [n for n in range(500) if n % 7 < 5]
    )
