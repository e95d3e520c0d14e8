"""The reports' numbers: sums by date, category, account and kind, read from the daily rollup.

Every function here costs in proportion to days (or months) × categories × accounts, never to
the number of transactions: sums come from ``DailyTotal`` grouped in the database. Only top
payees and spending by tag, which the rollup does not carry, read the transaction table, each
with one GROUP BY bounded by the date range (served by the (household, -date, -id) index).

Amounts are in one ``currency`` (the person's home currency). Amounts in other currencies are
converted at the rate of their own date (``spendwise.currency``): the sums are grouped by day
for those currencies only, the rates for the range are loaded in one query, and each row is
converted in Python and rounded to the minor unit before it is added. Amounts without a rate
are left out and listed in ``missing`` (currency and days), so that pages can say so plainly.
Transfers never count as spending or income. Spending is reported as a positive amount spent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, IntegerField, QuerySet, Sum, Value, When
from django.utils.translation import gettext

from spendwise.currency import queries as currency_queries
from spendwise.currency.rates import Converter, MissingRates
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
def _converter(
    household: Household, currency: str, currencies: Iterable[str], first: date, last: date
) -> Converter:
    """A converter into ``currency`` for amounts dated ``first`` to ``last`` (both included):
    one query for the rates, none when every amount is in ``currency`` already."""
    return currency_queries.converter(household, currency, currencies, first, last)


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


def _spending_rows(
    household: Household, start: date, end: date, currency: str
) -> list[tuple[int, str, date | None, int, int]]:
    """(category_key, currency, day, total, count) of expenses in [start, end), ``day`` only
    for amounts not in ``currency``: one query."""
    return list(
        DailyTotal.objects.filter(
            household=household, kind=TransactionKind.EXPENSE, day__gte=start, day__lt=end
        )
        .annotate(on=currency_queries.foreign_day(currency))
        .values_list("category_key", "currency", "on")
        .annotate(total=Sum("total"), n=Sum("count"))
        .values_list("category_key", "currency", "on", "total", "n")
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
    missing: MissingRates


def spending_by_category(
    household: Household, period: Period, currency: str, parent: Category | None = None
) -> SpendingByCategory:
    """Money spent in ``period`` per top-level expense category, children rolled into their
    parent, largest first; with ``parent`` (a top-level expense category of the household),
    per subcategory of it plus what was booked on the parent itself. Two queries (three with
    amounts in other currencies: their rates)."""
    categories = _expense_categories(household)
    has_children = {c.parent_id for c in categories.values() if c.parent_id}
    sums = _spending_rows(household, period.start, period.end, currency)
    converter = _converter(household, currency, {r[1] for r in sums}, period.start, period.last_day)
    totals: dict[int, int] = defaultdict(int)
    for key, row_currency, on, total, count in sums:
        if parent is not None and _top_level(key, categories) != parent.id:
            continue
        amount = converter.minor(total, row_currency, on, count)
        if amount is None:
            continue
        group = key if parent is not None else _top_level(key, categories)
        totals[group] += -amount
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
                    gettext("Directly in %(category)s") % {"category": category.name}
                    if direct and category
                    else category.name
                    if category
                    else gettext("Uncategorised")
                ),
                colour=category.colour if category else UNCATEGORISED_COLOUR,
                spent=Money(spent, currency),
                share=percent(spent, grand_total),
                has_children=parent is None and key in has_children,
                direct=direct,
            )
        )
    rows.sort(key=lambda row: (-row.spent.minor, row.direct, row.name.lower()))
    return SpendingByCategory(
        currency, parent, rows, Money(grand_total, currency), converter.missing()
    )


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
    missing: MissingRates

    @property
    def total(self) -> Money:
        return Money(sum(m.minor for m in self.totals), self.currency)


def monthly_trend(
    household: Household, period: Period, currency: str, *, start_day: int = 1
) -> MonthlyTrend:
    """Money spent per budget month (cut to ``period``) and top-level expense category,
    children rolled up, over ``period``. Two queries (three with other currencies)."""
    months = budget_months(period, start_day)
    if not months:
        return MonthlyTrend(currency, [], [], [], MissingRates())
    categories = _expense_categories(household)
    rows = list(
        DailyTotal.objects.filter(
            household=household,
            kind=TransactionKind.EXPENSE,
            day__gte=months[0].start,
            day__lt=months[-1].end,
        )
        .annotate(bucket=_month_bucket(months), on=currency_queries.foreign_day(currency))
        .values_list("bucket", "category_key", "currency", "on")
        .annotate(total=Sum("total"), n=Sum("count"))
        .values_list("bucket", "category_key", "currency", "on", "total", "n")
        .order_by()
    )
    converter = _converter(
        household, currency, {r[2] for r in rows}, months[0].start, months[-1].last_day
    )
    grid: dict[int, list[int]] = defaultdict(lambda: [0] * len(months))
    for bucket, key, row_currency, on, total, count in rows:
        if bucket is None:
            continue
        amount = converter.minor(total, row_currency, on, count)
        if amount is None:
            continue
        grid[_top_level(key, categories)][bucket] += -amount
    series = []
    for top_id, amounts in grid.items():
        if not any(amounts):
            continue
        category = categories.get(top_id)
        series.append(
            TrendSeries(
                category_id=category.id if category else None,
                name=category.name if category else gettext("Uncategorised"),
                colour=category.colour if category else UNCATEGORISED_COLOUR,
                amounts=[Money(a, currency) for a in amounts],
                total=Money(sum(amounts), currency),
            )
        )
    series.sort(key=lambda s: (-s.total.minor, s.name.lower()))
    totals = [
        Money(sum(grid[key][index] for key in grid), currency) for index in range(len(months))
    ]
    return MonthlyTrend(currency, months, series, totals, converter.missing())


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
    missing: MissingRates


def _flow(period: Period, income: int, expenses: int, currency: str) -> MonthFlow:
    return MonthFlow(
        period,
        Money(income, currency),
        Money(expenses, currency),
        Money(income - expenses, currency),
        percent(income - expenses, income),
    )


def _kind_rows(
    household: Household, months: Sequence[Period], currency: str
) -> tuple[list[tuple[int, str, int]], Converter]:
    """(bucket, kind, total in ``currency``) of income and expenses in ``months``, amounts in
    other currencies converted at their day's rate, and the converter (for what it left out).
    One query, plus one for the rates when there are other currencies."""
    rows = list(
        DailyTotal.objects.filter(
            household=household,
            kind__in=[TransactionKind.INCOME, TransactionKind.EXPENSE],
            day__gte=months[0].start,
            day__lt=months[-1].end,
        )
        .annotate(bucket=_month_bucket(months), on=currency_queries.foreign_day(currency))
        .values_list("bucket", "kind", "currency", "on")
        .annotate(total=Sum("total"), n=Sum("count"))
        .values_list("bucket", "kind", "currency", "on", "total", "n")
        .order_by()
    )
    converter = _converter(
        household, currency, {r[2] for r in rows}, months[0].start, months[-1].last_day
    )
    converted: list[tuple[int, str, int]] = []
    for bucket, kind, row_currency, on, total, count in rows:
        if bucket is None:
            continue
        amount = converter.minor(total, row_currency, on, count)
        if amount is not None:
            converted.append((bucket, kind, amount))
    return converted, converter


def income_vs_expenses(
    household: Household, period: Period, currency: str, *, start_day: int = 1
) -> IncomeVsExpenses:
    """Income, expenses, net and savings rate per budget month (cut to ``period``), and for
    the whole period. One query (two with other currencies)."""
    months = budget_months(period, start_day)
    zero = Money(0, currency)
    if not months:
        return IncomeVsExpenses(currency, [], zero, zero, zero, None, MissingRates())
    income = [0] * len(months)
    expenses = [0] * len(months)
    sums, converter = _kind_rows(household, months, currency)
    for bucket, kind, amount in sums:
        if kind == TransactionKind.INCOME:
            income[bucket] += amount
        else:
            expenses[bucket] += -amount
    rows = [_flow(m, income[i], expenses[i], currency) for i, m in enumerate(months)]
    overall = _flow(Period(months[0].start, months[-1].end), sum(income), sum(expenses), currency)
    return IncomeVsExpenses(
        currency,
        rows,
        overall.income,
        overall.expenses,
        overall.net,
        overall.savings_rate,
        converter.missing(),
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
    missing: MissingRates


def cash_flow(
    household: Household, period: Period, currency: str, *, start_day: int = 1
) -> CashFlow:
    """Money in (income) and out (expenses) over ``period``: per day when it is at most 31
    days long, else per budget month cut to the period. Transfers between the household's
    own accounts are neither. One query (two with other currencies)."""
    by_day = period.days <= CASH_FLOW_DAILY_MAX_DAYS
    buckets = (
        [Period(day, day + timedelta(days=1)) for day in days_of(period)]
        if by_day
        else budget_months(period, start_day)
    )
    zero = Money(0, currency)
    if not buckets:
        return CashFlow(currency, by_day, [], zero, zero, zero, MissingRates())
    inflow = [0] * len(buckets)
    outflow = [0] * len(buckets)
    sums, converter = _kind_rows(household, buckets, currency)
    for bucket, kind, amount in sums:
        if kind == TransactionKind.INCOME:
            inflow[bucket] += amount
        else:
            outflow[bucket] += -amount
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
        converter.missing(),
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
    accounts: int  # every account (archived ones too: they held money once)
    missing: MissingRates  # balances in other currencies left out of a point: no rate that day

    @property
    def change(self) -> Money:
        if not self.points:
            return Money(0, self.currency)
        return self.points[-1].balance - self.points[0].balance


def net_worth_series(
    household: Household, period: Period, currency: str, *, start_day: int = 1
) -> NetWorthSeries:
    """The sum of all accounts' balances (opening balances plus every transaction up to and
    including the day, transfers too) at the end of each budget month in ``period``; the last
    point is the period's last day when the period ends mid-month. Balances are added up per
    currency, and each other currency's sum is converted at the rate of the point's day.
    Two queries (three with other currencies): the accounts, and the rollup bucketed by the
    month ends it falls between."""
    days = [month.last_day for month in budget_months(period, start_day)]
    opening: dict[str, int] = defaultdict(int)
    accounts = 0
    for row_currency, total, count in (
        Account.objects.filter(household=household)
        .values_list("currency")
        .annotate(total=Sum("opening_balance"), n=Count("id"))
        .values_list("currency", "total", "n")
        .order_by()
    ):
        opening[row_currency] += total
        accounts += count
    if not days or not accounts:
        return NetWorthSeries(currency, [], accounts, MissingRates())
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
    changes: dict[str, list[int]] = defaultdict(lambda: [0] * len(days))
    for index, row_currency, total in (
        DailyTotal.objects.filter(household=household, day__lte=days[-1])
        .annotate(bucket=bucket)
        .values_list("bucket", "currency")
        .annotate(total=Sum("total"))
        .values_list("bucket", "currency", "total")
        .order_by()
    ):
        if index is not None:
            changes[row_currency][index] += total
    # a currency whose accounts never hold anything needs no rate
    currencies = sorted(c for c in set(opening) | set(changes) if opening[c] or any(changes[c]))
    converter = _converter(household, currency, currencies, days[0], days[-1])
    balances = {code: opening.get(code, 0) for code in currencies}
    points = []
    for index, day in enumerate(days):
        total = 0
        for code in currencies:
            balances[code] += changes[code][index] if code in changes else 0
            amount = converter.minor(balances[code], code, day)
            total += amount or 0
        points.append(NetWorthPoint(day, Money(total, currency)))
    return NetWorthSeries(currency, points, accounts, converter.missing())


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
    missing: MissingRates


def _expenses(household: Household, period: Period) -> QuerySet[Transaction]:
    return Transaction.objects.filter(
        household=household,
        kind=TransactionKind.EXPENSE,
        date__gte=period.start,
        date__lt=period.end,
    )


def top_payees(
    household: Household, period: Period, currency: str, limit: int = TOP_PAYEES
) -> TopPayees:
    """Payees by money spent with them in ``period``. One GROUP BY over the transactions of
    the range (the rollup has no payee), grouped rows only: never a transaction row. Amounts
    in other currencies are grouped per day too, and converted at that day's rate."""
    rows = list(
        _expenses(household, period)
        .annotate(on=currency_queries.foreign_day(currency, "date"))
        .values_list("payee_id", "payee__name", "currency", "on")
        .annotate(total=Sum("amount"), n=Count("id"))
        .values_list("payee_id", "payee__name", "currency", "on", "total", "n")
        .order_by()
    )
    converter = _converter(household, currency, {r[2] for r in rows}, period.start, period.last_day)
    totals: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
    names: dict[int | None, str] = {}
    for payee_id, name, row_currency, on, total, count in rows:
        amount = converter.minor(total, row_currency, on, count)
        if amount is None:
            continue
        totals[payee_id][0] += -amount
        totals[payee_id][1] += count
        names[payee_id] = name or gettext("No payee")
    spent = [
        PayeeSpending(payee_id, names[payee_id], Money(minor, currency), count)
        for payee_id, (minor, count) in totals.items()
        if minor
    ]
    spent.sort(key=lambda row: (-row.spent.minor, row.payee_id is None, row.name.lower()))
    total_spent = Money(sum(row.spent.minor for row in spent), currency)
    return TopPayees(currency, spent[:limit], total_spent, converter.missing())


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
    missing: MissingRates
    untagged_count: int = 0


