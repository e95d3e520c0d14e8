"""Which household a request acts on, and household-scoped reads of members, invitations and
settle-up balances."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from django.core import signing
from django.db.models import Sum
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from spendwise.households import splitting
from spendwise.households.models import Household, Invitation, Membership, Role, Settlement
from spendwise.identity.models import User
from spendwise.money import Money

SESSION_KEY = "household_id"
INVITATION_SALT = "spendwise.households.invitation"


# Relations loaded with every request's memberships, so that per-request checks read them
# without a query of their own. Other apps add theirs in AppConfig.ready() (e.g. the MFA
# policy, a reverse one-to-one of Household).
MEMBERSHIP_RELATED: list[str] = ["household"]


def current_membership(request: HttpRequest) -> Membership | None:
    """The membership chosen in this session, else the user's oldest one. A household the
    user was removed from is simply not found: the next request falls back at once.

    One query loads all of the user's memberships; they are kept on ``request.memberships``
    for the household switcher."""
    memberships = list(
        Membership.objects.select_related(*MEMBERSHIP_RELATED)
        .filter(user_id=int(request.user.pk or 0))
        .order_by("created_at", "id")
    )
    request.memberships = memberships  # type: ignore[attr-defined]
    chosen = request.session.get(SESSION_KEY)
    if chosen is not None:
        for membership in memberships:
            if membership.household_id == chosen:
                return membership
    return memberships[0] if memberships else None


def memberships_of(user: User) -> list[Membership]:
    """Every household the user belongs to, oldest first (the household switcher)."""
    return list(
        Membership.objects.select_related("household")
        .filter(user=user)
        .order_by("created_at", "id")
    )


def members(household: Household) -> list[Membership]:
    """The household's members: owners first, then members, then viewers; by e-mail."""
    order: dict[str, int] = {Role.OWNER: 0, Role.MEMBER: 1, Role.VIEWER: 2}
    rows = list(Membership.objects.select_related("user").filter(household=household))
    return sorted(rows, key=lambda m: (order.get(m.role, 3), m.user.email))


def get_member(household: Household, pk: object) -> Membership:
    """A membership of ``household`` (another household's is a 404)."""
    return get_object_or_404(Membership.objects.select_related("user"), household=household, pk=pk)


def get_invitation(household: Household, pk: object) -> Invitation:
    return get_object_or_404(Invitation, household=household, pk=pk)


def get_settlement(household: Household, pk: object) -> Settlement:
    return get_object_or_404(Settlement, household=household, pk=pk)


def pending_invitations(household: Household, now: object) -> list[Invitation]:
    return list(
        Invitation.objects.filter(
            household=household, accepted_at=None, revoked_at=None, expires_at__gt=now
        ).select_related("invited_by")
    )


# --- invitation links ---------------------------------------------------------------------------
def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def sign_token(secret: str) -> str:
    """The text in an invitation link: the random secret, signed so that a tampered or made-up
    link is refused without a database lookup."""
    return signing.Signer(salt=INVITATION_SALT).sign(secret)


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation of a link (whatever its state), or None for a link that is not ours."""
    try:
        secret = signing.Signer(salt=INVITATION_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return (
        Invitation.objects.select_related("household", "invited_by")
        .filter(token_hash=token_hash(secret))
        .first()
    )


# --- settle-up ----------------------------------------------------------------------------------
@dataclass
class MemberBalance:
    user: User
    paid: Money
    share: Money
    settled: Money  # paid back in settlements minus received
    balance: Money  # positive: the others owe them


@dataclass
class CurrencySettleUp:
    """Shared spending of one currency in a period, and how to even it out."""

    currency: str
    total: Money
    rows: list[MemberBalance]
    transfers: list[tuple[User, User, Money]] = field(default_factory=list)

    @property
    def settled(self) -> bool:
        return not self.transfers


def _sum_by(rows: object, key: str) -> dict[tuple[int, str], int]:
    return {(row[key], row["currency"]): int(row["total"]) for row in rows}  # type: ignore[attr-defined]


def settle_up(household: Household, first: date, last: date) -> list[CurrencySettleUp]:
    """Per currency: each participant's paid, fair share, settlements and balance for the
    shared expenses dated ``first`` to ``last`` (both included), and the payments that even
    them out. Participants are the household's owners and members, and anyone else who paid
    a shared expense in the period; shares are equal (see ``splitting``)."""
    from spendwise.ledger.models import Transaction, TransactionKind

    expenses = (
        Transaction.objects.filter(
            household=household,
            kind=TransactionKind.EXPENSE,
            paid_by__isnull=False,
            date__gte=first,
            date__lte=last,
        )
        .values("paid_by", "currency")
        .annotate(total=Sum("amount"))
    )
    paid = {key: -total for key, total in _sum_by(expenses, "paid_by").items()}
    # A settlement counts in every period that holds the whole period it settled.
    settlements = Settlement.objects.filter(
        household=household, period_start__gte=first, period_end__lte=last
    )
    out = _sum_by(settlements.values("payer", "currency").annotate(total=Sum("amount")), "payer")
    received = _sum_by(
        settlements.values("payee", "currency").annotate(total=Sum("amount")), "payee"
    )
    currencies = sorted({c for _, c in [*paid, *out, *received]})
    sharing = set(
        Membership.objects.filter(
            household=household, role__in=[Role.OWNER, Role.MEMBER]
        ).values_list("user_id", flat=True)
    )
    people = {
        u.pk: u
        for u in User.objects.filter(pk__in=sharing | {u for u, _ in [*paid, *out, *received]})
    }
    answer = []
    for currency in currencies:
        payers = {u for u, c in paid if c == currency}
        others = {u for u, c in [*out, *received] if c == currency}
        participants = sorted(sharing | payers | others)
        total = sum(paid.get((u, currency), 0) for u in participants)
        # Settled-only people (e.g. a member since removed) take no share of the spending.
        sharers = sorted(sharing | payers) or participants
        shares = splitting.split_equally(max(total, 0), sharers)
        settled = {
            u: out.get((u, currency), 0) - received.get((u, currency), 0) for u in participants
        }
        paid_here = {u: paid.get((u, currency), 0) for u in participants}
        balance = splitting.balances(paid_here, shares, settled)
        rows = [
            MemberBalance(
                user=people[u],
                paid=Money(paid_here[u], currency),
                share=Money(shares.get(u, 0), currency),
                settled=Money(settled[u], currency),
                balance=Money(balance[u], currency),
            )
            for u in participants
        ]
        transfers = [
            (people[a], people[b], Money(amount, currency))
            for a, b, amount in splitting.transfers_to_settle(balance, participants)
        ]
        answer.append(CurrencySettleUp(currency, Money(total, currency), rows, transfers))
    return answer
