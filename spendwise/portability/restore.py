"""Reading an export back in: ``restore(archive, actor)``.

The whole file is checked before anything is written — every field, every reference between
objects, every receipt's size, checksum and content — and a problem is refused with a message
that says where it is (``transactions[12].account: no account has id 7``). Then everything is
written in one database transaction, the rollup is rebuilt from the new rows
(``ledger.rollup.rebuild``), and receipts are copied into storage; a failure at any point
leaves the household as it was (files already copied are removed again).

Only an empty household can receive an export: one without accounts, transactions, payees,
tags, budgets, schedules, rules or exchange rates of its own. Its categories (a new household
has the default set) are replaced by those of the file.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any, NoReturn, TypeVar
from zipfile import BadZipFile, ZipFile

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from spendwise.attachments import filetypes
from spendwise.attachments.actions import RECEIPTS_FOLDER
from spendwise.attachments.models import Attachment
from spendwise.attachments.signals import delete_file
from spendwise.attachments.storage import get_storage, new_key
from spendwise.budgets import arithmetic
from spendwise.budgets.actions import MAX_BUDGET_MINOR
from spendwise.budgets.models import Budget, BudgetAlert, BudgetAmount
from spendwise.currency.models import ExchangeRate, RateSource
from spendwise.currency.rates import RateError, rate_to_scaled
from spendwise.errors import DomainError
from spendwise.households.models import Household, Membership
from spendwise.ledger import rollup
from spendwise.ledger.actions import MAX_AMOUNT_MINOR, check_can_write
from spendwise.ledger.models import (
    Account,
    AccountKind,
    Category,
    CategoryKind,
    Payee,
    Tag,
    Transaction,
    TransactionKind,
    Transfer,
)
from spendwise.money import Money, MoneyError, check_currency
from spendwise.portability.export import DOCUMENT_NAME, FORMAT, VERSION
from spendwise.recurring import rules as schedule_rules
from spendwise.recurring.models import (
    Frequency,
    Occurrence,
    OccurrenceStatus,
    Schedule,
    ScheduleKind,
)
from spendwise.rules import matching
from spendwise.rules.models import Rule, TextMatch

T = TypeVar("T")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
BATCH = 2000


class InvalidExport(DomainError):
    """The file is not a SpendWise export this version can read; ``message`` says where."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="archive", code="invalid_export")


class NotEmpty(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message, field="archive", code="conflict")


@dataclass(frozen=True)
class ReceiptFile:
    path: str
    name: str
    content_type: str
    size: int
    sha256: str


@dataclass
class Plan:
    """Everything the file holds, as unsaved rows that refer to each other."""

    household_name: str = ""
    categories: list[Category] = field(default_factory=list)  # parents before children
    accounts: list[Account] = field(default_factory=list)
    payees: list[Payee] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    transfers: dict[int, Transfer] = field(default_factory=dict)
    transactions: list[Transaction] = field(default_factory=list)
    transaction_tags: list[tuple[Transaction, Tag]] = field(default_factory=list)
    receipts: list[tuple[Transaction, ReceiptFile]] = field(default_factory=list)
    budgets: list[Budget] = field(default_factory=list)
    budget_amounts: list[BudgetAmount] = field(default_factory=list)
    budget_alerts: list[BudgetAlert] = field(default_factory=list)
    schedules: list[Schedule] = field(default_factory=list)
    occurrences: list[Occurrence] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    exchange_rates: list[ExchangeRate] = field(default_factory=list)


@dataclass(frozen=True)
class RestoreSummary:
    accounts: int
    transactions: int
    receipts: int
    budgets: int
    schedules: int
    rules: int

    def describe(self) -> str:
        """``5 accounts, 18 transactions, 3 receipts, 3 budgets, 2 recurring schedules and
        1 rule``."""
        parts = [
            _count(self.accounts, "account"),
            _count(self.transactions, "transaction"),
            _count(self.receipts, "receipt"),
            _count(self.budgets, "budget"),
            _count(self.schedules, "recurring schedule"),
        ]
        return f"{', '.join(parts)} and {_count(self.rules, 'rule')}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


