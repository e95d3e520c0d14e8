"""Creating and revoking personal access tokens."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext

from spendwise.api.auth import new_token_text
from spendwise.api.models import ApiToken, TokenScope
from spendwise.errors import DomainError
from spendwise.households.models import Membership

MAX_TOKENS = 20


def token_create(*, actor: Membership, name: str, scope: str) -> tuple[ApiToken, str]:
    """Returns the token and its full text, which is shown once and never stored."""
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(
            gettext("Give the token a name, e.g. the app that will use it."), field="name"
        )
    if scope not in TokenScope.values:
        raise DomainError(gettext("Choose read or read-write."), field="scope")
    if scope == TokenScope.READ_WRITE and not actor.can_write:
        raise DomainError(
            gettext("Your role can only create read-only tokens."), field="scope", code="forbidden"
        )
    live = ApiToken.objects.filter(user=actor.user, revoked_at=None).count()
    if live >= MAX_TOKENS:
        raise DomainError(
            gettext("You have %(MAX_TOKENS)s tokens; revoke one first.")
            % {"MAX_TOKENS": MAX_TOKENS},
            code="conflict",
        )
    text, prefix, secret_hash = new_token_text()
    token = ApiToken.objects.create(
        user=actor.user,
        household=actor.household,
        name=name[:100],
        prefix=prefix,
        secret_hash=secret_hash,
        scope=scope,
    )
    return token, text


def token_revoke(*, actor: Membership, token: ApiToken) -> None:
    if token.user_id != actor.user_id:
        raise DomainError(gettext("That token does not exist."), code="not_found")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
