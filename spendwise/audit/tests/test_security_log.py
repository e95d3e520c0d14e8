"""Each person's security log, through the real sign-in, sign-out, password reset and API."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from spendwise.audit.models import AuditEntry, SecurityEvent
from spendwise.households.models import Membership
from spendwise.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOG = reverse("audit:security_log")
NEW_PASSWORD = "a-brand-new-long-password-42"


@pytest.fixture
def since(owner: Membership, outsider: Membership) -> int:
    """The newest event id once the personas exist (making them sets their passwords)."""
    return SecurityEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def kinds(member: Membership, since: int) -> list[str]:
    rows = SecurityEvent.objects.filter(user_id=member.user_id, id__gt=since).order_by("id")
    return list(rows.values_list("kind", flat=True))


def sign_in(client: Client, email: str, password: str, **extra: Any) -> int:
    url = reverse("identity:sign_in")
    return client.post(url, {"email": email, "password": password}, **extra).status_code


def test_it_records_a_sign_in_and_a_sign_out_through_the_pages(client: Client, owner, since):
    assert sign_in(client, "owner@example.com", PASSWORD, REMOTE_ADDR="198.51.100.7") == 302
    client.post(reverse("identity:sign_out"))

    assert kinds(owner, since) == ["sign_in", "sign_out"]
    signed_in = SecurityEvent.objects.get(kind="sign_in", id__gt=since)
    assert signed_in.ip == "198.51.100.7" and signed_in.email == "owner@example.com"


def test_it_records_a_failed_sign_in_for_an_existing_account_only(client: Client, owner, since):
    assert sign_in(client, "Owner@Example.com", "not the password") == 200
    assert sign_in(client, "nobody@example.com", "not the password") == 200

    assert kinds(owner, since) == ["sign_in_failed"]
    assert SecurityEvent.objects.filter(id__gt=since).count() == 1


def test_it_trusts_x_forwarded_for_only_behind_a_trusted_proxy(
    client: Client, owner, settings, since
):
    sign_in(client, "owner@example.com", "wrong", HTTP_X_FORWARDED_FOR="192.0.2.1")
    settings.TRUSTED_PROXY_COUNT = 1
    sign_in(client, "owner@example.com", "wrong", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert list(
        SecurityEvent.objects.filter(id__gt=since).order_by("id").values_list("ip", flat=True)
    ) == [
        "127.0.0.1",
        "192.0.2.1",
    ]


def test_it_records_a_password_reset(client: Client, owner, since):
    client.post(reverse("identity:forgot_password"), {"email": "owner@example.com"})
    code = re.search(r"\b(\d{6})\b", str(mail.outbox[-1].body)).group(1)  # type: ignore[union-attr]
    response = client.post(
        reverse("identity:reset_password"),
        {"email": "owner@example.com", "code": code, "password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert kinds(owner, since) == ["password_reset"]


def test_it_records_token_creation_first_use_of_each_day_and_revocation(owner_client, owner, since):
    with time_machine.travel("2026-11-20 09:00:00+00:00", tick=False):
        created = owner_client.post(
            "/api/v1/tokens", {"name": "Script", "scope": "read"}, content_type="application/json"
        ).json()
        bearer = Client(HTTP_AUTHORIZATION=f"Bearer {created['token']}")
        assert bearer.get("/api/v1/accounts").status_code == 200
        assert bearer.get("/api/v1/accounts").status_code == 200
    with time_machine.travel("2026-11-20 23:00:00+00:00", tick=False):
        bearer.get("/api/v1/accounts")
    with time_machine.travel("2026-11-21 08:00:00+00:00", tick=False):
        bearer.get("/api/v1/accounts")
        owner_client.delete(f"/api/v1/tokens/{created['id']}")

    assert kinds(owner, since)[-4:] == [
        "token_created",
        "token_used",
        "token_used",
        "token_revoked",
    ]
    used = SecurityEvent.objects.filter(kind="token_used", id__gt=since).order_by("id")
    assert [event.created_at.day for event in used] == [20, 21]
    assert "Script" in used[0].detail


def test_it_shows_my_own_log_only(client: Client, owner, outsider, since):
    sign_in(client, "owner@example.com", PASSWORD)
    Client().post(
        reverse("identity:sign_in"), {"email": "outsider@example.com", "password": "wrong"}
    )
    page = client.get(LOG)
    assert page.status_code == 200
    assertContains(page, "Signed in")
    assertNotContains(page, "Failed sign-in")


def test_it_asks_to_sign_in_first(client: Client):
    response = client.get(LOG)
    assert response.status_code == 302
    assert reverse("identity:sign_in") in response["Location"]


def test_it_records_two_factor_changes_once_per_request_without_secrets(owner, since):
    from spendwise.mfa.models import RecoveryCode, TotpDevice

    TotpDevice.objects.create(user=owner.user, secret="JBSWY3DPEHPK3PXP")
    RecoveryCode.objects.create(user=owner.user, code_hash="0" * 64)

    assert kinds(owner, since) == ["mfa_changed", "mfa_changed"]
    device = AuditEntry.objects.get(model="mfa.totpdevice")
    assert device.action == "create" and device.household_id == owner.household_id
    assert "secret" not in device.changes and "JBSWY3DPEHPK3PXP" not in str(device.changes)
    assert "code_hash" not in AuditEntry.objects.get(model="mfa.recoverycode").changes
