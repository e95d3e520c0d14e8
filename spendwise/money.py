"""Exact money: integer minor units plus an ISO 4217 currency code.

No Django here. The number of minor units per major unit comes from CLDR through Babel
(VND and JPY 0 digits, USD 2, KWD 3 ...). Floats are refused everywhere: a ``Money`` is built
from an ``int`` of minor units or from a ``Decimal``/text that is exact in that currency.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache

from babel import Locale
from babel.numbers import (
    NumberFormatError,
    format_currency,
    get_currency_precision,
    list_currencies,
    parse_decimal,
)


class MoneyError(ValueError):
    """An amount or currency that cannot be represented exactly; the message is user-facing
    (English). ``code`` and ``params`` let a page say it in the person's language
    (``spendwise.web.forms.money_error_text``)."""

    def __init__(self, message: str, *, code: str = "invalid", **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


@cache
def known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def check_currency(code: str) -> str:
    """Return the upper-case ISO 4217 code, or raise ``MoneyError``."""
    if not isinstance(code, str) or code.upper() not in known_currencies():
        raise MoneyError(f"“{code}” is not an ISO 4217 currency code.", code="currency", value=code)
    return code.upper()


@lru_cache(maxsize=64)
def babel_locale(code: str) -> Locale:
    """``code`` (``en``, ``vi``) parsed once: Babel parses a code given as text several times
    per formatted amount, which costs more than the formatting."""
    return Locale.parse(code)


@cache
def currency_exponent(code: str) -> int:
    """Digits after the decimal point for the currency (VND 0, USD 2, KWD 3)."""
    return int(get_currency_precision(check_currency(code)))


@dataclass(frozen=True, slots=True, order=False)
class Money:
    """An exact amount: ``minor`` units (cents for USD, dong for VND) of ``currency``."""

    minor: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise TypeError(f"Money.minor must be an int, not {type(self.minor).__name__}")
        object.__setattr__(self, "currency", check_currency(self.currency))

    # --- construction ---------------------------------------------------------------------
    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def from_decimal(cls, amount: Decimal, currency: str) -> Money:
        """Exact conversion; refuses more decimal places than the currency has."""
        if not isinstance(amount, Decimal):
            raise TypeError("Money.from_decimal takes a Decimal, never a float")
        if not amount.is_finite():
            raise MoneyError("The amount must be a number.", code="not_number")
        exponent = currency_exponent(currency)
        scaled = amount.scaleb(exponent)
        if scaled != scaled.to_integral_value():
            if exponent == 0:
                raise MoneyError(
                    f"{check_currency(currency)} amounts have no decimal places.",
                    code="no_decimals",
                    currency=check_currency(currency),
                )
            raise MoneyError(
                f"{check_currency(currency)} amounts have at most {exponent} decimal places.",
                code="decimals",
                currency=check_currency(currency),
                places=exponent,
            )
        return cls(int(scaled), currency)

    @classmethod
    def parse(cls, text: str, currency: str, locale: str = "en") -> Money:
        """Parse what a person typed (``1,234.56`` in English, ``1.234.567`` in Vietnamese)."""
        cleaned = (text or "").strip().replace("\u00a0", "").replace(" ", "")
        if not cleaned:
            raise MoneyError("Enter an amount.", code="empty")
        if len(cleaned) > 40 or "e" in cleaned.lower():  # no exponents: "1e999999" is no amount
            raise MoneyError(f"“{text}” is not an amount.", code="not_amount", text=text)
        try:
            amount = parse_decimal(cleaned, locale=locale, strict=True)
        except (NumberFormatError, ArithmeticError, ValueError):
            try:  # a plain "1234.56" is always understood, whatever the locale
                amount = Decimal(cleaned)
            except ArithmeticError:
                raise MoneyError(
                    f"“{text}” is not an amount.", code="not_amount", text=text
                ) from None
        return cls.from_decimal(amount, currency)

    # --- conversion ------------------------------------------------------------------------
    @property
    def exponent(self) -> int:
        return currency_exponent(self.currency)

    def to_decimal(self) -> Decimal:
        return Decimal(self.minor).scaleb(-self.exponent)

    def amount_str(self) -> str:
        """Plain decimal text with the currency's digits: ``-12.50``, ``1000``, ``1.250``."""
        return f"{self.to_decimal():.{self.exponent}f}"

    def format(self, locale: str = "en") -> str:
        """For display in the person's locale: ``$1,234.56``, ``1.234.567 ₫``."""
        return str(format_currency(self.to_decimal(), self.currency, locale=babel_locale(locale)))

    # --- arithmetic ------------------------------------------------------------------------
    def _same(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise MoneyError(f"Cannot combine {self.currency} with {other.currency}.")
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.minor + self._same(other).minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.minor - self._same(other).minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.minor), self.currency)

    def __mul__(self, factor: int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int):
            raise TypeError("Money can only be multiplied by an int")
        return Money(self.minor * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        return self.minor < self._same(other).minor

    def __le__(self, other: Money) -> bool:
        return self.minor <= self._same(other).minor

    def __gt__(self, other: Money) -> bool:
        return self.minor > self._same(other).minor

    def __ge__(self, other: Money) -> bool:
        return self.minor >= self._same(other).minor

    def __bool__(self) -> bool:
        return self.minor != 0

    def allocate(self, ratios: list[int]) -> list[Money]:
        """Split into parts proportional to ``ratios`` that add up exactly to this amount.

        Leftover minor units go one each to the first parts (largest-remainder is not needed
        for fairness at one unit). Used for splitting shared expenses.
        """
        if not ratios or any(r < 0 for r in ratios) or sum(ratios) == 0:
            raise MoneyError("Ratios must be non-negative and not all zero.")
        total = sum(ratios)
        sign = -1 if self.minor < 0 else 1
        magnitude = abs(self.minor)
        parts = [magnitude * r // total for r in ratios]
        remainder = magnitude - sum(parts)
        for index in range(remainder):
            parts[index % len(parts)] += 1
        return [Money(sign * p, self.currency) for p in parts]

    def __str__(self) -> str:
        return f"{self.amount_str()} {self.currency}"
