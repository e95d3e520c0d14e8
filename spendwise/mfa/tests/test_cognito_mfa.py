"""Software-token MFA with the Cognito provider, against moto's Cognito on 127.0.0.1.

moto 5.2 implements AssociateSoftwareToken, VerifySoftwareToken, SetUserMFAPreference, the
SOFTWARE_TOKEN_MFA challenge of InitiateAuth and RespondToAuthChallenge. With
``MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP=true`` it checks the codes, against one secret it hands
every user (``asdfasdfasdf``), so pyotp computes real codes here.
"""

from __future__ import annotations

import uuid
from typing import Any

import pyotp
import pytest
from django.test import Client
from django.urls import reverse

from spendwise.identity.models import User
from spendwise.identity.providers.cognito import ACCESS_TOKEN
from spendwise.identity.tests.aws import CognitoPool, cognito_user
from spendwise.mfa.models import Provider, TotpDevice
from spendwise.mfa.views import SETUP_SECRET

pytestmark = pytest.mark.django_db
STRONG = "violet-teapot-marathon-42"


class MotoTotp(pyotp.TOTP):
    min_secret_length_bits = 0  # moto's shared secret has 60 bits; Cognito's have more


@pytest.fixture(autouse=True)
def moto_checks_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")


@pytest.fixture(params=["cognito", "cognito_with_secret"])
def pool(request: pytest.FixtureRequest) -> CognitoPool:
    """Both app clients: without a secret, and with one (SECRET_HASH on the challenge)."""
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


def signed_up_and_in(client: Client) -> str:
    email = f"person-{uuid.uuid4().hex[:10]}@example.com"
    client.post(reverse("identity:sign_up"), {"email": email, "password": STRONG})
    client.post(reverse("identity:confirm"), {"email": email, "code": "123456"})
    assert sign_in(client, email)["Location"] == reverse("web:dashboard")
    return email


def sign_in(client: Client, email: str) -> Any:
    return client.post(reverse("identity:sign_in"), {"email": email, "password": STRONG})


def enter_code(client: Client, code: str) -> Any:
    return client.post(reverse("mfa:sign_in_code"), {"code": code})


def mfa_settings(pool: CognitoPool, email: str) -> tuple[list[str], str]:
    user = cognito_user(pool, email)
    return user.get("UserMFASettingList", []), user.get("PreferredMfaSetting", "")


def test_it_sets_up_and_signs_in_with_cognito_software_token_mfa(client: Client, pool):
    email = signed_up_and_in(client)
    page = client.get(reverse("mfa:setup"))  # AssociateSoftwareToken
    assert page.status_code == 200
    secret = client.session[SETUP_SECRET]
    assert 'src="data:image/svg+xml' in page.content.decode()
    totp = MotoTotp(secret)

    wrong = f"{(int(totp.now()) + 1) % 1_000_000:06d}"
    assert client.post(reverse("mfa:setup"), {"code": wrong}).status_code == 400
    assert mfa_settings(pool, email) == ([], "")
    assert not TotpDevice.objects.filter(user__email=email).exists()

    # VerifySoftwareToken, then SetUserMFAPreference.
    response = client.post(reverse("mfa:setup"), {"code": totp.now()})
    assert response["Location"] == reverse("mfa:security")
    assert mfa_settings(pool, email) == (["SOFTWARE_TOKEN_MFA"], "SOFTWARE_TOKEN_MFA")
    device = TotpDevice.objects.get(user__email=email)
    assert device.provider == Provider.COGNITO
    assert device.secret == ""  # Cognito keeps it

    client.post(reverse("identity:sign_out"))
    response = sign_in(client, email)  # InitiateAuth answers SOFTWARE_TOKEN_MFA
    assert response["Location"] == reverse("mfa:sign_in_code")
    assert "_auth_user_id" not in client.session

    response = enter_code(client, wrong)  # RespondToAuthChallenge: CodeMismatchException
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert "_auth_user_id" not in client.session

    code = totp.now()
    response = enter_code(client, code)
    assert response["Location"] == reverse("web:dashboard")
    assert client.session["_auth_user_id"] == str(User.objects.get(email=email).pk)
    assert client.session[ACCESS_TOKEN]
    assert client.get(reverse("web:dashboard")).status_code == 200

    # The same code again, within its window: refused before Cognito is asked.
    other = Client()
    sign_in(other, email)
    response = enter_code(other, code)
    assert response.status_code == 400
    assert "already used" in response.content.decode()
    assert "_auth_user_id" not in other.session


def test_recovery_codes_are_refused_in_cognito_mode(client: Client, cognito):
    email = signed_up_and_in(client)
    client.get(reverse("mfa:setup"))
    client.post(reverse("mfa:setup"), {"code": MotoTotp(client.session[SETUP_SECRET]).now()})
    client.post(reverse("identity:sign_out"))
    sign_in(client, email)
    response = enter_code(client, "abcde-fghjk")
    assert response.status_code == 400
    assert "6-digit code" in response.content.decode()


def test_it_turns_cognito_mfa_off_with_the_password(client: Client, cognito):
    email = signed_up_and_in(client)
    client.get(reverse("mfa:setup"))
    client.post(reverse("mfa:setup"), {"code": MotoTotp(client.session[SETUP_SECRET]).now()})
    assert mfa_settings(cognito, email)[0] == ["SOFTWARE_TOKEN_MFA"]

    response = client.post(reverse("mfa:disable"), {"password": "wrong-password-99"})
    assert response.status_code == 400
    assert mfa_settings(cognito, email)[0] == ["SOFTWARE_TOKEN_MFA"]

    # The password check's InitiateAuth meets the MFA challenge: the password was right.
    response = client.post(reverse("mfa:disable"), {"password": STRONG})
    assert response["Location"] == reverse("mfa:security")
    assert mfa_settings(cognito, email)[0] == []
    assert not TotpDevice.objects.filter(user__email=email).exists()

    client.post(reverse("identity:sign_out"))
    assert sign_in(client, email)["Location"] == reverse("web:dashboard")  # no code asked
