"""Several households: the nav's switcher, POST /households/switch, a new household, and the
API's per-call choice (X-Household)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from spendwise.api.actions import token_create
from spendwise.households.models import Household, Membership, Role
from spendwise.ledger.models import Category
from spendwise.testing.factories import join, make_account, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(owner: Membership) -> Membership:
    return join(owner, make_member("partner@example.com"))


def test_the_switcher_shows_only_for_several_households(owner_client, client_in, partner):
    assert (
        'id="household-switch"' not in owner_client.get(reverse("ledger:accounts")).content.decode()
    )
    page = client_in(partner).get(reverse("ledger:accounts")).content.decode()
    assert 'id="household-switch"' in page
    assert "owner&#x27;s household" in page or "owner's household" in page


def test_switching_changes_the_household_of_every_page(owner, partner, client_in):
    make_account(owner, "Shared Checking")
    own = partner.user.memberships.exclude(pk=partner.pk).get()
    client = client_in(own)
    assert "Shared Checking" not in client.get(reverse("ledger:accounts")).content.decode()
    response = client.post(
        reverse("households:switch"), {"household": owner.household_id, "next": "/accounts/"}
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/"
    assert "Shared Checking" in client.get(reverse("ledger:accounts")).content.decode()


def test_switching_to_a_household_you_are_not_in_is_a_404(outsider, owner_client):
    response = owner_client.post(reverse("households:switch"), {"household": outsider.household_id})
    assert response.status_code == 404
    assert (
        owner_client.get(reverse("households:members")).context["household"] != outsider.household
    )


def test_a_new_household_is_owned_by_its_creator(owner, owner_client):
    response = owner_client.post(reverse("households:create"), {"name": "Beach house"})
    assert response.status_code == 302
    household = Household.objects.get(name="Beach house")
    assert Membership.objects.get(household=household).role == Role.OWNER
    assert Category.objects.filter(household=household).exists()  # the defaults
    assert owner_client.get(reverse("households:members")).context["household"] == household


def test_an_empty_name_is_a_400_and_creates_nothing(owner_client):
    response = owner_client.post(reverse("households:create"), {"name": "  "})
    assert response.status_code == 400
    assert Household.objects.count() == 1


def test_the_api_acts_in_the_household_a_session_call_names(owner, partner, client_in):
    make_account(owner, "Shared Checking")
    own = partner.user.memberships.exclude(pk=partner.pk).get()
    client = client_in(own)
    plain = client.get("/api/v1/accounts").json()
    assert [a["name"] for a in plain["items"]] == []
    chosen = client.get("/api/v1/accounts", HTTP_X_HOUSEHOLD=str(owner.household_id)).json()
    assert [a["name"] for a in chosen["items"]] == ["Shared Checking"]
    listed = client.get("/api/v1/households").json()
    assert {h["id"] for h in listed} == {owner.household_id, own.household_id}


def test_a_token_stays_in_its_own_household(owner, partner):
    token = token_create(actor=partner, name="t", scope="read")[1]
    own = partner.user.memberships.exclude(pk=partner.pk).get()
    response = Client().get(
        "/api/v1/accounts",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_X_HOUSEHOLD=str(own.household_id),
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
