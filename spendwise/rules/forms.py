"""The rule form: conditions and actions, with choices scoped to one household.

Account and category choices are the household's own, so an id of another household posted by
hand is "Select a valid choice" and nothing is written. Amounts are typed as text and read in
the chosen account's currency, else in the household's currency. Patterns are checked by the
action (``rules.actions``), whose message is shown next to the field.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from spendwise.households.models import Household
from spendwise.ledger.actions import parse_tag_names
from spendwise.ledger.forms import (
    AccountChoiceField,
    CategoryChoiceField,
    active_or_current,
    categories_in_tree_order,
)
from spendwise.ledger.models import Account, Category
from spendwise.money import Money
from spendwise.rules.actions import RuleInput
from spendwise.rules.matching import MAX_PATTERN_LENGTH
from spendwise.rules.models import Rule, TextMatch
from spendwise.web.forms import AMOUNT_MAX_LENGTH, amount_input, amount_text, cleaned_amount

_TEXT_CHOICES = [("", gettext_lazy("any")), *TextMatch.choices]
_PATTERN_HELP = format_lazy(
    gettext_lazy(
        "“contains” and “is” ignore case and extra spaces. A pattern is a regular expression "
        "(case-insensitive, at most {length} characters), e.g. ^(amzn|amazon)\\b."
    ),
    length=MAX_PATTERN_LENGTH,
)


class RuleForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("For you: shown in the list of rules."),
    )
    payee_match = forms.ChoiceField(
        label=gettext_lazy("Payee"), choices=_TEXT_CHOICES, required=False
    )
    payee_value = forms.CharField(
        label=gettext_lazy("Payee text"),
        max_length=MAX_PATTERN_LENGTH + 50,  # a longer pattern gets the action's clear message
        required=False,
        help_text=_PATTERN_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    note_match = forms.ChoiceField(
        label=gettext_lazy("Note"), choices=_TEXT_CHOICES, required=False
    )
    note_value = forms.CharField(
        label=gettext_lazy("Note text"),
        max_length=MAX_PATTERN_LENGTH + 50,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    amount_min = forms.CharField(
        label=gettext_lazy("Amount from"),
        max_length=AMOUNT_MAX_LENGTH,
        required=False,
        widget=amount_input(),
        help_text=gettext_lazy(
            "Amounts are sizes: an expense of 12.50 and an income of 12.50 both count."
        ),
    )
    amount_max = forms.CharField(
        label=gettext_lazy("Amount to"),
        max_length=AMOUNT_MAX_LENGTH,
        required=False,
        widget=amount_input(),
    )
    account = AccountChoiceField(
        label=gettext_lazy("Account"),
        queryset=Account.objects.none(),
        required=False,
        empty_label=gettext_lazy("Any account"),
    )
    set_category = CategoryChoiceField(
        label=gettext_lazy("Set the category to"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=gettext_lazy("Leave the category"),
        help_text=gettext_lazy(
            "Set only on transactions of the category's kind (expense or income)."
        ),
    )
    rename_payee = forms.CharField(
        label=gettext_lazy("Rename the payee to"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    add_tags = forms.CharField(
        label=gettext_lazy("Add tags"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Separate tags with commas."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        household: Household,
        currency: str,
        locale: str,
        rule: Rule | None = None,
        **kwargs: Any,
    ) -> None:
        if rule is not None:
            kwargs.setdefault("initial", {}).update(
                {
                    "name": rule.name,
                    "payee_match": rule.payee_match,
                    "payee_value": rule.payee_value,
                    "note_match": rule.note_match,
                    "note_value": rule.note_value,
                    "amount_min": amount_text(rule.minimum, locale) if rule.minimum else "",
                    "amount_max": amount_text(rule.maximum, locale) if rule.maximum else "",
                    "account": rule.account_id,
                    "set_category": rule.set_category_id,
                    "rename_payee": rule.rename_payee,
                    "add_tags": rule.add_tags,
                }
            )
        super().__init__(data, **kwargs)
        self.currency, self.locale = currency, locale
        accounts = cast(forms.ModelChoiceField, self.fields["account"])
        accounts.queryset = active_or_current(
            Account.objects.filter(household=household), rule.account if rule else None
        )
        categories = cast(forms.ModelChoiceField, self.fields["set_category"])
        categories.queryset = active_or_current(
            categories_in_tree_order(household), rule.set_category if rule else None
        )
        self.fields["amount_min"].help_text = (
            gettext("In %(currency)s, or in the chosen account's currency.")
            % {"currency": currency}
            + " "
            + str(self.fields["amount_min"].help_text)
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for part in ("payee", "note"):
            if (data.get(f"{part}_value") or "").strip() and not data.get(f"{part}_match"):
                self.add_error(
                    f"{part}_match",
                    gettext("Choose how the payee is compared.")
                    if part == "payee"
                    else gettext("Choose how the note is compared."),
                )
        account = data.get("account")
        currency = account.currency if account else self.currency
        for name in ("amount_min", "amount_max"):
            data[f"{name}_money"] = None
            if (data.get(name) or "").strip():
                data[f"{name}_money"] = cleaned_amount(
                    self, name, currency, self.locale, sign="zero_or_more"
                )
        return data

    def rule_input(self) -> RuleInput:
        data = self.cleaned_data
        minimum: Money | None = data["amount_min_money"]
        maximum: Money | None = data["amount_max_money"]
        return RuleInput(
            name=data["name"],
            currency=self.currency,
            payee_match=data["payee_match"],
            payee_value=data["payee_value"] if data["payee_match"] else "",
            note_match=data["note_match"],
            note_value=data["note_value"] if data["note_match"] else "",
            amount_min=minimum,
            amount_max=maximum,
            account=data["account"],
            set_category=data["set_category"],
            rename_payee=data["rename_payee"],
            tag_names=tuple(parse_tag_names(data["add_tags"])),
        )
