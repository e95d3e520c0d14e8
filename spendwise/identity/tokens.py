"""Verifying the JSON Web Tokens a Cognito user pool issues.

A token passes when its RS256 signature matches a key of the pool's JWKS and its claims say it
was issued by this pool (``iss``), for this app client (``client_id`` in access tokens, ``aud``
in ID tokens), for this use (``token_use``), and has not expired (``exp``, with
``LEEWAY_SECONDS`` of clock skew). Anything else raises ``InvalidToken`` with a reason.

The JWKS is downloaded once per process and kept; a token signed with a key id we do not know
triggers one fresh download (the pool may have rotated its keys), at most once every
``JWKS_MIN_REFRESH_SECONDS``, so tokens with made-up key ids cannot make us hammer the URL.

The issuer is always ``https://cognito-idp.<region>.amazonaws.com/<pool id>``: real Cognito
puts that in ``iss`` even when reached through a VPC endpoint, and so does moto. Only the JWKS
download follows ``AWS_ENDPOINT_URL`` (``<endpoint>/<pool id>/.well-known/jwks.json``).

The API authenticates ``Authorization: Bearer <access token>`` with ``verify_access_token``
(or ``verify(token, token_use="access")``); the sign-in checks its ID token with
``verify_id_token``. ``verify_token`` takes the pool and client explicitly (no Django).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Literal

import jwt

TokenUse = Literal["access", "id"]

LEEWAY_SECONDS = 30
JWKS_TIMEOUT_SECONDS = 3
JWKS_MIN_REFRESH_SECONDS = 30.0
JWKS_MAX_BYTES = 1024 * 1024
ALGORITHM = "RS256"  # Cognito signs every user pool token with RS256


class InvalidToken(Exception):
    """The token is not one this pool issued for this client and use, or it has expired."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def issuer_url(*, region: str, pool_id: str) -> str:
    return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"


def jwks_url(*, region: str, pool_id: str, endpoint_url: str = "") -> str:
    base = (
        endpoint_url.rstrip("/") if endpoint_url else f"https://cognito-idp.{region}.amazonaws.com"
    )
    return f"{base}/{pool_id}/.well-known/jwks.json"


def pool_region(pool_id: str) -> str:
    """A user pool id is ``<region>_<id>``."""
    return pool_id.partition("_")[0]


@dataclass(frozen=True)
class _KeySet:
    keys: dict[str, jwt.PyJWK]
    fetched_at: float  # _clock() (monotonic seconds) of the last download attempt
    failure: str = ""  # why that attempt failed, if it did


_key_sets: dict[str, _KeySet] = {}
_clock = time.monotonic  # replaced in tests to let time pass
_key_sets_lock = threading.Lock()


def forget_keys() -> None:
    """Drop every cached JWKS (tests; a process that must re-read keys at once)."""
    with _key_sets_lock:
        _key_sets.clear()


def fetch_jwks(url: str) -> dict[str, Any]:
    """Download a JWKS document. Raises ``InvalidToken`` when it cannot be had."""
    if not url.startswith(("https://", "http://")):
        raise InvalidToken(f"the JWKS URL {url!r} is not http(s)")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - scheme checked above
    try:
        with urllib.request.urlopen(request, timeout=JWKS_TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read(JWKS_MAX_BYTES + 1)
    except (urllib.error.URLError, OSError) as exc:
        raise InvalidToken(f"the pool's signing keys could not be downloaded: {exc}") from exc
    if len(body) > JWKS_MAX_BYTES:
        raise InvalidToken("the pool's JWKS document is too large")
    try:
        document = json.loads(body)
    except ValueError as exc:
        raise InvalidToken("the pool's JWKS document is not JSON") from exc
    if not isinstance(document, dict):
        raise InvalidToken("the pool's JWKS document is not a key set")
    return document


def _parse_key_set(document: dict[str, Any]) -> dict[str, jwt.PyJWK]:
    keys: dict[str, jwt.PyJWK] = {}
    for entry in document.get("keys") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str):
            continue
        try:
            keys[entry["kid"]] = jwt.PyJWK(entry)
        except jwt.PyJWTError:
            continue  # a key type or algorithm we do not use: skip it, keep the others
    return keys


