"""``/api/v1/``: the caller's households, members, invitations and settle-up.

Which household a call acts in: a personal access token's own household; the browser
session's current one (the nav's switcher); a Cognito token's oldest one. Any caller but a
token may send ``X-Household: <id>`` to act in another of their households for that call
(see spendwise/api/auth.py and docs/households.md).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from spendwise.api.auth import household_request
from spendwise.api.errors import responses
from spendwise.api.schemas import DecimalText, MoneyOut, QueryIn, StrictIn, money_out, parse_money
from spendwise.households import actions, queries
from spendwise.households.models import Household, Invitation, Membership, Settlement
from spendwise.identity.models import User
from spendwise.periods import month_range

router = Router(tags=["households"])

RoleName = Literal["owner", "member", "viewer"]  # Role's values


class HouseholdOut(Schema):
    id: int
    name: str
    role: str
    current: bool = Field(description="The household this call acts in")


class HouseholdIn(StrictIn):
    name: str = Field(min_length=1, max_length=100)


class MemberOut(Schema):
    id: int = Field(description="The membership's id (use it to change the role or remove)")
    user_id: int
    email: str
    role: str
    since: datetime


class RoleIn(StrictIn):
    role: RoleName


class InvitationIn(StrictIn):
    email: str = Field(min_length=3, max_length=254)
    role: RoleName = "member"


class InvitationOut(Schema):
    id: int
    email: str
    role: str
    created_at: datetime
    expires_at: datetime


class AcceptIn(StrictIn):
    token: str = Field(min_length=1, max_length=300, description="The text after /invitations/")


class SettleUpParams(QueryIn):
    date_from: date | None = Field(None, description="Default: this budget month")
    date_to: date | None = None


class MemberBalanceOut(Schema):
    user_id: int
    email: str
    paid: MoneyOut
    share: MoneyOut
    settled: MoneyOut
    balance: MoneyOut = Field(description="Positive: the others owe them")


class PaymentOut(Schema):
    payer_user_id: int
    payee_user_id: int
    amount: MoneyOut


class CurrencySettleUpOut(Schema):
    currency: str
    total: MoneyOut
    balances: list[MemberBalanceOut]
    payments: list[PaymentOut] = Field(description="Who pays whom to settle; empty: settled")


class SettleUpOut(Schema):
    date_from: date
    date_to: date
    currencies: list[CurrencySettleUpOut]


class SettlementIn(StrictIn):
    payer_user_id: int
    payee_user_id: int
    amount: DecimalText
    currency: str = Field(min_length=3, max_length=3)
    period_start: date
    period_end: date


class SettlementOut(Schema):
    id: int
    payer_user_id: int
    payee_user_id: int
    amount: MoneyOut
    period_start: date
    period_end: date
    created_at: datetime


def _household_out(membership: Membership, current: Household) -> dict[str, Any]:
    return {
        "id": membership.household_id,
        "name": membership.household.name,
        "role": membership.role,
        "current": membership.household_id == current.pk,
    }


def _member_out(m: Membership) -> dict[str, Any]:
    return {
        "id": m.pk,
        "user_id": m.user_id,
        "email": m.user.email,
        "role": m.role,
        "since": m.created_at,
    }


def _invitation_out(i: Invitation) -> dict[str, Any]:
    return {
        "id": i.pk,
        "email": i.email,
        "role": i.role,
        "created_at": i.created_at,
        "expires_at": i.expires_at,
    }


def _settlement_out(s: Settlement) -> dict[str, Any]:
    return {
        "id": s.pk,
        "payer_user_id": s.payer_id,
        "payee_user_id": s.payee_id,
        "amount": money_out(s.money),
        "period_start": s.period_start,
        "period_end": s.period_end,
        "created_at": s.created_at,
    }


def _member_user(household: Household, user_id: int) -> User:
    """A member of ``household`` (anyone else is a 404)."""
    return get_object_or_404(User, pk=user_id, memberships__household=household)


# --- households ---------------------------------------------------------------------------------
@router.get("/households", response=responses(ok200=list[HouseholdOut]), summary="Your households")
def list_households(request: HttpRequest) -> list[dict[str, Any]]:
    req = household_request(request)
    return [_household_out(m, req.household) for m in queries.memberships_of(req.user)]


@router.post(
    "/households", response=responses(ok201=HouseholdOut), summary="Create a household you own"
)
def create_household(request: HttpRequest, payload: HouseholdIn) -> Status[Any]:
    req = household_request(request)
    membership = actions.household_create(user=req.user, name=payload.name)
    return Status(201, _household_out(membership, req.household))


@router.post("/household/leave", response=responses(ok204=None), summary="Leave the household")
def leave_household(request: HttpRequest) -> Status[Any]:
    actions.household_leave(actor=household_request(request).membership)
    return Status(204, None)


# --- members ------------------------------------------------------------------------------------
@router.get("/household/members", response=responses(ok200=list[MemberOut]), summary="Members")
def list_members(request: HttpRequest) -> list[dict[str, Any]]:
    return [_member_out(m) for m in queries.members(household_request(request).household)]


@router.patch(
    "/household/members/{member_id}",
    response=responses(ok200=MemberOut),
    summary="Change a member's role (owners)",
)
def change_role(request: HttpRequest, member_id: int, payload: RoleIn) -> dict[str, Any]:
    req = household_request(request)
    member = queries.get_member(req.household, member_id)
    return _member_out(
        actions.member_set_role(actor=req.membership, member=member, role=payload.role)
    )


@router.delete(
    "/household/members/{member_id}",
    response=responses(ok204=None),
    summary="Remove a member (owners)",
)
def remove_member(request: HttpRequest, member_id: int) -> Status[Any]:
    req = household_request(request)
    member = queries.get_member(req.household, member_id)
    actions.member_remove(actor=req.membership, member=member)
    return Status(204, None)


# --- invitations --------------------------------------------------------------------------------
@router.get(
    "/household/invitations",
    response=responses(ok200=list[InvitationOut]),
    summary="Pending invitations",
)
def list_invitations(request: HttpRequest) -> list[dict[str, Any]]:
    household = household_request(request).household
    return [_invitation_out(i) for i in queries.pending_invitations(household, timezone.now())]


@router.post(
    "/household/invitations",
    response=responses(ok201=InvitationOut),
    summary="Invite someone by e-mail (owners); the link goes only to their mailbox",
)
def create_invitation(request: HttpRequest, payload: InvitationIn) -> Status[Any]:
    invitation, _token = actions.invitation_create(
        actor=household_request(request).membership, email=payload.email, role=payload.role
    )
    return Status(201, _invitation_out(invitation))


@router.delete(
    "/household/invitations/{invitation_id}",
    response=responses(ok204=None),
    summary="Revoke an invitation (owners)",
)
def revoke_invitation(request: HttpRequest, invitation_id: int) -> Status[Any]:
    req = household_request(request)
    invitation = queries.get_invitation(req.household, invitation_id)
    actions.invitation_revoke(actor=req.membership, invitation=invitation)
    return Status(204, None)


@router.post(
    "/invitations/accept",
    response=responses(ok200=HouseholdOut),
    summary="Accept an invitation sent to your e-mail",
)
def accept_invitation(request: HttpRequest, payload: AcceptIn) -> dict[str, Any]:
    req = household_request(request)
    membership = actions.invitation_accept(user=req.user, token=payload.token)
    return _household_out(membership, req.household)


# --- settle-up ----------------------------------------------------------------------------------
@router.get(
    "/household/settle-up",
    response=responses(ok200=SettleUpOut),
    summary="Shared spending of a period: paid, fair share, balances and payments to settle",
)
def settle_up(request: HttpRequest, params: Query[SettleUpParams]) -> dict[str, Any]:
    from spendwise.errors import DomainError

    req = household_request(request)
    month = month_range(req.user.today(), req.user.month_start_day)
    first = params.date_from or month.start
    last = params.date_to or month.last_day
    if first > last:
        raise DomainError("date_from is after date_to.", field="date_from")
    if (last - first).days > 3660:
        raise DomainError("Choose at most ten years.", field="date_to")
    sections = queries.settle_up(req.household, first, last)
    return {
        "date_from": first,
        "date_to": last,
        "currencies": [
            {
                "currency": s.currency,
                "total": money_out(s.total),
                "balances": [
                    {
                        "user_id": r.user.pk,
                        "email": r.user.email,
                        "paid": money_out(r.paid),
                        "share": money_out(r.share),
                        "settled": money_out(r.settled),
                        "balance": money_out(r.balance),
                    }
                    for r in s.rows
                ],
                "payments": [
                    {"payer_user_id": a.pk, "payee_user_id": b.pk, "amount": money_out(m)}
                    for a, b, m in s.transfers
                ],
            }
            for s in sections
        ],
    }


@router.post(
    "/household/settlements",
    response=responses(ok201=SettlementOut),
    summary="Record a settlement: one member paid another back",
)
def create_settlement(request: HttpRequest, payload: SettlementIn) -> Status[Any]:
    req = household_request(request)
    payer = _member_user(req.household, payload.payer_user_id)
    payee = _member_user(req.household, payload.payee_user_id)
    settlement = actions.settlement_create(
        actor=req.membership,
        payer=payer,
        payee=payee,
        amount=parse_money(payload.amount, payload.currency.upper()),
        period_start=payload.period_start,
        period_end=payload.period_end,
    )
    return Status(201, _settlement_out(settlement))


@router.delete(
    "/household/settlements/{settlement_id}",
    response=responses(ok204=None),
    summary="Delete a settlement recorded by mistake",
)
def delete_settlement(request: HttpRequest, settlement_id: int) -> Status[Any]:
    req = household_request(request)
    settlement = queries.get_settlement(req.household, settlement_id)
    actions.settlement_delete(actor=req.membership, settlement=settlement)
    return Status(204, None)
