"""Shared steps of the MFA tests: set up the authenticator app through the pages."""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp
from django.test import Client
from django.urls import reverse

from spendwise.mfa.views import SETUP_SECRET
from spendwise.testing.factories import PASSWORD


def code_at(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


def set_up_app(client: Client) -> tuple[str, list[str]]:
    """Turn on two-step sign-in through the pages; (secret, recovery codes shown)."""
    page = client.get(reverse("mfa:setup"))
    assert page.status_code == 200
    secret = client.session[SETUP_SECRET]
    match = re.search(r'class="mfa-secret">([^<]+)<', page.content.decode())
    assert match is not None
    shown = re.sub(r"\s", "", match[1])
    assert shown == secret  # the key is shown as text for typing in by hand
    response = client.post(reverse("mfa:setup"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == reverse("mfa:recovery_codes")
    codes_page = client.get(reverse("mfa:recovery_codes")).content.decode()
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", codes_page)
    assert len(codes) == 10
    return secret, codes


def sign_in(client: Client, email: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(reverse("identity:sign_in"), {"email": email, "password": password, **extra})


def enter_code(client: Client, code: str, *, follow: bool = False, **extra: Any) -> Any:
    return client.post(reverse("mfa:sign_in_code"), {"code": code, **extra}, follow=follow)
