"""Writes: turn a second factor on and off, recovery codes, the household policy.

Every change is a model ``save()``/``delete()`` (the audit log listens to their signals), in one
transaction. Checks of a code lock the person's device row, so the same code sent twice at once
is accepted once.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spendwise.errors import DomainError, PermissionDenied
from spendwise.households.models import Membership, Role
from spendwise.identity.models import User
from spendwise.mfa import totp
from spendwise.mfa.models import HouseholdSecurityPolicy, Provider, RecoveryCode, TotpDevice
from spendwise.mfa.queries import any_household_requires_mfa, has_second_factor


def wrong_code() -> DomainError:
    return DomainError(
        _("That code is not right. Check your authenticator app and try again."),
        field="code",
        code="wrong_code",
    )


def _reused_code() -> DomainError:
    return DomainError(
        _("That code was already used. Wait for the next one in your authenticator app."),
        field="code",
        code="reused_code",
    )


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """Replace every recovery code of ``user`` with ``RECOVERY_CODE_COUNT`` new ones; returns
    them in clear text, to be shown once (only their hashes are kept)."""
    for old in RecoveryCode.objects.filter(user=user):
        old.delete()
    codes = [totp.new_recovery_code() for _ in range(totp.RECOVERY_CODE_COUNT)]
    for code in codes:
        RecoveryCode(user=user, code_hash=totp.code_hash(code)).save()
    return codes


@transaction.atomic
def totp_enable(*, user: User, secret: str, code: str) -> list[str]:
    """Local mode: turn on the authenticator app whose ``secret`` was shown at set-up, once
    ``code`` proves the app has it. Returns the new recovery codes (shown once)."""
    if has_second_factor(user):
        raise DomainError(_("Two-step sign-in is already on."), code="conflict")
    step = totp.matching_step(secret, code)
    if step is None:
        raise wrong_code()
    TotpDevice(user=user, provider=Provider.LOCAL, secret=secret, last_used_step=step).save()
    return recovery_codes_regenerate(user=user)


@transaction.atomic
def cognito_device_record(*, user: User) -> TotpDevice:
    """Cognito mode: record that the pool now asks ``user`` for a code (idempotent)."""
    device = TotpDevice.objects.filter(user=user).first()
    if device is None:
        device = TotpDevice(user=user, provider=Provider.COGNITO)
        device.save()
    return device


def ensure_can_disable(user: User) -> None:
    """Refuse when a household of ``user`` requires a second factor."""
    if any_household_requires_mfa(user):
        raise DomainError(
            _(
                "A household you belong to requires two-step sign-in, so it cannot be turned "
                "off. Ask the household's owner to stop requiring it first."
            ),
            code="required_by_household",
        )


@transaction.atomic
def totp_disable(*, user: User) -> None:
    """Turn the second factor off: forget the app and every recovery code."""
    ensure_can_disable(user)
    for code in RecoveryCode.objects.filter(user=user):
        code.delete()
    for device in TotpDevice.objects.filter(user=user):
        device.delete()


@transaction.atomic
def second_factor_check(*, user: User, code: str) -> str:
    """Local mode: accept a current authenticator code or an unused recovery code of ``user``.

    Returns ``"totp"`` or ``"recovery"``; raises ``DomainError`` (``wrong_code`` or
    ``reused_code``) otherwise. An accepted code cannot be accepted again.
    """
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is None:
        raise wrong_code()
    if totp.looks_like_totp(code):
        step = totp.matching_step(device.secret, code)
        if step is None:
            raise wrong_code()
        if device.last_used_step is not None and step <= device.last_used_step:
            raise _reused_code()
        device.last_used_step = step
        device.save(update_fields=["last_used_step"])
        return "totp"
    recovery = (
        RecoveryCode.objects.select_for_update()
        .filter(user=user, code_hash=totp.code_hash(code), used_at=None)
        .first()
    )
    if recovery is None:
        raise wrong_code()
    recovery.used_at = timezone.now()
    recovery.save(update_fields=["used_at"])
    return "recovery"


@transaction.atomic
def cognito_code_accept(*, user: User, code: str) -> None:
    """Cognito mode, before the code is sent to Cognito: refuse the code accepted last if it is
    still within its window (Cognito checks the code; this stops a replay on our side)."""
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is None:
        return
    now = totp.current_step()
    recent = device.last_used_step is not None and now - device.last_used_step <= (
        2 * totp.VALID_WINDOW
    )
    if recent and device.last_code_hash == totp.code_hash(code):
        raise _reused_code()


@transaction.atomic
def cognito_code_accepted(*, user: User, code: str) -> None:
    """Cognito accepted ``code`` for ``user``: remember it for the replay guard."""
    device = cognito_device_record(user=user)
    device.last_used_step = totp.current_step()
    device.last_code_hash = totp.code_hash(code)
    device.save(update_fields=["last_used_step", "last_code_hash"])


@transaction.atomic
def policy_set(*, actor: Membership, require_mfa: bool) -> HouseholdSecurityPolicy:
    """An owner requires (or stops requiring) a second factor of every member of their
    household. The owner must have one first, so that they cannot lock themselves out."""
    if actor.role != Role.OWNER:
        raise PermissionDenied(_("Only an owner can change the household's sign-in rules."))
    if require_mfa and not has_second_factor(actor.user):
        raise DomainError(
            _("Turn on two-step sign-in for yourself first, then require it of the household."),
            field="require_mfa",
            code="mfa_required_first",
        )
    policy = HouseholdSecurityPolicy.objects.filter(household=actor.household).first()
    if policy is None:
        policy = HouseholdSecurityPolicy(household=actor.household)
    policy.require_mfa = require_mfa
    policy.changed_by = actor.user
    policy.save()
    return policy
