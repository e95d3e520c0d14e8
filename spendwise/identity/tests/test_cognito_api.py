"""Cognito mode through the JSON API: a real access token from moto's Cognito as ``Bearer``.

The person signs up, confirms and signs in through the pages; the access token that sign-in
obtained (kept in the server-side session) is then used by a *separate* client with no session
cookie, so only ``Authorization: Bearer`` can authenticate it. Every refusal is a 401 with the
API's one error shape and writes nothing.
"""

from __future__ import annotations

import json
from typing import Any

import jwt
import pytest
import time_machine
from botocore.exceptions import ClientError
from django.test import Client
from django.urls import reverse

from spendwise.households.models import Membership, Role
from spendwise.identity import tokens
from spendwise.identity.models import User
from spendwise.identity.providers.cognito import ACCESS_TOKEN
from spendwise.identity.tests.aws import CognitoPool, admin_client, cognito_sub, create_user_pool
from spendwise.identity.tests.test_cognito_identity import (
    new_email,
    sign_in,
    signed_up,
)
from spendwise.identity.tests.test_tokens import claims_of, forged, issued_tokens
from spendwise.ledger.models import Account, Transaction

pytestmark = pytest.mark.django_db
API = "/api/v1"
NOT_VALID = "The credentials are not valid."
SIGN_IN_ONCE = "Sign in to SpendWise once before using the API."


def bearer(token: str) -> Client:
    """A client without a session: the token is the only credential it sends."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"{API}{path}", json.dumps(body), content_type="application/json")


def new_account(client: Client) -> Any:
    return post(
        client, "/accounts", {"name": "Checking", "currency": "USD", "opening_balance": "100.00"}
    )


def signed_in_access_token(client: Client, email: str) -> str:
    signed_up(client, email)
    assert sign_in(client, email).status_code == 302
    return str(client.session[ACCESS_TOKEN])


@pytest.fixture
def refusals(monkeypatch) -> list[str]:
    """The verifier's reasons (the API never tells the client which check failed)."""
    reasons: list[str] = []
    real_verify = tokens.verify

    def spying_verify(token: str, *, token_use: tokens.TokenUse) -> dict[str, Any]:
        try:
            return real_verify(token, token_use=token_use)
        except tokens.InvalidToken as exc:
            reasons.append(exc.reason)
            raise

    monkeypatch.setattr(tokens, "verify", spying_verify)
    return reasons


def assert_refused(token: str, detail: str = NOT_VALID) -> None:
    """GET /me and POST /accounts both answer 401 with the error shape, and nothing is written."""
    accounts_before = Account.objects.count()
    api = bearer(token)
    for response in (api.get(f"{API}/me"), new_account(api)):
        assert response.status_code == 401, response.content
        assert response.json() == {"detail": detail, "code": "unauthorized", "errors": []}
        assert response["WWW-Authenticate"] == 'Bearer realm="spendwise"'
    assert Account.objects.count() == accounts_before


def test_the_access_token_of_a_page_sign_in_works_on_the_api_until_sign_out(cognito):
    browser = Client()
    email = new_email()
    access = signed_in_access_token(browser, email)
    user = User.objects.get(email=email)
    assert user.cognito_sub == cognito_sub(cognito, email)
    membership = Membership.objects.get(user=user)
    assert claims_of(access)["sub"] == user.cognito_sub

    api = bearer(access)
    me = api.get(f"{API}/me")
    assert me.status_code == 200, me.content
    assert me.json()["email"] == email
    assert me.json()["household_id"] == membership.household_id
    assert me.json()["role"] == Role.OWNER

    created = new_account(api)
    assert created.status_code == 201, created.content
    account = Account.objects.get(pk=created.json()["id"])
    assert account.household_id == membership.household_id
    spent = post(
        api,
        "/transactions",
        {
            "kind": "expense",
            "date": "2026-11-20",
            "amount": "12.50",
            "account_id": account.pk,
            "payee": "Corner Café",
        },
    )
    assert spent.status_code == 201, spent.content
    assert spent.json()["amount"] == {"amount": "-12.50", "currency": "USD"}
    transaction = Transaction.objects.get()
    assert transaction.household_id == membership.household_id
    listed = api.get(f"{API}/accounts").json()["items"]
    assert [(a["name"], a["balance"]) for a in listed] == [
        ("Checking", {"amount": "87.50", "currency": "USD"})
    ]

    # Sign out two seconds later (iat and the sign-out are compared in whole seconds).
    with time_machine.travel(claims_of(access)["iat"] + 2, tick=True):
        # Sign out through the pages: GlobalSignOut with this very access token.
        assert browser.post(reverse("identity:sign_out")).status_code == 302
        cognito_api = admin_client("cognito-idp", cognito.endpoint)
        # moto, like Cognito, revokes the token for Cognito's own APIs ...
        with pytest.raises(ClientError, match="NotAuthorizedException"):
            cognito_api.get_user(AccessToken=access)
        # ... and so does SpendWise: the JWT is still signed and unexpired, but it was issued
        # before the sign-out recorded on the user, so the API refuses it at once.
        refused = api.get(f"{API}/me")
        assert refused.status_code == 401
        assert refused.json()["detail"] == "This sign-in has ended. Sign in again."
        assert Transaction.objects.count() == 1
        # Signing in again issues a new token that works.
        again = signed_in_access_token(Client(), email)
        assert bearer(again).get(f"{API}/me").status_code == 200


