"""The reports' numbers: sums by date, category, account and kind, read from the daily rollup.

Every function here costs in proportion to days (or months) × categories × accounts, never to
the number of transactions: sums come from ``DailyTotal`` grouped in the database. Only top
payees and spending by tag, which the rollup does not carry, read the transaction table, each
with one GROUP BY bounded by the date range (served by the (household, -date, -id) index).

Amounts are in one ``currency`` (the person's home currency); rows in other currencies are not
converted (exchange rates come later) but counted in ``other`` so that pages can say so.
Transfers never count as spending or income. Spending is reported as a positive amount spent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, IntegerField, Sum, Value, When

from spendwise.households.models import Household
from spendwise.ledger.models import (
    Account,
    Category,
    CategoryKind,
    DailyTotal,
    Transaction,
    TransactionKind,
)
from spendwise.money import Money
from spendwise.periods import Period, budget_months, days_of

UNCATEGORISED_COLOUR = "#94a3b8"
ONE_DECIMAL = Decimal("0.1")


# --- shared pieces ------------------------------------------------------------------------------
@dataclass(frozen=True)
class OtherCurrencies:
    """What a report left out because it is not in the report's currency."""

    count: int = 0  # amounts (rollup entries, or accounts for net worth) left out
    currencies: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.count > 0


