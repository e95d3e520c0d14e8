"""Reads: does a person have a second factor, does a household require one."""

from __future__ import annotations

from spendwise.households.models import Household, Membership
from spendwise.identity.models import User
from spendwise.mfa.models import HouseholdSecurityPolicy, RecoveryCode, TotpDevice


def device_of(user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user_id=user.pk).first()


def has_second_factor(user: User) -> bool:
    return TotpDevice.objects.filter(user_id=user.pk).exists()


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user_id=user.pk, used_at=None).count()


def household_requires_mfa(household: Household | None) -> bool:
    if household is None:
        return False
    if Household.security_policy.is_cached(household):
        # Loaded with the request's memberships (MfaConfig.ready): no query.
        try:
            return bool(household.security_policy.require_mfa)
        except HouseholdSecurityPolicy.DoesNotExist:
            return False
    return HouseholdSecurityPolicy.objects.filter(household=household, require_mfa=True).exists()


def must_set_up_mfa(user: User, household: Household | None) -> bool:
    """The current household requires a second factor and this person has none yet."""
    return household_requires_mfa(household) and not has_second_factor(user)


def any_household_requires_mfa(user: User) -> bool:
    return HouseholdSecurityPolicy.objects.filter(
        require_mfa=True, household__memberships__user_id=user.pk
    ).exists()


def member_mfa_status(household: Household) -> list[tuple[Membership, bool]]:
    """Each member of ``household`` (oldest first) and whether they have a second factor."""
    memberships = list(
        Membership.objects.select_related("user")
        .filter(household=household)
        .order_by("created_at", "id")
    )
    with_mfa = set(
        TotpDevice.objects.filter(user_id__in=[m.user_id for m in memberships]).values_list(
            "user_id", flat=True
        )
    )
    return [(m, m.user_id in with_mfa) for m in memberships]
