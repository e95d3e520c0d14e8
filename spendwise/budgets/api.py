"""``/api/v1/budgets``: a month's progress, set or change a budget, delete it, copy last month.

The same scoped loaders (another household's budget or category is a 404) and the same actions
as the budget pages; the month is a label month ``YYYY-MM`` as in the page's ``?month=``,
the current budget month when left out.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from spendwise.api.auth import household_request
from spendwise.api.errors import responses
from spendwise.api.schemas import (
    DecimalText,
    MoneyOut,
    QueryIn,
    StrictIn,
    money_out,
    parse_money,
)
from spendwise.budgets import actions, arithmetic, queries
from spendwise.budgets.forms import parse_month
from spendwise.budgets.models import Budget
from spendwise.errors import DomainError
from spendwise.households.decorators import HouseholdRequest
from spendwise.ledger.models import Category
from spendwise.ledger.queries import get_category
from spendwise.money import Money

router = Router(tags=["budgets"])

MONTH_PATTERN = r"^[0-9]{4}-[0-9]{2}$"
MonthText = Field(
    None,
    pattern=MONTH_PATTERN,
    examples=["2026-12"],
    description="Label month YYYY-MM (the calendar month holding the budget month's last "
    "day); the current budget month when left out",
)


def _label(request: HouseholdRequest, text: str | None, field: str = "month") -> date:
    """The label month asked for, else the current one; 400 for a month that does not exist."""
    if text is None or text == "":
        return queries.current_label(request.user)
    label = parse_month(text)
    if label is None:
        raise DomainError("Give the month as YYYY-MM, between 1900 and 2999.", field=field)
    return label


# --- schemas ------------------------------------------------------------------------------------
class BudgetProgressOut(Schema):
    id: int
    category_id: int | None = Field(description="None: the overall budget (all expenses)")
    name: str
    month: str = Field(examples=["2026-12"])
    start: date = Field(description="First day of the budget month")
    end: date = Field(description="Last day of the budget month (included)")
    budgeted: MoneyOut
    carried: MoneyOut = Field(description="From earlier months by rollover; negative: overspent")
    available: MoneyOut = Field(description="budgeted + carried")
    spent: MoneyOut = Field(description="Positive: money spent")
    remaining: MoneyOut = Field(description="available - spent; negative when over")
    projected: MoneyOut | None = Field(
        description="Spending by month end at the current pace; only for the current month"
    )
    percent: int = Field(description="Whole percent of available spent")
    over: bool
    repeats: bool = Field(description="False: the amount is for this month only")
    rollover: bool
    thresholds: list[int] = Field(description="Alert thresholds in percent")


class BudgetRef(Schema):
    id: int
    category_id: int | None
    name: str


class BudgetMonthOut(Schema):
    month: str = Field(examples=["2026-12"])
    start: date
    end: date = Field(description="Last day (included)")
    is_current: bool
    items: list[BudgetProgressOut] = Field(description="Overall first, then by category")
    unset: list[BudgetRef] = Field(description="Budgets with no amount in this month")


class BudgetAmountOut(Schema):
    month: str = Field(examples=["2026-12"])
    amount: MoneyOut
    repeats: bool = Field(description="True: from this month on; False: this month only")


class BudgetOut(Schema):
    id: int
    category_id: int | None
    name: str
    currency: str
    rollover: bool
    thresholds: list[int]
    amounts: list[BudgetAmountOut]


class BudgetChangeIn(StrictIn):
    month: str | None = MonthText
    amount: DecimalText = Field(description="Zero or more, in the budget's currency")
    repeats: bool = Field(True, description="True: from this month on; False: this month only")
    rollover: bool = False
    thresholds: list[int] = Field(
        default_factory=lambda: list(arithmetic.DEFAULT_THRESHOLDS),
        max_length=arithmetic.MAX_THRESHOLDS,
        description="Percentages (1-1000) that raise an alert once per month",
    )


class BudgetSetIn(BudgetChangeIn):
    category_id: int | None = Field(
        None, description="An expense category; none (null) for the overall budget"
    )


class MonthIn(StrictIn):
    month: str | None = MonthText


class CopiedOut(Schema):
    month: str
    copied: int = Field(description="How many budgets got last month's amount for this month")


class MonthParams(QueryIn):
    month: str | None = MonthText


def _progress_out(row: queries.BudgetProgress) -> dict[str, Any]:
    return {
        "id": row.budget.pk,
        "category_id": row.budget.category_id,
        "name": row.name,
        "month": f"{row.month:%Y-%m}",
        "start": row.period.start,
        "end": row.period.last_day,
        "budgeted": money_out(row.budgeted),
        "carried": money_out(row.carried),
        "available": money_out(row.available),
        "spent": money_out(row.spent),
        "remaining": money_out(row.remaining),
        "projected": money_out(row.projected) if row.projected is not None else None,
        "percent": row.percent,
        "over": row.over,
        "repeats": row.repeats,
        "rollover": row.budget.rollover,
        "thresholds": list(row.budget.threshold_values),
    }


def _budget_out(budget: Budget) -> dict[str, Any]:
    return {
        "id": budget.pk,
        "category_id": budget.category_id,
        "name": budget.name,
        "currency": budget.currency,
        "rollover": budget.rollover,
        "thresholds": list(budget.threshold_values),
        "amounts": [
            {
                "month": f"{row.month:%Y-%m}",
                "amount": money_out(Money(row.amount, budget.currency)),
                "repeats": row.repeats,
            }
            for row in budget.amounts.order_by("month", "repeats")
        ],
    }


# --- operations ---------------------------------------------------------------------------------
@router.get(
    "/budgets",
    response=responses(ok200=BudgetMonthOut),
    summary="Every budget's progress in one budget month (the budget page's numbers)",
)
def list_budgets(request: HttpRequest, params: Query[MonthParams]) -> dict[str, Any]:
    req = household_request(request)
    user = req.user
    label = _label(req, params.month)
    period = arithmetic.period_of(label, user.month_start_day)
    rows = queries.budget_progress(req.household, user, label)
    return {
        "month": f"{label:%Y-%m}",
        "start": period.start,
        "end": period.last_day,
        "is_current": user.today() in period,
        "items": [_progress_out(row) for row in rows],
        "unset": [
            {"id": b.pk, "category_id": b.category_id, "name": b.name}
            for b in queries.unset_budgets(req.household, label)
        ],
    }


def _set(
    req: HouseholdRequest, category: Category | None, currency: str, payload: BudgetChangeIn
) -> Budget:
    return actions.budget_set(
        actor=req.membership,
        category=category,
        month=_label(req, payload.month),
        amount=parse_money(payload.amount, currency),
        repeats=payload.repeats,
        rollover=payload.rollover,
        thresholds=tuple(payload.thresholds),
    )


@router.post(
    "/budgets",
    response=responses(ok200=BudgetOut, ok201=BudgetOut),
    summary="Set a budget for a category (or overall) from a month on, or for that month only",
    description="Creates the budget (201) the first time, else changes it (200). The amount is "
    "in your home currency for a new budget, in the budget's own currency after.",
)
def set_budget(request: HttpRequest, payload: BudgetSetIn) -> Status[Any]:
    req = household_request(request)
    category = (
        get_category(req.household, payload.category_id)
        if payload.category_id is not None
        else None
    )
    existing = Budget.objects.filter(household=req.household, category=category).first()
    currency = existing.currency if existing else req.user.home_currency
    budget = _set(req, category, currency, payload)
    return Status(200 if existing else 201, _budget_out(budget))


# Before /budgets/{budget_id}: the first route whose pattern matches answers.
@router.post(
    "/budgets/copy-last-month",
    response=responses(ok200=CopiedOut),
    summary="Give a month every budget's amount of the month before (for that month only)",
)
def copy_last_month(request: HttpRequest, payload: MonthIn) -> dict[str, Any]:
    req = household_request(request)
    label = _label(req, payload.month)
    copied = actions.budget_copy_last_month(actor=req.membership, month=label)
    return {"month": f"{label:%Y-%m}", "copied": copied}


@router.get(
    "/budgets/{budget_id}",
    response=responses(ok200=BudgetOut),
    summary="One budget with its amounts by month",
)
def get_budget(request: HttpRequest, budget_id: int) -> dict[str, Any]:
    return _budget_out(queries.get_budget(household_request(request).household, budget_id))


@router.put(
    "/budgets/{budget_id}",
    response=responses(ok200=BudgetOut),
    summary="Change a budget's amount for a month (on, or only) and its settings",
)
def update_budget(request: HttpRequest, budget_id: int, payload: BudgetChangeIn) -> dict[str, Any]:
    req = household_request(request)
    budget = queries.get_budget(req.household, budget_id)
    return _budget_out(_set(req, budget.category, budget.currency, payload))


@router.delete(
    "/budgets/{budget_id}",
    response=responses(ok204=None),
    summary="Delete a budget with all its months (notifications already sent stay)",
)
def delete_budget(request: HttpRequest, budget_id: int) -> Status[Any]:
    req = household_request(request)
    budget = queries.get_budget(req.household, budget_id)
    actions.budget_delete(actor=req.membership, budget=budget)
    return Status(204, None)