@pytest.fixture
def issued(cognito: CognitoPool) -> dict[str, str]:
    """The access token of a person who signed in to SpendWise through the pages."""
    email = new_email()
    access = signed_in_access_token(Client(), email)
    assert bearer(access).get(f"{API}/me").status_code == 200
    return {"access": access, "email": email}


def test_it_refuses_a_forged_token_carrying_the_pools_key_id(issued, refusals):
    real = issued["access"]
    kid = jwt.get_unverified_header(real)["kid"]
    assert_refused(forged(claims_of(real), kid=kid))
    assert set(refusals) == {"the token's signature does not match the pool's key"}


def test_it_refuses_an_expired_token(issued, refusals):
    claims = claims_of(issued["access"])
    with time_machine.travel(claims["exp"] + tokens.LEEWAY_SECONDS - 5, tick=False):
        assert bearer(issued["access"]).get(f"{API}/me").status_code == 200  # clock skew
    with time_machine.travel(claims["exp"] + tokens.LEEWAY_SECONDS + 1, tick=False):
        assert_refused(issued["access"])
    assert set(refusals) == {"the token has expired"}


def test_it_refuses_a_token_of_another_pool(cognito, moto_endpoint, refusals):
    # moto signs every pool's tokens with one key: only the issuer tells them apart.
    other = create_user_pool(moto_endpoint, name="another-pool-api")
    token = issued_tokens(other, other.client_id)["access"]
    assert jwt.get_unverified_header(token)["kid"]  # the same key id as our pool's
    assert_refused(token)
    assert set(refusals) == {"the token was issued by another user pool"}


def test_it_refuses_a_token_for_another_app_client(cognito, refusals):
    foreign = issued_tokens(cognito, cognito.secret_client_id)
    assert claims_of(foreign["access"])["client_id"] == cognito.secret_client_id
    assert_refused(foreign["access"])
    assert set(refusals) == {"the token was issued to another app client"}


def test_it_refuses_an_id_token_used_as_an_access_token(cognito, refusals):
    person = issued_tokens(cognito, cognito.client_id)
    assert claims_of(person["id"])["token_use"] == "id"
    assert_refused(person["id"])
    assert set(refusals) == {"the token is not an access token"}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("garbage", "the token is not a JWT"),
        ("a.b.c", "the token is not a JWT"),
        ("eyJhbGciOiJIUzI1NiJ9.e30.sig", "the token is not signed with RS256"),
        ("sw_not_a_personal_token", None),  # a personal access token's prefix: never a JWT
    ],
)
def test_it_refuses_garbage(cognito, refusals, text, reason):
    assert_refused(text)
    assert refusals == ([reason, reason] if reason else [])


def test_it_refuses_an_unsigned_copy_of_a_real_token(issued, refusals):
    unsigned = jwt.encode(claims_of(issued["access"]), "", algorithm="none")
    assert_refused(unsigned)
    assert set(refusals) == {"the token is not signed with RS256"}


def test_a_cognito_user_without_a_local_row_is_told_to_sign_in_once(cognito, refusals):
    # Signed up and confirmed in the pool, never signed in to SpendWise, and no
    # PostConfirmation Lambda in the tests: there is no local row. The API does not provision.
    person = issued_tokens(cognito, cognito.client_id)
    assert not User.objects.filter(email=person["email"]).exists()
    assert_refused(person["access"], SIGN_IN_ONCE)
    assert not User.objects.filter(email=person["email"]).exists()

    # Signing in through the pages once makes the row; the same token then works.
    browser = Client()
    assert sign_in(browser, person["email"], "violet-teapot-marathon-42").status_code == 302
    me = bearer(person["access"]).get(f"{API}/me")
    assert me.status_code == 200, me.content
    assert me.json()["email"] == person["email"]
    assert refusals == []  # the token itself was always valid


def test_a_deactivated_local_user_is_refused(issued):
    User.objects.filter(email=issued["email"]).update(is_active=False)
    assert_refused(issued["access"], SIGN_IN_ONCE)


def test_cognito_tokens_are_refused_when_the_app_is_in_local_mode(issued, settings, refusals):
    settings.IDENTITY_PROVIDER = "local"
    assert_refused(issued["access"])
    assert refusals == []  # not even looked at
