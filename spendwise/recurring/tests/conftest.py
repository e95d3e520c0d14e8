from __future__ import annotations

import pytest
from django.test import Client

from spendwise.households.models import Membership
from spendwise.ledger.models import Account
from spendwise.recurring.tests.factories import make_viewer
from spendwise.testing.factories import make_account


@pytest.fixture
def checking(owner: Membership) -> Account:
    return make_account(owner, "Checking", opening=500000)


@pytest.fixture
def savings(owner: Membership) -> Account:
    return make_account(owner, "Savings", kind="savings")


@pytest.fixture
def viewer(owner: Membership) -> Membership:
    return make_viewer(owner)


@pytest.fixture
def viewer_client(viewer: Membership) -> Client:
    client = Client()
    client.force_login(viewer.user)
    return client
