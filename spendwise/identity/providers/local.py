"""The local identity provider: Django auth plus 6-digit codes sent by e-mail."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from spendwise.identity import throttle
from spendwise.identity.actions import provision_user
from spendwise.identity.models import CodePurpose, ConfirmationCode, User, normalize_email
from spendwise.identity.providers.base import IdentityError, SecondFactorRequired
from spendwise.mfa import challenge
from spendwise.mfa.queries import has_second_factor

CODE_ATTEMPTS_PER_CODE = 5
WRONG_CODE = gettext_lazy(
    "That code is not right or has expired. Check the e-mail or ask for a new code."
)
WRONG_CREDENTIALS = gettext_lazy("The e-mail or password is not right.")
UNCONFIRMED = gettext_lazy("Confirm your e-mail address first: enter the code we sent you.")


def _hash_code(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def issue_code(user: User, purpose: str) -> str:
    """Replace any live code for this purpose with a new one and return it (for the e-mail)."""
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    with transaction.atomic():
        ConfirmationCode.objects.filter(user=user, purpose=purpose, used_at=None).update(
            used_at=now
        )
        ConfirmationCode.objects.create(
            user=user,
            purpose=purpose,
            code_hash=_hash_code(code),
            expires_at=now + timedelta(seconds=settings.CONFIRMATION_CODE_TTL_SECONDS),
        )
    return code


def _check_code(user: User | None, purpose: str, code: str, keys: list[str]) -> None:
    """Consume the code or raise; every wrong try counts towards the throttle."""
    wait = throttle.seconds_until_allowed(keys)
    if wait:
        raise IdentityError(throttle.throttled_message(wait), code="throttled")
    live = None
    if user is not None:
        live = (
            ConfirmationCode.objects.filter(
                user=user, purpose=purpose, used_at=None, expires_at__gt=timezone.now()
            )
            .order_by("-created_at")
            .first()
        )
    cleaned = (code or "").strip().replace(" ", "")
    if live is None or not hmac.compare_digest(live.code_hash, _hash_code(cleaned)):
        if live is not None:
            live.attempts += 1
            if live.attempts >= CODE_ATTEMPTS_PER_CODE:
                live.used_at = timezone.now()  # burnt: the person must ask for a new one
            live.save(update_fields=["attempts", "used_at"])
        throttle.record_failure(keys)
        raise IdentityError(WRONG_CODE, field="code", code="wrong_code")
    live.used_at = timezone.now()
    live.save(update_fields=["used_at"])
    throttle.clear_failures(keys)


def check_password_strength(password: str, email: str) -> None:
    """Django's password validators (``AUTH_PASSWORD_VALIDATORS``); both providers use them."""
    try:
        validate_password(password, user=User(email=email))
    except ValidationError as exc:
        raise IdentityError(" ".join(exc.messages), field="password", code="weak_password") from exc


def _send(email: str, subject: str, body: str) -> None:
    send_mail(subject, body, None, [email], fail_silently=False)


