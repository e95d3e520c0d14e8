"""Who is calling the API: a browser session, a personal access token, or a Cognito token.

Every authenticator ends in ``bind``, which puts the caller's user, household and membership on
the request exactly as the pages have them, so API handlers call the same scoped loaders and
actions. A token's scope (read or read-write) is enforced here for every unsafe method.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import re
import secrets
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer, SessionAuth

from spendwise.api.models import ApiToken
from spendwise.audit.actions import record_token_use
from spendwise.households.decorators import HouseholdRequest
from spendwise.households.models import Membership
from spendwise.households.queries import current_membership
from spendwise.identity.models import User
from spendwise.mfa.policy import refuse_without_second_factor

TOKEN_PREFIX = "sw_"  # noqa: S105 - a public marker, not a secret
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
_PREFIX = re.compile(r"[0-9a-f]{8}")  # secrets.token_hex(4) in new_token_text


class InvalidCredentials(AuthenticationError):
    """401 with a reason the client can act on (never which part of a token was wrong)."""

    def __init__(self, message: str = "The credentials are not valid.") -> None:
        super().__init__(401, message)


@dataclass(frozen=True)
class Principal:
    user: User
    membership: Membership
    via: str  # "session", "token" or "cognito"
    caller: str  # a stable, non-secret id for rate limits and idempotency
    token: ApiToken | None = None


HOUSEHOLD_HEADER = "X-Household"


def _chosen_household(request: HttpRequest, principal: Principal) -> Principal:
    """``X-Household: <id>`` acts in another of the caller's households for this one call
    (docs/households.md). A personal access token stays in the household it was made in."""
    chosen = request.headers.get(HOUSEHOLD_HEADER, "").strip()
    if not chosen or chosen == str(principal.membership.household_id):
        return principal
    membership = None
    if principal.token is None and chosen.isdigit() and len(chosen) < 19:
        membership = (
            Membership.objects.select_related("household", "user")
            .filter(user=principal.user, household_id=int(chosen))
            .first()
        )
    if membership is None:
        raise HttpError(404, "That household does not exist.")
    return replace(principal, membership=membership)


def bind(request: HttpRequest, principal: Principal) -> Principal:
    principal = _chosen_household(request, principal)
    token = principal.token
    if token is not None and not token.can_write and request.method not in SAFE_METHODS:
        raise HttpError(403, "This token is read-only.")
    # Tokens are not a second factor: a household requiring one refuses callers without it.
    refuse_without_second_factor(principal.user, principal.membership.household)
    request.user = principal.user
    request.membership = principal.membership  # type: ignore[attr-defined]
    request.household = principal.membership.household  # type: ignore[attr-defined]
    return principal


def household_request(request: HttpRequest) -> HouseholdRequest:
    """The request with the caller's user, household and membership, as ``bind`` set them."""
    return request  # type: ignore[return-value]


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token_text() -> tuple[str, str, str]:
    """(full token to show once, prefix to store, hash of the secret to store)."""
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    return f"{TOKEN_PREFIX}{prefix}_{secret}", prefix, hash_secret(secret)


class SessionApiAuth(SessionAuth):
    """The signed-in browser; unsafe methods need the CSRF token like the pages."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not request.user.is_authenticated:
            return None
        # CurrentHouseholdMiddleware already chose it for this request: no second query.
        membership = getattr(request, "membership", None) or current_membership(request)
        if membership is None:
            return None
        user = request.user
        if not isinstance(user, User):  # AUTH_USER_MODEL; keeps the type checker honest
            return None
        return bind(request, Principal(user, membership, "session", f"user:{user.pk}"))


class BearerAuth(HttpBearer):
    """``Authorization: Bearer sw_…`` personal access tokens, else a Cognito access token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if token.startswith(TOKEN_PREFIX):
            return bind(request, _personal_token(token))
        return bind(request, _cognito_token(token))


def _personal_token(text: str) -> Principal:
    try:
        prefix, secret = text[len(TOKEN_PREFIX) :].split("_", 1)
    except ValueError:
        raise InvalidCredentials() from None
    if not _PREFIX.fullmatch(prefix):  # e.g. a NUL, which PostgreSQL refuses in a query
        raise InvalidCredentials()
    token = (
        ApiToken.objects.select_related("user", "household")
        .filter(prefix=prefix, revoked_at=None)
        .first()
    )
    if token is None or not hmac.compare_digest(token.secret_hash, hash_secret(secret)):
        raise InvalidCredentials()
    membership = (
        Membership.objects.select_related("household", "user")
        .filter(user=token.user, household=token.household, user__is_active=True)
        .first()
    )
    if membership is None:  # removed from the household since: the token is dead
        raise InvalidCredentials()
    now = timezone.now()
    record_token_use(token, now)  # the security log: first use of each day only
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return Principal(membership.user, membership, "token", f"token:{token.prefix}", token)


def _cognito_token(text: str) -> Principal:
    if settings.IDENTITY_PROVIDER != "cognito":
        raise InvalidCredentials()
    # Only needed, and only configured, in Cognito mode.
    tokens = importlib.import_module("spendwise.identity.tokens")

    try:
        claims = tokens.verify(text, token_use="access")  # noqa: S106 - a claim name
    except tokens.InvalidToken:
        raise InvalidCredentials() from None
    user = User.objects.filter(cognito_sub=claims["sub"], is_active=True).first()
    membership = (
        Membership.objects.select_related("household", "user")
        .filter(user=user)
        .order_by("created_at", "id")
        .first()
        if user
        else None
    )
    if user is None or membership is None:
        raise InvalidCredentials("Sign in to SpendWise once before using the API.")
    # Whole seconds, like iat: a token issued in the second of a sign-out still passes.
    signed_out = user.signed_out_at
    if signed_out is not None and claims.get("iat", 0) < int(signed_out.timestamp()):
        raise InvalidCredentials("This sign-in has ended. Sign in again.")
    return Principal(user, membership, "cognito", f"user:{user.pk}")