def spending_by_tag(household: Household, period: Period, currency: str) -> SpendingByTag:
    """Money spent per tag in ``period``, plus what was spent without a tag. One GROUP BY
    over the range's expenses joined to their tags (the rollup has no tags); amounts in other
    currencies grouped per day too and converted at that day's rate."""
    rows = list(
        _expenses(household, period)
        .annotate(on=currency_queries.foreign_day(currency, "date"))
        .values_list("tags__id", "tags__name", "currency", "on")
        .annotate(total=Sum("amount"), n=Count("id"))
        .values_list("tags__id", "tags__name", "currency", "on", "total", "n")
        .order_by()
    )
    converter = _converter(household, currency, {r[2] for r in rows}, period.start, period.last_day)
    totals: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
    names: dict[int, str] = {}
    for tag_id, name, row_currency, on, total, count in rows:
        amount = converter.minor(total, row_currency, on, count)
        if amount is None:
            continue
        totals[tag_id][0] += -amount
        totals[tag_id][1] += count
        if tag_id is not None:
            names[tag_id] = name
    untagged, untagged_count = totals.pop(None, [0, 0])
    tagged = [
        TagSpending(tag_id, names[tag_id], Money(minor, currency), count)
        for tag_id, (minor, count) in totals.items()
        if minor and tag_id is not None
    ]
    tagged.sort(key=lambda row: (-row.spent.minor, row.name.lower()))
    return SpendingByTag(
        currency, tagged, Money(untagged, currency), converter.missing(), untagged_count
    )