def _send_confirmation(user: User) -> None:
    code = issue_code(user, CodePurpose.CONFIRM_EMAIL)
    _send(
        user.email,
        gettext("Your SpendWise confirmation code: %(code)s") % {"code": code},
        gettext(
            "Welcome to SpendWise.\n\nYour confirmation code is %(code)s. "
            "It expires in %(minutes)d minutes.\n\n"
            "If you did not sign up, ignore this e-mail."
        )
        % {"code": code, "minutes": settings.CONFIRMATION_CODE_TTL_SECONDS // 60},
    )


class LocalIdentityProvider:
    def sign_up(self, request: HttpRequest, *, email: str, password: str) -> None:
        email = normalize_email(email)
        check_password_strength(password, email)
        user = User.objects.filter(email=email).first()
        if user is not None and user.is_confirmed:
            # Do not reveal that the address is taken; tell its owner instead.
            _send(
                email,
                gettext("Someone tried to sign up to SpendWise with your address"),
                gettext(
                    "You already have a SpendWise account. Sign in, or reset your password "
                    "if you forgot it. If this was not you, ignore this e-mail."
                ),
            )
            return
        if user is None:
            user = User.objects.create_user(email=email, password=password)
        else:  # an unfinished sign-up: the newest password wins
            user.set_password(password)
            user.save(update_fields=["password"])
        _send_confirmation(user)

    def confirm_sign_up(self, request: HttpRequest, *, email: str, code: str) -> User:
        email = normalize_email(email)
        user = User.objects.filter(email=email, email_confirmed_at=None).first()
        # Not in a transaction: a wrong code's attempt count must stick.
        _check_code(
            user, CodePurpose.CONFIRM_EMAIL, code, throttle.throttle_keys(request, "code", email)
        )
        return provision_user(email=email, confirmed=True)

    def resend_code(self, request: HttpRequest, *, email: str) -> None:
        user = User.objects.filter(email=normalize_email(email), email_confirmed_at=None).first()
        if user is not None:
            _send_confirmation(user)

    def sign_in(self, request: HttpRequest, *, email: str, password: str) -> User:
        email = normalize_email(email)
        keys = throttle.throttle_keys(request, "sign_in", email)
        wait = throttle.seconds_until_allowed(keys)
        if wait:
            raise IdentityError(throttle.throttled_message(wait), code="throttled")
        user = authenticate(request, username=email, password=password)
        if not isinstance(user, User):
            throttle.record_failure(keys)
            raise IdentityError(WRONG_CREDENTIALS, code="wrong_credentials")
        throttle.clear_failures(keys)
        if not user.is_confirmed:
            raise IdentityError(UNCONFIRMED, code="unconfirmed")
        if has_second_factor(user):  # not signed in yet: the code step finishes it
            challenge.start(request, user=user, provider="local")
            raise SecondFactorRequired()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return user

    def sign_out(self, request: HttpRequest) -> None:
        logout(request)

    def forgot_password(self, request: HttpRequest, *, email: str) -> None:
        user = User.objects.filter(email=normalize_email(email), is_active=True).first()
        if user is None or not user.has_usable_password():
            return
        code = issue_code(user, CodePurpose.RESET_PASSWORD)
        _send(
            user.email,
            gettext("Your SpendWise password reset code: %(code)s") % {"code": code},
            gettext(
                "Your password reset code is %(code)s. It expires in %(minutes)d minutes.\n\n"
                "If you did not ask to reset your password, ignore this e-mail."
            )
            % {"code": code, "minutes": settings.CONFIRMATION_CODE_TTL_SECONDS // 60},
        )

    def confirm_forgot_password(
        self, request: HttpRequest, *, email: str, code: str, new_password: str
    ) -> None:
        email = normalize_email(email)
        check_password_strength(new_password, email)
        user = User.objects.filter(email=email, is_active=True).first()
        # Not in a transaction: a wrong code's attempt count must stick.
        _check_code(
            user, CodePurpose.RESET_PASSWORD, code, throttle.throttle_keys(request, "code", email)
        )
        if user is None:  # _check_code already refused; this keeps the type checker honest
            raise IdentityError(WRONG_CODE, field="code", code="wrong_code")
        user.set_password(new_password)
        if user.email_confirmed_at is None:  # the code proved they own the address
            user.email_confirmed_at = timezone.now()
        user.save(update_fields=["password", "email_confirmed_at"])
        provision_user(email=email, confirmed=True)

    def verify_password(self, request: HttpRequest, *, user: User, password: str) -> bool:
        keys = throttle.throttle_keys(request, "sign_in", user.email)
        wait = throttle.seconds_until_allowed(keys)
        if wait:
            raise IdentityError(throttle.throttled_message(wait), code="throttled")
        if not user.check_password(password):
            throttle.record_failure(keys)
            return False
        throttle.clear_failures(keys)
        return True

    def delete_account(self, request: HttpRequest, *, user: User) -> None:
        """Nothing to delete outside this database."""
