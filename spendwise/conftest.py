"""Personas shared by every app's tests: an owner and an outsider in another household."""

from __future__ import annotations

import pytest
from django.test import Client

from spendwise.households.models import Membership
from spendwise.testing.factories import make_member


@pytest.fixture
def owner(db: None) -> Membership:
    return make_member("owner@example.com")


@pytest.fixture
def outsider(db: None) -> Membership:
    return make_member("outsider@example.com")


@pytest.fixture
def owner_client(owner: Membership) -> Client:
    client = Client()
    client.force_login(owner.user)
    return client


@pytest.fixture
def outsider_client(outsider: Membership) -> Client:
    client = Client()
    client.force_login(outsider.user)
    return client
