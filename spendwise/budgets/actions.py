"""Writes of budgets. Each action checks the actor's role, validates, and writes every row it
touches in one database transaction, so a refused action changes nothing."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from spendwise.budgets import arithmetic
from spendwise.budgets.models import Budget, BudgetAmount
from spendwise.errors import DomainError
from spendwise.households.models import Membership
from spendwise.ledger.actions import check_can_write
from spendwise.ledger.models import Category, CategoryKind
from spendwise.money import Money
from spendwise.periods import add_months

# The ledger refuses larger amounts too: they are typing mistakes and overflow sums.
MAX_BUDGET_MINOR = 10**15


def _check_category(actor: Membership, category: Category | None) -> None:
    if category is None:
        return
    if category.household_id != actor.household_id:
        raise DomainError(
            gettext("That category does not exist."), field="category", code="not_found"
        )
    if category.kind != CategoryKind.EXPENSE:
        raise DomainError(gettext("Budgets are for expense categories."), field="category")


def _check_amount(amount: Money) -> None:
    if amount.minor < 0:
        raise DomainError(gettext("Enter an amount of zero or more."), field="amount")
    if amount.minor > MAX_BUDGET_MINOR:
        raise DomainError(gettext("That amount is too large."), field="amount")


def _check_thresholds(thresholds: tuple[int, ...]) -> str:
    try:
        return arithmetic.format_thresholds(
            arithmetic.parse_thresholds(arithmetic.format_thresholds(thresholds))
        )
    except ValueError as exc:
        raise DomainError(str(exc), field="thresholds") from None


def budget_set(
    *,
    actor: Membership,
    category: Category | None,
    month: date,
    amount: Money,
    repeats: bool,
    rollover: bool = False,
    thresholds: tuple[int, ...] = arithmetic.DEFAULT_THRESHOLDS,
) -> Budget:
    """Set the budget of ``category`` (None: overall) to ``amount`` for the label ``month``:
    from that month on when ``repeats`` (replacing a single-month amount of that month), else
    for that month only. Creates the budget the first time, in ``amount``'s currency."""
    check_can_write(actor)
    _check_category(actor, category)
    _check_amount(amount)
    stored_thresholds = _check_thresholds(thresholds)
    month = month.replace(day=1)
    try:
        return _budget_set(actor, category, month, amount, repeats, rollover, stored_thresholds)
    except IntegrityError:  # the same budget created at the same moment: it exists now
        return _budget_set(actor, category, month, amount, repeats, rollover, stored_thresholds)


def _budget_set(
    actor: Membership,
    category: Category | None,
    month: date,
    amount: Money,
    repeats: bool,
    rollover: bool,
    stored_thresholds: str,
) -> Budget:
    with transaction.atomic():
        budget, _created = Budget.objects.get_or_create(
            household=actor.household,
            category=category,
            defaults={"currency": amount.currency},
        )
        if budget.currency != amount.currency:
            raise DomainError(
                gettext(
                    "This budget is kept in %(currency)s. Delete it and set it again to budget in "
                    "%(currency2)s."
                )
                % {"currency": budget.currency, "currency2": amount.currency},
                field="amount",
            )
        budget.rollover = rollover
        budget.thresholds = stored_thresholds
        budget.save(update_fields=["rollover", "thresholds"])
        if repeats:
            # The latest intent for this month wins: a one-off amount would hide it.
            BudgetAmount.objects.filter(budget=budget, month=month, repeats=False).delete()
        BudgetAmount.objects.update_or_create(
            budget=budget, month=month, repeats=repeats, defaults={"amount": amount.minor}
        )
    return budget


def budget_delete(*, actor: Membership, budget: Budget) -> None:
    """Delete the budget with all its months and alerts (notifications already sent stay)."""
    check_can_write(actor)
    if budget.household_id != actor.household_id:
        raise DomainError(gettext("That budget does not exist."), code="not_found")
    budget.delete()


def budget_copy_last_month(*, actor: Membership, month: date) -> int:
    """Give every budget, for the label ``month`` only, the amount it had the month before
    (where that differs from what the month already has). Returns how many were copied."""
    check_can_write(actor)
    month = month.replace(day=1)
    previous = add_months(month, -1)
    copied = 0
    with transaction.atomic():
        budgets = Budget.objects.select_for_update().filter(household=actor.household)
        for budget in budgets.prefetch_related("amounts"):
            rows = [row.as_row() for row in budget.amounts.all()]
            before = arithmetic.amount_for(rows, previous)
            now = arithmetic.amount_for(rows, month)
            if before is None or (now is not None and now.amount == before.amount):
                continue
            BudgetAmount.objects.update_or_create(
                budget=budget, month=month, repeats=False, defaults={"amount": before.amount}
            )
            copied += 1
    return copied
