"""Keeps a Cognito sign-in alive: renews the access token shortly before it expires.

A session signed in through Cognito holds the access and refresh tokens server-side. When the
access token has less than ``REFRESH_MARGIN_SECONDS`` left, one REFRESH_TOKEN_AUTH call renews
it. When Cognito refuses the refresh token (the person signed out everywhere, was disabled or
deleted), or cannot be asked and the access token has already expired, the person is signed
out here too, with a message, and the request goes on as an anonymous one (pages then send
them to the sign-in page, as for any expired session).

Listed after ``MessageMiddleware`` (it adds a message). No-op with the local provider.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy

from spendwise.identity.providers import IdentityError, get_provider
from spendwise.identity.providers.cognito import (
    EXPIRES_AT,
    CognitoIdentityProvider,
    SessionEnded,
)

logger = logging.getLogger(__name__)

REFRESH_MARGIN_SECONDS = 5 * 60
SESSION_ENDED = gettext_lazy("Your sign-in has ended. Sign in again to continue.")


class CognitoSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.IDENTITY_PROVIDER == "cognito" and request.user.is_authenticated:
            self._keep_fresh(request)
        return self.get_response(request)

    def _keep_fresh(self, request: HttpRequest) -> None:
        expires_at = request.session.get(EXPIRES_AT)
        if not isinstance(expires_at, int) or time.time() < expires_at - REFRESH_MARGIN_SECONDS:
            return  # fresh, or a session that did not come from Cognito (e.g. an admin's)
        provider = get_provider()
        if not isinstance(provider, CognitoIdentityProvider):
            return
        try:
            provider.refresh_session(request.session)
        except SessionEnded as exc:
            logger.info("Cognito refused the refresh token (%s); signing the user out", exc)
            self._sign_out(request)
        except IdentityError:
            # Cognito could not be asked (already logged). Carry on while the token is valid.
            if time.time() >= expires_at:
                self._sign_out(request)

    def _sign_out(self, request: HttpRequest) -> None:
        logout(request)
        # CurrentHouseholdMiddleware ran before us: the view must not see the old household.
        request.membership = None  # type: ignore[attr-defined]
        request.household = None  # type: ignore[attr-defined]
        messages.warning(request, SESSION_ENDED)
