"""Forms of the import wizard: the upload, and the CSV column mapping."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext, gettext_lazy

from spendwise.households.models import Household
from spendwise.imports.formats import amounts, dates
from spendwise.imports.formats import csv as csv_format
from spendwise.ledger.models import Account
from spendwise.web.forms import say

SINGLE = "single"
SPLIT = "split"
NOT_IN_FILE = ""


class UploadForm(forms.Form):
    account = forms.ModelChoiceField(
        label=gettext_lazy("Account"),
        queryset=Account.objects.none(),
        empty_label=None,
        help_text=gettext_lazy("The account the statement is for: its rows are added to it."),
    )
    file = forms.FileField(
        label=gettext_lazy("Statement file"),
        help_text=gettext_lazy("CSV, OFX, QFX, QIF, CAMT.053 (XML) or MT940."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.txt,.tsv,.ofx,.qfx,.qif,.xml,.sta,.940,.mt940"}
        ),
    )

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = Account.objects.filter(  # type: ignore[attr-defined]
            household=household, archived=False
        )


def _column_choices(layout: csv_format.Layout, optional: bool) -> list[tuple[str, str]]:
    choices = [(NOT_IN_FILE, gettext("— not in the file —"))] if optional else []
    for index, name in enumerate(layout.columns):
        sample = next((row[index] for row in layout.samples if index < len(row) and row[index]), "")
        example = gettext(" (e.g. %(sample)s)") % {"sample": sample[:30]} if sample else ""
        choices.append((str(index), f"{index + 1}: {name[:40]}{example}"))
    return choices


class MappingForm(forms.Form):
    """Which column is what. Column fields hold the column's index as text."""

    has_header = forms.BooleanField(
        required=False, label=gettext_lazy("The first row names the columns")
    )
    skip_rows = forms.IntegerField(
        min_value=0,
        max_value=1000,
        label=gettext_lazy("Lines to skip above the table"),
        help_text=gettext_lazy(
            "Lines such as the account name or the period, before the columns start."
        ),
    )
    date = forms.ChoiceField(label=gettext_lazy("Date"))
    date_format = forms.ChoiceField(
        label=gettext_lazy("The dates are written as"),
        required=False,
        help_text=gettext_lazy("Only the formats that read every row of the file are listed."),
    )
    amount_layout = forms.ChoiceField(
        label=gettext_lazy("Amounts are in"),
        choices=[
            (SINGLE, gettext_lazy("one column, with a sign")),
            (SPLIT, gettext_lazy("a debit and a credit column")),
        ],
        widget=forms.RadioSelect,
    )
    amount = forms.ChoiceField(label=gettext_lazy("Amount"), required=False)
    sign = forms.ChoiceField(
        label=gettext_lazy("A positive amount is"),
        choices=[
            (csv_format.SIGN_IN, gettext_lazy("money in (income), negative is money out")),
            (
                csv_format.SIGN_OUT,
                gettext_lazy("money out (spending) — as many card statements write it"),
            ),
        ],
    )
    debit = forms.ChoiceField(label=gettext_lazy("Debit (money out)"), required=False)
    credit = forms.ChoiceField(label=gettext_lazy("Credit (money in)"), required=False)
    decimal_mark = forms.ChoiceField(
        label=gettext_lazy("Decimal mark"),
        choices=[
            (amounts.POINT, gettext_lazy("point: 1,234.56")),
            (amounts.COMMA, gettext_lazy("comma: 1.234,56")),
        ],
    )
    payee = forms.ChoiceField(label=gettext_lazy("Payee"), required=False)
    description = forms.ChoiceField(
        label=gettext_lazy("Description (becomes the note)"), required=False
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        required=False,
        help_text=gettext_lazy("Used when the name matches one of your categories."),
    )
    currency = forms.ChoiceField(label=gettext_lazy("Currency"), required=False)
    bank_id = forms.ChoiceField(
        label=gettext_lazy("Bank reference"),
        required=False,
        help_text=gettext_lazy("A unique id per transaction: recognises rows imported before."),
    )

    OPTIONAL_COLUMNS = (
        "amount",
        "debit",
        "credit",
        "payee",
        "description",
        "category",
        "currency",
        "bank_id",
    )

    def __init__(
        self,
        *args: Any,
        layout: csv_format.Layout,
        mapping: csv_format.Mapping,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", self.initial_for(mapping))
        super().__init__(*args, **kwargs)
        self.layout = layout
        for name in ("date", *self.OPTIONAL_COLUMNS):
            self.fields[name].choices = _column_choices(  # type: ignore[attr-defined]
                layout, optional=name != "date"
            )
        date_field = self.fields["date_format"]
        offered = csv_format.date_choices(layout, mapping)
        # A posted date column may differ from the mapped one: offer what fits that column.
        posted_column = self.data.get("date") if self.is_bound else None
        # isascii: "²".isdigit() is true but int("²") fails; a column index is short.
        if (
            posted_column is not None
            and posted_column.isascii()
            and posted_column.isdigit()
            and len(posted_column) < 10
        ):
            chosen = csv_format.Mapping(date=int(posted_column))
            offered = csv_format.date_choices(layout, chosen)
        self.ambiguous = len(offered) > 1
        date_field.choices = [  # type: ignore[attr-defined]
            ("", gettext("— choose —")),
            *((key, key) for key in offered),
        ]
        if len(offered) < len(dates.FORMATS):
            date_field.help_text = (
                gettext("These formats read every date in the file: choose the one your bank uses.")
                if self.ambiguous
                else gettext("The only format that reads every date in the file.")
            )
        else:
            date_field.help_text = gettext(
                "No format reads every date: rows that do not fit will be errors."
            )

    @staticmethod
    def initial_for(mapping: csv_format.Mapping) -> dict[str, Any]:
        def column(index: int | None) -> str:
            return NOT_IN_FILE if index is None else str(index)

        return {
            "has_header": mapping.has_header,
            "skip_rows": mapping.skip_rows,
            "date": column(mapping.date),
            "date_format": mapping.date_format,
            "amount_layout": SINGLE
            if mapping.amount is not None or mapping.debit is None
            else SPLIT,
            "amount": column(mapping.amount),
            "sign": mapping.sign,
            "debit": column(mapping.debit),
            "credit": column(mapping.credit),
            "decimal_mark": mapping.decimal_mark,
            **{
                name: column(getattr(mapping, name))
                for name in ("payee", "description", "category", "currency", "bank_id")
            },
        }

    def mapping(self) -> csv_format.Mapping:
        """The mapping the cleaned form describes (call after ``is_valid``)."""
        data = self.cleaned_data

        def column(name: str) -> int | None:
            value = data.get(name) or NOT_IN_FILE
            return None if value == NOT_IN_FILE else int(value)

        single = data["amount_layout"] == SINGLE
        return csv_format.Mapping(
            date=column("date"),
            date_format=data.get("date_format") or "",
            amount=column("amount") if single else None,
            debit=None if single else column("debit"),
            credit=None if single else column("credit"),
            payee=column("payee"),
            description=column("description"),
            category=column("category"),
            currency=column("currency"),
            bank_id=column("bank_id"),
            decimal_mark=data["decimal_mark"],
            sign=data["sign"],
            has_header=data["has_header"],
            skip_rows=data["skip_rows"],
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        for name, message in self.mapping().problems(len(self.layout.columns)).items():
            self.add_error(None if name == "__all__" else name, say(message))
        return cleaned
