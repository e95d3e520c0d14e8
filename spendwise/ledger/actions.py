"""Writes to the ledger. Each action checks the actor's role, validates, and writes every row
it touches in one database transaction, so a refused action changes nothing.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Value
from django.db.models.functions import Lower
from django.utils.translation import gettext

from spendwise.errors import DomainError, PermissionDenied
from spendwise.households.models import Household, Membership
from spendwise.identity.models import User
from spendwise.ledger import rollup
from spendwise.ledger.models import (
    Account,
    Category,
    CategoryKind,
    Payee,
    Tag,
    Transaction,
    TransactionKind,
    Transfer,
    signed_amount,
)
from spendwise.money import Money, check_currency

# Larger amounts are typing mistakes, and their sums would overflow a 64-bit column (a 500,
# not a message). 10^15 minor units: ten trillion dollars, a quadrillion dong.
MAX_AMOUNT_MINOR = 10**15


def _check_size(minor: int, field: str) -> None:
    if abs(minor) > MAX_AMOUNT_MINOR:
        raise DomainError(gettext("That amount is too large."), field=field)


def check_amount(amount: Money, account: Account, field: str = "amount") -> None:
    """``amount`` is positive, in ``account``'s currency and not beyond ``MAX_AMOUNT_MINOR``."""
    if amount.currency != account.currency:
        raise DomainError(
            gettext("The amount must be in the account's currency (%(currency)s).")
            % {"currency": account.currency},
            field=field,
        )
    if amount.minor <= 0:
        raise DomainError(gettext("Enter an amount greater than zero."), field=field)
    _check_size(amount.minor, field)


EARLIEST_DATE = date(1900, 1, 1)
FUTURE_YEARS = 50  # far enough for a loan's schedule, near enough to keep dates sane


def check_date(day: date, field: str = "date") -> None:
    """A booking date between 1900 and fifty years from now (beyond that is a typo)."""
    latest = date(date.today().year + FUTURE_YEARS, 12, 31)
    if not EARLIEST_DATE <= day <= latest:
        raise DomainError(
            gettext("Enter a date between %(EARLIEST_DATE)s and %(latest)s.")
            % {"EARLIEST_DATE": format(EARLIEST_DATE, "%Y"), "latest": format(latest, "%Y")},
            field=field,
        )


def check_received(amount: Money, received: Money | None, destination: Account) -> Money:
    """What arrives in ``destination`` when ``amount`` leaves a transfer's source: ``amount``
    itself between accounts of one currency, else ``received``, which is then required."""
    if amount.currency == destination.currency:
        if received is not None and received != amount:
            raise DomainError(
                gettext("Both accounts use the same currency, so the amounts must match."),
                field="received",
            )
        return amount
    if received is None:
        raise DomainError(
            gettext("Enter the amount received in %(currency)s.")
            % {"currency": destination.currency},
            field="received",
        )
    if received.currency != destination.currency or received.minor <= 0:
        raise DomainError(gettext("Enter a received amount greater than zero."), field="received")
    _check_size(received.minor, "received")
    return received


def check_can_write(actor: Membership) -> None:
    if not actor.can_write:
        raise PermissionDenied()


def check_same_household(actor: Membership, *objects: object) -> None:
    """Defence in depth: forms and loaders already scope; this refuses anything that slipped."""
    for obj in objects:
        if (
            obj is not None
            and getattr(obj, "household_id", actor.household_id) != actor.household_id
        ):
            raise DomainError(gettext("That item does not exist."), code="not_found")


# --- accounts -----------------------------------------------------------------------------------
def account_create(
    *, actor: Membership, name: str, kind: str, currency: str, opening_balance: int = 0
) -> Account:
    check_can_write(actor)
    _check_size(opening_balance, "opening_balance")
    try:
        with transaction.atomic():
            return Account.objects.create(
                household=actor.household,
                name=name.strip(),
                kind=kind,
                currency=check_currency(currency),
                opening_balance=opening_balance,
            )
    except IntegrityError:
        raise DomainError(
            gettext("You already have an account with this name."), field="name"
        ) from None


def account_update(
    *,
    actor: Membership,
    account: Account,
    name: str,
    kind: str,
    opening_balance: int,
    archived: bool,
) -> Account:
    """The currency is fixed once an account exists: its rows are in that currency."""
    check_can_write(actor)
    check_same_household(actor, account)
    _check_size(opening_balance, "opening_balance")
    account.name, account.kind = name.strip(), kind
    account.opening_balance, account.archived = opening_balance, archived
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError:
        raise DomainError(
            gettext("You already have an account with this name."), field="name"
        ) from None
    return account


