"""Amounts as banks write them: ``-1,234.56``, ``1.234,56``, ``(12.50)``, ``12,50-``,
``€ 12.50``, ``12.50 CR``, ``1'234.50``; read exactly into ``Decimal``, never ``float``.

The decimal mark is decided for a whole column (``guess_decimal_mark``) because one value
such as ``1,234`` cannot say whether it is a thousand or one and a bit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from spendwise.phrases import Phrase, gettext_noop

POINT = "."
COMMA = ","

MAX_DIGITS = 18  # more is no bank amount (and would overflow a 64-bit column anyway)

_CODE = re.compile(r"^([A-Za-z]{3})\s*|\s*([A-Za-z]{3})$")
_CREDIT_DEBIT = re.compile(r"\s*\b(CR|DR|Cr|Dr|cr|dr|H|S)\.?$")
_GROUPING = {"'", "’", "\u00a0", "\u202f", " ", "\u2009"}
_MINUS = {"-", "\u2212", "\u2013"}
_NUMBER = {
    POINT: re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^\.\d+$"),
    COMMA: re.compile(r"^(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$|^,\d+$"),
}


class AmountError(ValueError):
    """Not an amount; ``str()`` says why, for the person."""


def _strip_symbols(text: str) -> str:
    return "".join(c for c in text if unicodedata.category(c) != "Sc")


def split_amount(text: str) -> tuple[str, bool, str]:
    """(digits and separators, negative?, ISO code written next to it or "").

    Handles a sign in front or behind, parentheses, CR/DR (and the German H/S) suffixes,
    currency symbols and codes, and spaces or apostrophes that group thousands."""
    value = text.strip()
    negative = False
    code = ""
    if value.startswith("(") and value.endswith(")"):
        negative, value = True, value[1:-1].strip()
    marker = _CREDIT_DEBIT.search(value)
    if marker:
        negative = negative or marker.group(1).upper() in ("DR", "S")
        value = value[: marker.start()].strip()
    value = _strip_symbols(value).strip()
    found = _CODE.search(value)
    if found:
        code = (found.group(1) or found.group(2)).upper()
        value = (value[: found.start()] + value[found.end() :]).strip()
    if value[:1] in _MINUS:
        negative, value = True, value[1:].strip()
    elif value[:1] == "+":
        value = value[1:].strip()
    if value[-1:] in _MINUS:
        negative, value = True, value[:-1].strip()
    elif value[-1:] == "+":
        value = value[:-1].strip()
    if value.startswith("(") and value.endswith(")"):  # "-(12.50)", "€(12.50)"
        negative, value = True, value[1:-1].strip()
    value = "".join(c for c in value if c not in _GROUPING)
    return value, negative, code


def parse_amount(text: str, decimal_mark: str = POINT) -> tuple[Decimal, str]:
    """(exact amount, ISO code written next to it or ""); raises ``AmountError``."""
    shown = text.strip()
    if not shown:
        raise AmountError(Phrase(gettext_noop("The amount is empty.")))
    digits, negative, code = split_amount(shown)
    if not _NUMBER[decimal_mark].match(digits):
        other = COMMA if decimal_mark == POINT else POINT
        if _NUMBER[other].match(digits):
            raise AmountError(
                Phrase(
                    gettext_noop(
                        "“%(shown)s” does not read with “%(decimal_mark)s” as the decimal mark "
                        "(the file may use “%(other)s”)."
                    ),
                    shown=shown,
                    decimal_mark=decimal_mark,
                    other=other,
                )
            )
        raise AmountError(Phrase(gettext_noop("“%(shown)s” is not an amount."), shown=shown))
    thousands = COMMA if decimal_mark == POINT else POINT
    plain = digits.replace(thousands, "").replace(decimal_mark, ".")
    if len(plain.replace(".", "").lstrip("0")) > MAX_DIGITS:
        raise AmountError(
            Phrase(gettext_noop("“%(shown)s” is too large to be an amount."), shown=shown)
        )
    try:
        amount = Decimal(plain)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only numbers
        raise AmountError(
            Phrase(gettext_noop("“%(shown)s” is not an amount."), shown=shown)
        ) from None
    return (-amount if negative else amount), code


def guess_decimal_mark(values: Iterable[str]) -> str:
    """``,`` or ``.``: whichever the column's values show is the decimal mark.

    A value with both marks ends in its decimal mark; a mark that appears twice groups
    thousands; one mark followed by one, two or four-plus digits is a decimal mark; one mark
    followed by exactly three digits ("1,234") says nothing. Point when nothing says."""
    votes = {POINT: 0, COMMA: 0}
    for text in values:
        digits, _negative, _code = split_amount(text)
        points, commas = digits.count(POINT), digits.count(COMMA)
        if points and commas:
            votes[POINT if digits.rfind(POINT) > digits.rfind(COMMA) else COMMA] += 1
        elif points > 1:
            votes[COMMA] += 1
        elif commas > 1:
            votes[POINT] += 1
        elif points or commas:
            mark = POINT if points else COMMA
            decimals = len(digits) - digits.rfind(mark) - 1
            if decimals != 3:
                votes[mark] += 1
    return COMMA if votes[COMMA] > votes[POINT] else POINT


def looks_like_amount(text: str) -> bool:
    """Whether ``text`` reads as an amount with either decimal mark."""
    if not text.strip() or not any(c.isdigit() for c in text):
        return False
    digits, _negative, _code = split_amount(text)
    return bool(_NUMBER[POINT].match(digits) or _NUMBER[COMMA].match(digits))
