"""The schedule form: what a person typed, with accounts and categories of one household only.

An account or category id of another household posted by hand is "Select a valid choice" and
nothing is written. Amounts are text, parsed exactly in the chosen account's currency.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext, gettext_lazy

from spendwise.households.models import Household
from spendwise.ledger.forms import CategoryChoiceField, active_or_current, categories_in_tree_order
from spendwise.ledger.models import Account, Category
from spendwise.money import Money
from spendwise.recurring import rules
from spendwise.recurring.actions import ScheduleInput
from spendwise.recurring.models import Frequency, Schedule, ScheduleKind
from spendwise.web.forms import (
    AMOUNT_MAX_LENGTH,
    amount_input,
    amount_text,
    cleaned_amount,
    date_input,
)

SAME_DAY = ""
DAY_CHOICES = [
    (SAME_DAY, gettext_lazy("Same day as the start date")),
    *((str(day), rules.ordinal(day)) for day in range(1, 32)),
    (str(rules.LAST_DAY), gettext_lazy("Last day of the month")),
]


class ScheduleForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("Rent, Salary, Netflix …"),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ScheduleKind.choices)
    account = forms.ModelChoiceField(
        label=gettext_lazy("Account"),
        queryset=Account.objects.none(),
        empty_label=None,
        help_text=gettext_lazy("For a transfer: from."),
    )
    to_account = forms.ModelChoiceField(
        queryset=Account.objects.none(),
        required=False,
        label=gettext_lazy("To account"),
        empty_label="—",
        help_text=gettext_lazy("Transfers only."),
    )
    amount = forms.CharField(
        label=gettext_lazy("Amount"), max_length=AMOUNT_MAX_LENGTH, widget=amount_input()
    )
    received = forms.CharField(
        max_length=AMOUNT_MAX_LENGTH,
        required=False,
        label=gettext_lazy("Amount received"),
        widget=amount_input(),
        help_text=gettext_lazy(
            "Transfers between two currencies only: what arrives in the other account."
        ),
    )
    category = CategoryChoiceField(
        label=gettext_lazy("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=gettext_lazy("No category"),
    )
    payee = forms.CharField(label=gettext_lazy("Payee"), max_length=100, required=False)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)
    frequency = forms.ChoiceField(
        label=gettext_lazy("Frequency"), choices=Frequency.choices, initial=Frequency.MONTHLY
    )
    interval = forms.IntegerField(
        min_value=1,
        max_value=rules.MAX_INTERVAL,
        initial=1,
        label=gettext_lazy("Every"),
        help_text=gettext_lazy(
            "2 with Weekly is every other week. Weekly repeats on the start date's "
            "weekday, Yearly on its day and month."
        ),
    )
    day_of_month = forms.ChoiceField(
        choices=DAY_CHOICES,
        required=False,
        label=gettext_lazy("Day of the month"),
        help_text=gettext_lazy("Monthly only. The 31st falls on the 30th in 30-day months."),
    )
    start_date = forms.DateField(label=gettext_lazy("Start date"), widget=date_input())
    end_date = forms.DateField(
        label=gettext_lazy("End date"),
        widget=date_input(),
        required=False,
        help_text=gettext_lazy("Optional."),
    )
    auto_post = forms.BooleanField(
        required=False,
        initial=True,
        label=gettext_lazy("Post automatically"),
        help_text=gettext_lazy(
            "Otherwise each date waits on the dashboard for you to confirm or skip."
        ),
    )
    active = forms.BooleanField(
        label=gettext_lazy("Active"),
        required=False,
        initial=True,
        help_text=gettext_lazy("Untick to pause."),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        household: Household,
        locale: str,
        schedule: Schedule | None = None,
        **kwargs: Any,
    ) -> None:
        if schedule is not None:
            kwargs.setdefault("initial", {}).update(self._initial(schedule, locale))
        super().__init__(data, **kwargs)
        self.locale = locale
        accounts = Account.objects.filter(household=household)
        self.fields["account"].queryset = active_or_current(  # type: ignore[attr-defined]
            accounts, schedule.account if schedule else None
        )
        self.fields["to_account"].queryset = active_or_current(  # type: ignore[attr-defined]
            accounts, schedule.to_account if schedule else None
        )
        self.fields["category"].queryset = active_or_current(  # type: ignore[attr-defined]
            categories_in_tree_order(household), schedule.category if schedule else None
        )

    @staticmethod
    def _initial(schedule: Schedule, locale: str) -> dict[str, Any]:
        received = schedule.received if schedule.received_amount is not None else None
        return {
            "name": schedule.name,
            "kind": schedule.kind,
            "account": schedule.account_id,
            "to_account": schedule.to_account_id,
            "amount": amount_text(Money(schedule.amount, schedule.account.currency), locale),
            "received": amount_text(received, locale) if received else "",
            "category": schedule.category_id,
            "payee": schedule.payee.name if schedule.payee else "",
            "note": schedule.note,
            "frequency": schedule.frequency,
            "interval": schedule.interval,
            "day_of_month": "" if schedule.day_of_month is None else str(schedule.day_of_month),
            "start_date": schedule.start_date,
            "end_date": schedule.end_date,
            "auto_post": schedule.auto_post,
            "active": schedule.active,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        account, to_account = data.get("account"), data.get("to_account")
        if account is not None and "amount" in data:
            data["money"] = cleaned_amount(
                self, "amount", account.currency, self.locale, sign="more_than_zero"
            )
        data["received_money"] = None
        if data.get("received") and to_account is not None:
            data["received_money"] = cleaned_amount(
                self, "received", to_account.currency, self.locale, sign="more_than_zero"
            )
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", gettext("The end date must not be before the start date."))
        return data

    def schedule_input(self) -> ScheduleInput:
        data = self.cleaned_data
        is_transfer = data["kind"] == ScheduleKind.TRANSFER
        day = data.get("day_of_month") or SAME_DAY
        return ScheduleInput(
            name=data["name"],
            kind=data["kind"],
            account=data["account"],
            amount=data["money"],
            frequency=data["frequency"],
            start_date=data["start_date"],
            interval=data["interval"],
            day_of_month=None if day == SAME_DAY else int(day),
            end_date=data.get("end_date"),
            to_account=data.get("to_account") if is_transfer else None,
            received=data["received_money"] if is_transfer else None,
            category=None if is_transfer else data.get("category"),
            payee_name="" if is_transfer else data.get("payee", ""),
            note=data.get("note", ""),
            auto_post=data["auto_post"],
            active=data["active"],
        )
