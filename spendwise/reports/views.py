"""The report pages: each parses the date range, loads through household-scoped helpers,
calls one query of ``reports.queries`` and renders a chart with a table of the same numbers,
or (``?format=csv``) a CSV of them. Amounts are in the person's home currency, other currencies
converted at the rate of each amount's date; what has no rate is left out and named above the
chart (the CSV carries the same numbers as the table and chart).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET

from spendwise.currency.rates import MissingRates
from spendwise.households.decorators import HouseholdRequest, household_required
from spendwise.ledger.models import Category, CategoryKind
from spendwise.ledger.queries import get_category
from spendwise.money import Money
from spendwise.periods import PRESET_LABELS, DateRange, Period, parse_date_range
from spendwise.reports import queries
from spendwise.reports.exports import Cell, csv_response
from spendwise.reports.labels import day_label, period_label, short_day
from spendwise.web.ranges import PRESET_NAMES, range_error_text

INCOME_COLOUR = "#16a34a"
EXPENSE_COLOUR = "#dc2626"
NET_COLOUR = "#2563eb"
RATE_COLOUR = "#a16207"
BAR_COLOUR = "#6366f1"


@dataclass(frozen=True)
class ReportPage:
    key: str
    title: str | Promise
    description: str | Promise
    default_range: str
    slug: str  # CSV file names

    @property
    def url_name(self) -> str:
        return f"reports:{self.key}"


REPORTS = {
    page.key: page
    for page in [
        ReportPage(
            "spending",
            gettext_lazy("Spending by category"),
            gettext_lazy(
                "Where the money went, by category; open a category to see its subcategories."
            ),
            "this_month",
            "spending-by-category",
        ),
        ReportPage(
            "trend",
            gettext_lazy("Spending trend"),
            gettext_lazy("Spending per category, budget month by budget month."),
            "last_12",
            "spending-trend",
        ),
        ReportPage(
            "income_expenses",
            gettext_lazy("Income vs expenses"),
            gettext_lazy("Income, expenses and savings rate per budget month."),
            "last_12",
            "income-vs-expenses",
        ),
        ReportPage(
            "cash_flow",
            gettext_lazy("Cash flow"),
            gettext_lazy(
                "Money in and out per day (or per month for longer ranges); transfers between "
                "your own accounts are left out."
            ),
            "this_month",
            "cash-flow",
        ),
        ReportPage(
            "net_worth",
            gettext_lazy("Net worth"),
            gettext_lazy("The balance of all your accounts at the end of each budget month."),
            "last_12",
            "net-worth",
        ),
        ReportPage(
            "payees",
            gettext_lazy("Top payees"),
            format_lazy(
                gettext_lazy("The {count} payees you spent the most with."),
                count=queries.TOP_PAYEES,
            ),
            "this_month",
            "top-payees",
        ),
        ReportPage(
            "tags",
            gettext_lazy("Spending by tag"),
            gettext_lazy("Spending per tag."),
            "this_month",
            "spending-by-tag",
        ),
    ]
}


# --- helpers ------------------------------------------------------------------------------------
def _date_range(request: HouseholdRequest, page: ReportPage) -> DateRange:
    user = request.user
    return parse_date_range(
        request.GET.get("range"),
        request.GET.get("from"),
        request.GET.get("to"),
        today=user.today(),
        start_day=user.month_start_day,
        default=page.default_range,
    )


def _range_params(date_range: DateRange) -> dict[str, str]:
    """The query string that asks for this range again (after a fallback: the fallback)."""
    params = {"range": date_range.preset}
    if date_range.preset == "custom":
        params["from"] = date_range.period.start.isoformat()
        params["to"] = date_range.period.last_day.isoformat()
    return params


def _wants_csv(request: HouseholdRequest) -> bool:
    return request.GET.get("format") == "csv"


def _filename(page: ReportPage, period: Period) -> str:
    return f"{page.slug}_{period.start:%Y-%m-%d}_{period.last_day:%Y-%m-%d}.csv"


def _amounts(values: Iterable[Money]) -> list[str]:
    """Chart data as decimal strings: the browser only draws them, never adds them up."""
    return [value.amount_str() for value in values]


_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def _lighten(colour: str, percent: int) -> str:
    """``colour`` mixed with ``percent`` % white (integers only)."""
    if not _HEX_COLOUR.fullmatch(colour):
        return colour
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{c + (255 - c) * percent // 100:02x}" for c in channels)


def distinct_colours(colours: Iterable[str]) -> list[str]:
    """Subcategories share their parent's colour: repeats get lighter so slices differ."""
    seen: dict[str, int] = {}
    result = []
    for colour in colours:
        repeat = seen.get(colour, 0)
        seen[colour] = repeat + 1
        result.append(_lighten(colour, min(18 * repeat, 80)) if repeat else colour)
    return result


