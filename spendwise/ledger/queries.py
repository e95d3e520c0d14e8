"""Reads of the ledger, always scoped to one household."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from spendwise.currency import queries as currency_queries
from spendwise.currency.rates import MissingRates
from spendwise.households.models import Household
from spendwise.ledger import rollup
from spendwise.ledger.models import (
    Account,
    Category,
    DailyTotal,
    Payee,
    Tag,
    Transaction,
    TransactionKind,
    Transfer,
)
from spendwise.money import Money


def get_account(household: Household, pk: object) -> Account:
    return get_object_or_404(Account, household=household, pk=pk)


def get_category(household: Household, pk: object) -> Category:
    return get_object_or_404(Category, household=household, pk=pk)


def get_payee(household: Household, pk: object) -> Payee:
    return get_object_or_404(Payee, household=household, pk=pk)


def get_tag(household: Household, pk: object) -> Tag:
    return get_object_or_404(Tag, household=household, pk=pk)


def get_transaction(household: Household, pk: object) -> Transaction:
    return get_object_or_404(
        Transaction.objects.select_related(
            "account", "category", "payee", "transfer", "paid_by", "created_by"
        ),
        household=household,
        pk=pk,
    )


def get_transfer(household: Household, pk: object) -> Transfer:
    return get_object_or_404(Transfer, household=household, pk=pk)


def accounts_for(household: Household, *, include_archived: bool = True) -> QuerySet[Account]:
    rows = Account.objects.filter(household=household)
    return rows if include_archived else rows.filter(archived=False)


def categories_for(household: Household, *, kind: str | None = None) -> QuerySet[Category]:
    rows = Category.objects.filter(household=household).select_related("parent")
    return rows.filter(kind=kind) if kind else rows


@dataclass(frozen=True)
class AccountBalance:
    account: Account
    balance: Money


def account_balances(
    household: Household, *, on: date | None = None, include_archived: bool = False
) -> list[AccountBalance]:
    """Every account with its balance at the end of ``on`` (default: everything), from the
    rollup: at most one row per account and month, never every transaction."""
    accounts = list(accounts_for(household, include_archived=include_archived))
    totals = rollup.account_totals(household.pk, on=on)
    return [
        AccountBalance(a, Money(a.opening_balance + (totals.get(a.id) or 0), a.currency))
        for a in accounts
    ]


def net_worth(balances: list[AccountBalance]) -> list[Money]:
    """Sum of balances per currency (``converted_net_worth`` gives one home-currency sum)."""
    per_currency: dict[str, int] = defaultdict(int)
    for row in balances:
        per_currency[row.balance.currency] += row.balance.minor
    return [Money(minor, code) for code, minor in sorted(per_currency.items())]


@dataclass(frozen=True)
class ConvertedTotal:
    """A sum in one currency, and what it had to leave out for want of an exchange rate."""

    total: Money
    missing: MissingRates


def converted_net_worth(
    household: Household, balances: list[AccountBalance], currency: str, on: date
) -> ConvertedTotal:
    """The balances added up per currency, each other currency's sum converted into
    ``currency`` at the rate of ``on`` (one rounding per currency). One query for the rates,
    none when every account is in ``currency``."""
    sums = net_worth(balances)
    converter = currency_queries.converter(household, currency, {m.currency for m in sums}, on, on)
    total = 0
    for money in sums:
        total += converter.minor(money.minor, money.currency, on) or 0
    return ConvertedTotal(Money(total, currency), converter.missing())


@dataclass(frozen=True)
class TransactionFilters:
    """The transaction list's filters, as kept in the query string."""

    date_from: date | None = None
    date_to: date | None = None
    account: Account | None = None
    category: Category | None = None
    tag: Tag | None = None
    payee: Payee | None = None
    text: str = ""
    amount_min: int | None = None  # minor units, compared with the magnitude
    amount_max: int | None = None
    kind: str = ""


