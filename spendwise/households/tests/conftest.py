from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from spendwise.households.models import Membership


@pytest.fixture
def client_in() -> Callable[[Membership], Client]:
    """A client signed in as the membership's user, acting in the membership's household."""

    def make(member: Membership) -> Client:
        client = Client()
        client.force_login(member.user)
        session = client.session
        session["household_id"] = member.household_id
        session.save()
        return client

    return make