def account_delete(*, actor: Membership, account: Account) -> None:
    check_can_write(actor)
    check_same_household(actor, account)
    if account.transactions.exists():
        raise DomainError(
            gettext(
                "This account has transactions. Archive it instead, or delete its transactions "
                "first."
            ),
            code="conflict",
        )
    try:
        account.delete()
    except ProtectedError:  # a transaction was added since the check above
        raise DomainError(
            gettext(
                "This account has transactions. Archive it instead, or delete its transactions "
                "first."
            ),
            code="conflict",
        ) from None


# --- categories ---------------------------------------------------------------------------------
def _check_parent(kind: str, parent: Category | None, category: Category | None = None) -> None:
    if parent is None:
        return
    if parent.parent_id is not None:
        raise DomainError(
            gettext("Categories nest one level only: pick a top-level parent."), field="parent"
        )
    if parent.kind != kind:
        raise DomainError(
            gettext("The parent must be of the same kind (expense or income)."), field="parent"
        )
    if category is not None:
        if parent.pk == category.pk:
            raise DomainError(gettext("A category cannot be its own parent."), field="parent")
        if category.children.exists():
            raise DomainError(
                gettext("This category has subcategories, so it cannot become one."), field="parent"
            )


def category_create(
    *,
    actor: Membership,
    name: str,
    kind: str,
    parent: Category | None = None,
    colour: str = "#64748b",
) -> Category:
    check_can_write(actor)
    check_same_household(actor, parent)
    _check_parent(kind, parent)
    try:
        with transaction.atomic():
            return Category.objects.create(
                household=actor.household,
                name=name.strip(),
                kind=kind,
                parent=parent,
                colour=colour,
            )
    except IntegrityError:
        raise DomainError(
            gettext("A category with this name already exists here."), field="name"
        ) from None


def category_update(
    *,
    actor: Membership,
    category: Category,
    name: str,
    parent: Category | None,
    colour: str,
    archived: bool,
) -> Category:
    check_can_write(actor)
    check_same_household(actor, category, parent)
    _check_parent(category.kind, parent, category)
    category.name, category.parent, category.colour = name.strip(), parent, colour
    category.archived = archived
    try:
        with transaction.atomic():
            category.save()
    except IntegrityError:
        raise DomainError(
            gettext("A category with this name already exists here."), field="name"
        ) from None
    return category


DEFAULT_CATEGORIES: dict[str, list[tuple[str, str, list[str]]]] = {
    CategoryKind.EXPENSE: [
        ("Housing", "#6366f1", ["Rent", "Utilities", "Maintenance"]),
        ("Food", "#f59e0b", ["Groceries", "Restaurants", "Coffee"]),
        ("Transport", "#0ea5e9", ["Fuel", "Public transport", "Taxi"]),
        ("Health", "#ef4444", ["Doctor", "Pharmacy"]),
        ("Shopping", "#ec4899", ["Clothes", "Electronics"]),
        ("Entertainment", "#8b5cf6", ["Subscriptions", "Going out"]),
        ("Bills", "#14b8a6", ["Phone", "Internet", "Insurance"]),
        ("Education", "#84cc16", []),
        ("Gifts", "#f97316", []),
        ("Other", "#64748b", []),
    ],
    CategoryKind.INCOME: [
        ("Salary", "#22c55e", []),
        ("Bonus", "#16a34a", []),
        ("Interest", "#10b981", []),
        ("Other income", "#059669", []),
    ],
}


def create_default_categories(household: Household) -> None:
    """Idempotent: creates only the default categories the household does not have."""
    existing = {
        (kind, parent_name, name)
        for kind, parent_name, name in Category.objects.filter(household=household).values_list(
            "kind", Lower("parent__name"), Lower("name")
        )
    }
    for kind, tops in DEFAULT_CATEGORIES.items():
        for name, colour, children in tops:
            if (kind, None, name.lower()) in existing:
                parent = Category.objects.get(
                    household=household, kind=kind, parent=None, name__iexact=name
                )
            else:
                parent = Category.objects.create(
                    household=household, kind=kind, name=name, colour=colour
                )
            for child in children:
                if (kind, name.lower(), child.lower()) not in existing:
                    Category.objects.create(
                        household=household, kind=kind, name=child, colour=colour, parent=parent
                    )


# --- payees and tags ----------------------------------------------------------------------------
def payee_for_name(household: Household, name: str) -> Payee | None:
    """The payee with this name (any case), created the first time it is used."""
    name = " ".join((name or "").split())
    if not name:
        return None
    payee = Payee.objects.filter(household=household, name__iexact=name).first()
    return payee or Payee.objects.create(household=household, name=name[:100])


