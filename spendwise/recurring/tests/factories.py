"""Recurring test data, built through the real actions."""

from __future__ import annotations

from datetime import date
from typing import Any

from spendwise.households.models import Membership, Role
from spendwise.identity.models import User
from spendwise.ledger.models import Account
from spendwise.money import Money
from spendwise.recurring.actions import ScheduleInput, schedule_create
from spendwise.recurring.models import Schedule
from spendwise.testing.factories import PASSWORD, category


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


def make_viewer(member: Membership, email: str = "viewer@example.com") -> Membership:
    """Someone who may look at ``member``'s household but not change it."""
    user = User.objects.create_user(email, PASSWORD)
    return Membership.objects.select_related("household", "user").get(
        pk=Membership.objects.create(household=member.household, user=user, role=Role.VIEWER).pk
    )
