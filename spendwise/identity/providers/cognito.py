"""The Cognito identity provider: the same pages, backed by an Amazon Cognito user pool.

Only the pool's public API is called, through boto3 (SignUp, ConfirmSignUp,
ResendConfirmationCode, InitiateAuth, ForgotPassword, ConfirmForgotPassword, GlobalSignOut,
DeleteUser): no hosted UI and no IAM permissions, so the app needs nothing but the cognito-idp
VPC endpoint. The username is the e-mail address (a pool with ``UsernameAttributes=["email"]``);
Cognito's own username for the person is the ``sub`` (``cognito:username``).

On sign-in the ID token is verified (``spendwise.identity.tokens``) and the local user row is
found by its ``sub``, or created through ``provision_user`` when the PostConfirmation Lambda has
not made it. The refresh token stays in the server-side session; ``CognitoSessionMiddleware``
renews the access token shortly before it expires.

Cognito's refusals become the local provider's messages, so both modes read the same.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import logging
import time
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy

from spendwise.audit.actions import record_failed_sign_in, record_password_reset
from spendwise.identity import throttle
from spendwise.identity.actions import provision_user
from spendwise.identity.models import User, normalize_email
from spendwise.identity.providers.base import IdentityError, SecondFactorRequired
from spendwise.identity.providers.local import (
    UNCONFIRMED,
    WRONG_CODE,
    WRONG_CREDENTIALS,
    check_password_strength,
)
from spendwise.identity.tokens import InvalidToken, pool_region, verify_id_token
from spendwise.mfa import challenge

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_cognito_idp.type_defs import AuthenticationResultTypeTypeDef

logger = logging.getLogger(__name__)

# Session keys. The tokens never leave the server: the browser holds only the session cookie.
ACCESS_TOKEN = "cognito_access_token"  # noqa: S105 - a session key, not a secret
REFRESH_TOKEN = "cognito_refresh_token"  # noqa: S105 - a session key, not a secret
EXPIRES_AT = "cognito_expires_at"  # Unix time (seconds) at which the access token expires
USERNAME = "cognito_username"  # Cognito's own username (the sub), for SECRET_HASH on refresh

UNAVAILABLE = gettext_lazy("The sign-in service did not answer. Try again in a minute.")
UNSUPPORTED_CHALLENGE = gettext_lazy(
    "This account needs a sign-in step SpendWise does not support (for example a new "
    "password set by an administrator, or multi-factor authentication). Ask your administrator."
)
WEAK_PASSWORD = gettext_lazy("This password does not meet the password rules.")
REAUTHENTICATE = gettext_lazy("Your sign-in has expired. Sign out, sign in again and retry.")
THROTTLED_CODES = {
    "TooManyRequestsException",
    "LimitExceededException",
    "TooManyFailedAttemptsException",
}
WRONG_CODE_CODES = {
    "CodeMismatchException",
    "ExpiredCodeException",
    "UserNotFoundException",
    "NotAuthorizedException",
}

BOTO_CONFIG = Config(connect_timeout=3, read_timeout=5, retries={"max_attempts": 2})


@functools.cache
def cognito_client(region: str, endpoint_url: str) -> CognitoIdentityProviderClient:
    """One boto3 client per region and endpoint (clients are thread-safe and slow to build)."""
    return boto3.session.Session().client(
        "cognito-idp",
        region_name=region,
        endpoint_url=endpoint_url or None,
        config=BOTO_CONFIG,
    )


def secret_hash(username: str, *, client_id: str, client_secret: str) -> str:
    """Cognito's SECRET_HASH: base64(HMAC-SHA256(client secret, username + client id))."""
    digest = hmac.new(
        client_secret.encode(), (username + client_id).encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _throttled() -> IdentityError:
    # Cognito does not say for how long; the local throttle's window is our best estimate.
    return IdentityError(
        throttle.throttled_message(settings.AUTH_THROTTLE_WINDOW_SECONDS), code="throttled"
    )


def _weak_password(exc: ClientError) -> IdentityError:
    # Cognito says "Password did not conform with policy: Password must have numeric
    # characters"; the part after the colon is the useful one.
    text = str(exc.response.get("Error", {}).get("Message", ""))
    prefix, _, detail = text.partition("policy:")
    message = f"{detail.strip().rstrip('.')}." if prefix and detail.strip() else WEAK_PASSWORD
    return IdentityError(message, field="password", code="weak_password")


def _unexpected(exc: ClientError | BotoCoreError, operation: str) -> IdentityError:
    if isinstance(exc, ClientError) and _error_code(exc) in THROTTLED_CODES:
        return _throttled()
    logger.error("Cognito %s failed: %s", operation, exc)
    return IdentityError(UNAVAILABLE, code="unavailable")


class SoftwareTokenChallenge(Exception):
    """InitiateAuth accepted the password and asks for an authenticator code
    (SOFTWARE_TOKEN_MFA)."""

    def __init__(self, session: str, username: str) -> None:
        super().__init__("SOFTWARE_TOKEN_MFA")
        self.session = session
        self.username = username


MFA_SESSION_ENDED = gettext_lazy("Your sign-in took too long. Sign in again.")
MFA_WRONG_CODE = gettext_lazy("That code is not right. Check your authenticator app and try again.")
MFA_REUSED_CODE = gettext_lazy(
    "That code was already used. Wait for the next one in your authenticator app."
)


class SessionEnded(Exception):
    """Cognito no longer accepts this session's refresh token: the person must sign in again."""


class CognitoIdentityProvider:
    # --- configuration, read on every call so that tests can switch pools ----------------------

    @property
    def client(self) -> CognitoIdentityProviderClient:
        return cognito_client(self.region, settings.AWS_ENDPOINT_URL)

    @property
    def region(self) -> str:
        return settings.AWS_REGION or pool_region(settings.COGNITO_USER_POOL_ID)

    def _secret(self, username: str) -> dict[str, Any]:
        """``SecretHash`` for the calls that take one, when the app client has a secret."""
        if not settings.COGNITO_CLIENT_SECRET:
            return {}
        return {
            "SecretHash": secret_hash(
                username,
                client_id=settings.COGNITO_CLIENT_ID,
                client_secret=settings.COGNITO_CLIENT_SECRET,
            )
        }

    def _auth_parameters(self, username: str, **parameters: str) -> dict[str, str]:
        hashed = self._secret(username)
        if hashed:
            parameters["SECRET_HASH"] = hashed["SecretHash"]
        return parameters

    def _password_auth(self, email: str, password: str) -> AuthenticationResultTypeTypeDef:
        """InitiateAuth with USER_PASSWORD_AUTH; ``ClientError`` for a refusal."""
        response = self.client.initiate_auth(
            ClientId=settings.COGNITO_CLIENT_ID,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters=self._auth_parameters(email, USERNAME=email, PASSWORD=password),
        )
        if response.get("ChallengeName") == "SOFTWARE_TOKEN_MFA":
            parameters = response.get("ChallengeParameters", {})
            # Cognito names the user in USER_ID_FOR_SRP (its own username, the sub); moto does
            # not, and the e-mail works there as in an e-mail-username pool.
            raise SoftwareTokenChallenge(
                response.get("Session", ""), parameters.get("USER_ID_FOR_SRP") or email
            )
        if response.get("ChallengeName") or "AuthenticationResult" not in response:
            challenge = response.get("ChallengeName")
            logger.warning("Cognito asked for the unsupported sign-in step %s", challenge)
            raise IdentityError(UNSUPPORTED_CHALLENGE, code="unsupported_challenge")
        return response["AuthenticationResult"]

    # --- the pages ------------------------------------------------------------------------------

    def sign_up(self, request: HttpRequest, *, email: str, password: str) -> None:
        email = normalize_email(email)
        check_password_strength(password, email)  # the local messages for a weak password
        try:
            self.client.sign_up(
                ClientId=settings.COGNITO_CLIENT_ID,
                Username=email,
                Password=password,
                UserAttributes=[{"Name": "email", "Value": email}],
                **self._secret(email),
            )
        except ClientError as exc:
            code = _error_code(exc)
            if code == "UsernameExistsException":
                # Same answer as for a new address; an unfinished sign-up gets a fresh code.
                self.resend_code(request, email=email)
                return
            if code == "InvalidPasswordException":
                raise _weak_password(exc) from exc
            raise _unexpected(exc, "SignUp") from exc
        except BotoCoreError as exc:
            raise _unexpected(exc, "SignUp") from exc

    def confirm_sign_up(self, request: HttpRequest, *, email: str, code: str) -> User | None:
        """Confirms at Cognito. The row is made by the PostConfirmation Lambda (or at the first
        sign-in, when the Lambda cannot reach the database), so this returns None."""
        email = normalize_email(email)
        keys = throttle.throttle_keys(request, "code", email)
        self._refuse_if_throttled(keys)
        try:
            self.client.confirm_sign_up(
                ClientId=settings.COGNITO_CLIENT_ID,
                Username=email,
                ConfirmationCode=code.strip().replace(" ", ""),
                **self._secret(email),
            )
        except ClientError as exc:
            if _error_code(exc) in WRONG_CODE_CODES:
                throttle.record_failure(keys)
                raise IdentityError(WRONG_CODE, field="code", code="wrong_code") from exc
            raise _unexpected(exc, "ConfirmSignUp") from exc
        except BotoCoreError as exc:
            raise _unexpected(exc, "ConfirmSignUp") from exc
        throttle.clear_failures(keys)
        return None

    def resend_code(self, request: HttpRequest, *, email: str) -> None:
        email = normalize_email(email)
        try:
            self.client.resend_confirmation_code(
                ClientId=settings.COGNITO_CLIENT_ID, Username=email, **self._secret(email)
            )
        except ClientError as exc:
            # Unknown or already confirmed: say nothing about it, as the local provider does.
            if _error_code(exc) in {
                "UserNotFoundException",
                "InvalidParameterException",
                "NotAuthorizedException",
            }:
                return
            raise _unexpected(exc, "ResendConfirmationCode") from exc
        except BotoCoreError as exc:
            raise _unexpected(exc, "ResendConfirmationCode") from exc

    def sign_in(self, request: HttpRequest, *, email: str, password: str) -> User:
        email = normalize_email(email)
        keys = throttle.throttle_keys(request, "sign_in", email)
        self._refuse_if_throttled(keys)
        try:
            tokens = self._password_auth(email, password)
        except SoftwareTokenChallenge as asked:
            throttle.clear_failures(keys)  # the password was right
            known = (
                User.objects.filter(cognito_sub=asked.username).first()
                or User.objects.filter(email=email).first()
            )
            if known is not None and not known.is_active:
                raise IdentityError(WRONG_CREDENTIALS, code="wrong_credentials") from None
            challenge.start(
                request,
                user=known or User(pk=0, email=email),
                provider="cognito",
                cognito_session=asked.session,
                cognito_username=asked.username,
            )
            raise SecondFactorRequired() from None
        except ClientError as exc:
            refusal = self._sign_in_refusal(exc, keys)
            if refusal.code == "wrong_credentials":
                record_failed_sign_in(request, email)  # no Django signal fires for Cognito
            raise refusal from exc
        except BotoCoreError as exc:
            raise _unexpected(exc, "InitiateAuth") from exc
        throttle.clear_failures(keys)
        return self._finish_sign_in(request, tokens, email)

    def answer_software_token_challenge(
        self, request: HttpRequest, *, pending: challenge.PendingSignIn, code: str
    ) -> User:
        """RespondToAuthChallenge (SOFTWARE_TOKEN_MFA) with ``code``; on success the person is
        signed in as by ``sign_in``. A wrong code raises ``IdentityError`` ``wrong_code``; an
        expired challenge ``challenge_expired`` (the person must sign in again)."""
        responses = {"USERNAME": pending.cognito_username, "SOFTWARE_TOKEN_MFA_CODE": code}
        hashed = self._secret(pending.cognito_username)
        if hashed:
            responses["SECRET_HASH"] = hashed["SecretHash"]
        try:
            response = self.client.respond_to_auth_challenge(
                ClientId=settings.COGNITO_CLIENT_ID,
                ChallengeName="SOFTWARE_TOKEN_MFA",
                Session=pending.cognito_session,
                ChallengeResponses=responses,
            )
        except ClientError as exc:
            error = _error_code(exc)
            if error == "CodeMismatchException":
                raise IdentityError(MFA_WRONG_CODE, field="code", code="wrong_code") from exc
            if error == "ExpiredCodeException":  # Cognito's answer to a code used already
                raise IdentityError(MFA_REUSED_CODE, field="code", code="reused_code") from exc
            if error in {"NotAuthorizedException", "ResourceNotFoundException"}:
                raise IdentityError(MFA_SESSION_ENDED, code="challenge_expired") from exc
            raise _unexpected(exc, "RespondToAuthChallenge") from exc
        except BotoCoreError as exc:
            raise _unexpected(exc, "RespondToAuthChallenge") from exc
        if "AuthenticationResult" not in response:
            logger.warning("Cognito asked for another step after the code: %s", response)
            raise IdentityError(UNSUPPORTED_CHALLENGE, code="unsupported_challenge")
        return self._finish_sign_in(request, response["AuthenticationResult"], pending.email)

    # --- software-token MFA set-up (the security page) -----------------------------------------

    def _access_token(self, request: HttpRequest) -> str:
        token = request.session.get(ACCESS_TOKEN)
        if not token:
            raise IdentityError(REAUTHENTICATE, code="reauthenticate")
        return str(token)

    def software_token_associate(self, request: HttpRequest) -> str:
        """AssociateSoftwareToken: a new secret for the person's authenticator app (not in
        use until ``software_token_verify``)."""
        try:
            answer = self.client.associate_software_token(AccessToken=self._access_token(request))
        except ClientError as exc:
            if _error_code(exc) == "NotAuthorizedException":
                raise IdentityError(REAUTHENTICATE, code="reauthenticate") from exc
            raise _unexpected(exc, "AssociateSoftwareToken") from exc
        except BotoCoreError as exc:
            raise _unexpected(exc, "AssociateSoftwareToken") from exc
        return str(answer["SecretCode"])

    def software_token_verify(self, request: HttpRequest, *, code: str) -> None:
        """VerifySoftwareToken with a code from the app, then SetUserMFAPreference: from now on
        InitiateAuth answers with the SOFTWARE_TOKEN_MFA challenge."""
        token = self._access_token(request)
        try:
            answer = self.client.verify_software_token(
                AccessToken=token, UserCode=code, FriendlyDeviceName="SpendWise"
            )
            if answer.get("Status") != "SUCCESS":
                raise IdentityError(MFA_WRONG_CODE, field="code", code="wrong_code")
            self.client.set_user_mfa_preference(
                AccessToken=token,
                SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
            )
        except ClientError as exc:
            error = _error_code(exc)
            if error in {"CodeMismatchException", "EnableSoftwareTokenMFAException"}:
                raise IdentityError(MFA_WRONG_CODE, field="code", code="wrong_code") from exc
            if error == "NotAuthorizedException":
                raise IdentityError(REAUTHENTICATE, code="reauthenticate") from exc
            raise _unexpected(exc, "VerifySoftwareToken") from exc
        except BotoCoreError as exc:
            raise _unexpected(exc, "VerifySoftwareToken") from exc

    def software_token_disable(self, request: HttpRequest) -> None:
        """SetUserMFAPreference with software-token MFA off."""
        try:
            self.client.set_user_mfa_preference(
                AccessToken=self._access_token(request),
                SoftwareTokenMfaSettings={"Enabled": False, "PreferredMfa": False},
            )
        except ClientError as exc:
            if _error_code(exc) == "NotAuthorizedException":
                raise IdentityError(REAUTHENTICATE, code="reauthenticate") from exc
            raise _unexpected(exc, "SetUserMFAPreference") from exc
        except BotoCoreError as exc:
            raise _unexpected(exc, "SetUserMFAPreference") from exc

    def _finish_sign_in(
        self, request: HttpRequest, tokens: AuthenticationResultTypeTypeDef, email: str
    ) -> User:
        claims = self._id_claims(tokens)
        user = User.objects.filter(cognito_sub=claims["sub"]).first()
        if user is None:  # the Lambda did not make the row (no database access from it)
            user = provision_user(email=claims.get("email") or email, cognito_sub=claims["sub"])
        if not user.is_active:
            raise IdentityError(WRONG_CREDENTIALS, code="wrong_credentials")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        _remember_tokens(request.session, tokens, username=claims.get("cognito:username"))
        return user

    def sign_out(self, request: HttpRequest) -> None:
        access_token = request.session.get(ACCESS_TOKEN)
        if access_token:
            try:
                # Revokes every refresh token of the person, on every device.
                self.client.global_sign_out(AccessToken=access_token)
            except (ClientError, BotoCoreError) as exc:
                logger.warning("Cognito GlobalSignOut failed; signing out here only: %s", exc)
        user = request.user
        if isinstance(user, User):
            User.objects.filter(pk=user.pk).update(signed_out_at=timezone.now())
        logout(request)

    def forgot_password(self, request: HttpRequest, *, email: str) -> None:
        email = normalize_email(email)
        try:
            self.client.forgot_password(
                ClientId=settings.COGNITO_CLIENT_ID, Username=email, **self._secret(email)
            )
        except ClientError as exc:
            if _error_code(exc) in THROTTLED_CODES:
                raise _throttled() from exc
            if _error_code(exc) in {
                "UserNotFoundException",
                "InvalidParameterException",  # no verified address to send the code to
                "NotAuthorizedException",
                "UserNotConfirmedException",
            }:
                return  # never reveal whether the account exists
            raise _unexpected(exc, "ForgotPassword") from exc
        except BotoCoreError as exc:
            raise _unexpected(exc, "ForgotPassword") from exc

    def confirm_forgot_password(
        self, request: HttpRequest, *, email: str, code: str, new_password: str
    ) -> None:
        email = normalize_email(email)
        check_password_strength(new_password, email)
        keys = throttle.throttle_keys(request, "code", email)
        self._refuse_if_throttled(keys)
        try:
            self.client.confirm_forgot_password(
                ClientId=settings.COGNITO_CLIENT_ID,
                Username=email,
                ConfirmationCode=code.strip().replace(" ", ""),
                Password=new_password,
                **self._secret(email),
            )
        except ClientError as exc:
            if _error_code(exc) in WRONG_CODE_CODES:
                throttle.record_failure(keys)
                raise IdentityError(WRONG_CODE, field="code", code="wrong_code") from exc
            if _error_code(exc) == "InvalidPasswordException":
                raise _weak_password(exc) from exc
            raise _unexpected(exc, "ConfirmForgotPassword") from exc
        except BotoCoreError as exc:
            raise _unexpected(exc, "ConfirmForgotPassword") from exc
        throttle.clear_failures(keys)
        record_password_reset(request, email)  # the password lives in Cognito, not here

    def verify_password(self, request: HttpRequest, *, user: User, password: str) -> bool:
        """Re-authenticates with InitiateAuth; the fresh tokens replace the session's."""
        keys = throttle.throttle_keys(request, "sign_in", user.email)
        self._refuse_if_throttled(keys)
        try:
            tokens = self._password_auth(user.email, password)
        except SoftwareTokenChallenge:
            # Cognito asks for the second factor only after a right password: that is all
            # this check needs (the session keeps its tokens).
            throttle.clear_failures(keys)
            return True
        except ClientError as exc:
            refusal = self._sign_in_refusal(exc, keys)
            if refusal.code == "wrong_credentials":
                return False
            raise refusal from exc
        except BotoCoreError as exc:
            raise _unexpected(exc, "InitiateAuth") from exc
        claims = self._id_claims(tokens)
        if claims["sub"] != user.cognito_sub:
            throttle.record_failure(keys)
            return False
        throttle.clear_failures(keys)
        _remember_tokens(request.session, tokens, username=claims.get("cognito:username"))
        return True

    def delete_account(self, request: HttpRequest, *, user: User) -> None:
        """DeleteUser with the session's access token (call ``verify_password`` first: it
        leaves a fresh one)."""
        access_token = request.session.get(ACCESS_TOKEN)
        if not access_token:
            raise IdentityError(REAUTHENTICATE, code="reauthenticate")
        try:
            self.client.delete_user(AccessToken=access_token)
        except ClientError as exc:
            code = _error_code(exc)
            if code == "UserNotFoundException":
                logger.info("Cognito user of %s was already deleted", user.pk)
            elif code == "NotAuthorizedException":
                raise IdentityError(REAUTHENTICATE, code="reauthenticate") from exc
            else:
                raise _unexpected(exc, "DeleteUser") from exc
        except BotoCoreError as exc:
            raise _unexpected(exc, "DeleteUser") from exc
        forget_tokens(request.session)

    # --- the session's tokens -------------------------------------------------------------------

    def refresh_session(self, session: SessionBase) -> None:
        """Renew the session's access token with its refresh token (REFRESH_TOKEN_AUTH).

        Raises ``SessionEnded`` when Cognito refuses the refresh token (signed out everywhere,
        user disabled or deleted, token expired) and ``IdentityError`` when it cannot be asked.
        """
        refresh_token = session.get(REFRESH_TOKEN)
        if not refresh_token:
            raise SessionEnded("no refresh token in the session")
        # With a client secret, the hash is over Cognito's own username (the sub in an
        # e-mail-username pool), not over the e-mail used to sign in.
        parameters = self._auth_parameters(session.get(USERNAME) or "", REFRESH_TOKEN=refresh_token)
        try:
            response = self.client.initiate_auth(
                ClientId=settings.COGNITO_CLIENT_ID,
                AuthFlow="REFRESH_TOKEN_AUTH",
                AuthParameters=parameters,
            )
        except ClientError as exc:
            if _error_code(exc) in {"NotAuthorizedException", "UserNotFoundException"}:
                raise SessionEnded(_error_code(exc)) from exc
            raise _unexpected(exc, "InitiateAuth (refresh)") from exc
        except BotoCoreError as exc:
            raise _unexpected(exc, "InitiateAuth (refresh)") from exc
        if "AuthenticationResult" not in response:
            raise SessionEnded("no tokens in the refresh answer")
        _remember_tokens(session, response["AuthenticationResult"], username=session.get(USERNAME))

    # --- helpers ----------------------------------------------------------------------------

    def _refuse_if_throttled(self, keys: list[str]) -> None:
        wait = throttle.seconds_until_allowed(keys)
        if wait:
            raise IdentityError(throttle.throttled_message(wait), code="throttled")

    def _sign_in_refusal(self, exc: ClientError, keys: list[str]) -> IdentityError:
        code = _error_code(exc)
        message = str(exc.response.get("Error", {}).get("Message", ""))
        if code == "NotAuthorizedException" and "attempts exceeded" in message.lower():
            return _throttled()  # Cognito's own lock-out after repeated wrong passwords
        if code in {"NotAuthorizedException", "UserNotFoundException"}:
            throttle.record_failure(keys)
            return IdentityError(WRONG_CREDENTIALS, code="wrong_credentials")
        if code == "UserNotConfirmedException":
            return IdentityError(UNCONFIRMED, code="unconfirmed")
        return _unexpected(exc, "InitiateAuth")

    def _id_claims(self, tokens: AuthenticationResultTypeTypeDef) -> dict[str, Any]:
        try:
            return verify_id_token(tokens.get("IdToken", ""))
        except InvalidToken as exc:
            logger.error("Cognito's ID token was refused: %s", exc.reason)
            raise IdentityError(UNAVAILABLE, code="unavailable") from exc


def _remember_tokens(
    session: SessionBase, tokens: AuthenticationResultTypeTypeDef, *, username: Any
) -> None:
    session[ACCESS_TOKEN] = tokens["AccessToken"]
    if tokens.get("RefreshToken"):  # a refresh answers with a new one only when rotation is on
        session[REFRESH_TOKEN] = tokens["RefreshToken"]
    session[EXPIRES_AT] = int(time.time()) + int(tokens.get("ExpiresIn", 3600))
    if isinstance(username, str) and username:
        session[USERNAME] = username


def forget_tokens(session: SessionBase) -> None:
    for key in (ACCESS_TOKEN, REFRESH_TOKEN, EXPIRES_AT, USERNAME):
        session.pop(key, None)