class _OtherCounter:
    def __init__(self) -> None:
        self.counts: dict[str, int] = defaultdict(int)

    def add(self, currency: str, count: int) -> None:
        self.counts[currency] += count

    def result(self) -> OtherCurrencies:
        kept = {code: n for code, n in self.counts.items() if n}
        return OtherCurrencies(sum(kept.values()), tuple(sorted(kept)))


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` as a percentage of ``whole`` with one decimal (half up); None when whole is 0.

    Exact integer/Decimal arithmetic, never float.
    """
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _month_bucket(months: Sequence[Period]) -> Case:
    """SQL that numbers a rollup day by the month it falls in (0..n-1), NULL outside."""
    return Case(
        *[
            When(day__gte=month.start, day__lt=month.end, then=Value(index))
            for index, month in enumerate(months)
        ],
        default=None,
        output_field=IntegerField(),
    )


def _spending_rows(household: Household, start: date, end: date) -> list[tuple[int, str, int, int]]:
    """(category_key, currency, total, count) of expenses in [start, end): one query."""
    return list(
        DailyTotal.objects.filter(
            household=household, kind=TransactionKind.EXPENSE, day__gte=start, day__lt=end
        )
        .values_list("category_key", "currency")
        .annotate(total=Sum("total"), n=Sum("count"))
        .values_list("category_key", "currency", "total", "n")
        .order_by()
    )


def _expense_categories(household: Household) -> dict[int, Category]:
    return {
        c.id: c for c in Category.objects.filter(household=household, kind=CategoryKind.EXPENSE)
    }


def _top_level(category_key: int, categories: dict[int, Category]) -> int:
    """The top-level category id a rollup key rolls up into (0 stays "Uncategorised")."""
    category = categories.get(category_key)
    if category is None:
        return 0
    return category.parent_id or category.id


# --- 1. spending by category --------------------------------------------------------------------
@dataclass(frozen=True)
class CategorySpending:
    """One slice: a top-level category with its children rolled in, or in a drill-down one
    subcategory (or the parent's own spending, ``direct``)."""

    category_id: int | None  # None: uncategorised
    name: str
    colour: str
    spent: Money  # positive: money spent
    share: Decimal | None  # percent of the total, one decimal
    has_children: bool = False  # can be drilled into
    direct: bool = False  # "directly in <parent>"


@dataclass(frozen=True)
class SpendingByCategory:
    currency: str
    parent: Category | None
    rows: list[CategorySpending]
    total: Money
    other: OtherCurrencies


def spending_by_category(
    household: Household, period: Period, currency: str, parent: Category | None = None
) -> SpendingByCategory:
    """Money spent in ``period`` per top-level expense category, children rolled into their
    parent, largest first; with ``parent`` (a top-level expense category of the household),
    per subcategory of it plus what was booked on the parent itself. Two queries."""
    categories = _expense_categories(household)
    has_children = {c.parent_id for c in categories.values() if c.parent_id}
    others = _OtherCounter()
    totals: dict[int, int] = defaultdict(int)
    for key, row_currency, total, count in _spending_rows(household, period.start, period.end):
        if parent is not None and _top_level(key, categories) != parent.id:
            continue
        if row_currency != currency:
            others.add(row_currency, count)
            continue
        group = key if parent is not None else _top_level(key, categories)
        totals[group] += -total
    grand_total = sum(totals.values())
    rows = []
    for key, spent in totals.items():
        if spent == 0:
            continue
        category = categories.get(key)
        direct = parent is not None and key == parent.id
        rows.append(
            CategorySpending(
                category_id=category.id if category else None,
                name=(
                    f"Directly in {category.name}"
                    if direct and category
                    else category.name
                    if category
                    else "Uncategorised"
                ),
                colour=category.colour if category else UNCATEGORISED_COLOUR,
                spent=Money(spent, currency),
                share=percent(spent, grand_total),
                has_children=parent is None and key in has_children,
                direct=direct,
            )
        )
    rows.sort(key=lambda row: (-row.spent.minor, row.direct, row.name.lower()))
    return SpendingByCategory(currency, parent, rows, Money(grand_total, currency), others.result())


# --- 2. monthly trend per category --------------------------------------------------------------
@dataclass(frozen=True)
class TrendSeries:
    category_id: int | None
    name: str
    colour: str
    amounts: list[Money]  # spent per month, positive
    total: Money


@dataclass(frozen=True)
class MonthlyTrend:
    currency: str
    months: list[Period]
    series: list[TrendSeries]  # one per top-level expense category with spending, largest first
    totals: list[Money]  # all categories, per month
    other: OtherCurrencies

    @property
    def total(self) -> Money:
        return Money(sum(m.minor for m in self.totals), self.currency)


def monthly_trend(
    household: Household, period: Period, currency: str, *, start_day: int = 1
) -> MonthlyTrend:
    """Money spent per budget month (cut to ``period``) and top-level expense category,
    children rolled up, over ``period``. Two queries."""
    months = budget_months(period, start_day)
    if not months:
        return MonthlyTrend(currency, [], [], [], OtherCurrencies())
    categories = _expense_categories(household)
    rows = (
        DailyTotal.objects.filter(
            household=household,
            kind=TransactionKind.EXPENSE,
            day__gte=months[0].start,
            day__lt=months[-1].end,
        )
        .annotate(bucket=_month_bucket(months))
        .values_list("bucket", "category_key", "currency")
        .annotate(total=Sum("total"), n=Sum("count"))
        .values_list("bucket", "category_key", "currency", "total", "n")
        .order_by()
    )
    others = _OtherCounter()
    grid: dict[int, list[int]] = defaultdict(lambda: [0] * len(months))
    for bucket, key, row_currency, total, count in rows:
        if bucket is None:
            continue
        if row_currency != currency:
            others.add(row_currency, count)
            continue
        grid[_top_level(key, categories)][bucket] += -total
    series = []
    for top_id, amounts in grid.items():
        if not any(amounts):
            continue
        category = categories.get(top_id)
        series.append(
            TrendSeries(
                category_id=category.id if category else None,
                name=category.name if category else "Uncategorised",
                colour=category.colour if category else UNCATEGORISED_COLOUR,
                amounts=[Money(a, currency) for a in amounts],
                total=Money(sum(amounts), currency),
            )
        )
    series.sort(key=lambda s: (-s.total.minor, s.name.lower()))
    totals = [
        Money(sum(grid[key][index] for key in grid), currency) for index in range(len(months))
    ]
    return MonthlyTrend(currency, months, series, totals, others.result())


# --- 3. income vs expenses ----------------------------------------------------------------------
@dataclass(frozen=True)
class MonthFlow:
    period: Period
    income: Money
    expenses: Money  # positive: money spent
    net: Money  # income - expenses
    savings_rate: Decimal | None  # (income - expenses) / income in percent, None for no income


@dataclass(frozen=True)
class IncomeVsExpenses:
    currency: str
    months: list[MonthFlow]
    income: Money
    expenses: Money
    net: Money
    savings_rate: Decimal | None
    other: OtherCurrencies


def _flow(period: Period, income: int, expenses: int, currency: str) -> MonthFlow:
    return MonthFlow(
        period,
        Money(income, currency),
        Money(expenses, currency),
        Money(income - expenses, currency),
        percent(income - expenses, income),
    )


def _kind_rows(
    household: Household, months: Sequence[Period]
) -> list[tuple[int | None, str, str, int, int]]:
    """(month bucket, kind, currency, total, count) of income and expenses: one query."""
    return list(
        DailyTotal.objects.filter(
            household=household,
            kind__in=[TransactionKind.INCOME, TransactionKind.EXPENSE],
            day__gte=months[0].start,
            day__lt=months[-1].end,
        )
        .annotate(bucket=_month_bucket(months))
        .values_list("bucket", "kind", "currency")
        .annotate(total=Sum("total"), n=Sum("count"))
        .values_list("bucket", "kind", "currency", "total", "n")
        .order_by()
    )


def income_vs_expenses(
    household: Household, period: Period, currency: str, *, start_day: int = 1
) -> IncomeVsExpenses:
    """Income, expenses, net and savings rate per budget month (cut to ``period``), and for
    the whole period. One query."""
    months = budget_months(period, start_day)
    zero = Money(0, currency)
    if not months:
        return IncomeVsExpenses(currency, [], zero, zero, zero, None, OtherCurrencies())
    others = _OtherCounter()
    income = [0] * len(months)
    expenses = [0] * len(months)
    for bucket, kind, row_currency, total, count in _kind_rows(household, months):
        if bucket is None:
            continue
        if row_currency != currency:
            others.add(row_currency, count)
        elif kind == TransactionKind.INCOME:
            income[bucket] += total
        else:
            expenses[bucket] += -total
    rows = [_flow(m, income[i], expenses[i], currency) for i, m in enumerate(months)]
    overall = _flow(Period(months[0].start, months[-1].end), sum(income), sum(expenses), currency)
    return IncomeVsExpenses(
        currency,
        rows,
        overall.income,
        overall.expenses,
        overall.net,
        overall.savings_rate,
        others.result(),
    )


# --- 4. cash flow -------------------------------------------------------------------------------
CASH_FLOW_DAILY_MAX_DAYS = 31


@dataclass(frozen=True)
class FlowBucket:
    period: Period  # one day, or (part of) one budget month
    inflow: Money  # income
    outflow: Money  # expenses, positive
    net: Money
    cumulative: Money  # net from the start of the range to the end of this bucket


@dataclass(frozen=True)
class CashFlow:
    currency: str
    by_day: bool
    buckets: list[FlowBucket]
    inflow: Money
    outflow: Money
    net: Money
    other: OtherCurrencies


def cash_flow(
    household: Household, period: Period, currency: str, *, start_day: int = 1
) -> CashFlow:
    """Money in (income) and out (expenses) over ``period``: per day when it is at most 31
    days long, else per budget month cut to the period. Transfers between the household's
    own accounts are neither. One query."""
    by_day = period.days <= CASH_FLOW_DAILY_MAX_DAYS
    buckets = (
        [Period(day, day + timedelta(days=1)) for day in days_of(period)]
        if by_day
        else budget_months(period, start_day)
    )
    zero = Money(0, currency)
    if not buckets:
        return CashFlow(currency, by_day, [], zero, zero, zero, OtherCurrencies())
    others = _OtherCounter()
    inflow = [0] * len(buckets)
    outflow = [0] * len(buckets)
    for bucket, kind, row_currency, total, count in _kind_rows(household, buckets):
        if bucket is None:
            continue
        if row_currency != currency:
            others.add(row_currency, count)
        elif kind == TransactionKind.INCOME:
            inflow[bucket] += total
        else:
            outflow[bucket] += -total
    rows = []
    running = 0
    for index, period in enumerate(buckets):
        net = inflow[index] - outflow[index]
        running += net
        rows.append(
            FlowBucket(
                period,
                Money(inflow[index], currency),
                Money(outflow[index], currency),
                Money(net, currency),
                Money(running, currency),
            )
        )
    return CashFlow(
        currency,
        by_day,
        rows,
        Money(sum(inflow), currency),
        Money(sum(outflow), currency),
        Money(running, currency),
        others.result(),
    )


# --- 5. net worth -------------------------------------------------------------------------------
@dataclass(frozen=True)
class NetWorthPoint:
    day: date  # the balance at the end of this day
    balance: Money


@dataclass(frozen=True)
class NetWorthSeries:
    currency: str
    points: list[NetWorthPoint]
    accounts: int  # accounts in ``currency`` (archived ones too: they held money once)
    other: OtherCurrencies  # here ``count`` is accounts in other currencies

    @property
    def change(self) -> Money:
        if not self.points:
            return Money(0, self.currency)
        return self.points[-1].balance - self.points[0].balance


def net_worth_series(
    household: Household, period: Period, currency: str, *, start_day: int = 1
) -> NetWorthSeries:
    """The sum of all ``currency`` accounts' balances (opening balances plus every
    transaction up to and including the day, transfers too) at the end of each budget month
    in ``period``; the last point is the period's last day when the period ends mid-month.
    Two queries: the accounts, and the rollup bucketed by the month ends it falls between."""
    days = [month.last_day for month in budget_months(period, start_day)]
    others = _OtherCounter()
    opening = 0
    accounts = 0
    for row_currency, total, count in (
        Account.objects.filter(household=household)
        .values_list("currency")
        .annotate(total=Sum("opening_balance"), n=Count("id"))
        .values_list("currency", "total", "n")
        .order_by()
    ):
        if row_currency == currency:
            opening, accounts = total, count
        else:
            others.add(row_currency, count)
    if not days or not accounts:
        return NetWorthSeries(currency, [], accounts, others.result())
    # bucket i holds the days after days[i-1] up to and including days[i]
    bucket = Case(
        When(day__lte=days[0], then=Value(0)),
        *[
            When(day__gt=days[index - 1], day__lte=day, then=Value(index))
            for index, day in enumerate(days)
            if index
        ],
        default=None,
        output_field=IntegerField(),
    )
    changes = [0] * len(days)
    for index, total in (
        DailyTotal.objects.filter(household=household, currency=currency, day__lte=days[-1])
        .annotate(bucket=bucket)
        .values_list("bucket")
        .annotate(total=Sum("total"))
        .values_list("bucket", "total")
        .order_by()
    ):
        if index is not None:
            changes[index] += total
    points = []
    balance = opening
    for index, day in enumerate(days):
        balance += changes[index]
        points.append(NetWorthPoint(day, Money(balance, currency)))
    return NetWorthSeries(currency, points, accounts, others.result())


# --- 6. top payees ------------------------------------------------------------------------------
TOP_PAYEES = 15


@dataclass(frozen=True)
class PayeeSpending:
    payee_id: int | None  # None: expenses without a payee
    name: str
    spent: Money
    count: int  # expenses


@dataclass(frozen=True)
class TopPayees:
    currency: str
    rows: list[PayeeSpending]  # the top ``limit``, largest first
    total: Money  # all expenses in the range, the rows shown and the rest
    other: OtherCurrencies


def top_payees(
    household: Household, period: Period, currency: str, limit: int = TOP_PAYEES
) -> TopPayees:
    """Payees by money spent with them in ``period``. One GROUP BY over the transactions of
    the range (the rollup has no payee), grouped rows only: never a transaction row."""
    others = _OtherCounter()
    spent: list[PayeeSpending] = []
    for payee_id, name, row_currency, total, count in (
        Transaction.objects.filter(
            household=household,
            kind=TransactionKind.EXPENSE,
            date__gte=period.start,
            date__lt=period.end,
        )
        .values_list("payee_id", "payee__name", "currency")
        .annotate(total=Sum("amount"), n=Count("id"))
        .values_list("payee_id", "payee__name", "currency", "total", "n")
        .order_by()
    ):
        if row_currency != currency:
            others.add(row_currency, count)
        elif total:
            spent.append(
                PayeeSpending(payee_id, name or "No payee", Money(-total, currency), count)
            )
    spent.sort(key=lambda row: (-row.spent.minor, row.payee_id is None, row.name.lower()))
    total_spent = Money(sum(row.spent.minor for row in spent), currency)
    return TopPayees(currency, spent[:limit], total_spent, others.result())


# --- 7. spending by tag -------------------------------------------------------------------------
@dataclass(frozen=True)
class TagSpending:
    tag_id: int
    name: str
    spent: Money
    count: int


@dataclass(frozen=True)
class SpendingByTag:
    currency: str
    rows: list[TagSpending]  # largest first; an expense with two tags counts under both
    untagged: Money  # expenses without any tag
    other: OtherCurrencies
    untagged_count: int = 0


def spending_by_tag(household: Household, period: Period, currency: str) -> SpendingByTag:
    """Money spent per tag in ``period``, plus what was spent without a tag. One GROUP BY
    over the range's expenses joined to their tags (the rollup has no tags)."""
    others = _OtherCounter()
    rows: list[TagSpending] = []
    untagged = untagged_count = 0
    for tag_id, name, row_currency, total, count in (
        Transaction.objects.filter(
            household=household,
            kind=TransactionKind.EXPENSE,
            date__gte=period.start,
            date__lt=period.end,
        )
        .values_list("tags__id", "tags__name", "currency")
        .annotate(total=Sum("amount"), n=Count("id"))
        .values_list("tags__id", "tags__name", "currency", "total", "n")
        .order_by()
    ):
        if row_currency != currency:
            others.add(row_currency, count)
        elif tag_id is None:
            untagged, untagged_count = -total, count
        elif total:
            rows.append(TagSpending(tag_id, name, Money(-total, currency), count))
    rows.sort(key=lambda row: (-row.spent.minor, row.name.lower()))
    return SpendingByTag(currency, rows, Money(untagged, currency), others.result(), untagged_count)
