"""Test data built through the real domain actions, never by poking rows directly."""

from __future__ import annotations

from datetime import date

from spendwise.households.models import Membership
from spendwise.identity.actions import provision_user
from spendwise.ledger import actions
from spendwise.ledger.models import Account, Category, Transaction, Transfer
from spendwise.money import Money

PASSWORD = "correct-horse-battery-staple"


def make_member(email: str = "owner@example.com", *, currency: str = "USD") -> Membership:
    """A confirmed user with their own household, default categories and a password."""
    user = provision_user(email=email, confirmed=True)
    user.set_password(PASSWORD)
    user.home_currency = currency
    user.save()
    return Membership.objects.select_related("household", "user").get(user=user)


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
