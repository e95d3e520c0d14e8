"""Personas shared by every app's tests: an owner, a viewer in the owner's household and an
outsider in another household; and the owner's everyday accounts."""

from __future__ import annotations

import pytest
from django.test import Client

from spendwise.households.models import Membership
from spendwise.ledger.models import Account
from spendwise.testing.factories import add_viewer, make_account, make_member


@pytest.fixture
def owner(db: None) -> Membership:
    return make_member("owner@example.com")


@pytest.fixture
def viewer(owner: Membership) -> Membership:
    return add_viewer(owner)


@pytest.fixture
def outsider(db: None) -> Membership:
    return make_member("outsider@example.com")


def _client_of(member: Membership) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


@pytest.fixture
def owner_client(owner: Membership) -> Client:
    return _client_of(owner)


@pytest.fixture
def viewer_client(viewer: Membership) -> Client:
    return _client_of(viewer)


@pytest.fixture
def outsider_client(outsider: Membership) -> Client:
    return _client_of(outsider)


@pytest.fixture
def checking(owner: Membership) -> Account:
    return make_account(owner, "Checking", opening=100_000)


@pytest.fixture
def savings(owner: Membership) -> Account:
    return make_account(owner, "Savings", kind="savings")
