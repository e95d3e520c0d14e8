"""The budget form: parse what a person typed, with categories scoped to one household.

The category choices are the household's own expense categories, so an id of another
household posted by hand is "Select a valid choice" and nothing is written. The amount is
typed as text and parsed exactly in the home currency and the person's locale.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, cast

from babel.numbers import format_decimal
from django import forms

from spendwise.budgets import arithmetic
from spendwise.budgets.actions import MAX_BUDGET_MINOR
from spendwise.budgets.models import Budget
from spendwise.budgets.queries import budget_categories
from spendwise.households.models import Household
from spendwise.ledger.models import Category
from spendwise.money import Money, MoneyError, currency_exponent

REPEAT_EVERY_MONTH = "repeat"
THIS_MONTH_ONLY = "once"
_LETTER = re.compile(r"[^\W\d_]")
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


def amount_text(money: Money, locale: str) -> str:
    """The amount as it would be typed in ``locale``, without grouping."""
    exponent = currency_exponent(money.currency)
    pattern = "0." + "0" * exponent if exponent else "0"
    return str(format_decimal(money.to_decimal(), format=pattern, locale=locale))


class BudgetCategoryField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        label = f"— {obj.name}" if obj.parent_id else obj.name
        return f"{label} (archived)" if obj.archived else label


class BudgetForm(forms.Form):
    category = BudgetCategoryField(
        queryset=Category.objects.none(),
        required=False,
        empty_label="Overall (all expenses)",
        help_text="A parent category's budget covers its subcategories too.",
    )
    amount = forms.CharField(
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    scope = forms.ChoiceField(
        label="Applies to",
        choices=[
            (REPEAT_EVERY_MONTH, "Every month from this month on"),
            (THIS_MONTH_ONLY, "This month only"),
        ],
        initial=REPEAT_EVERY_MONTH,
        widget=forms.RadioSelect,
    )
    rollover = forms.BooleanField(
        required=False,
        label="Roll over",
        help_text="Carry what is left, or what was overspent, into the next month.",
    )
    thresholds = forms.CharField(
        max_length=50,
        required=False,
        initial="80, 100",
        label="Alert at (percent)",
        help_text="Comma-separated, e.g. 80, 100. You are notified once per month at each.",
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
        text = self.cleaned_data["amount"]
        if _LETTER.search(text):  # "1e5" is a Decimal, but nobody types it meaning 100000
            raise forms.ValidationError(f"“{text}” is not an amount.")
        try:
            money = Money.parse(text, self.currency, self.locale)
        except MoneyError as exc:
            raise forms.ValidationError(str(exc)) from None
        except ArithmeticError:
            raise forms.ValidationError(f"“{text}” is not an amount.") from None
        if money.minor < 0:
            raise forms.ValidationError("Enter an amount of zero or more.")
        if money.minor > MAX_BUDGET_MINOR:
            raise forms.ValidationError("That amount is too large.")
        return money

    def clean_thresholds(self) -> tuple[int, ...]:
        try:
            return arithmetic.parse_thresholds(self.cleaned_data.get("thresholds") or "")
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    @property
    def repeats(self) -> bool:
        return bool(self.cleaned_data["scope"] == REPEAT_EVERY_MONTH)
