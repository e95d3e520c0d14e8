"""Accounts for the ledger page tests besides the shared ``checking`` and ``savings``."""

from __future__ import annotations

import pytest

from spendwise.households.models import Membership
from spendwise.ledger.models import Account
from spendwise.testing.factories import make_account


@pytest.fixture
def euros(owner: Membership) -> Account:
    return make_account(owner, "Euro card", currency="EUR")


@pytest.fixture
def outsiders_account(outsider: Membership) -> Account:
    return make_account(outsider, "Their checking", opening=5_000)
