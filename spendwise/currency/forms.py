"""Forms of the exchange-rate pages: a rate typed by hand, an ECB file, the list's filters."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import NumberFormatError, parse_decimal
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

from spendwise.currency.ecb import MAX_FILE_BYTES, EcbFormatError, EcbRates, parse_ecb
from spendwise.currency.models import RateSource
from spendwise.currency.queries import RateFilters
from spendwise.currency.rates import RateError, check_rate
from spendwise.money import MoneyError, check_currency
from spendwise.web.forms import amount_input, date_input, money_error_text

_LETTER = re.compile(r"[^\W\d_]")


def parse_rate(text: str, locale: str) -> Decimal:
    """A rate as a person typed it (``1.0765``; ``1,0765`` in Vietnamese), exactly."""
    cleaned = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    if not cleaned:
        raise ValidationError(gettext("Enter a rate."))
    if _LETTER.search(cleaned) or len(cleaned) > 40:
        raise ValidationError(gettext("“%(strip)s” is not a rate.") % {"strip": text.strip()[:40]})
    try:
        value = parse_decimal(cleaned, locale=locale, strict=True)
    except (NumberFormatError, ArithmeticError, ValueError):
        try:  # a plain "1.0765" is always understood, whatever the locale
            value = Decimal(cleaned)
        except InvalidOperation:
            raise ValidationError(
                gettext("“%(strip)s” is not a rate.") % {"strip": text.strip()[:40]}
            ) from None
    try:
        return check_rate(value)
    except RateError as exc:
        raise ValidationError(str(exc)) from None


def _currency_code(text: str) -> str:
    try:
        return check_currency((text or "").strip())
    except MoneyError as exc:
        raise ValidationError(money_error_text(exc)) from None


def _code_input() -> forms.TextInput:
    return forms.TextInput(
        attrs={"autocomplete": "off", "class": "currency-code", "maxlength": "3", "size": "4"}
    )


class RateForm(forms.Form):
    """1 ``base`` = ``rate`` ``quote`` on ``date``, entered by hand."""

    date = forms.DateField(label=gettext_lazy("Date"), widget=date_input())
    base = forms.CharField(
        label=gettext_lazy("From currency"),
        max_length=3,
        widget=_code_input(),
        help_text=gettext_lazy("e.g. EUR"),
    )
    quote = forms.CharField(
        label=gettext_lazy("To currency"),
        max_length=3,
        widget=_code_input(),
        help_text=gettext_lazy("e.g. USD"),
    )
    rate = forms.CharField(
        label=gettext_lazy("Rate"),
        max_length=40,
        widget=amount_input(),
        help_text=gettext_lazy(
            "How much one unit of the first currency is worth in the second: "
            "1 EUR = 1.0765 USD is 1.0765."
        ),
    )

    def __init__(self, data: Any = None, *, locale: str, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.locale = locale

    def clean_base(self) -> str:
        return _currency_code(self.cleaned_data["base"])

    def clean_quote(self) -> str:
        return _currency_code(self.cleaned_data["quote"])

    def clean_rate(self) -> Decimal:
        return parse_rate(self.cleaned_data["rate"], self.locale)


class UploadForm(forms.Form):
    """An ECB reference-rate file (CSV or XML), read completely before anything is saved."""

    file = forms.FileField(
        label=gettext_lazy("ECB reference-rate file"),
        help_text=gettext_lazy(
            "eurofxref.csv, eurofxref-hist.csv, eurofxref-daily.xml or "
            "eurofxref-hist.xml (unzipped), at most 20 MB."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,.xml,text/csv,text/xml"}),
    )

    def clean_file(self) -> EcbRates:
        upload = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_FILE_BYTES:
            raise ValidationError(gettext("The file is larger than 20 MB; ECB files are smaller."))
        try:
            return parse_ecb(upload.read(MAX_FILE_BYTES + 1))
        except EcbFormatError as exc:
            raise ValidationError(gettext("Nothing was loaded: %(exc)s") % {"exc": exc}) from None


OWNER_CHOICES = [
    ("", gettext_lazy("Yours and global")),
    ("own", gettext_lazy("Yours only")),
    ("global", gettext_lazy("Global (ECB) only")),
]


class RateFilterForm(forms.Form):
    currency = forms.CharField(
        label=gettext_lazy("Currency"), required=False, max_length=3, widget=_code_input()
    )
    source = forms.ChoiceField(
        label=gettext_lazy("Source"),
        required=False,
        choices=[("", gettext_lazy("Any source")), *RateSource.choices],
    )
    owner = forms.ChoiceField(label=gettext_lazy("Whose"), required=False, choices=OWNER_CHOICES)
    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=date_input())
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=date_input())

    def clean_currency(self) -> str:
        text = (self.cleaned_data.get("currency") or "").strip()
        return _currency_code(text) if text else ""

    def filters(self) -> RateFilters:
        """The valid filters (an invalid one is shown with its error and left out)."""
        self.is_valid()
        data = self.cleaned_data
        return RateFilters(
            currency=data.get("currency") or "",
            source=data.get("source") or "",
            owner=data.get("owner") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
