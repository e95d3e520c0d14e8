"""``/api/v1/reports/…``: the seven reports' numbers, one GET each.

The range parameters are the report pages' own: ``range`` (a preset) and, for ``custom``,
``from`` and ``to`` (both included). Each answer carries the numbers of the same function of
``spendwise.reports.queries`` the page draws, in the caller's home currency, money as
``MoneyOut``. Amounts the report had to leave out (another currency without an exchange rate)
are named in ``left_out``.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from spendwise.api.auth import household_request
from spendwise.api.errors import responses
from spendwise.api.schemas import MoneyOut, QueryIn, money_out
from spendwise.errors import DomainError
from spendwise.households.decorators import HouseholdRequest
from spendwise.ledger.models import Category, CategoryKind
from spendwise.ledger.queries import get_category
from spendwise.money import Money
from spendwise.periods import EARLIEST_DAY, LATEST_DAY, DateRange, Period, parse_date_range
from spendwise.reports import queries
from spendwise.reports.views import REPORTS

router = Router(tags=["reports"])

_FALLBACK = " Showing this budget month instead."

Preset = Literal["this_month", "last_month", "last_3", "last_12", "ytd", "custom"]


class RangeParams(QueryIn):
    range: Preset | None = Field(
        None, description="A preset; each report has its own default (as its page)"
    )
    date_from: date | None = Field(
        None, alias="from", description="First day (included) when range=custom"
    )
    date_to: date | None = Field(None, alias="to", description="Last day (included)")


class RangeOut(Schema):
    preset: str
    start: date
    end: date = Field(description="Last day (included)")


def _date_range(request: HouseholdRequest, key: str, params: RangeParams) -> DateRange:
    """The range asked for; 400 where the page would fall back to this month."""
    for name, day in (("from", params.date_from), ("to", params.date_to)):
        if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:  # as the page: a 400
            raise DomainError(
                f"Choose a date between {EARLIEST_DAY:%Y} and {LATEST_DAY:%Y}.", field=name
            )
    user = request.user
    chosen = parse_date_range(
        params.range,
        params.date_from.isoformat() if params.date_from else None,
        params.date_to.isoformat() if params.date_to else None,
        today=user.today(),
        start_day=user.month_start_day,
        default=REPORTS[key].default_range,
    )
    if chosen.error:
        raise DomainError(chosen.error.removesuffix(_FALLBACK), field="range")
    return chosen


def _range_out(date_range: DateRange) -> dict[str, Any]:
    return {
        "preset": date_range.preset,
        "start": date_range.period.start,
        "end": date_range.period.last_day,
    }


def _percent(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def left_out(result: object) -> list[str]:
    """Currencies whose amounts the report could not include (no exchange rate for them)."""
    # ``missing`` since exchange rates; reports of before named them ``other``.
    gaps = getattr(result, "missing", None) or getattr(result, "other", None)
    return sorted(set(gaps.currencies)) if gaps else []


PercentText = Field(description='Percent with one decimal, e.g. "71.1"; null when undefined')


# --- 1. spending by category --------------------------------------------------------------------
class CategorySpendingOut(Schema):
    category_id: int | None = Field(description="None: uncategorised")
    name: str
    colour: str
    spent: MoneyOut
    share: str | None = PercentText
    has_children: bool = Field(description="Ask again with category_id to see its subcategories")
    direct: bool = Field(description="Booked on the parent category itself")


class SpendingOut(Schema):
    range: RangeOut
    currency: str
    category_id: int | None = Field(description="The parent category drilled into")
    items: list[CategorySpendingOut]
    total: MoneyOut
    left_out: list[str]


class SpendingParams(RangeParams):
    category_id: int | None = Field(
        None, description="A top-level expense category: spending per subcategory of it"
    )


def _drill_parent(request: HouseholdRequest, category_id: int | None) -> Category | None:
    if category_id is None:
        return None
    parent = get_category(request.household, category_id)
    if parent.kind != CategoryKind.EXPENSE or parent.parent_id is not None:
        raise Http404("Only top-level expense categories have subcategories to show")
    return parent


@router.get(
    "/reports/spending",
    response=responses(ok200=SpendingOut),
    summary="Spending by category (or by subcategory of one category)",
)
def spending(request: HttpRequest, params: Query[SpendingParams]) -> dict[str, Any]:
    req = household_request(request)
    parent = _drill_parent(req, params.category_id)
    date_range = _date_range(req, "spending", params)
    currency = req.user.home_currency
    report = queries.spending_by_category(req.household, date_range.period, currency, parent)
    return {
        "range": _range_out(date_range),
        "currency": currency,
        "category_id": parent.pk if parent else None,
        "items": [
            {
                "category_id": row.category_id,
                "name": row.name,
                "colour": row.colour,
                "spent": money_out(row.spent),
                "share": _percent(row.share),
                "has_children": row.has_children,
                "direct": row.direct,
            }
            for row in report.rows
        ],
        "total": money_out(report.total),
        "left_out": left_out(report),
    }


# --- 2. trend -----------------------------------------------------------------------------------
class MonthOut(Schema):
    start: date
    end: date = Field(description="Last day (included)")


class TrendSeriesOut(Schema):
    category_id: int | None
    name: str
    colour: str
    amounts: list[MoneyOut] = Field(description="Spent per month, in the order of `months`")
    total: MoneyOut


class TrendOut(Schema):
    range: RangeOut
    currency: str
    months: list[MonthOut] = Field(description="Budget months, cut to the range")
    series: list[TrendSeriesOut] = Field(description="Per top-level category, largest first")
    totals: list[MoneyOut] = Field(description="All categories, per month")
    total: MoneyOut
    left_out: list[str]


def _month(period: Period) -> dict[str, date]:
    return {"start": period.start, "end": period.last_day}


@router.get(
    "/reports/trend",
    response=responses(ok200=TrendOut),
    summary="Spending per top-level category, budget month by budget month",
)
def trend(request: HttpRequest, params: Query[RangeParams]) -> dict[str, Any]:
    req = household_request(request)
    date_range = _date_range(req, "trend", params)
    user = req.user
    report = queries.monthly_trend(
        req.household, date_range.period, user.home_currency, start_day=user.month_start_day
    )
    return {
        "range": _range_out(date_range),
        "currency": report.currency,
        "months": [_month(month) for month in report.months],
        "series": [
            {
                "category_id": series.category_id,
                "name": series.name,
                "colour": series.colour,
                "amounts": [money_out(amount) for amount in series.amounts],
                "total": money_out(series.total),
            }
            for series in report.series
        ],
        "totals": [money_out(amount) for amount in report.totals],
        "total": money_out(report.total),
        "left_out": left_out(report),
    }


# --- 3. income vs expenses ----------------------------------------------------------------------
class MonthFlowOut(Schema):
    start: date
    end: date
    income: MoneyOut
    expenses: MoneyOut = Field(description="Positive: money spent")
    net: MoneyOut
    savings_rate: str | None = PercentText


class IncomeExpensesOut(Schema):
    range: RangeOut
    currency: str
    months: list[MonthFlowOut]
    income: MoneyOut
    expenses: MoneyOut
    net: MoneyOut
    savings_rate: str | None = PercentText
    left_out: list[str]


@router.get(
    "/reports/income-expenses",
    response=responses(ok200=IncomeExpensesOut),
    summary="Income, expenses, net and savings rate per budget month",
)
def income_expenses(request: HttpRequest, params: Query[RangeParams]) -> dict[str, Any]:
    req = household_request(request)
    date_range = _date_range(req, "income_expenses", params)
    user = req.user
    report = queries.income_vs_expenses(
        req.household, date_range.period, user.home_currency, start_day=user.month_start_day
    )
    return {
        "range": _range_out(date_range),
        "currency": report.currency,
        "months": [
            {
                **_month(month.period),
                "income": money_out(month.income),
                "expenses": money_out(month.expenses),
                "net": money_out(month.net),
                "savings_rate": _percent(month.savings_rate),
            }
            for month in report.months
        ],
        "income": money_out(report.income),
        "expenses": money_out(report.expenses),
        "net": money_out(report.net),
        "savings_rate": _percent(report.savings_rate),
        "left_out": left_out(report),
    }


# --- 4. cash flow -------------------------------------------------------------------------------
class FlowBucketOut(Schema):
    start: date
    end: date = Field(description="Last day (included); the same day when by_day")
    inflow: MoneyOut
    outflow: MoneyOut = Field(description="Positive: money out")
    net: MoneyOut
    cumulative: MoneyOut = Field(description="Net from the start of the range to this bucket")


class CashFlowOut(Schema):
    range: RangeOut
    currency: str
    by_day: bool = Field(description="Buckets are days (ranges up to 31 days), else months")
    buckets: list[FlowBucketOut]
    inflow: MoneyOut
    outflow: MoneyOut
    net: MoneyOut
    left_out: list[str]


@router.get(
    "/reports/cash-flow",
    response=responses(ok200=CashFlowOut),
    summary="Money in and out per day or per budget month (transfers left out)",
)
def cash_flow(request: HttpRequest, params: Query[RangeParams]) -> dict[str, Any]:
    req = household_request(request)
    date_range = _date_range(req, "cash_flow", params)
    user = req.user
    report = queries.cash_flow(
        req.household, date_range.period, user.home_currency, start_day=user.month_start_day
    )
    return {
        "range": _range_out(date_range),
        "currency": report.currency,
        "by_day": report.by_day,
        "buckets": [
            {
                **_month(bucket.period),
                "inflow": money_out(bucket.inflow),
                "outflow": money_out(bucket.outflow),
                "net": money_out(bucket.net),
                "cumulative": money_out(bucket.cumulative),
            }
            for bucket in report.buckets
        ],
        "inflow": money_out(report.inflow),
        "outflow": money_out(report.outflow),
        "net": money_out(report.net),
        "left_out": left_out(report),
    }


# --- 5. net worth -------------------------------------------------------------------------------
class NetWorthPointOut(Schema):
    day: date = Field(description="The balance at the end of this day")
    balance: MoneyOut


class NetWorthOut(Schema):
    range: RangeOut
    currency: str
    points: list[NetWorthPointOut] = Field(description="End of each budget month (or today)")
    change: MoneyOut = Field(description="Last point minus first")
    left_out: list[str]


@router.get(
    "/reports/net-worth",
    response=responses(ok200=NetWorthOut),
    summary="The balance of all accounts at the end of each budget month",
)
def net_worth(request: HttpRequest, params: Query[RangeParams]) -> dict[str, Any]:
    req = household_request(request)
    date_range = _date_range(req, "net_worth", params)
    user = req.user
    currency = user.home_currency
    # As on the page: balances are history, a month that has not ended is shown as of today.
    tomorrow = user.today() + timedelta(days=1)
    period = Period(date_range.period.start, min(date_range.period.end, tomorrow))
    answer: dict[str, Any] = {
        "range": _range_out(date_range),
        "currency": currency,
        "points": [],
        "change": money_out(Money(0, currency)),
        "left_out": [],
    }
    if period.start >= period.end:  # all in the future: no balances yet
        return answer
    report = queries.net_worth_series(
        req.household, period, currency, start_day=user.month_start_day
    )
    answer["points"] = [
        {"day": point.day, "balance": money_out(point.balance)} for point in report.points
    ]
    answer["change"] = money_out(report.change)
    answer["left_out"] = left_out(report)
    return answer


# --- 6. top payees ------------------------------------------------------------------------------
class PayeeSpendingOut(Schema):
    payee_id: int | None = Field(description="None: expenses without a payee")
    name: str
    spent: MoneyOut
    count: int = Field(description="Expenses")


class PayeesOut(Schema):
    range: RangeOut
    currency: str
    items: list[PayeeSpendingOut] = Field(description=f"The top {queries.TOP_PAYEES}")
    total: MoneyOut = Field(description="All expenses of the range, shown or not")
    left_out: list[str]


@router.get(
    "/reports/payees",
    response=responses(ok200=PayeesOut),
    summary="The payees you spent the most with",
)
def payees(request: HttpRequest, params: Query[RangeParams]) -> dict[str, Any]:
    req = household_request(request)
    date_range = _date_range(req, "payees", params)
    result = queries.top_payees(req.household, date_range.period, req.user.home_currency)
    return {
        "range": _range_out(date_range),
        "currency": result.currency,
        "items": [
            {
                "payee_id": row.payee_id,
                "name": row.name,
                "spent": money_out(row.spent),
                "count": row.count,
            }
            for row in result.rows
        ],
        "total": money_out(result.total),
        "left_out": left_out(result),
    }


# --- 7. spending by tag -------------------------------------------------------------------------
class TagSpendingOut(Schema):
    tag_id: int
    name: str
    spent: MoneyOut
    count: int = Field(description="Expenses")


class TagsOut(Schema):
    range: RangeOut
    currency: str
    items: list[TagSpendingOut] = Field(description="An expense with two tags counts under both")
    untagged: MoneyOut
    untagged_count: int
    left_out: list[str]


@router.get("/reports/tags", response=responses(ok200=TagsOut), summary="Spending per tag")
def tags(request: HttpRequest, params: Query[RangeParams]) -> dict[str, Any]:
    req = household_request(request)
    date_range = _date_range(req, "tags", params)
    result = queries.spending_by_tag(req.household, date_range.period, req.user.home_currency)
    return {
        "range": _range_out(date_range),
        "currency": result.currency,
        "items": [
            {
                "tag_id": row.tag_id,
                "name": row.name,
                "spent": money_out(row.spent),
                "count": row.count,
            }
            for row in result.rows
        ],
        "untagged": money_out(result.untagged),
        "untagged_count": result.untagged_count,
        "left_out": left_out(result),
    }