def _percent_text(value: Decimal | None) -> str | None:
    """``"71.1"`` for the CSV and the chart, None (empty, or a gap in a line) for no value."""
    return None if value is None else str(value)


def _render(
    request: HouseholdRequest,
    page: ReportPage,
    date_range: DateRange,
    template: str,
    context: dict[str, Any],
    *,
    extra_params: dict[str, str] | None = None,
) -> HttpResponse:
    params = _range_params(date_range) | (extra_params or {})
    base = {
        "report": page,
        "date_range": date_range,
        "range_label": period_label(date_range.period, request.user.locale),
        "range_name": PRESET_NAMES[date_range.preset],
        "range_error": range_error_text(date_range),
        "presets": [(key, PRESET_NAMES[key]) for key in PRESET_LABELS],
        "currency": request.user.home_currency,
        "csv_url": "?" + urlencode(params | {"format": "csv"}),
        "extra_params": extra_params or {},
    }
    return render(request, template, base | context)


# --- pages --------------------------------------------------------------------------------------
@require_GET
@household_required
def index(request: HouseholdRequest) -> HttpResponse:
    return render(request, "reports/index.html", {"reports": list(REPORTS.values())})


def _drill_parent(request: HouseholdRequest) -> Category | None:
    """The top-level expense category asked for by ``?category=``; anything else is a 404."""
    raw = request.GET.get("category", "")
    if not raw:
        return None
    if not re.fullmatch(r"[0-9]{1,18}", raw):
        raise Http404("No such category")
    parent = get_category(request.household, int(raw))
    if parent.kind != CategoryKind.EXPENSE or parent.parent_id is not None:
        raise Http404("Only top-level expense categories have subcategories to show")
    return parent


@require_GET
@household_required
def spending(request: HouseholdRequest) -> HttpResponse:
    page = REPORTS["spending"]
    date_range = _date_range(request, page)
    parent = _drill_parent(request)
    currency = request.user.home_currency
    report = queries.spending_by_category(request.household, date_range.period, currency, parent)
    if _wants_csv(request):
        header = ["category", "spent", "currency", "share_percent"]
        rows: list[list[Cell]] = [
            [r.name, r.spent, currency, _percent_text(r.share)] for r in report.rows
        ]
        return csv_response(_filename(page, date_range.period), header, rows)
    base_url = reverse("reports:spending")
    links = [
        f"{base_url}?{urlencode(_range_params(date_range) | {'category': str(r.category_id)})}"
        if r.has_children
        else None
        for r in report.rows
    ]
    colours = distinct_colours(r.colour for r in report.rows)
    chart = {
        "type": "doughnut",
        "currency": currency,
        "locale": request.user.locale,
        "labels": [r.name for r in report.rows],
        "datasets": [
            {
                "label": gettext("Spent"),
                "data": _amounts(r.spent for r in report.rows),
                "colours": colours,
            }
        ],
        "links": links,
    }
    context = {
        "result": report,
        "rows": list(zip(report.rows, links, colours, strict=True)),
        "parent": parent,
        "all_url": f"{base_url}?{urlencode(_range_params(date_range))}",
        "chart": chart,
    }
    extra = {"category": str(parent.pk)} if parent else None
    return _render(request, page, date_range, "reports/spending.html", context, extra_params=extra)


