"""Reads of budgets: progress for a month, computed from the daily rollup, never from the
transactions themselves (cost: months × categories rows)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from django.db.models import BooleanField, Case, F, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, Lower, TruncMonth
from django.shortcuts import get_object_or_404

from spendwise.budgets import arithmetic
from spendwise.budgets.models import Budget
from spendwise.households.models import Household, Membership, Role
from spendwise.identity.models import User
from spendwise.ledger.models import Category, CategoryKind, DailyTotal, TransactionKind
from spendwise.money import Money
from spendwise.periods import Period

# CSS classes of a budget row by how much of it is used (colour is never the only signal:
# the row also says it in words).
WARN_PERCENT = 80
OVER_PERCENT = 100


def get_budget(household: Household, pk: object) -> Budget:
    """The household's budget ``pk``; another household's is a 404."""
    return get_object_or_404(
        Budget.objects.select_related("category", "category__parent"), household=household, pk=pk
    )


def budgets_for(household: Household | int) -> QuerySet[Budget]:
    """Overall first, then by category in tree order (a parent before its children)."""
    household_id = household if isinstance(household, int) else household.pk
    return (
        Budget.objects.filter(household_id=household_id)
        .select_related("category", "category__parent")
        .prefetch_related("amounts")
        .order_by(
            # Overall first, then each parent followed by its children, by name.
            Case(When(category__isnull=True, then=Value(0)), default=Value(1)),
            Coalesce(Lower("category__parent__name"), Lower("category__name")),
            F("category__parent").asc(nulls_first=True),
            Lower("category__name"),
            "id",
        )
    )


def budget_categories(household: Household) -> QuerySet[Category]:
    """Expense categories a budget can be set for: top-level ones and their children, in tree
    order (each parent followed by its children)."""
    return (
        Category.objects.filter(household=household, kind=CategoryKind.EXPENSE)
        .select_related("parent")
        .order_by(
            Coalesce(Lower("parent__name"), Lower("name")),
            F("parent").asc(nulls_first=True),
            Lower("name"),
            "id",
        )
    )


def month_name(label: date, locale: str = "en") -> str:
    """``December 2026`` in the person's language."""
    return str(format_date(label, format="LLLL y", locale=locale))


def settings_member(household: Household | int) -> User | None:
    """The member whose month start day, currency and language alerts follow: the household's
    first owner (or first member). The budget page follows the person looking at it."""
    household_id = household if isinstance(household, int) else household.pk
    membership = (
        Membership.objects.select_related("user")
        .filter(household_id=household_id)
        .order_by(Case(When(role=Role.OWNER, then=Value(0)), default=Value(1)), "created_at", "id")
        .first()
    )
    return membership.user if membership else None


