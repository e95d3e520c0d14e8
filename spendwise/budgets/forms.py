"""The budget form: parse what a person typed, with categories scoped to one household.

The category choices are the household's own expense categories, so an id of another
household posted by hand is "Select a valid choice" and nothing is written. The amount is
typed as text and parsed exactly in the home currency and the person's locale.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy

from spendwise.budgets import arithmetic
from spendwise.budgets.actions import MAX_BUDGET_MINOR
from spendwise.budgets.models import Budget
from spendwise.budgets.queries import budget_categories
from spendwise.households.models import Household
from spendwise.ledger.models import Category
from spendwise.money import Money
from spendwise.web.forms import AMOUNT_MAX_LENGTH, amount_input, parse_amount

REPEAT_EVERY_MONTH = "repeat"
THIS_MONTH_ONLY = "once"
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str | None) -> date | None:
    """``2026-12`` → ``date(2026, 12, 1)``; None for anything else."""
    match = _MONTH.match((text or "").strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (1900 <= year <= 2999 and 1 <= month <= 12):
        return None
    return date(year, month, 1)


class BudgetCategoryField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        label = f"— {obj.name}" if obj.parent_id else obj.name
        return f"{label} (archived)" if obj.archived else label


class BudgetForm(forms.Form):
    category = BudgetCategoryField(
        label=gettext_lazy("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=gettext_lazy("Overall (all expenses)"),
        help_text=gettext_lazy("A parent category's budget covers its subcategories too."),
    )
    amount = forms.CharField(
        label=gettext_lazy("Amount"), max_length=AMOUNT_MAX_LENGTH, widget=amount_input()
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Applies to"),
        choices=[
            (REPEAT_EVERY_MONTH, gettext_lazy("Every month from this month on")),
            (THIS_MONTH_ONLY, gettext_lazy("This month only")),
        ],
        initial=REPEAT_EVERY_MONTH,
        widget=forms.RadioSelect,
    )
    rollover = forms.BooleanField(
        required=False,
        label=gettext_lazy("Roll over"),
        help_text=gettext_lazy("Carry what is left, or what was overspent, into the next month."),
    )
    thresholds = forms.CharField(
        max_length=50,
        required=False,
        initial="80, 100",
        label=gettext_lazy("Alert at (percent)"),
        help_text=gettext_lazy(
            "Comma-separated, e.g. 80, 100. You are notified once per month at each."
        ),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        household: Household,
        currency: str,
        locale: str,
        budget: Budget | None = None,
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self.currency = budget.currency if budget else currency
        self.locale = locale
        self.budget = budget
        field = cast(forms.ModelChoiceField, self.fields["category"])
        field.queryset = budget_categories(household)
        if budget is not None:
            field.disabled = True
            field.initial = budget.category_id
        self.fields["amount"].label = f"Amount ({self.currency})"

    def clean_amount(self) -> Money:
        return parse_amount(
            self.cleaned_data["amount"],
            self.currency,
            self.locale,
            sign="zero_or_more",
            max_minor=MAX_BUDGET_MINOR,
        )

    def clean_thresholds(self) -> tuple[int, ...]:
        try:
            return arithmetic.parse_thresholds(self.cleaned_data.get("thresholds") or "")
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    @property
    def repeats(self) -> bool:
        return bool(self.cleaned_data["scope"] == REPEAT_EVERY_MONTH)