# --- emptiness ----------------------------------------------------------------------------------
def household_contents(household: Household) -> list[str]:
    """What the household holds besides its categories: ``["1 account", "3 transactions"]``
    (empty for an empty household)."""
    counts = {
        "account": Account.objects.filter(household=household).count(),
        "transaction": Transaction.objects.filter(household=household).count(),
        "payee": Payee.objects.filter(household=household).count(),
        "tag": Tag.objects.filter(household=household).count(),
        "budget": Budget.objects.filter(household=household).count(),
        "recurring schedule": Schedule.objects.filter(household=household).count(),
        "rule": Rule.objects.filter(household=household).count(),
        "exchange rate": ExchangeRate.objects.filter(household=household).count(),
    }
    return [_count(count, noun) for noun, count in counts.items() if count]


def check_empty(household: Household) -> None:
    contents = household_contents(household)
    if contents:
        listed = ", ".join(contents)
        raise NotEmpty(
            gettext(
                "This household is not empty (%(listed)s). An export can only be imported into an "
                "empty household, so that nothing is mixed up or duplicated: sign up with a new "
                "account and import it there."
            )
            % {"listed": listed}
        )


# --- reading the file ---------------------------------------------------------------------------
class _Where:
    """Builds the location shown in a refusal: ``schedules[2].occurrences[0].date``."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    @contextmanager
    def at(self, part: str) -> Iterator[None]:
        self.parts.append(part)
        try:
            yield
        finally:
            self.parts.pop()

    def fail(self, problem: str) -> NoReturn:
        where = "".join(
            part if part.startswith("[") or not index else f".{part}"
            for index, part in enumerate(self.parts)
        )
        raise InvalidExport(
            gettext("This file cannot be imported: %(value)s: %(problem)s")
            % {"value": where or "the file", "problem": problem}
        )


class _Reader:
    """Checks the document field by field, building the ``Plan``."""

    def __init__(self, archive: ZipFile, household: Household) -> None:
        self.archive = archive
        self.household = household
        self.where = _Where()
        self.plan = Plan()
        self.accounts: dict[int, Account] = {}
        self.categories: dict[int, Category] = {}
        self.payees: dict[int, Payee] = {}
        self.tags: dict[int, Tag] = {}
        self.transactions: dict[int, Transaction] = {}
        self.legs: dict[int, list[Transaction]] = defaultdict(list)

    # Field readers: each checks one value of ``item`` and says where when it is wrong.
    def value(self, item: dict[str, Any], key: str) -> Any:
        if key not in item:
            with self.where.at(key):
                self.where.fail("missing")
        return item[key]

    def text(self, item: dict[str, Any], key: str, max_length: int, *, blank: bool = True) -> str:
        value = self.value(item, key)
        with self.where.at(key):
            if not isinstance(value, str):
                self.where.fail("must be text")
            if len(value) > max_length:
                self.where.fail(f"longer than {max_length} characters")
            if not blank and not value.strip():
                self.where.fail("must not be empty")
        return value

    def flag(self, item: dict[str, Any], key: str) -> bool:
        value = self.value(item, key)
        if not isinstance(value, bool):
            with self.where.at(key):
                self.where.fail("must be true or false")
        return value

    def number(self, item: dict[str, Any], key: str, low: int, high: int) -> int:
        value = self.value(item, key)
        with self.where.at(key):
            if isinstance(value, bool) or not isinstance(value, int):
                self.where.fail("must be a whole number")
            if not low <= value <= high:
                self.where.fail(f"must be from {low} to {high}")
        return int(value)

    def optional_number(self, item: dict[str, Any], key: str, low: int, high: int) -> int | None:
        return None if self.value(item, key) is None else self.number(item, key, low, high)

    def day(self, item: dict[str, Any], key: str) -> date:
        value = self.value(item, key)
        with self.where.at(key):
            try:
                return date.fromisoformat(value)
            except (TypeError, ValueError):
                self.where.fail("must be a date (YYYY-MM-DD)")

    def optional_day(self, item: dict[str, Any], key: str) -> date | None:
        return None if self.value(item, key) is None else self.day(item, key)

    def choice(self, item: dict[str, Any], key: str, choices: list[str]) -> str:
        value = self.value(item, key)
        if value not in choices:
            with self.where.at(key):
                self.where.fail(f"must be one of: {', '.join(c or '(empty)' for c in choices)}")
        return str(value)

    def currency(self, item: dict[str, Any], key: str) -> str:
        value = self.value(item, key)
        with self.where.at(key):
            try:
                return check_currency(value)
            except MoneyError as exc:
                self.where.fail(str(exc))

    def amount(self, item: dict[str, Any], key: str, currency: str, limit: int) -> int:
        """Decimal text in ``currency`` (``"-12.50"``) as minor units, within ±``limit``."""
        value = self.value(item, key)
        with self.where.at(key):
            if not isinstance(value, str) or not re.fullmatch(r"-?\d{1,20}(\.\d{1,10})?", value):
                self.where.fail('must be an amount written as text, like "-12.50"')
            try:
                minor = Money.from_decimal(Decimal(value), currency).minor
            except (MoneyError, InvalidOperation) as exc:
                self.where.fail(str(exc))
            if abs(minor) > limit:
                self.where.fail("the amount is too large")
        return minor

    def optional_amount(
        self, item: dict[str, Any], key: str, currency: str, limit: int
    ) -> int | None:
        return None if self.value(item, key) is None else self.amount(item, key, currency, limit)

    def ref(self, item: dict[str, Any], key: str, table: dict[int, T], what: str) -> T | None:
        """The object whose id ``item[key]`` names (None for null)."""
        value = self.value(item, key)
        if value is None:
            return None
        with self.where.at(key):
            return self.lookup(value, table, what)

    def lookup(self, value: Any, table: dict[int, T], what: str) -> T:
        if isinstance(value, bool) or not isinstance(value, int) or value not in table:
            self.where.fail(f"no {what} has id {value!r}")
        return table[value]

    def items(self, document: dict[str, Any], key: str, *, optional: bool = False) -> list[Any]:
        if optional and key not in document:
            return []
        value = self.value(document, key)
        if not isinstance(value, list):
            with self.where.at(key):
                self.where.fail("must be a list")
        return value

    def each(self, document: dict[str, Any], key: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """The objects of the list ``key``, with the location set to each in turn."""
        with self.where.at(key):
            for index, item in enumerate(self.items(document, key, **kwargs)):
                with self.where.at(f"[{index}]"):
                    if not isinstance(item, dict):
                        self.where.fail("must be an object")
                    yield item

    def identify(self, item: dict[str, Any], seen: dict[int, Any], obj: T) -> T:
        """Register ``obj`` under the item's ``id`` (a positive number, unique in its list)."""
        number = self.number(item, "id", 1, 2**53)
        if number in seen:
            with self.where.at("id"):
                self.where.fail(f"id {number} is used twice")
        seen[number] = obj
        return obj

    def unique(self, seen: set[Any], key: Any, problem: str) -> None:
        if key in seen:
            self.where.fail(problem)
        seen.add(key)

    # Sections.
    def read(self, document: Any) -> Plan:
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            self.where.fail("this is not a SpendWise export (spendwise.json has another format)")
        version = document.get("version")
        if version != VERSION:
            with self.where.at("version"):
                self.where.fail(
                    f"this SpendWise reads exports of version {VERSION}, the file is version "
                    f"{version!r}"
                )
        household = document.get("household")
        with self.where.at("household"):
            if not isinstance(household, dict):
                self.where.fail("must be an object")
            self.plan.household_name = self.text(household, "name", 100, blank=False)
        self.read_categories(document)
        self.read_accounts(document)
        self.read_payees(document)
        self.read_tags(document)
        self.read_transactions(document)
        self.read_budgets(document)
        self.read_schedules(document)
        self.read_rules(document)
        self.read_exchange_rates(document)
        return self.plan

    def read_accounts(self, document: dict[str, Any]) -> None:
        names: set[str] = set()
        for item in self.each(document, "accounts"):
            currency = self.currency(item, "currency")
            account = Account(
                household=self.household,
                name=self.text(item, "name", 100, blank=False).strip(),
                kind=self.choice(item, "kind", AccountKind.values),
                currency=currency,
                opening_balance=self.amount(item, "opening_balance", currency, MAX_AMOUNT_MINOR),
                archived=self.flag(item, "archived"),
            )
            self.unique(names, account.name.lower(), f"a second account named “{account.name}”")
            self.plan.accounts.append(self.identify(item, self.accounts, account))

    def read_categories(self, document: dict[str, Any]) -> None:
        names: set[tuple[Any, ...]] = set()
        for item in self.each(document, "categories"):
            kind = self.choice(item, "kind", CategoryKind.values)
            parent = self.ref(item, "parent", self.categories, "earlier category")
            if parent is not None and (parent.parent is not None or parent.kind != kind):
                with self.where.at("parent"):
                    self.where.fail("the parent must be a top-level category of the same kind")
            colour = self.text(item, "colour", 7)
            if not _COLOUR.fullmatch(colour):
                with self.where.at("colour"):
                    self.where.fail("must be a colour like #1d4ed8")
            category = Category(
                household=self.household,
                name=self.text(item, "name", 100, blank=False).strip(),
                kind=kind,
                parent=parent,
                colour=colour,
                archived=self.flag(item, "archived"),
            )
            scope = (kind, None) if parent is None else (None, id(parent))
            self.unique(names, (*scope, category.name.lower()), f"“{category.name}” twice")
            self.plan.categories.append(self.identify(item, self.categories, category))
        # Parents first: the write saves them in two batches.
        self.plan.categories.sort(key=lambda c: c.parent is not None)

    def read_payees(self, document: dict[str, Any]) -> None:
        names: set[str] = set()
        for item in self.each(document, "payees"):
            payee = Payee(
                household=self.household,
                name=self.text(item, "name", 100, blank=False).strip(),
                default_category=self.ref(item, "default_category", self.categories, "category"),
            )
            self.unique(names, payee.name.lower(), f"a second payee named “{payee.name}”")
            self.plan.payees.append(self.identify(item, self.payees, payee))

    def read_tags(self, document: dict[str, Any]) -> None:
        names: set[str] = set()
        for item in self.each(document, "tags"):
            tag = Tag(household=self.household, name=self.text(item, "name", 50, blank=False))
            self.unique(names, tag.name.lower(), f"a second tag named “{tag.name}”")
            self.plan.tags.append(self.identify(item, self.tags, tag))

    def read_transactions(self, document: dict[str, Any]) -> None:
        for item in self.each(document, "transactions"):
            account = self.ref(item, "account", self.accounts, "account")
            if account is None:
                with self.where.at("account"):
                    self.where.fail("every transaction needs an account")
            kind = self.choice(item, "kind", TransactionKind.values)
            if self.value(item, "currency") != account.currency:
                with self.where.at("currency"):
                    self.where.fail(f"must be the account's currency, {account.currency}")
            amount = self.amount(item, "amount", account.currency, MAX_AMOUNT_MINOR)
            if (kind == TransactionKind.EXPENSE and amount >= 0) or (
                kind == TransactionKind.INCOME and amount <= 0
            ):
                with self.where.at("amount"):
                    self.where.fail("an expense is negative and an income positive")
            category = self.ref(item, "category", self.categories, "category")
            if category is not None and category.kind != kind:
                with self.where.at("category"):
                    self.where.fail(f"a {kind} cannot have an {category.kind} category")
            transfer_number = self.optional_number(item, "transfer", 1, 2**53)
            if (transfer_number is None) != (kind != TransactionKind.TRANSFER):
                with self.where.at("transfer"):
                    self.where.fail("transfers, and only transfers, have a transfer id")
            row = Transaction(
                household=self.household,
                account=account,
                kind=kind,
                date=self.day(item, "date"),
                amount=amount,
                currency=account.currency,
                category=category,
                payee=self.ref(item, "payee", self.payees, "payee"),
                note=self.text(item, "note", 500),
            )
            if transfer_number is not None:
                row.transfer = self.plan.transfers.setdefault(
                    transfer_number, Transfer(household=self.household)
                )
                self.legs[transfer_number].append(row)
            with self.where.at("tags"):
                numbers = self.items(item, "tags")
                if len(set(map(repr, numbers))) != len(numbers):
                    self.where.fail("a tag is listed twice")
                for index, number in enumerate(numbers):
                    with self.where.at(f"[{index}]"):
                        tag = self.lookup(number, self.tags, "tag")
                    self.plan.transaction_tags.append((row, tag))
            for receipt in self.each(item, "receipts"):
                self.plan.receipts.append((row, self.read_receipt(receipt)))
            self.plan.transactions.append(self.identify(item, self.transactions, row))
        with self.where.at("transactions"):
            for number, legs in self.legs.items():
                amounts = sorted(leg.amount for leg in legs)
                if (
                    len(legs) != 2
                    or not amounts[0] < 0 < amounts[1]
                    or legs[0].account is legs[1].account
                    or legs[0].date != legs[1].date
                ):
                    self.where.fail(
                        f"transfer {number} must be two transactions on one date: money out "
                        "of one account and into another"
                    )

    def read_receipt(self, item: dict[str, Any]) -> ReceiptFile:
        path = self.text(item, "file", 300, blank=False)
        content_type = self.choice(item, "content_type", list(filetypes.ACCEPTED))
        size = self.number(item, "size", 1, settings.RECEIPT_MAX_BYTES)
        sha256 = self.text(item, "sha256", 64)
        with self.where.at("file"):
            try:
                info = self.archive.getinfo(path)
            except KeyError:
                self.where.fail(f"{path} is not in the zip file")
            if info.file_size != size:
                self.where.fail(f"{path} is not the size the file says")
            data = self.archive.read(info)
            if hashlib.sha256(data).hexdigest() != sha256:
                self.where.fail(f"{path} is damaged (its checksum does not match)")
            if filetypes.sniff(data[: filetypes.HEAD_BYTES]) != content_type:
                self.where.fail(f"{path} is not a {content_type} file")
        name = self.text(item, "name", 200, blank=False)
        return ReceiptFile(path, name, content_type, len(data), sha256)

    def read_budgets(self, document: dict[str, Any]) -> None:
        categories: set[int | None] = set()
        for item in self.each(document, "budgets"):
            self.number(item, "id", 1, 2**53)
            category = self.ref(item, "category", self.categories, "category")
            if category is not None and category.kind != CategoryKind.EXPENSE:
                with self.where.at("category"):
                    self.where.fail("budgets are for expense categories")
            self.unique(categories, id(category) if category else None, "a second budget")
            currency = self.currency(item, "currency")
            with self.where.at("thresholds"):
                thresholds = self.items(item, "thresholds")
                try:
                    stored = arithmetic.format_thresholds(
                        arithmetic.parse_thresholds(",".join(str(t) for t in thresholds))
                    )
                except ValueError as exc:
                    self.where.fail(str(exc))
            budget = Budget(
                household=self.household,
                category=category,
                currency=currency,
                rollover=self.flag(item, "rollover"),
                thresholds=stored,
            )
            self.plan.budgets.append(budget)
            months: set[tuple[date, bool]] = set()
            for entry in self.each(item, "amounts"):
                month = self.day(entry, "month")
                repeats = self.flag(entry, "repeats")
                amount = self.amount(entry, "amount", currency, MAX_BUDGET_MINOR)
                if month.day != 1 or amount < 0:
                    self.where.fail("a budget amount is zero or more, for a month's first day")
                self.unique(months, (month, repeats), "the same month twice")
                self.plan.budget_amounts.append(
                    BudgetAmount(budget=budget, month=month, amount=amount, repeats=repeats)
                )
            alerts: set[tuple[date, int]] = set()
            for entry in self.each(item, "alerts"):
                month = self.day(entry, "month")
                threshold = self.number(entry, "threshold", 1, 32767)
                self.unique(alerts, (month, threshold), "the same alert twice")
                self.plan.budget_alerts.append(
                    BudgetAlert(budget=budget, month=month, threshold=threshold)
                )

    def read_schedules(self, document: dict[str, Any]) -> None:
        transfers = self.plan.transfers
        for item in self.each(document, "schedules"):
            self.number(item, "id", 1, 2**53)
            kind = self.choice(item, "kind", ScheduleKind.values)
            account = self.ref(item, "account", self.accounts, "account")
            to_account = self.ref(item, "to_account", self.accounts, "account")
            if account is None or (kind == ScheduleKind.TRANSFER) != (to_account is not None):
                self.where.fail("a schedule has an account, and a transfer a second one")
            if to_account is account:
                self.where.fail("a transfer goes between two different accounts")
            amount = self.amount(item, "amount", account.currency, MAX_AMOUNT_MINOR)
            received = self.optional_amount(
                item,
                "received_amount",
                to_account.currency if to_account else account.currency,
                MAX_AMOUNT_MINOR,
            )
            if amount <= 0 or (received is not None and received <= 0):
                self.where.fail("a schedule's amounts are greater than zero")
            if received is not None and to_account is None:
                self.where.fail("only a transfer has a received amount")
            category = self.ref(item, "category", self.categories, "category")
            if category is not None and category.kind != kind:
                with self.where.at("category"):
                    self.where.fail(f"a {kind} schedule cannot have an {category.kind} category")
            frequency = self.choice(item, "frequency", Frequency.values)
            day_of_month = self.optional_number(item, "day_of_month", schedule_rules.LAST_DAY, 31)
            if day_of_month is not None and day_of_month == 0:
                self.where.fail("day_of_month must be 1 to 31, or the last day")
            if frequency == Frequency.MONTHLY and day_of_month is None:
                self.where.fail("a monthly schedule has a day of the month")
            start = self.day(item, "start_date")
            end = self.optional_day(item, "end_date")
            if end is not None and end < start:
                self.where.fail("the end date is before the start date")
            schedule = Schedule(
                household=self.household,
                name=self.text(item, "name", 100, blank=False),
                kind=kind,
                account=account,
                to_account=to_account,
                amount=amount,
                received_amount=received,
                category=category,
                payee=self.ref(item, "payee", self.payees, "payee"),
                note=self.text(item, "note", 500),
                frequency=frequency,
                interval=self.number(item, "interval", 1, schedule_rules.MAX_INTERVAL),
                day_of_month=day_of_month,
                start_date=start,
                end_date=end,
                next_date=self.optional_day(item, "next_date"),
                auto_post=self.flag(item, "auto_post"),
                active=self.flag(item, "active"),
                last_error=self.text(item, "last_error", 300),
            )
            self.plan.schedules.append(schedule)
            dates: set[date] = set()
            for entry in self.each(item, "occurrences"):
                on = self.day(entry, "date")
                self.unique(dates, on, "the same date twice")
                self.plan.occurrences.append(
                    Occurrence(
                        schedule=schedule,
                        date=on,
                        status=self.choice(entry, "status", OccurrenceStatus.values),
                        transaction=self.ref(
                            entry, "transaction", self.transactions, "transaction"
                        ),
                        transfer=self.ref(entry, "transfer", transfers, "transfer"),
                    )
                )

    def read_rules(self, document: dict[str, Any]) -> None:
        operators = ["", *TextMatch.values]
        for item in self.each(document, "rules", optional=True):
            self.number(item, "id", 1, 2**53)
            account = self.ref(item, "account", self.accounts, "account")
            currency = self.currency(item, "currency")
            if account is not None and account.currency != currency:
                with self.where.at("currency"):
                    self.where.fail(f"must be the account's currency, {account.currency}")
            bounds = [
                self.optional_amount(item, key, currency, MAX_AMOUNT_MINOR)
                for key in ("amount_min", "amount_max")
            ]
            if any(bound is not None and bound < 0 for bound in bounds):
                self.where.fail("amount bounds are zero or more")
            rule = Rule(
                household=self.household,
                name=self.text(item, "name", 100, blank=False),
                position=self.number(item, "position", 0, 2**31 - 1),
                payee_match=self.choice(item, "payee_match", operators),
                payee_value=self.text(item, "payee_value", 200),
                note_match=self.choice(item, "note_match", operators),
                note_value=self.text(item, "note_value", 200),
                amount_min=bounds[0],
                amount_max=bounds[1],
                currency=currency,
                account=account,
                set_category=self.ref(item, "set_category", self.categories, "category"),
                rename_payee=self.text(item, "rename_payee", 100),
                add_tags=self.text(item, "add_tags", 200),
            )
            for operator, value, key in (
                (rule.payee_match, rule.payee_value, "payee_value"),
                (rule.note_match, rule.note_value, "note_value"),
            ):
                if operator == matching.MATCHES:
                    with self.where.at(key):
                        try:
                            matching.check_pattern(value)
                        except matching.PatternError as exc:
                            self.where.fail(str(exc))
            self.plan.rules.append(rule)

    def read_exchange_rates(self, document: dict[str, Any]) -> None:
        seen: set[tuple[date, str, str]] = set()
        for item in self.each(document, "exchange_rates", optional=True):
            on = self.day(item, "date")
            base, quote = self.currency(item, "base"), self.currency(item, "quote")
            if base == quote:
                self.where.fail("a rate is between two different currencies")
            with self.where.at("rate"):
                try:
                    scaled = rate_to_scaled(Decimal(self.text(item, "rate", 40)))
                except (RateError, InvalidOperation) as exc:
                    self.where.fail(str(exc) if isinstance(exc, RateError) else "not a number")
            self.unique(seen, (on, base, quote), "the same rate twice")
            self.plan.exchange_rates.append(
                ExchangeRate(
                    household=self.household,
                    date=on,
                    base=base,
                    quote=quote,
                    rate_e10=scaled,
                    source=self.choice(item, "source", RateSource.values),
                )
            )


