"""With IDENTITY_PROVIDER=cognito (moto): sign-ins, failed sign-ins and password resets
reach the security log although Cognito sends no Django signal for the failures."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from spendwise.audit.models import SecurityEvent
from spendwise.identity.models import User

pytestmark = pytest.mark.django_db
STRONG = "violet-teapot-marathon-42"
CODE = "123456"  # moto's confirmation code


def post(client: Client, name: str, **data: str) -> int:
    return client.post(reverse(f"identity:{name}"), data).status_code


def test_it_records_cognito_sign_ins_failures_and_resets(client: Client, cognito):
    email = f"person-{uuid.uuid4().hex[:10]}@example.com"
    assert post(client, "sign_up", email=email, password=STRONG) == 302
    assert post(client, "confirm", email=email, code=CODE) == 302

    assert post(client, "sign_in", email=email, password=STRONG) == 302  # makes the row
    client.post(reverse("identity:sign_out"))
    assert post(client, "sign_in", email=email, password="not-the-password-1") == 200
    assert post(client, "forgot_password", email=email) == 302
    new = "new-violet-teapot-77"
    assert post(client, "reset_password", email=email, code=CODE, password=new) == 302

    user = User.objects.get(email=email)
    kinds = list(
        SecurityEvent.objects.filter(user_id=user.pk).order_by("id").values_list("kind", flat=True)
    )
    assert kinds == ["sign_in", "sign_out", "sign_in_failed", "password_reset"]
