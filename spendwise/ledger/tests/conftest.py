"""Accounts for the ledger page tests, and a reader whose role cannot write."""

from __future__ import annotations

import pytest

from spendwise.households.models import Membership, Role
from spendwise.ledger.models import Account
from spendwise.testing.factories import make_account


@pytest.fixture
def checking(owner: Membership) -> Account:
    return make_account(owner, "Checking", opening=100_000)


@pytest.fixture
def savings(owner: Membership) -> Account:
    return make_account(owner, "Savings", kind="savings")


@pytest.fixture
def euros(owner: Membership) -> Account:
    return make_account(owner, "Euro card", currency="EUR")


@pytest.fixture
def outsiders_account(outsider: Membership) -> Account:
    return make_account(outsider, "Their checking", opening=5_000)


def make_viewer(member: Membership) -> Membership:
    """The same person, now only allowed to read the household's money."""
    member.role = Role.VIEWER
    member.save(update_fields=["role"])
    return member
