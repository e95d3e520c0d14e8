"""The half-finished sign-in between the password and the second factor.

After a correct password the session holds a *pending* sign-in (who, through which provider,
Cognito's challenge session) for a few minutes; the person is not signed in until the code step
succeeds. Nothing of it reaches the browser but the session cookie.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from django.http import HttpRequest

from spendwise.identity.models import User

SESSION_KEY = "mfa_pending_sign_in"
# Cognito's challenge session lasts 3 minutes; the local step gets 5.
TTL_SECONDS = {"local": 5 * 60, "cognito": 3 * 60}


@dataclass(frozen=True)
class PendingSignIn:
    user_id: int
    email: str
    provider: str  # "local" or "cognito"
    expires_at: int  # Unix time (seconds)
    cognito_session: str = ""
    cognito_username: str = ""  # the USERNAME to answer Cognito's challenge with


def start(
    request: HttpRequest,
    *,
    user: User,
    provider: str,
    cognito_session: str = "",
    cognito_username: str = "",
) -> PendingSignIn:
    pending = PendingSignIn(
        user_id=int(user.pk),
        email=user.email,
        provider=provider,
        expires_at=int(time.time()) + TTL_SECONDS[provider],
        cognito_session=cognito_session,
        cognito_username=cognito_username,
    )
    request.session[SESSION_KEY] = asdict(pending)
    return pending


def pending(request: HttpRequest) -> PendingSignIn | None:
    """The live pending sign-in of this session, or None (none, malformed or expired)."""
    data = request.session.get(SESSION_KEY)
    try:
        found = PendingSignIn(**data) if isinstance(data, dict) else None
    except TypeError:
        found = None
    if found is None or found.expires_at <= time.time():
        clear(request)
        return None
    return found


def clear(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
