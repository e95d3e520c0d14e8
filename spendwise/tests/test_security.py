"""Security promises: settings refuse unsafe starts, headers, CSRF, no inline code."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from spendwise.testing.factories import PASSWORD, make_member

ROOT = Path(__file__).resolve().parents[2]


def start_django(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    environment.update(env, DJANGO_SETTINGS_MODULE="spendwise.settings")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "secret", ["", "development-only-insecure-secret-key-do-not-deploy", "short"]
)
def test_it_refuses_to_start_without_a_real_secret_key_when_debug_is_off(secret):
    result = start_django(DEBUG="false", SECRET_KEY=secret)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "started" not in result.stdout


def test_it_starts_with_a_real_secret_key_and_in_debug_without_one():
    assert start_django(DEBUG="false", SECRET_KEY="x" * 50).stdout.strip() == "started"
    assert start_django(DEBUG="true").stdout.strip() == "started"


def test_it_names_the_variable_that_is_malformed():
    result = start_django(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_pages_send_a_strict_content_security_policy_and_no_framing(client: Client, db):
    response = client.get(reverse("identity:sign_in"), secure=True)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_session_and_csrf_cookies_are_secure_when_debug_is_off(client: Client, db):
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    make_member("cookie@example.com")
    response = client.post(
        reverse("identity:sign_in"), {"email": "cookie@example.com", "password": PASSWORD}
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"


def test_forms_are_refused_without_a_csrf_token(db):
    client = Client(enforce_csrf_checks=True)
    make_member("csrf@example.com")
    response = client.post(
        reverse("identity:sign_in"), {"email": "csrf@example.com", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_templates_have_no_inline_scripts_or_styles():
    offenders = []
    for template in (ROOT / "spendwise").rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{template}: inline <script>")
        if re.search(r"\sstyle=", text) or "<style" in text:
            offenders.append(f"{template}: inline style")
        if re.search(r"\son[a-z]+=", text):
            offenders.append(f"{template}: inline event handler")
    assert offenders == []


def test_signed_out_visitors_are_sent_to_sign_in(client: Client, db):
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:sign_in"))