# --- spending -----------------------------------------------------------------------------------
def spending_by_label(
    household_id: int, *, currency: str, period: Period, start_day: int
) -> dict[tuple[date, int], int]:
    """Expense spending (positive minor units of ``currency``) by (label month, category_key)
    over ``period``, grouped in the database by calendar month and by "on or after the
    start day", so the rows read are months × categories whatever the number of days."""
    rows = (
        DailyTotal.objects.filter(
            household_id=household_id,
            kind=TransactionKind.EXPENSE,
            currency=currency,
            day__gte=period.start,
            day__lt=period.end,
        )
        .annotate(
            calendar_month=TruncMonth("day"),
            late=Case(
                When(day__day__gte=start_day, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .values_list("calendar_month", "late", "category_key")
        .annotate(total=Sum("total"))
    )
    spent: dict[tuple[date, int], int] = defaultdict(int)
    for calendar_month, late, category_key, total in rows:
        month_first = calendar_month.date() if hasattr(calendar_month, "date") else calendar_month
        label = arithmetic.label_of_rollup_group(month_first, bool(late), start_day)
        spent[(label, category_key)] -= int(total or 0)  # expenses are stored negative
    return dict(spent)


def other_currencies_spent(household: Household, period: Period, currency: str) -> list[str]:
    """Currencies other than ``currency`` with expenses in ``period`` (not in any budget)."""
    return sorted(
        DailyTotal.objects.filter(
            household=household,
            kind=TransactionKind.EXPENSE,
            day__gte=period.start,
            day__lt=period.end,
        )
        .exclude(currency=currency)
        .values_list("currency", flat=True)
        .distinct()
    )


# --- progress -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class BudgetProgress:
    """One budget in one budget month. Money in the budget's currency; ``percent`` is the
    whole percent of ``available`` spent; ``projected`` only for the current month."""

    budget: Budget
    month: date  # label: first day of the calendar month holding the budget month's last day
    period: Period
    budgeted: Money
    carried: Money  # from earlier months by rollover (negative after overspending)
    available: Money  # budgeted + carried
    spent: Money
    remaining: Money  # available - spent (negative when over)
    projected: Money | None  # "at this rate" by month end; None unless the current month
    percent: int
    repeats: bool  # the amount repeats every month (False: set for this month only)

    @property
    def name(self) -> str:
        return self.budget.name

    @property
    def over(self) -> bool:
        return self.remaining.minor < 0

    @property
    def overspent(self) -> Money:
        """How much more than available was spent (zero when within the budget)."""
        return -self.remaining if self.over else Money.zero(self.remaining.currency)

    @property
    def level(self) -> str:
        """``over-100``, ``over-80`` or empty: the row's CSS class."""
        if self.percent >= OVER_PERCENT:
            return "over-100"
        if self.percent >= WARN_PERCENT:
            return "over-80"
        return ""

    @property
    def meter_value(self) -> int:
        return min(self.percent, OVER_PERCENT)

    @property
    def projected_over(self) -> bool:
        return self.projected is not None and self.projected > self.available

    @property
    def thresholds_reached(self) -> list[int]:
        return arithmetic.thresholds_crossed(
            self.spent.minor, self.available.minor, self.budget.threshold_values
        )


def _category_keys(household_id: int) -> dict[int, int | None]:
    """Expense category id → its parent's id (None for a top-level category)."""
    return dict(
        Category.objects.filter(household_id=household_id, kind=CategoryKind.EXPENSE).values_list(
            "id", "parent_id"
        )
    )


def _spent_by_month(
    budget: Budget, spending: dict[tuple[date, int], int], parents: dict[int, int | None]
) -> dict[date, int]:
    """The budget's spending per label month: everything for the overall budget, the
    category and its children for a category budget."""
    result: dict[date, int] = defaultdict(int)
    for (label, key), amount in spending.items():
        if (
            budget.category_id is None
            or key == budget.category_id
            or (key and parents.get(key) == budget.category_id)
        ):
            result[label] += amount
    return dict(result)


def progress_for(
    budgets: Iterable[Budget],
    labels: Iterable[date],
    *,
    start_day: int,
    today: date,
) -> list[BudgetProgress]:
    """Progress of each budget in each label month it has an amount for.

    Budgets must be of one household with ``amounts`` prefetched. One rollup query per
    currency covers every month needed (from the first month of a rollover budget).
    """
    budgets = list(budgets)
    labels = sorted({label.replace(day=1) for label in labels})
    if not budgets or not labels:
        return []
    household_id = budgets[0].household_id
    rows_of = {
        budget.pk: [amount.as_row() for amount in budget.amounts.all()] for budget in budgets
    }
    wanted: list[tuple[Budget, date]] = [
        (budget, label)
        for budget in budgets
        for label in labels
        if arithmetic.amount_for(rows_of[budget.pk], label) is not None
    ]
    if not wanted:
        return []
    # The dates each currency's spending is needed for.
    ranges: dict[str, tuple[date, date]] = {}
    for budget, label in wanted:
        first = arithmetic.first_month(rows_of[budget.pk]) if budget.rollover else None
        start = arithmetic.period_of(min(first or label, label), start_day).start
        end = arithmetic.period_of(label, start_day).end
        low, high = ranges.get(budget.currency, (start, end))
        ranges[budget.currency] = (min(low, start), max(high, end))
    spending = {
        currency: spending_by_label(
            household_id, currency=currency, period=Period(start, end), start_day=start_day
        )
        for currency, (start, end) in ranges.items()
    }
    parents = _category_keys(household_id)
    result = []
    for budget, label in wanted:
        rows = rows_of[budget.pk]
        period = arithmetic.period_of(label, start_day)
        spent_by_month = _spent_by_month(budget, spending[budget.currency], parents)
        figures = arithmetic.month_figures(
            rows, label, spent_by_month, rollover=budget.rollover, period=period, today=today
        )
        applied = arithmetic.amount_for(rows, label)
        if figures is None or applied is None:
            continue
        code = budget.currency
        result.append(
            BudgetProgress(
                budget=budget,
                month=label,
                period=period,
                budgeted=Money(figures.budgeted, code),
                carried=Money(figures.carried, code),
                available=Money(figures.available, code),
                spent=Money(figures.spent, code),
                remaining=Money(figures.remaining, code),
                projected=Money(figures.projected, code) if figures.projected is not None else None,
                percent=figures.percent,
                repeats=applied.repeats,
            )
        )
    return result


def budget_progress(household: Household, user: User, month_date: date) -> list[BudgetProgress]:
    """Every budget of ``household`` that has an amount in the budget month containing
    ``month_date`` (the first of a label month names that month), in ``user``'s month start
    day; overall first. Pace (``projected``) is filled in for the current month only."""
    label = arithmetic.label_of(month_date, user.month_start_day)
    return progress_for(
        budgets_for(household), [label], start_day=user.month_start_day, today=user.today()
    )


def current_label(user: User) -> date:
    """The label of the budget month ``user`` is in today."""
    return arithmetic.label_of(user.today(), user.month_start_day)


def unset_budgets(household: Household, label: date) -> list[Budget]:
    """Budgets that have no amount for ``label`` (set for other months only)."""
    return [
        budget
        for budget in budgets_for(household)
        if arithmetic.amount_for([a.as_row() for a in budget.amounts.all()], label) is None
    ]


def has_amounts_in(household: Household, label: date) -> bool:
    """Whether any budget has an amount for the label month."""
    return any(
        arithmetic.amount_for([a.as_row() for a in budget.amounts.all()], label) is not None
        for budget in budgets_for(household)
    )


def has_budgets(household: Household) -> bool:
    return Budget.objects.filter(household=household).exists()


def parent_keys(household_id: int) -> dict[int, int | None]:
    """Expense category id → parent id, for deciding which budgets a category feeds."""
    return _category_keys(household_id)


def budgets_touched(
    budgets: Iterable[Budget], category_key: int, parents: dict[int, int | None]
) -> list[Budget]:
    """The budgets spending in ``category_key`` counts towards: the overall one, the
    category's own and its parent's."""
    parent = parents.get(category_key) if category_key else None
    return [
        budget
        for budget in budgets
        if budget.category_id is None
        or (category_key and budget.category_id in (category_key, parent))
    ]
