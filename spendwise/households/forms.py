"""Forms of the household pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from spendwise.households.models import Household, Role
from spendwise.identity.models import User
from spendwise.web.forms import AMOUNT_MAX_LENGTH, amount_input, cleaned_amount, date_input


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class HouseholdForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)


class SettleForm(forms.Form):
    """One payment of the settle-up suggestion (the page fills it in; the amount can be
    changed for a partial payment)."""

    payer = forms.ModelChoiceField(queryset=User.objects.none(), label=_("From"))
    payee = forms.ModelChoiceField(queryset=User.objects.none(), label=_("To"))
    amount = forms.CharField(label=_("Amount"), max_length=AMOUNT_MAX_LENGTH, widget=amount_input())
    currency = forms.CharField(max_length=3, widget=forms.HiddenInput)
    period_start = forms.DateField(widget=date_input())
    period_end = forms.DateField(widget=date_input())

    def __init__(self, data: Any = None, *, household: Household, locale: str, **kw: Any) -> None:
        super().__init__(data, **kw)
        self.locale = locale
        people = User.objects.filter(memberships__household=household)
        self.fields["payer"].queryset = people  # type: ignore[attr-defined]
        self.fields["payee"].queryset = people  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "amount" in data and "currency" in data:
            data["money"] = cleaned_amount(
                self, "amount", data["currency"].upper(), self.locale, sign="more_than_zero"
            )
        return data
