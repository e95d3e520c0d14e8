"""The token verifier: tokens moto's Cognito issues pass; forged, expired, foreign ones fail."""

from __future__ import annotations

import time
import uuid
from typing import Any

import jwt
import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric import rsa

from spendwise.identity import tokens
from spendwise.identity.tests.aws import (
    CognitoPool,
    admin_client,
    create_user_pool,
)
from spendwise.identity.tokens import InvalidToken, verify_access_token, verify_id_token

PASSWORD = "violet-teapot-marathon-42"


def issued_tokens(pool: CognitoPool, client_id: str) -> dict[str, str]:
    """A confirmed person signed in through the public API: their access and ID tokens."""
    cognito = admin_client("cognito-idp", pool.endpoint)
    email = f"token-{uuid.uuid4().hex[:10]}@example.com"
    cognito.sign_up(ClientId=client_id, Username=email, Password=PASSWORD)
    cognito.confirm_sign_up(ClientId=client_id, Username=email, ConfirmationCode="123456")
    result = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    return {"access": result["AccessToken"], "id": result["IdToken"], "email": email}


@pytest.fixture
def issued(cognito: CognitoPool) -> dict[str, str]:
    return issued_tokens(cognito, cognito.client_id)


def forged(claims: dict[str, Any], kid: str = "dummy") -> str:
    """The same claims signed with a key that is not the pool's."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def claims_of(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def reason(call: Any, *args: Any) -> str:
    with pytest.raises(InvalidToken) as refused:
        call(*args)
    return refused.value.reason


def test_it_accepts_tokens_the_pool_issued_for_this_client(issued):
    access = verify_access_token(issued["access"])
    identity = verify_id_token(issued["id"])
    assert access["sub"] == identity["sub"]
    assert access["token_use"] == "access"
    assert identity["email"] == issued["email"]


def test_it_refuses_a_forged_token(issued):
    token = forged(claims_of(issued["access"]))
    assert "signature" in reason(verify_access_token, token)


def test_it_refuses_an_expired_token(issued):
    with time_machine.travel(time.time() + 2 * 3600, tick=False):
        assert reason(verify_access_token, issued["access"]) == "the token has expired"
        assert reason(verify_id_token, issued["id"]) == "the token has expired"


def test_it_allows_a_little_clock_skew(issued):
    expires = claims_of(issued["access"])["exp"]
    with time_machine.travel(expires + tokens.LEEWAY_SECONDS - 5, tick=False):
        assert verify_access_token(issued["access"])["sub"]


def test_it_refuses_a_token_of_another_pool(cognito, moto_endpoint):
    # moto signs every pool's tokens with the same key: only the issuer tells them apart.
    other = create_user_pool(moto_endpoint, name="another-pool")
    token = issued_tokens(other, other.client_id)["access"]
    assert reason(verify_access_token, token) == "the token was issued by another user pool"


def test_it_refuses_a_token_of_another_app_client(cognito):
    foreign = issued_tokens(cognito, cognito.secret_client_id)
    assert reason(verify_access_token, foreign["access"]) == (
        "the token was issued to another app client"
    )
    assert reason(verify_id_token, foreign["id"]) == "the token was issued to another app client"


def test_it_refuses_a_token_used_for_the_wrong_purpose(issued):
    assert reason(verify_access_token, issued["id"]) == "the token is not an access token"
    with pytest.raises(InvalidToken):
        verify_id_token(issued["access"])


def test_it_refuses_unsigned_and_malformed_tokens(issued):
    unsigned = jwt.encode(claims_of(issued["access"]), "", algorithm="none")
    assert "RS256" in reason(verify_access_token, unsigned)
    assert reason(verify_access_token, "not-a-jwt") == "the token is not a JWT"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(tokens, "_clock", fake)
    return fake


def test_an_unknown_key_id_triggers_exactly_one_jwks_download(issued, monkeypatch, clock):
    downloads: list[str] = []
    real_fetch = tokens.fetch_jwks

    def counting_fetch(url: str) -> dict[str, Any]:
        downloads.append(url)
        return real_fetch(url)

    monkeypatch.setattr(tokens, "fetch_jwks", counting_fetch)
    verify_access_token(issued["access"])
    verify_access_token(issued["access"])
    assert len(downloads) == 1  # the keys are kept

    clock.now += tokens.JWKS_MIN_REFRESH_SECONDS  # later, a token with a key id we do not know
    claims = claims_of(issued["access"])
    assert "signing key" in reason(verify_access_token, forged(claims, kid="rotated-1"))
    assert len(downloads) == 2  # one fresh download: the pool may have rotated its keys

    for attempt in range(5):  # made-up key ids do not make us download again and again
        clock.now += 1
        reason(verify_access_token, forged(claims, kid=f"made-up-{attempt}"))
    assert len(downloads) == 2
    assert verify_access_token(issued["access"])["sub"]

    clock.now += tokens.JWKS_MIN_REFRESH_SECONDS
    reason(verify_access_token, forged(claims, kid="made-up-later"))
    assert len(downloads) == 3


def test_a_rotated_key_is_picked_up_after_one_download(cognito, monkeypatch, clock):
    old_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    new_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwk(key: Any, kid: str) -> dict[str, Any]:
        entry = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
        return {**entry, "kid": kid, "alg": "RS256", "use": "sig"}

    published = [
        {"keys": [jwk(old_key, "old")]},
        {"keys": [jwk(old_key, "old"), jwk(new_key, "new")]},
    ]
    downloads: list[str] = []

    def fetch(url: str) -> dict[str, Any]:
        downloads.append(url)
        return published[min(len(downloads), 2) - 1]

    monkeypatch.setattr(tokens, "fetch_jwks", fetch)
    now = int(time.time())
    claims = {
        "iss": tokens.issuer_url(region=cognito.region, pool_id=cognito.pool_id),
        "sub": "someone",
        "client_id": cognito.client_id,
        "token_use": "access",
        "iat": now,
        "exp": now + 600,
    }
    assert verify_access_token(jwt.encode(claims, old_key, "RS256", headers={"kid": "old"}))
    clock.now += tokens.JWKS_MIN_REFRESH_SECONDS
    assert verify_access_token(jwt.encode(claims, new_key, "RS256", headers={"kid": "new"}))
    assert downloads == [f"{cognito.endpoint}/{cognito.pool_id}/.well-known/jwks.json"] * 2


def test_it_refuses_tokens_while_the_jwks_cannot_be_downloaded(issued, settings):
    settings.AWS_ENDPOINT_URL = "http://127.0.0.1:9"  # nothing listens
    assert "could not be downloaded" in reason(verify_access_token, issued["access"])


def test_the_jwks_and_issuer_urls_follow_the_region_and_endpoint():
    assert tokens.jwks_url(region="eu-west-1", pool_id="eu-west-1_Abc") == (
        "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc/.well-known/jwks.json"
    )
    assert tokens.jwks_url(
        region="eu-west-1", pool_id="eu-west-1_Abc", endpoint_url="http://127.0.0.1:5000/"
    ) == ("http://127.0.0.1:5000/eu-west-1_Abc/.well-known/jwks.json")
    assert tokens.issuer_url(region="eu-west-1", pool_id="eu-west-1_Abc") == (
        "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc"
    )
