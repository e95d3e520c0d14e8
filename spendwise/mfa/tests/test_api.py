"""``/api/v1/mfa`` and ``/api/v1/mfa/policy``."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from spendwise.api.actions import token_create
from spendwise.mfa.tests.helpers import set_up_app

pytestmark = pytest.mark.django_db


def bearer(member, scope: str = "read") -> dict[str, Any]:
    _, text = token_create(actor=member, name="script", scope=scope)
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


def test_it_reads_my_mfa_status(owner_client, owner):
    headers = bearer(owner)
    body = Client().get("/api/v1/mfa", **headers).json()
    assert body == {
        "enabled": False,
        "method": None,
        "provider": None,
        "enabled_at": None,
        "recovery_codes_left": 0,
        "household_requires_mfa": False,
    }
    set_up_app(owner_client)
    body = Client().get("/api/v1/mfa", **headers).json()
    assert body["enabled"] is True
    assert body["method"] == "totp"
    assert body["provider"] == "local"
    assert body["recovery_codes_left"] == 10
    assert "secret" not in str(body).lower()


def test_the_policy_is_for_owners_only(owner_client, owner, viewer):
    set_up_app(owner_client)
    owner_client.post("/security/household/", {"require_mfa": "on"})
    body = Client().get("/api/v1/mfa/policy", **bearer(owner)).json()
    assert body["household_id"] == owner.household.pk
    assert body["require_mfa"] is True
    assert {(m["email"], m["role"], m["mfa_enabled"]) for m in body["members"]} == {
        ("owner@example.com", "owner", True),
        ("viewer@example.com", "viewer", False),
    }
    viewer_client = Client()
    viewer_client.force_login(viewer.user)
    # The viewer has no second factor: the household's rule answers first.
    response = viewer_client.get("/api/v1/mfa/policy")
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"


def test_a_member_cannot_read_the_policy(owner, viewer):
    response = Client().get("/api/v1/mfa/policy", **bearer(viewer))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
