"""Test data built through the real domain actions, never by poking rows directly."""

from __future__ import annotations

from datetime import date
from typing import Any

from spendwise.budgets.actions import budget_set
from spendwise.budgets.arithmetic import DEFAULT_THRESHOLDS
from spendwise.budgets.models import Budget
from spendwise.households.models import Membership, Role
from spendwise.identity.actions import provision_user
from spendwise.identity.models import User
from spendwise.ledger import actions
from spendwise.ledger.models import Account, Category, Transaction, Transfer
from spendwise.money import Money
from spendwise.recurring.actions import ScheduleInput, schedule_create
from spendwise.recurring.models import Schedule

PASSWORD = "correct-horse-battery-staple"


def make_member(email: str = "owner@example.com", *, currency: str = "USD") -> Membership:
    """A confirmed user with their own household, default categories and a password."""
    user = provision_user(email=email, confirmed=True)
    user.set_password(PASSWORD)
    user.home_currency = currency
    user.save()
    return Membership.objects.select_related("household", "user").get(user=user)


def add_viewer(member: Membership, email: str = "viewer@example.com") -> Membership:
    """Someone else who may look at ``member``'s household but not change it."""
    user = User.objects.create_user(email, PASSWORD)
    return Membership.objects.select_related("household", "user").get(
        pk=Membership.objects.create(household=member.household, user=user, role=Role.VIEWER).pk
    )


def join(household_member: Membership, other: Membership, role: str = Role.MEMBER) -> Membership:
    """Make ``other``'s user a member of ``household_member``'s household too."""
    return Membership.objects.create(
        household=household_member.household, user=other.user, role=role
    )


def demote_to_viewer(member: Membership) -> Membership:
    """The same person, now only allowed to read the household's money."""
    member.role = Role.VIEWER
    member.save(update_fields=["role"])
    return member


def make_account(
    member: Membership,
    name: str = "Checking",
    *,
    currency: str = "USD",
    opening: int = 0,
    kind: str = "checking",
) -> Account:
    return actions.account_create(
        actor=member, name=name, kind=kind, currency=currency, opening_balance=opening
    )


def category(member: Membership, name: str) -> Category:
    return Category.objects.get(household=member.household, name=name)


def make_entry(
    member: Membership,
    account: Account,
    minor: int,
    *,
    kind: str = "expense",
    on: date | None = None,
    category_name: str | None = None,
    payee: str = "",
    note: str = "",
    tags: tuple[str, ...] = (),
) -> Transaction:
    return actions.transaction_create(
        actor=member,
        entry=actions.EntryInput(
            kind=kind,
            account=account,
            date=on or date(2026, 11, 10),
            amount=Money(minor, account.currency),
            category=category(member, category_name) if category_name else None,
            payee_name=payee,
            tag_names=tags,
            note=note,
        ),
    )


def make_transfer(
    member: Membership,
    source: Account,
    destination: Account,
    minor: int,
    *,
    received: int | None = None,
    on: date | None = None,
) -> Transfer:
    return actions.transfer_create(
        actor=member,
        data=actions.TransferInput(
            source=source,
            destination=destination,
            date=on or date(2026, 11, 10),
            amount=Money(minor, source.currency),
            received=Money(received, destination.currency) if received is not None else None,
        ),
    )


def make_schedule(
    member: Membership,
    account: Account,
    minor: int,
    *,
    name: str = "Rent",
    kind: str = "expense",
    frequency: str = "monthly",
    start: date = date(2026, 11, 1),
    category_name: str | None = None,
    to_account: Account | None = None,
    received: int | None = None,
    **extra: Any,
) -> Schedule:
    return schedule_create(
        actor=member,
        data=ScheduleInput(
            name=name,
            kind=kind,
            account=account,
            amount=Money(minor, account.currency),
            frequency=frequency,
            start_date=start,
            category=category(member, category_name) if category_name else None,
            to_account=to_account,
            received=Money(received, to_account.currency) if received and to_account else None,
            **extra,
        ),
    )


def set_budget(
    member: Membership,
    category_name: str | None,
    minor: int,
    month: date,
    *,
    repeats: bool = True,
    rollover: bool = False,
    thresholds: tuple[int, ...] = DEFAULT_THRESHOLDS,
) -> Budget:
    """Set a budget through the real action (``category_name`` None: overall)."""
    return budget_set(
        actor=member,
        category=category(member, category_name) if category_name else None,
        month=month,
        amount=Money(minor, member.user.home_currency),
        repeats=repeats,
        rollover=rollover,
        thresholds=thresholds,
    )