def filtered_transactions(
    household: Household, filters: TransactionFilters
) -> QuerySet[Transaction]:
    rows = Transaction.objects.filter(household=household)
    if filters.date_from:
        rows = rows.filter(date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(date__lte=filters.date_to)
    if filters.account:
        rows = rows.filter(account=filters.account)
    if filters.category:
        rows = rows.filter(Q(category=filters.category) | Q(category__parent=filters.category))
    if filters.tag:
        rows = rows.filter(tags=filters.tag)
    if filters.payee:
        rows = rows.filter(payee=filters.payee)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.text:
        rows = rows.filter(Q(note__icontains=filters.text) | Q(payee__name__icontains=filters.text))
    if filters.amount_min is not None:
        rows = rows.filter(Q(amount__gte=filters.amount_min) | Q(amount__lte=-filters.amount_min))
    if filters.amount_max is not None:
        rows = rows.filter(amount__lte=filters.amount_max, amount__gte=-filters.amount_max)
    return rows


@dataclass(frozen=True)
class Page:
    rows: list[Transaction]
    next_cursor: str | None


def encode_cursor(row: Transaction) -> str:
    return f"{row.date.isoformat()}_{row.pk}"


def decode_cursor(cursor: str) -> tuple[date, int] | None:
    """``None`` for a cursor that is not ours (the list then starts from the top)."""
    try:
        day, pk = cursor.split("_", 1)
        return date.fromisoformat(day), int(pk)
    except (ValueError, AttributeError):
        return None


def transactions_page(
    household: Household, filters: TransactionFilters, *, cursor: str = "", size: int = 50
) -> Page:
    """Newest first, ``size`` rows after ``cursor``: keyset pagination that stays fast on
    any page because it seeks through the (household, date, id) index instead of counting.
    """
    rows = filtered_transactions(household, filters)
    position = decode_cursor(cursor) if cursor else None
    if position is not None:
        day, pk = position
        # date <= day bounds the index range scan; the OR then only trims the first day.
        rows = rows.filter(date__lte=day).filter(Q(date__lt=day) | Q(date=day, pk__lt=pk))
    rows = (
        rows.select_related(
            "account", "category", "category__parent", "payee", "paid_by", "created_by"
        )
        .prefetch_related("tags")
        .order_by("-date", "-id")
    )
    batch = list(rows[: size + 1])
    has_more = len(batch) > size
    batch = batch[:size]
    return Page(batch, encode_cursor(batch[-1]) if has_more and batch else None)


def transfer_counterparts(rows: list[Transaction]) -> dict[int, Account]:
    """For each transfer leg in ``rows`` (by its pk): the account at the other end."""
    transfer_ids = {row.transfer_id for row in rows if row.transfer_id is not None}
    if not transfer_ids:
        return {}
    legs = Transaction.objects.filter(transfer_id__in=transfer_ids).select_related("account")
    by_transfer: dict[int, list[Transaction]] = defaultdict(list)
    for leg in legs:
        if leg.transfer_id is not None:
            by_transfer[leg.transfer_id].append(leg)
    result = {}
    for row in rows:
        if row.transfer_id is None:
            continue
        for leg in by_transfer[row.transfer_id]:
            if leg.pk != row.pk:
                result[row.pk] = leg.account
    return result


@dataclass(frozen=True)
class SpendingAndIncome:
    spent: Money  # expenses, positive
    earned: Money  # income
    missing: MissingRates  # amounts in other currencies left out: no rate on their day

    @property
    def left(self) -> Money:
        return self.earned - self.spent


def spending_and_income(
    household: Household, start: date, end: date, currency: str
) -> SpendingAndIncome:
    """Expenses (as a positive amount) and income in [start, end) in ``currency``, amounts in
    other currencies converted at the rate of their day. Transfers excluded. One query (two
    with other currencies)."""
    rows = list(
        DailyTotal.objects.filter(household=household, day__gte=start, day__lt=end)
        .exclude(kind=TransactionKind.TRANSFER)
        .annotate(on=currency_queries.foreign_day(currency))
        .values_list("currency", "kind", "on")
        .annotate(total=Sum("total"), n=Sum("count"))
        .values_list("currency", "kind", "on", "total", "n")
        .order_by()
    )
    converter = currency_queries.converter(
        household, currency, {row[0] for row in rows}, start, end - timedelta(days=1)
    )
    spent = earned = 0
    for row_currency, kind, on, total, count in rows:
        amount = converter.minor(total, row_currency, on, count)
        if amount is None:
            continue
        if kind == TransactionKind.EXPENSE:
            spent -= amount
        else:
            earned += amount
    return SpendingAndIncome(Money(spent, currency), Money(earned, currency), converter.missing())


@dataclass(frozen=True)
class CategoryTotal:
    name: str
    colour: str
    spent: Money


def top_spending_categories(
    household: Household, start: date, end: date, currency: str, limit: int = 6
) -> list[CategoryTotal]:
    """Expense categories by amount spent in [start, end), children rolled into parents, in
    ``currency`` (other currencies converted at their day's rate; those without a rate are
    left out, as ``spending_and_income`` reports)."""
    rows = list(
        DailyTotal.objects.filter(
            household=household,
            kind=TransactionKind.EXPENSE,
            day__gte=start,
            day__lt=end,
        )
        .annotate(on=currency_queries.foreign_day(currency))
        .values_list("category_key", "currency", "on")
        .annotate(total=Sum("total"))
        .values_list("category_key", "currency", "on", "total")
        .order_by()
    )
    converter = currency_queries.converter(
        household, currency, {row[1] for row in rows}, start, end - timedelta(days=1)
    )
    categories = {c.id: c for c in categories_for(household, kind="expense")}
    totals: dict[int | None, int] = defaultdict(int)
    for category_id, row_currency, on, total in rows:
        amount = converter.minor(total, row_currency, on)
        if amount is None:
            continue
        category = categories.get(category_id) if category_id else None
        top: int | None = category.parent_id if category and category.parent_id else category_id
        totals[top] += -amount
    result = []
    for top_id, spent in sorted(totals.items(), key=lambda item: -item[1]):
        category = categories.get(top_id) if top_id else None
        result.append(
            CategoryTotal(
                category.name if category else "Uncategorised",
                category.colour if category else "#94a3b8",
                Money(spent, currency),
            )
        )
    return result[:limit]
