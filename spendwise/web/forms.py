"""What every app's forms share: amounts typed as text in the person's locale, date boxes, and
a refused action shown on its form.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from babel.numbers import format_decimal
from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_lazy

from spendwise.errors import DomainError
from spendwise.ledger.actions import MAX_AMOUNT_MINOR
from spendwise.money import Money, MoneyError, currency_exponent
from spendwise.phrases import Phrase

T = TypeVar("T")

AMOUNT_MAX_LENGTH = 32  # characters a person may type into an amount box
_LETTER = re.compile(r"[^\W\d_]")
_SIGN_MESSAGES = {
    "more_than_zero": gettext_lazy("Enter an amount greater than zero."),
    "zero_or_more": gettext_lazy("Enter an amount of zero or more."),
}


def say(text: str) -> str:
    """``text`` in the active language when it is a ``Phrase`` from a Django-free module (its
    values translated too, when they are phrases); anything else as it is."""
    if not isinstance(text, Phrase):
        return text
    values = {
        key: say(value) if isinstance(value, Phrase) else value
        for key, value in text.values.items()
    }
    return gettext(text.template) % values if values else gettext(text.template)


# spendwise.money is Django-free and words its errors in English; pages say them like this.
_MONEY_MESSAGES = {
    "currency": gettext_lazy("“%(value)s” is not an ISO 4217 currency code."),
    "not_number": gettext_lazy("The amount must be a number."),
    "no_decimals": gettext_lazy("%(currency)s amounts have no decimal places."),
    "decimals": gettext_lazy("%(currency)s amounts have at most %(places)s decimal places."),
    "empty": gettext_lazy("Enter an amount."),
    "not_amount": gettext_lazy("“%(text)s” is not an amount."),
}


def money_error_text(exc: MoneyError) -> str:
    """``exc``'s message in the active language (its English text when it has no code)."""
    message = _MONEY_MESSAGES.get(exc.code)
    return str(message) % exc.params if message is not None else str(exc)


def parse_amount(
    text: str,
    currency: str,
    locale: str,
    *,
    sign: Literal["any", "zero_or_more", "more_than_zero"] = "any",
    max_minor: int = MAX_AMOUNT_MINOR,
) -> Money:
    """What a person typed (``1,234.50``; ``1.234,5`` in Vietnamese) as exact ``currency``,
    at most ``max_minor`` minor units either side of zero.

    Raises ``ValidationError`` with a message to show next to the field.
    """
    if _LETTER.search(text):  # "1e5" is a Decimal, but nobody types it meaning 100000
        raise ValidationError(gettext("“%(text)s” is not an amount.") % {"text": text})
    try:
        money = Money.parse(text, currency, locale)
    except MoneyError as exc:
        raise ValidationError(money_error_text(exc)) from None
    except ArithmeticError:  # an exponent beyond what Decimal holds
        raise ValidationError(gettext("“%(text)s” is not an amount.") % {"text": text}) from None
    if (sign == "more_than_zero" and money.minor <= 0) or (
        sign == "zero_or_more" and money.minor < 0
    ):
        raise ValidationError(_SIGN_MESSAGES[sign])
    if abs(money.minor) > max_minor:
        raise ValidationError(gettext("That amount is too large."))
    return money


def cleaned_amount(
    form: forms.Form,
    name: str,
    currency: str,
    locale: str,
    *,
    sign: Literal["any", "zero_or_more", "more_than_zero"] = "any",
) -> Money | None:
    """The text field ``name`` of a cleaned ``form`` as ``currency`` (see ``parse_amount``);
    None, with the message put on the field, when it is not an amount."""
    try:
        return parse_amount(form.cleaned_data[name], currency, locale, sign=sign)
    except ValidationError as exc:
        form.add_error(name, exc)
        return None


def amount_text(money: Money, locale: str) -> str:
    """The amount as it would be typed in ``locale``, without grouping: ``1234.50``/``1234,50``."""
    exponent = currency_exponent(money.currency)
    pattern = "0." + "0" * exponent if exponent else "0"
    return str(format_decimal(money.to_decimal(), format=pattern, locale=locale))


def amount_input(**attrs: str) -> forms.TextInput:
    """A text box for an amount (text, so that the locale's separators are accepted)."""
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", **attrs})


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def posted(request: HttpRequest) -> Any:
    """The form data of a POST (even an empty one, so that it is validated), else None."""
    return request.POST if request.method == "POST" else None


def show_refusal(form: forms.Form, exc: DomainError) -> int:
    """Put the action's message on its field (or the whole form); return the status to answer."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return exc.status


def submit(form: forms.Form, action: Callable[[dict[str, Any]], T]) -> tuple[T | None, int]:
    """Validate a bound ``form`` and call ``action`` with its ``cleaned_data``.

    Returns (what the action returned, 200) on success, else (None, the status to answer the
    form with): 200 for an unbound form (a GET), 400 for invalid input, and a refused action's
    own status (400, or 403 for a role that cannot write), its message shown on the form.
    """
    if not form.is_bound:
        return None, 200
    if not form.is_valid():
        return None, 400
    try:
        return action(form.cleaned_data), 200
    except DomainError as exc:
        return None, show_refusal(form, exc)
