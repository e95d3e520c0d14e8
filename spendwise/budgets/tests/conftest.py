"""Accounts and a budget helper for the budget tests, and a reader whose role cannot write."""

from __future__ import annotations

from datetime import date

import pytest

from spendwise.budgets import actions
from spendwise.budgets.models import Budget
from spendwise.households.models import Membership, Role
from spendwise.ledger.models import Account
from spendwise.money import Money
from spendwise.testing.factories import category, make_account


@pytest.fixture
def checking(owner: Membership) -> Account:
    return make_account(owner, "Checking", opening=1_000_000)


def set_budget(
    member: Membership,
    category_name: str | None,
    minor: int,
    month: date,
    *,
    repeats: bool = True,
    rollover: bool = False,
    thresholds: tuple[int, ...] = (80, 100),
) -> Budget:
    """Set a budget through the real action (``category_name`` None: overall)."""
    return actions.budget_set(
        actor=member,
        category=category(member, category_name) if category_name else None,
        month=month,
        amount=Money(minor, member.user.home_currency),
        repeats=repeats,
        rollover=rollover,
        thresholds=thresholds,
    )


def make_viewer(member: Membership) -> Membership:
    """The same person, now only allowed to read the household's money."""
    member.role = Role.VIEWER
    member.save(update_fields=["role"])
    return member


def join(household_member: Membership, other: Membership, role: str = Role.MEMBER) -> Membership:
    """Make ``other``'s user a member of ``household_member``'s household too."""
    return Membership.objects.create(
        household=household_member.household, user=other.user, role=role
    )
