"""``/api/v1/mfa``: my second factor; ``/api/v1/mfa/policy``: the household's rule (owners)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from spendwise.api.auth import household_request
from spendwise.api.errors import responses
from spendwise.errors import PermissionDenied
from spendwise.households.models import Role
from spendwise.mfa import queries

router = Router(tags=["mfa"])


class MfaStatusOut(Schema):
    enabled: bool
    method: str | None  # "totp" when on
    provider: str | None  # "local" (SpendWise checks codes) or "cognito"
    enabled_at: datetime | None
    recovery_codes_left: int
    household_requires_mfa: bool


class MemberMfaOut(Schema):
    user_id: int
    email: str
    role: str
    mfa_enabled: bool


class PolicyOut(Schema):
    household_id: int
    require_mfa: bool
    members: list[MemberMfaOut]


@router.get("/mfa", response=responses(ok200=MfaStatusOut), summary="My two-step sign-in")
def mfa_status(request: HttpRequest) -> MfaStatusOut:
    req = household_request(request)
    device = queries.device_of(req.user)
    return MfaStatusOut(
        enabled=device is not None,
        method="totp" if device else None,
        provider=device.provider if device else None,
        enabled_at=device.enabled_at if device else None,
        recovery_codes_left=queries.recovery_codes_left(req.user),
        household_requires_mfa=queries.household_requires_mfa(req.household),
    )


@router.get(
    "/mfa/policy",
    response=responses(ok200=PolicyOut),
    summary="The household's two-step sign-in rule (owners only)",
)
def mfa_policy(request: HttpRequest) -> PolicyOut:
    req = household_request(request)
    if req.membership.role != Role.OWNER:
        raise PermissionDenied("Only an owner can see the household's sign-in rules.")
    return PolicyOut(
        household_id=req.household.pk,
        require_mfa=queries.household_requires_mfa(req.household),
        members=[
            MemberMfaOut(user_id=m.user_id, email=m.user.email, role=m.role, mfa_enabled=enabled)
            for m, enabled in queries.member_mfa_status(req.household)
        ],
    )