def read_archive(archive: ZipFile, household: Household) -> Plan:
    """The checked plan of what ``archive`` holds, or ``InvalidExport`` saying what is wrong."""
    try:
        info = archive.getinfo(DOCUMENT_NAME)
    except KeyError:
        raise InvalidExport(
            gettext(
                "This file cannot be imported: it has no %(DOCUMENT_NAME)s, so it is not a "
                "SpendWise export."
            )
            % {"DOCUMENT_NAME": DOCUMENT_NAME}
        ) from None
    if info.file_size > settings.RESTORE_MAX_BYTES:
        raise InvalidExport(
            gettext("This file cannot be imported: %(DOCUMENT_NAME)s is too large.")
            % {"DOCUMENT_NAME": DOCUMENT_NAME}
        )
    try:
        document = json.loads(archive.read(info).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise InvalidExport(
            gettext("This file cannot be imported: %(DOCUMENT_NAME)s is not valid JSON.")
            % {"DOCUMENT_NAME": DOCUMENT_NAME}
        ) from None
    return _Reader(archive, household).read(document)


# --- writing ------------------------------------------------------------------------------------
def _save_all(rows: list[T], *, batch: int = BATCH) -> None:
    if rows:
        type(rows[0]).objects.bulk_create(rows, batch_size=batch)  # type: ignore[attr-defined]


def _write(
    plan: Plan, household: Household, actor: Membership, archive: ZipFile, saved_keys: list[str]
) -> None:
    household.name = plan.household_name
    household.save(update_fields=["name"])
    # An empty household has only categories (the defaults): the file's replace them.
    Category.objects.filter(household=household).delete()
    _save_all([c for c in plan.categories if c.parent is None])
    _save_all([c for c in plan.categories if c.parent is not None])
    _save_all(plan.accounts)
    _save_all(plan.payees)
    _save_all(plan.tags)
    _save_all(list(plan.transfers.values()))
    for row in plan.transactions:
        row.created_by = actor.user
    _save_all(plan.transactions)
    links = Transaction.tags.through
    _save_all([links(transaction_id=row.pk, tag_id=tag.pk) for row, tag in plan.transaction_tags])
    _save_all(plan.budgets)
    _save_all(plan.budget_amounts)
    _save_all(plan.budget_alerts)
    for schedule in plan.schedules:
        schedule.created_by = actor.user
    _save_all(plan.schedules)
    _save_all(plan.occurrences)
    _save_all(plan.rules)
    _save_all(plan.exchange_rates)
    rollup.rebuild(household.pk)
    storage = get_storage()
    attachments = []
    for row, receipt in plan.receipts:
        key = new_key(household.pk, RECEIPTS_FOLDER)
        storage.save(key, archive.read(receipt.path), receipt.content_type)
        saved_keys.append(key)
        attachments.append(
            Attachment(
                household=household,
                transaction=row,
                key=key,
                original_name=receipt.name,
                content_type=receipt.content_type,
                size=receipt.size,
                sha256=receipt.sha256,
                created_by=actor.user,
            )
        )
    _save_all(attachments)


def restore(archive: IO[bytes], actor: Membership) -> RestoreSummary:
    """Import a SpendWise export (the zip ``archive``) into the actor's household, which must
    be empty. All or nothing: the file is checked whole before anything is written."""
    check_can_write(actor)
    household = actor.household
    check_empty(household)
    try:
        opened = ZipFile(archive)
    except (BadZipFile, OSError, EOFError):
        raise InvalidExport(
            gettext(
                "This file cannot be imported: it is not a zip file. Choose the .zip that "
                "“Export my data” gave you."
            )
        ) from None
    saved_keys: list[str] = []
    with opened:
        plan = read_archive(opened, household)
        try:
            with transaction.atomic():
                # One import at a time, and nothing added since the check above.
                Household.objects.select_for_update().get(pk=household.pk)
                check_empty(household)
                _write(plan, household, actor, opened, saved_keys)
        except IntegrityError as exc:
            _remove(saved_keys)
            raise InvalidExport(
                gettext("This file cannot be imported: its data contradicts itself (%(exc)s).")
                % {"exc": exc}
            ) from None
        except BaseException:
            _remove(saved_keys)
            raise
    return RestoreSummary(
        accounts=len(plan.accounts),
        transactions=len(plan.transactions),
        receipts=len(plan.receipts),
        budgets=len(plan.budgets),
        schedules=len(plan.schedules),
        rules=len(plan.rules),
    )


def _remove(keys: list[str]) -> None:
    for key in keys:
        delete_file(key)


__all__ = ["InvalidExport", "NotEmpty", "RestoreSummary", "check_empty", "restore"]