def _create_tag(household: Household, name: str) -> Tag:
    """Create the tag, or return the one the database already counts as ``name``. Python's
    ``str.lower`` and the database's ``lower()`` differ outside ASCII (under a C collation, and
    in SQLite, "Ð" stays "Ð"), so the lookup in Python can miss a row that the unique index on
    ``lower(name)`` then refuses: answer with that row, never an IntegrityError."""
    try:
        with transaction.atomic():
            return Tag.objects.create(household=household, name=name)
    except IntegrityError:
        return (
            Tag.objects.annotate(key=Lower("name"))
            .filter(household=household, key=Lower(Value(name)))
            .get()
        )


def payee_update(
    *, actor: Membership, payee: Payee, name: str, default_category: Category | None
) -> Payee:
    check_can_write(actor)
    check_same_household(actor, payee, default_category)
    name = " ".join(name.split())
    if not name:
        raise DomainError(gettext("Enter a name."), field="name")
    payee.name, payee.default_category = name, default_category
    try:
        with transaction.atomic():
            payee.save()
    except IntegrityError:
        raise DomainError(gettext("Another payee already has this name."), field="name") from None
    return payee


def parse_tag_names(text: str) -> list[str]:
    """``"holiday, Work ,holiday"`` → ``["holiday", "Work"]`` (first spelling wins)."""
    seen: dict[str, str] = {}
    for raw in (text or "").split(","):
        name = " ".join(raw.split())[:50]
        if name and name.lower() not in seen:
            seen[name.lower()] = name
    return list(seen.values())


def tags_for_names(household: Household, names: Iterable[str]) -> list[Tag]:
    """The household's tags with these names (any case), in order, creating the new ones.
    One query finds those that exist, however many names there are."""
    names = list(names)
    existing: dict[str, Tag] = {
        tag.key: tag
        for tag in Tag.objects.annotate(key=Lower("name")).filter(
            household=household, key__in=[name.lower() for name in names]
        )
    }
    tags: list[Tag] = []
    for name in names:
        tag = existing.get(name.lower())
        if tag is None:
            tag = existing[name.lower()] = _create_tag(household, name)
        tags.append(tag)
    return tags


# --- transactions -------------------------------------------------------------------------------
class PaidByDefault(enum.Enum):
    """``EntryInput.paid_by`` left out: the person entering a new expense, unchanged on edit."""

    DEFAULT = "default"


PAID_BY_DEFAULT = PaidByDefault.DEFAULT


@dataclass(frozen=True)
class EntryInput:
    """An expense or income as a person enters it: a positive amount and its kind."""

    kind: str
    account: Account
    date: date
    amount: Money  # positive, in the account's currency
    category: Category | None = None
    payee_name: str = ""
    tag_names: tuple[str, ...] = ()
    note: str = ""
    # Who paid an expense (settle-up shares it); None: not shared. Income is never paid by.
    paid_by: User | PaidByDefault | None = PAID_BY_DEFAULT


def _paid_by(actor: Membership, entry: EntryInput, current: User | None) -> User | None:
    """The ``paid_by`` to store: only a member of the household, only on an expense."""
    if entry.kind != TransactionKind.EXPENSE:
        return None
    if entry.paid_by is PAID_BY_DEFAULT:
        return current
    if entry.paid_by is None:
        return None
    if not Membership.objects.filter(
        household_id=actor.household_id, user_id=entry.paid_by.pk
    ).exists():
        raise DomainError(gettext("Choose a member of this household."), field="paid_by")
    return entry.paid_by


def _check_entry(actor: Membership, entry: EntryInput) -> None:
    check_same_household(actor, entry.account, entry.category)
    if entry.kind not in (TransactionKind.EXPENSE, TransactionKind.INCOME):
        raise DomainError(gettext("Choose expense or income."), field="kind")
    check_amount(entry.amount, entry.account)
    check_date(entry.date)
    if entry.category is not None and entry.category.kind != entry.kind:
        raise DomainError(
            gettext("“%(category)s” is an %(kind)s category.")
            % {"category": entry.category, "kind": entry.category.kind},
            field="category",
        )
    if entry.account.archived:
        raise DomainError(gettext("This account is archived."), field="account")


def transaction_create(*, actor: Membership, entry: EntryInput) -> Transaction:
    check_can_write(actor)
    _check_entry(actor, entry)
    paid_by = _paid_by(actor, entry, actor.user)
    with transaction.atomic():
        payee = payee_for_name(actor.household, entry.payee_name)
        category = entry.category
        if category is None and payee is not None and payee.default_category_id:
            default = payee.default_category
            category = default if default and default.kind == entry.kind else None
        row = Transaction.objects.create(
            household=actor.household,
            account=entry.account,
            kind=entry.kind,
            date=entry.date,
            amount=signed_amount(entry.kind, entry.amount.minor),
            currency=entry.account.currency,
            category=category,
            payee=payee,
            note=entry.note.strip(),
            created_by=actor.user,
            paid_by=paid_by,
        )
        rollup.add([row])
        if entry.tag_names:
            row.tags.set(tags_for_names(actor.household, entry.tag_names))
        if payee is not None and category is not None and payee.default_category_id is None:
            payee.default_category = category
            payee.save(update_fields=["default_category"])
    return row


