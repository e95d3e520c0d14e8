"""Identity providers: how people sign up, confirm, sign in and reset passwords.

The pages talk only to ``IdentityProvider``; ``IDENTITY_PROVIDER`` picks the implementation
(``local``: Django accounts and e-mailed codes; ``cognito``: an Amazon Cognito user
pool) without touching a page.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings

from spendwise.identity.providers.base import (
    IdentityError,
    IdentityProvider,
    SecondFactorRequired,
)


@cache
def _provider(name: str) -> IdentityProvider:
    if name == "local":
        from spendwise.identity.providers.local import LocalIdentityProvider

        return LocalIdentityProvider()
    if name == "cognito":
        from spendwise.identity.providers.cognito import CognitoIdentityProvider

        return CognitoIdentityProvider()
    raise ValueError(f"unknown identity provider {name!r}")


def get_provider() -> IdentityProvider:
    return _provider(settings.IDENTITY_PROVIDER)


__all__ = ["IdentityError", "IdentityProvider", "SecondFactorRequired", "get_provider"]
