"""A household that requires two-step sign-in: the owner's switch, the pages and the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from spendwise.api.actions import token_create
from spendwise.households.models import Membership, Role
from spendwise.mfa.models import HouseholdSecurityPolicy, TotpDevice
from spendwise.mfa.tests.helpers import set_up_app
from spendwise.testing.factories import PASSWORD, join, make_member

pytestmark = pytest.mark.django_db


def require_mfa(client: Client, on: bool = True):
    return client.post(reverse("mfa:household_policy"), {"require_mfa": "on"} if on else {})


def requires(member: Membership) -> bool:
    return HouseholdSecurityPolicy.objects.filter(
        household=member.household, require_mfa=True
    ).exists()


def test_the_owner_cannot_require_it_before_turning_it_on_themselves(owner_client, owner):
    response = require_mfa(owner_client)
    assert response.status_code == 400
    assert "Turn on two-step sign-in for yourself first" in response.content.decode()
    assert not requires(owner)


def test_only_an_owner_can_change_the_rule(viewer_client, viewer, owner):
    response = require_mfa(viewer_client)
    assert response.status_code == 403
    assert not requires(owner)
    assert "Household rule" not in viewer_client.get(reverse("mfa:security")).content.decode()


def test_members_without_mfa_are_sent_to_set_it_up(owner_client, owner):
    set_up_app(owner_client)
    assert require_mfa(owner_client)["Location"] == reverse("mfa:security")
    assert requires(owner)
    assert owner_client.get(reverse("web:dashboard")).status_code == 200  # the owner has it

    partner = make_member("partner@example.com")
    join(owner, partner, Role.MEMBER)
    client = Client()
    client.force_login(partner.user)
    session = client.session
    session["household_id"] = owner.household.pk
    session.save()

    for name in ("web:dashboard", "ledger:transactions", "identity:settings"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"] == reverse("mfa:setup")
    htmx = client.get(reverse("ledger:transactions"), HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == reverse("mfa:setup")
    # Setting up and signing out stay open.
    assert client.get(reverse("mfa:setup")).status_code == 200
    assert client.get(reverse("mfa:security")).status_code == 200

    set_up_app(client)
    assert client.get(reverse("web:dashboard")).status_code == 200
    assert client.post(reverse("identity:sign_out"))["Location"] == reverse("identity:sign_in")


def test_mfa_cannot_be_turned_off_while_the_household_requires_it(owner_client, owner):
    set_up_app(owner_client)
    require_mfa(owner_client)
    response = owner_client.post(reverse("mfa:disable"), {"password": PASSWORD})
    assert response.status_code == 400
    assert "requires two-step sign-in" in response.content.decode()
    assert TotpDevice.objects.filter(user=owner.user).exists()

    assert require_mfa(owner_client, on=False).status_code == 302
    assert not requires(owner)
    owner_client.post(reverse("mfa:disable"), {"password": PASSWORD})
    assert not TotpDevice.objects.filter(user=owner.user).exists()


def test_the_api_refuses_token_callers_without_mfa(owner_client, owner, viewer):
    set_up_app(owner_client)
    _, viewer_token = token_create(actor=viewer, name="script", scope="read")
    _, owner_token = token_create(actor=owner, name="script", scope="read")
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {viewer_token}"}
    assert Client().get("/api/v1/me", **headers).status_code == 200

    require_mfa(owner_client)
    response = Client().get("/api/v1/me", **headers)
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"
    assert "requires two-step sign-in" in response.json()["detail"]
    # The owner has a second factor: their token keeps working.
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {owner_token}")
    assert response.status_code == 200