def transaction_update(*, actor: Membership, row: Transaction, entry: EntryInput) -> Transaction:
    check_can_write(actor)
    check_same_household(actor, row)
    if row.is_transfer:
        raise DomainError(gettext("Edit a transfer as a transfer."), code="conflict")
    _check_entry(actor, entry)
    paid_by = _paid_by(actor, entry, row.paid_by)
    with transaction.atomic():
        # The stored values, not the instance's: a bound form may have changed it already.
        rollup.remove([Transaction.objects.select_for_update().get(pk=row.pk)])
        row.account, row.kind, row.date = entry.account, entry.kind, entry.date
        row.amount = signed_amount(entry.kind, entry.amount.minor)
        row.currency = entry.account.currency
        row.category = entry.category
        row.payee = payee_for_name(actor.household, entry.payee_name)
        row.note = entry.note.strip()
        row.paid_by = paid_by
        row.save()
        rollup.add([row])
        row.tags.set(tags_for_names(actor.household, entry.tag_names))
    return row


def transaction_delete(*, actor: Membership, row: Transaction) -> None:
    """Deleting either leg of a transfer deletes the whole transfer."""
    check_can_write(actor)
    check_same_household(actor, row)
    with transaction.atomic():
        if row.transfer_id is not None:
            legs = list(Transaction.objects.filter(transfer_id=row.transfer_id))
            rollup.remove(legs)
            Transfer.objects.filter(pk=row.transfer_id).delete()
        else:
            rollup.remove([row])
            row.delete()


# --- transfers ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class TransferInput:
    source: Account
    destination: Account
    date: date
    amount: Money  # leaves the source, in its currency
    received: Money | None = None  # arrives in the destination; required across currencies
    note: str = ""


def _check_transfer(actor: Membership, data: TransferInput) -> Money:
    """Validate and return the amount that arrives in the destination account."""
    check_same_household(actor, data.source, data.destination)
    if data.source.pk == data.destination.pk:
        raise DomainError(gettext("Choose two different accounts."), field="destination")
    check_date(data.date)
    if data.source.archived or data.destination.archived:
        field = "source" if data.source.archived else "destination"
        raise DomainError(gettext("Transfers cannot use an archived account."), field=field)
    if data.amount.currency != data.source.currency or data.amount.minor <= 0:
        raise DomainError(gettext("Enter an amount greater than zero."), field="amount")
    _check_size(data.amount.minor, "amount")
    return check_received(data.amount, data.received, data.destination)


def transfer_create(*, actor: Membership, data: TransferInput) -> Transfer:
    check_can_write(actor)
    received = _check_transfer(actor, data)
    with transaction.atomic():
        transfer = Transfer.objects.create(household=actor.household)
        common = {
            "household": actor.household,
            "kind": TransactionKind.TRANSFER,
            "date": data.date,
            "note": data.note.strip(),
            "transfer": transfer,
            "created_by": actor.user,
        }
        outgoing = Transaction.objects.create(
            account=data.source,
            amount=signed_amount(TransactionKind.TRANSFER, data.amount.minor, outgoing=True),
            currency=data.source.currency,
            **common,
        )
        incoming = Transaction.objects.create(
            account=data.destination,
            amount=signed_amount(TransactionKind.TRANSFER, received.minor, outgoing=False),
            currency=data.destination.currency,
            **common,
        )
        rollup.add([outgoing, incoming])
    return transfer


def transfer_update(*, actor: Membership, transfer: Transfer, data: TransferInput) -> Transfer:
    """Both legs change together, or neither does."""
    check_can_write(actor)
    check_same_household(actor, transfer)
    received = _check_transfer(actor, data)
    with transaction.atomic():
        outgoing, incoming = transfer.legs()
        rollup.remove([outgoing, incoming])
        for leg, account, minor, out in (
            (outgoing, data.source, data.amount.minor, True),
            (incoming, data.destination, received.minor, False),
        ):
            leg.account = account
            leg.currency = account.currency
            leg.amount = signed_amount(TransactionKind.TRANSFER, minor, outgoing=out)
            leg.date = data.date
            leg.note = data.note.strip()
            leg.save()
        rollup.add([outgoing, incoming])
    return transfer
