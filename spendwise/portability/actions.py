"""Leaving SpendWise: "Delete my account".

``delete_account`` removes, in one database transaction:

* every household in which the person is the only member, with everything in it — accounts,
  transactions, transfers, categories, payees, tags, budgets, schedules, rules, exchange
  rates, notifications, receipts (their files leave storage once the deletion commits);
* in a household shared with others, only the person's membership: the household's money is
  the others' too. If they were its only owner, the longest-standing remaining member (or
  else viewer) becomes the owner, so that someone can still manage it. Rows they created
  there stay, with no creator;
* the person's own rows: confirmation codes, notifications addressed to them, throttle
  records of their address, and the user row itself.

The identity provider is told inside the same transaction (``remove_identity``), so that a
provider that refuses (Cognito unreachable) keeps every row as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from spendwise.attachments.models import Attachment
from spendwise.households.models import Household, Membership, Role
from spendwise.identity.models import AuthFailure, User
from spendwise.ledger.models import AccountMonth, DailyTotal, Transaction, Transfer
from spendwise.recurring.models import Schedule


@dataclass(frozen=True)
class DeletionSummary:
    households_deleted: int
    households_left: int  # shared households the person left; their data stays


def wipe_household(household: Household) -> None:
    """Delete the household and every row that belongs to it.

    Transactions go first (an account is protected while it has any); receipts before them,
    one by one, so that each schedules the removal of its file for the commit. The rollup's
    rows go with the household: there is nothing left for them to add up."""
    Attachment.objects.filter(household=household).delete()
    Schedule.objects.filter(household=household).delete()
    DailyTotal.objects.filter(household=household).delete()
    AccountMonth.objects.filter(household=household).delete()
    Transaction.objects.filter(household=household).delete()
    Transfer.objects.filter(household=household).delete()
    household.delete()


def _hand_over(household: Household, leaving: User) -> None:
    """Someone else owns the household once ``leaving`` has gone, if nobody else does."""
    others = Membership.objects.filter(household=household).exclude(user=leaving)
    if others.filter(role=Role.OWNER).exists():
        return
    successor = (
        others.filter(role=Role.MEMBER).order_by("created_at", "id").first()
        or others.order_by("created_at", "id").first()
    )
    if successor is not None:
        successor.role = Role.OWNER
        successor.save(update_fields=["role"])


def delete_account(
    *, user: User, remove_identity: Callable[[User], None] | None = None
) -> DeletionSummary:
    """Delete the person and what is only theirs (see the module's docstring). The caller has
    re-authenticated them; ``remove_identity`` removes them from the identity provider."""
    deleted = left = 0
    with transaction.atomic():
        memberships = list(
            Membership.objects.select_for_update()
            .filter(user=user)
            .select_related("household")
            .order_by("id")
        )
        for membership in memberships:
            household = membership.household
            if Membership.objects.filter(household=household).exclude(user=user).exists():
                if membership.role == Role.OWNER:
                    _hand_over(household, user)
                membership.delete()
                left += 1
            else:
                wipe_household(household)
                deleted += 1
        AuthFailure.objects.filter(key__endswith=f":account:{user.email.lower()}").delete()
        if remove_identity is not None:
            remove_identity(user)
        user.delete()
    return DeletionSummary(households_deleted=deleted, households_left=left)