def _signing_key(url: str, kid: str) -> jwt.PyJWK:
    with _key_sets_lock:
        key_set = _key_sets.get(url)
        if key_set is not None and kid in key_set.keys:
            return key_set.keys[kid]
        # Unknown key id: download again, unless we did so moments ago. The lock is held
        # during the download so that concurrent requests do not download it many times.
        if key_set is None or _clock() - key_set.fetched_at >= JWKS_MIN_REFRESH_SECONDS:
            attempted_at = _clock()
            try:
                keys = _parse_key_set(fetch_jwks(url))
            except InvalidToken as exc:
                # Remember the failed attempt (keeping any keys we had) so that a JWKS outage
                # does not turn every request into another download.
                key_set = _KeySet(key_set.keys if key_set else {}, attempted_at, exc.reason)
            else:
                key_set = _KeySet(keys, attempted_at)
            _key_sets[url] = key_set
    key = key_set.keys.get(kid)
    if key is None:
        raise InvalidToken(key_set.failure or "the token's signing key is not the pool's")
    return key


def verify_token(
    token: str,
    *,
    token_use: TokenUse,
    pool_id: str,
    client_id: str,
    region: str = "",
    endpoint_url: str = "",
    leeway: int = LEEWAY_SECONDS,
) -> dict[str, Any]:
    """The verified claims of ``token``, or ``InvalidToken`` saying why it was refused.

    ``region`` defaults to the pool id's own; ``endpoint_url`` is where the JWKS is fetched
    from instead of AWS (an emulator). ``leeway`` is in seconds.
    """
    region = region or pool_region(pool_id)
    expected_use: str = token_use
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise InvalidToken("the token is not a JWT") from exc
    if header.get("alg") != ALGORITHM:
        raise InvalidToken(f"the token is not signed with {ALGORITHM}")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise InvalidToken("the token names no signing key")
    key = _signing_key(jwks_url(region=region, pool_id=pool_id, endpoint_url=endpoint_url), kid)
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key=key.key,
            algorithms=[ALGORITHM],
            issuer=issuer_url(region=region, pool_id=pool_id),
            audience=client_id if expected_use == "id" else None,
            leeway=leeway,
            options={
                "require": ["exp", "iat", "iss", "sub", "token_use"],
                # Access tokens carry no "aud"; their client is "client_id", checked below.
                "verify_aud": expected_use == "id",
            },
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("the token has expired") from exc
    except jwt.InvalidSignatureError as exc:
        raise InvalidToken("the token's signature does not match the pool's key") from exc
    except jwt.InvalidIssuerError as exc:
        raise InvalidToken("the token was issued by another user pool") from exc
    except jwt.InvalidAudienceError as exc:
        raise InvalidToken("the token was issued to another app client") from exc
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"the token is not valid: {exc}") from exc
    if claims.get("token_use") != expected_use:
        raise InvalidToken(f"the token is not an {expected_use} token")
    if expected_use == "access" and claims.get("client_id") != client_id:
        raise InvalidToken("the token was issued to another app client")
    return claims


def verify(token: str, *, token_use: TokenUse) -> dict[str, Any]:
    """The claims of ``token`` checked against the configured pool and app client
    (``COGNITO_USER_POOL_ID``, ``COGNITO_CLIENT_ID``, ``AWS_REGION``, ``AWS_ENDPOINT_URL``)."""
    from django.conf import settings

    if not (settings.COGNITO_USER_POOL_ID and settings.COGNITO_CLIENT_ID):
        raise InvalidToken("no Cognito user pool is configured")
    return verify_token(
        token,
        token_use=token_use,
        pool_id=settings.COGNITO_USER_POOL_ID,
        client_id=settings.COGNITO_CLIENT_ID,
        region=settings.AWS_REGION,
        endpoint_url=settings.AWS_ENDPOINT_URL,
    )


def verify_access_token(token: str) -> dict[str, Any]:
    """Claims of an access token of the configured pool and client (``sub``, ``username``,
    ``scope`` …); the API's ``Authorization: Bearer`` check."""
    return verify(token, token_use="access")  # noqa: S106 - a claim value


def verify_id_token(token: str) -> dict[str, Any]:
    """Claims of an ID token of the configured pool and client (``sub``, ``email`` …)."""
    return verify(token, token_use="id")  # noqa: S106 - a claim value
