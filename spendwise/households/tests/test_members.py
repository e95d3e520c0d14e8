"""Owners change roles and remove members; the last owner stays; anyone may leave; a removed
member loses access on their very next request, on the pages and in the API."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from spendwise.api.actions import token_create
from spendwise.api.models import ApiToken
from spendwise.households.models import Membership, Role
from spendwise.testing.factories import join, make_account, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(owner: Membership) -> Membership:
    """Someone with a household of their own who is also a member of the owner's."""
    return join(owner, make_member("partner@example.com"))


def test_an_owner_changes_a_role(owner_client, partner):
    response = owner_client.post(
        reverse("households:member_role", args=[partner.pk]), {"role": "viewer"}
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.role == Role.VIEWER


def test_the_last_owner_cannot_be_demoted_removed_or_leave(owner, owner_client, partner):
    demoted = owner_client.post(
        reverse("households:member_role", args=[owner.pk]), {"role": "member"}
    )
    assert demoted.status_code == 409
    assert "needs an owner" in demoted.content.decode()
    removed = owner_client.post(reverse("households:member_remove", args=[owner.pk]))
    assert removed.status_code == 409
    left = owner_client.post(reverse("households:leave"))
    assert left.status_code == 409
    assert "last owner" in left.content.decode()
    owner.refresh_from_db()
    assert owner.role == Role.OWNER


def test_with_a_second_owner_the_first_may_step_down(owner, owner_client, partner):
    partner.role = Role.OWNER
    partner.save()
    response = owner_client.post(
        reverse("households:member_role", args=[owner.pk]), {"role": "member"}
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.role == Role.MEMBER


def test_members_cannot_manage_members(client_in, owner, partner, viewer):
    client = client_in(partner)
    before = list(Membership.objects.values_list("pk", "role").order_by("pk"))
    assert (
        client.post(
            reverse("households:member_role", args=[viewer.pk]), {"role": "owner"}
        ).status_code
        == 403
    )
    assert client.post(reverse("households:member_remove", args=[viewer.pk])).status_code == 403
    assert list(Membership.objects.values_list("pk", "role").order_by("pk")) == before


def test_a_member_may_leave(client_in, owner, partner):
    client = client_in(partner)
    response = client.post(reverse("households:leave"))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=partner.pk).exists()
    # back in their own household at once
    page = client.get(reverse("ledger:accounts"))
    assert page.context["household"] == partner.user.memberships.get().household


def test_a_removed_member_loses_access_at_once(client_in, owner, owner_client, partner):
    secret = make_account(owner, "Owner Secret Account")
    client = client_in(partner)
    assert "Owner Secret Account" in client.get(reverse("ledger:accounts")).content.decode()
    token = token_create(actor=partner, name="script", scope="read_write")[1]
    api = Client()
    assert api.get("/api/v1/accounts", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200

    owner_client.post(reverse("households:member_remove", args=[partner.pk]))

    # The page: the session falls back to their own household, with none of the owner's data.
    page = client.get(reverse("ledger:accounts"))
    assert page.status_code == 200
    assert "Owner Secret Account" not in page.content.decode()
    assert client.get(reverse("ledger:account_detail", args=[secret.pk])).status_code == 404
    # The API: their token for that household is dead, and choosing it is a 404.
    assert api.get("/api/v1/accounts", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert ApiToken.objects.get().revoked_at is not None
    chosen = client.get("/api/v1/accounts", HTTP_X_HOUSEHOLD=str(owner.household_id))
    assert chosen.status_code == 404


def test_another_households_member_is_not_found(owner_client, outsider):
    response = owner_client.post(reverse("households:member_remove", args=[outsider.pk]))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=outsider.pk).exists()


def test_the_members_page_lists_members_with_roles(owner_client, viewer):
    page = owner_client.get(reverse("households:members")).content.decode()
    assert "owner@example.com" in page and "viewer@example.com" in page


def test_someone_left_with_no_household_is_sent_to_create_one(client_in, owner, partner):
    own = partner.user.memberships.exclude(pk=partner.pk).get()
    own.delete()
    client = client_in(partner)
    client.post(reverse("households:leave"))
    response = client.get(reverse("ledger:accounts"))
    assert response.status_code == 302 and response["Location"] == reverse("households:create")
