"""The Cognito identity provider through the pages, against moto's Cognito on 127.0.0.1.

moto accepts any confirmation code (except the ones it hands out itself with a
``moto-confirmation-code:`` prefix), so "123456" plays the code from the e-mail.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from django.conf import settings as django_settings
from django.contrib.messages import get_messages
from django.test import Client, RequestFactory
from django.urls import reverse

from spendwise.households.models import Membership, Role
from spendwise.identity.actions import provision_user
from spendwise.identity.models import User
from spendwise.identity.providers import get_provider
from spendwise.identity.providers.cognito import (
    ACCESS_TOKEN,
    EXPIRES_AT,
    REFRESH_TOKEN,
    USERNAME,
    CognitoIdentityProvider,
    SessionEnded,
    secret_hash,
)
from spendwise.identity.tests.aws import (
    CognitoPool,
    admin_client,
    cognito_sub,
    cognito_user,
    find_cognito_user,
)
from spendwise.ledger.models import Category

pytestmark = pytest.mark.django_db
STRONG = "violet-teapot-marathon-42"
CODE = "123456"


def new_email() -> str:
    return f"person-{uuid.uuid4().hex[:10]}@example.com"


def sign_up(client: Client, email: str, password: str = STRONG) -> Any:
    return client.post(reverse("identity:sign_up"), {"email": email, "password": password})


def confirm(client: Client, email: str, code: str = CODE) -> Any:
    return client.post(reverse("identity:confirm"), {"email": email, "code": code})


def sign_in(client: Client, email: str, password: str = STRONG) -> Any:
    return client.post(reverse("identity:sign_in"), {"email": email, "password": password})


def signed_up(client: Client, email: str, password: str = STRONG) -> None:
    assert sign_up(client, email, password).status_code == 302
    assert confirm(client, email).status_code == 302


def provider() -> CognitoIdentityProvider:
    chosen = get_provider()
    assert isinstance(chosen, CognitoIdentityProvider)
    return chosen


def refresh_with(pool: CognitoPool, refresh_token: str) -> dict[str, Any]:
    cognito = admin_client("cognito-idp", pool.endpoint)
    return dict(
        cognito.initiate_auth(
            ClientId=pool.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh_token},
        )
    )


def page_messages(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_it_signs_up_confirms_signs_in_and_signs_out_everywhere(client: Client, cognito):
    email = new_email()
    response = sign_up(client, email.upper())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:confirm"))
    assert cognito_user(cognito, email)["UserStatus"] == "UNCONFIRMED"
    assert not User.objects.filter(email=email).exists()

    response = confirm(client, email)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:sign_in"))
    assert cognito_user(cognito, email)["UserStatus"] == "CONFIRMED"

    response = sign_in(client, email)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:dashboard")
    # No PostConfirmation Lambda here: the first sign-in made the row, keyed by the sub.
    sub = cognito_sub(cognito, email)
    user = User.objects.get(email=email)
    assert user.cognito_sub == sub
    assert user.is_confirmed
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.OWNER
    assert Category.objects.filter(household=membership.household, name="Groceries").exists()
    page = client.get(reverse("web:dashboard"))
    assert page.status_code == 200
    assert "Add your first account" in page.content.decode()

    refresh_token = client.session[REFRESH_TOKEN]
    assert refresh_with(cognito, refresh_token)["AuthenticationResult"]["AccessToken"]

    response = client.post(reverse("identity:sign_out"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("web:dashboard")).status_code == 302
    # GlobalSignOut revoked the refresh token the session held.
    with pytest.raises(ClientError, match="NotAuthorizedException"):
        refresh_with(cognito, refresh_token)


def test_it_sends_the_secret_hash_when_the_app_client_has_a_secret(
    client: Client, cognito_with_secret
):
    pool = cognito_with_secret
    sent: list[tuple[str, dict[str, Any]]] = []

    def capture(params: dict[str, Any], model: Any, **_: Any) -> None:
        sent.append((model.name, dict(params)))

    events = provider().client.meta.events
    events.register("provide-client-params.cognito-idp", capture)
    try:
        email = new_email()
        signed_up(client, email)
        assert sign_in(client, email).status_code == 302
        assert client.get(reverse("web:dashboard")).status_code == 200
        sub = User.objects.get(email=email).cognito_sub
        assert sub
        # The refresh hash is over Cognito's own username (the sub), not the e-mail: that is
        # what real Cognito checks in an e-mail-username pool. (moto checks the e-mail, so
        # it refuses this refresh; only the parameters are asserted here.)
        session = client.session
        with pytest.raises(SessionEnded):
            provider().refresh_session(session)
    finally:
        events.unregister("provide-client-params.cognito-idp", capture)

    def expected(username: str) -> str:
        return secret_hash(
            username, client_id=pool.secret_client_id, client_secret=pool.client_secret
        )

    by_operation = {name: params for name, params in sent}
    assert by_operation["SignUp"]["SecretHash"] == expected(email)
    assert by_operation["ConfirmSignUp"]["SecretHash"] == expected(email)
    password_auth = next(
        p for n, p in sent if n == "InitiateAuth" and "PASSWORD" in p["AuthParameters"]
    )
    assert password_auth["AuthParameters"]["SECRET_HASH"] == expected(email)
    refresh = next(
        p for n, p in sent if n == "InitiateAuth" and "REFRESH_TOKEN" in p["AuthParameters"]
    )
    assert refresh["AuthParameters"]["SECRET_HASH"] == expected(sub)
    assert session[USERNAME] == sub


def test_it_refreshes_the_access_token_shortly_before_it_expires(client: Client, cognito):
    email = new_email()
    signed_up(client, email)
    sign_in(client, email)
    session = client.session
    old_token = session[ACCESS_TOKEN]
    session[EXPIRES_AT] = int(time.time()) + 60  # inside the 5-minute margin
    session.save()

    assert client.get(reverse("web:dashboard")).status_code == 200

    session = client.session
    assert session[ACCESS_TOKEN] != old_token
    assert session[EXPIRES_AT] > time.time() + 3000
    assert "_auth_user_id" in session


def test_a_revoked_refresh_token_signs_the_person_out_with_a_message(client: Client, cognito):
    email = new_email()
    signed_up(client, email)
    sign_in(client, email)
    # Signed out everywhere from elsewhere (another device, an administrator).
    admin_client("cognito-idp", cognito.endpoint).admin_user_global_sign_out(
        UserPoolId=cognito.pool_id, Username=email
    )
    session = client.session
    session[EXPIRES_AT] = int(time.time()) + 60
    session.save()

    response = client.get(reverse("web:dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:sign_in"))
    assert "Your sign-in has ended. Sign in again to continue." in page_messages(response)
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_or_unknown_address_gets_the_local_message(client: Client, cognito):
    email = new_email()
    signed_up(client, email)
    for address, password in ((email, "not-the-password-1"), (new_email(), STRONG)):
        response = sign_in(client, address, password)
        assert response.status_code == 200
        assert "The e-mail or password is not right." in response.content.decode()
        assert "_auth_user_id" not in client.session


def test_signing_up_with_a_taken_address_reveals_nothing_and_changes_nothing(
    client: Client, cognito
):
    email = new_email()
    signed_up(client, email)

    response = sign_up(client, email, "another-long-password-9")

    assert response.status_code == 302  # the same answer as for a new address
    assert response["Location"].startswith(reverse("identity:confirm"))
    assert sign_in(client, email).status_code == 302  # the first password still works


def test_an_unfinished_sign_up_can_sign_up_again_and_get_a_new_code(client: Client, cognito):
    email = new_email()
    sign_up(client, email)
    response = sign_up(client, email)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:confirm"))
    assert cognito_user(cognito, email)["UserStatus"] == "UNCONFIRMED"


def test_it_refuses_a_weak_password_with_the_local_message(client: Client, cognito):
    email = new_email()
    response = sign_up(client, email, "12345678")
    assert response.status_code == 200
    assert "This password is entirely numeric." in response.content.decode()
    assert find_cognito_user(cognito, email) is None


def test_it_explains_a_password_the_pool_refuses(client: Client, cognito):
    # Fine for Django's validators, but the pool's policy wants a number.
    email = new_email()
    response = sign_up(client, email, "violet-teapot-marathon")
    assert response.status_code == 200
    assert "This password does not meet the password rules." in response.content.decode()
    assert find_cognito_user(cognito, email) is None

    with Stubber(provider().client) as stub:
        stub.add_client_error(
            "sign_up",
            "InvalidPasswordException",
            "Password did not conform with policy: Password must have symbol characters",
        )
        response = sign_up(client, email, "violet-teapot-marathon")
    assert "Password must have symbol characters." in response.content.decode()


def test_an_unconfirmed_person_is_sent_to_confirm_instead_of_signed_in(client: Client, cognito):
    email = new_email()
    sign_up(client, email)
    response = sign_in(client, email)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:confirm"))
    assert "_auth_user_id" not in client.session


def test_it_resets_a_forgotten_password_with_a_code(client: Client, cognito):
    email = new_email()
    signed_up(client, email)

    response = client.post(reverse("identity:forgot_password"), {"email": email})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:reset_password"))
    response = client.post(
        reverse("identity:reset_password"),
        {"email": email, "code": CODE, "password": "new-violet-teapot-77"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:sign_in"))

    assert sign_in(client, email).status_code == 200  # the old password no longer works
    assert sign_in(client, email, "new-violet-teapot-77").status_code == 302


def test_forgot_password_says_the_same_for_an_unknown_address(client: Client, cognito):
    response = client.post(reverse("identity:forgot_password"), {"email": new_email()})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:reset_password"))


def test_a_code_cognito_refuses_gets_the_local_message(client: Client, cognito):
    # moto accepts any code, so Cognito's refusals are played by botocore's Stubber.
    email = new_email()
    with Stubber(provider().client) as stub:
        stub.add_client_error("confirm_sign_up", "CodeMismatchException", "Invalid code")
        stub.add_client_error("confirm_forgot_password", "ExpiredCodeException", "Expired")
        confirmed = confirm(client, email, "000000")
        reset = client.post(
            reverse("identity:reset_password"),
            {"email": email, "code": "000000", "password": "new-violet-teapot-77"},
        )
    for response in (confirmed, reset):
        assert response.status_code == 200
        assert "That code is not right or has expired." in response.content.decode()


def test_cognito_throttling_gets_the_throttled_message(client: Client, cognito):
    with Stubber(provider().client) as stub:
        stub.add_client_error("initiate_auth", "TooManyRequestsException", "Rate exceeded")
        response = sign_in(client, new_email())
    assert response.status_code == 200
    assert "Too many failed attempts. Try again in 15 minutes." in response.content.decode()

    with Stubber(provider().client) as stub:
        stub.add_client_error("forgot_password", "LimitExceededException", "Attempt limit")
        response = client.post(reverse("identity:forgot_password"), {"email": new_email()})
    assert "Too many failed attempts." in response.content.decode()


def test_an_unreachable_cognito_gets_a_clear_message_quickly(client: Client, cognito, settings):
    settings.AWS_ENDPOINT_URL = "http://127.0.0.1:9"  # the discard port: nothing listens
    started = time.monotonic()
    response = sign_in(client, new_email())
    assert time.monotonic() - started < 15
    assert response.status_code == 200
    assert "The sign-in service did not answer." in response.content.decode()


def test_sign_in_uses_the_row_the_lambda_made(client: Client, cognito):
    email = new_email()
    signed_up(client, email)
    sub = cognito_sub(cognito, email)
    made = provision_user(email=email, cognito_sub=sub)  # what the PostConfirmation Lambda does

    sign_in(client, email)

    assert client.session["_auth_user_id"] == str(made.pk)
    assert User.objects.filter(email=email).count() == 1
    assert Membership.objects.filter(user=made).count() == 1


def test_it_reauthenticates_and_deletes_the_cognito_user(client: Client, cognito):
    email = new_email()
    signed_up(client, email)
    sign_in(client, email)
    user = User.objects.get(email=email)
    request = RequestFactory().post("/")
    request.session = client.session
    request.user = user

    assert provider().verify_password(request, user=user, password="wrong-password-1") is False
    assert provider().verify_password(request, user=user, password=STRONG) is True
    provider().delete_account(request, user=user)

    assert find_cognito_user(cognito, email) is None
    assert ACCESS_TOKEN not in request.session
    with pytest.raises(ClientError, match="UserNotFoundException"):
        admin_client("cognito-idp", cognito.endpoint).initiate_auth(
            ClientId=cognito.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": STRONG},
        )


def test_the_local_provider_reauthenticates_with_the_password(owner):
    from spendwise.identity.providers.local import LocalIdentityProvider
    from spendwise.testing.factories import PASSWORD

    request = RequestFactory().post("/")
    local = LocalIdentityProvider()
    assert local.verify_password(request, user=owner.user, password="nope") is False
    assert local.verify_password(request, user=owner.user, password=PASSWORD) is True
    local.delete_account(request, user=owner.user)
    assert User.objects.filter(pk=owner.user.pk).exists()  # the caller deletes the rows


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({}, "IDENTITY_PROVIDER=cognito needs COGNITO_USER_POOL_ID"),
        ({"COGNITO_USER_POOL_ID": "nonsense", "COGNITO_CLIENT_ID": "c"}, "is not a user pool"),
        (
            {
                "COGNITO_USER_POOL_ID": "eu-west-1_Abc",
                "COGNITO_CLIENT_ID": "c",
                "AWS_REGION": "us-east-1",
            },
            "is in eu-west-1 but AWS_REGION='us-east-1'",
        ),
    ],
)
def test_cognito_without_a_usable_pool_refuses_to_start(environment, message):
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "spendwise.settings",
        "SECRET_KEY": "x" * 50,
        "IDENTITY_PROVIDER": "cognito",
        **environment,
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert message in result.stderr