@require_GET
@household_required
def trend(request: HouseholdRequest) -> HttpResponse:
    page = REPORTS["trend"]
    date_range = _date_range(request, page)
    user = request.user
    currency = user.home_currency
    report = queries.monthly_trend(
        request.household, date_range.period, currency, start_day=user.month_start_day
    )
    labels = [period_label(month, user.locale) for month in report.months]
    if _wants_csv(request):
        header = ["month_start", "month_end", "category", "spent", "currency"]
        rows: list[list[Cell]] = [
            [month.start.isoformat(), month.last_day.isoformat(), series.name, amount, currency]
            for series in report.series
            for month, amount in zip(report.months, series.amounts, strict=True)
        ]
        return csv_response(_filename(page, date_range.period), header, rows)
    colours = distinct_colours(series.colour for series in report.series)
    chart = {
        "type": "bar",
        "stacked": True,
        "currency": currency,
        "locale": user.locale,
        "labels": labels,
        "datasets": [
            {"label": s.name, "data": _amounts(s.amounts), "colour": colour}
            for s, colour in zip(report.series, colours, strict=True)
        ],
    }
    context = {
        "result": report,
        "rows": list(zip(report.series, colours, strict=True)),
        "labels": labels,
        "chart": chart,
    }
    return _render(request, page, date_range, "reports/trend.html", context)


@require_GET
@household_required
def income_expenses(request: HouseholdRequest) -> HttpResponse:
    page = REPORTS["income_expenses"]
    date_range = _date_range(request, page)
    user = request.user
    currency = user.home_currency
    report = queries.income_vs_expenses(
        request.household, date_range.period, currency, start_day=user.month_start_day
    )
    if _wants_csv(request):
        header = [
            "month_start",
            "month_end",
            "income",
            "expenses",
            "net",
            "savings_rate_percent",
            "currency",
        ]
        rows: list[list[Cell]] = [
            [
                m.period.start.isoformat(),
                m.period.last_day.isoformat(),
                m.income,
                m.expenses,
                m.net,
                _percent_text(m.savings_rate),
                currency,
            ]
            for m in report.months
        ]
        return csv_response(_filename(page, date_range.period), header, rows)
    labels = [period_label(m.period, user.locale) for m in report.months]
    chart = {
        "type": "bar",
        "currency": currency,
        "locale": user.locale,
        "labels": labels,
        "datasets": [
            {
                "label": gettext("Income"),
                "data": _amounts(m.income for m in report.months),
                "colour": INCOME_COLOUR,
            },
            {
                "label": gettext("Expenses"),
                "data": _amounts(m.expenses for m in report.months),
                "colour": EXPENSE_COLOUR,
            },
            {
                "label": gettext("Savings rate (%)"),
                "type": "line",
                "axis": "percent",
                "data": [_percent_text(m.savings_rate) for m in report.months],
                "colour": RATE_COLOUR,
            },
        ],
    }
    empty = not any(m.income or m.expenses for m in report.months)
    context = {
        "result": report,
        "rows": list(zip(labels, report.months, strict=True)),
        "chart": chart,
        "empty": empty,
    }
    return _render(request, page, date_range, "reports/income_expenses.html", context)


