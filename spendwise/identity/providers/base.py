"""The interface every identity provider offers to the pages."""

from __future__ import annotations

from typing import Protocol

from django.http import HttpRequest
from django.utils.translation import gettext

from spendwise.errors import DomainError
from spendwise.identity.models import User


class IdentityError(DomainError):
    """A refused identity step (wrong code, throttled, password too weak …), shown on the form."""


class SecondFactorRequired(IdentityError):
    """The password was right and the account has a second factor: the session now holds a
    pending sign-in (``spendwise.mfa.challenge``) and the code step must finish it."""

    def __init__(self) -> None:
        super().__init__(
            gettext("Enter the code from your authenticator app."), code="second_factor"
        )


class IdentityProvider(Protocol):
    def sign_up(self, request: HttpRequest, *, email: str, password: str) -> None:
        """Register and send a confirmation code. Says nothing about existing accounts."""

    def confirm_sign_up(self, request: HttpRequest, *, email: str, code: str) -> User | None:
        """Check the code; on success the person may sign in.

        Returns the provisioned user, or None where provisioning happens elsewhere (Cognito:
        the PostConfirmation Lambda, or the first sign-in).
        """

    def resend_code(self, request: HttpRequest, *, email: str) -> None: ...

    def sign_in(self, request: HttpRequest, *, email: str, password: str) -> User:
        """Verify the credentials and start the session, or raise ``IdentityError``."""

    def sign_out(self, request: HttpRequest) -> None: ...

    def forgot_password(self, request: HttpRequest, *, email: str) -> None:
        """Send a reset code if the account exists; never reveal whether it does."""

    def confirm_forgot_password(
        self, request: HttpRequest, *, email: str, code: str, new_password: str
    ) -> None: ...

    def verify_password(self, request: HttpRequest, *, user: User, password: str) -> bool:
        """True when ``password`` is the signed-in ``user``'s current one (re-authentication
        before a dangerous step). A throttled attempt raises ``IdentityError``."""

    def delete_account(self, request: HttpRequest, *, user: User) -> None:
        """Delete the person's account at the identity provider (nothing remote for local).

        The caller deletes the local rows and signs the person out.
        """
