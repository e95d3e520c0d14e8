"""Budgets: a monthly limit on spending, per expense category or overall.

A budget holds its settings; its amounts are ``BudgetAmount`` rows, each either repeating from
its month onward or for one month only (``arithmetic.amount_for`` decides which applies). Months
are labelled by the first day of the calendar month holding the budget month's last day.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from spendwise.budgets.arithmetic import DEFAULT_THRESHOLDS, AmountRow, format_thresholds
from spendwise.households.models import Household
from spendwise.ledger.models import Category


class Budget(models.Model):
    """A household's budget for one expense category (its children included) or, with no
    category, for all expenses. Amounts are in ``currency``, the creator's home currency."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="budgets")
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, null=True, blank=True, related_name="budgets"
    )
    currency = models.CharField(max_length=3)
    rollover = models.BooleanField(
        default=False,
        help_text=gettext_lazy("carry what is left (or overspent) into the next month"),
    )
    thresholds = models.CharField(
        max_length=50,
        default=format_thresholds(DEFAULT_THRESHOLDS),
        help_text=gettext_lazy("percentages that raise an alert, comma-separated"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # Two partial constraints: the overall budget has no category, and NULLs differ.
            models.UniqueConstraint(
                fields=["household", "category"],
                condition=Q(category__isnull=False),
                name="budget_unique_category",
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(category__isnull=True),
                name="budget_unique_overall",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return str(self.category) if self.category_id and self.category else "Overall"

    @property
    def is_overall(self) -> bool:
        return self.category_id is None

    @property
    def threshold_values(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.thresholds.split(",") if part.strip())


class BudgetAmount(models.Model):
    """The amount of a budget from ``month`` on (``repeats``) or for ``month`` only."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="amounts")
    month = models.DateField(help_text=gettext_lazy("first day of the label month"))
    amount = models.BigIntegerField(help_text=gettext_lazy("minor units of the budget's currency"))
    repeats = models.BooleanField(default=True)

    class Meta:
        ordering = ["month", "repeats"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "month", "repeats"], name="budgetamount_unique_month_kind"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budgetamount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.budget} {self.month:%Y-%m}: {self.amount}{'' if self.repeats else ' once'}"

    def as_row(self) -> AmountRow:
        return AmountRow(self.month, self.amount, self.repeats)


class BudgetAlert(models.Model):
    """That a threshold was reached in a month: the unique key makes each alert happen once,
    even when two writers cross it at the same moment."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="alerts")
    month = models.DateField(help_text=gettext_lazy("first day of the label month"))
    threshold = models.PositiveSmallIntegerField(help_text=gettext_lazy("percent"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "month", "threshold"], name="budgetalert_unique_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.budget} {self.month:%Y-%m} {self.threshold}%"