@require_GET
@household_required
def cash_flow(request: HouseholdRequest) -> HttpResponse:
    page = REPORTS["cash_flow"]
    date_range = _date_range(request, page)
    user = request.user
    currency = user.home_currency
    report = queries.cash_flow(
        request.household, date_range.period, currency, start_day=user.month_start_day
    )
    if _wants_csv(request):
        header = ["start", "end", "inflow", "outflow", "net", "cumulative_net", "currency"]
        rows: list[list[Cell]] = [
            [
                b.period.start.isoformat(),
                b.period.last_day.isoformat(),
                b.inflow,
                b.outflow,
                b.net,
                b.cumulative,
                currency,
            ]
            for b in report.buckets
        ]
        return csv_response(_filename(page, date_range.period), header, rows)
    labels = [period_label(b.period, user.locale) for b in report.buckets]
    axis_labels = (
        [short_day(b.period.start, user.locale) for b in report.buckets]
        if report.by_day
        else labels
    )
    chart = {
        "type": "bar",
        "currency": currency,
        "locale": user.locale,
        "labels": axis_labels,
        "datasets": [
            {
                "label": gettext("Money in"),
                "data": _amounts(b.inflow for b in report.buckets),
                "colour": INCOME_COLOUR,
            },
            {
                "label": gettext("Money out"),
                "data": _amounts(b.outflow for b in report.buckets),
                "colour": EXPENSE_COLOUR,
            },
            {
                "label": gettext("Running net"),
                "type": "line",
                "data": _amounts(b.cumulative for b in report.buckets),
                "colour": NET_COLOUR,
            },
        ],
    }
    context = {
        "result": report,
        "rows": list(zip(labels, report.buckets, strict=True)),
        "chart": chart,
        "empty": not (report.inflow or report.outflow),
    }
    return _render(request, page, date_range, "reports/cash_flow.html", context)


@require_GET
@household_required
def net_worth(request: HouseholdRequest) -> HttpResponse:
    page = REPORTS["net_worth"]
    date_range = _date_range(request, page)
    user = request.user
    currency = user.home_currency
    # Balances are history: a month that has not ended yet is shown as of today.
    tomorrow = user.today() + timedelta(days=1)
    period = Period(date_range.period.start, min(date_range.period.end, tomorrow))
    future = period.start >= period.end
    report = (
        queries.net_worth_series(
            request.household, period, currency, start_day=user.month_start_day
        )
        if not future
        else queries.NetWorthSeries(currency, [], 0, MissingRates())
    )
    if _wants_csv(request):
        header = ["date", "net_worth", "currency"]
        rows: list[list[Cell]] = [[p.day.isoformat(), p.balance, currency] for p in report.points]
        return csv_response(_filename(page, date_range.period), header, rows)
    chart = {
        "type": "line",
        "currency": currency,
        "locale": user.locale,
        "labels": [day_label(p.day, user.locale) for p in report.points],
        "datasets": [
            {
                "label": gettext("Net worth"),
                "data": _amounts(p.balance for p in report.points),
                "colour": NET_COLOUR,
            },
        ],
    }
    context = {"result": report, "chart": chart, "future": future}
    return _render(request, page, date_range, "reports/net_worth.html", context)


def _ranked(
    request: HouseholdRequest,
    page: ReportPage,
    date_range: DateRange,
    result: queries.TopPayees | queries.SpendingByTag,
    *,
    name_column: str,
) -> HttpResponse:
    """Top payees and spending by tag: a horizontal bar per row, largest first (or the CSV)."""
    currency = request.user.home_currency
    if _wants_csv(request):
        header = [name_column, "spent", "expenses", "currency"]
        rows: list[list[Cell]] = [[r.name, r.spent, r.count, currency] for r in result.rows]
        return csv_response(_filename(page, date_range.period), header, rows)
    chart = {
        "type": "bar",
        "horizontal": True,
        "currency": currency,
        "locale": request.user.locale,
        "labels": [r.name for r in result.rows],
        "datasets": [
            {
                "label": gettext("Spent"),
                "data": _amounts(r.spent for r in result.rows),
                "colour": BAR_COLOUR,
            },
        ],
    }
    context = {"result": result, "chart": chart}
    return _render(request, page, date_range, f"reports/{page.key}.html", context)


@require_GET
@household_required
def payees(request: HouseholdRequest) -> HttpResponse:
    page = REPORTS["payees"]
    date_range = _date_range(request, page)
    result = queries.top_payees(request.household, date_range.period, request.user.home_currency)
    return _ranked(request, page, date_range, result, name_column="payee")


@require_GET
@household_required
def tags(request: HouseholdRequest) -> HttpResponse:
    page = REPORTS["tags"]
    date_range = _date_range(request, page)
    result = queries.spending_by_tag(
        request.household, date_range.period, request.user.home_currency
    )
    return _ranked(request, page, date_range, result, name_column="tag")
