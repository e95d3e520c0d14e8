"""Exchange rates and exact conversion between currencies. No Django here.

A rate says how many units of ``quote`` one unit of ``base`` is worth on a day: EUR→USD 1.0765
means 1 EUR = 1.0765 USD. Rates are ``Decimal`` with at most ``RATE_PLACES`` decimal places,
never floats.

Which rate converts ``A`` into ``B`` on ``day`` (``RateTable.rate``):

1. The latest rate between ``A`` and ``B`` (either direction: B→A is used as its inverse) on
   ``day`` or at most ``max_age_days`` before it — the ECB publishes on working days only. On
   the same date the household's own rate wins over the global (ECB) one.
2. Failing that, a cross rate through EUR: ``(EUR→B) ÷ (EUR→A)``, each leg found as in 1.
3. Failing that, no rate: ``MissingRate``. An amount is never silently taken at 1:1.

A converted amount is rounded once, half to even, to the target currency's minor unit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext

from django.utils.translation import gettext, ngettext

from spendwise.errors import DomainError
from spendwise.money import Money, check_currency, currency_exponent

EUR = "EUR"  # the ECB's base currency: cross rates go through it
RATE_PLACES = 10  # decimal places a stored rate keeps (stored as rate × 10^10)
RATE_SCALE = 10**RATE_PLACES
MAX_RATE = Decimal(10**8)  # rate × 10^10 must fit a signed 64-bit column
DEFAULT_MAX_AGE_DAYS = 7


class RateError(ValueError):
    """A rate that cannot be stored exactly; the message is user-facing."""


def check_rate(value: Decimal) -> Decimal:
    """``value`` if it is a storable rate: positive, below ``MAX_RATE``, at most
    ``RATE_PLACES`` decimal places. Raises ``RateError``."""
    if not isinstance(value, Decimal):
        raise TypeError("a rate is a Decimal, never a float")
    if not value.is_finite() or value <= 0:
        raise RateError(gettext("A rate must be a number greater than zero."))
    if value >= MAX_RATE:
        raise RateError(
            gettext("A rate must be less than %(MAX_RATE)s.") % {"MAX_RATE": format(MAX_RATE, ",")}
        )
    if value != value.quantize(Decimal(1).scaleb(-RATE_PLACES), rounding=ROUND_HALF_EVEN):
        raise RateError(
            gettext(
                "A rate has at most %(RATE_PLACES)s decimal places; for a very small rate, enter "
                "the other direction (1 ÷ rate) instead."
            )
            % {"RATE_PLACES": RATE_PLACES}
        )
    return value


def rate_to_scaled(value: Decimal) -> int:
    """The stored integer: ``value`` × 10^10 (exact, after ``check_rate``)."""
    return int(check_rate(value).scaleb(RATE_PLACES))


def scaled_to_rate(scaled: int) -> Decimal:
    """The rate a stored integer stands for, without trailing zeros (``1.0765``)."""
    value = Decimal(scaled).scaleb(-RATE_PLACES)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


class MissingRate(DomainError):
    """No rate converts ``currency`` into ``target`` on ``day`` (nor in the days allowed
    before it). The message says so plainly; the amount is not converted at all."""

    def __init__(self, currency: str, day: date, *, target: str, max_age_days: int) -> None:
        values = {"currency": currency, "target": target, "day": day.isoformat()}
        if max_age_days:
            message = ngettext(
                "No %(currency)s→%(target)s exchange rate for %(day)s or in the %(count)d day "
                "before. Add one on the Exchange rates page.",
                "No %(currency)s→%(target)s exchange rate for %(day)s or in the %(count)d days "
                "before. Add one on the Exchange rates page.",
                max_age_days,
            ) % {**values, "count": max_age_days}
        else:
            message = (
                gettext(
                    "No %(currency)s→%(target)s exchange rate for %(day)s. "
                    "Add one on the Exchange rates page."
                )
                % values
            )
        super().__init__(message, code="missing_rate")
        self.currency = currency
        self.target = target
        self.day = day


@dataclass(frozen=True, slots=True)
class StoredRate:
    """A rate as stored: 1 ``base`` = ``value`` ``quote`` on ``day``; ``own`` when it is the
    household's own rate rather than a global (ECB) one."""

    day: date
    base: str
    quote: str
    value: Decimal
    own: bool = False


@dataclass(frozen=True, slots=True)
class ConversionRate:
    """How ``base`` becomes ``quote``: multiply by ``numerator`` ÷ ``denominator`` (kept apart
    so that inverse and cross rates stay exact until the one final rounding). ``day`` is the
    date of the oldest rate used."""

    base: str
    quote: str
    numerator: Decimal
    denominator: Decimal
    day: date

    @property
    def value(self) -> Decimal:
        """The rate itself, rounded to ``RATE_PLACES`` decimal places (for display only)."""
        with localcontext(Context(prec=40)):
            exact = self.numerator / self.denominator
        return exact.quantize(Decimal(1).scaleb(-RATE_PLACES), rounding=ROUND_HALF_EVEN)

    def inverse(self) -> ConversionRate:
        return ConversionRate(self.quote, self.base, self.denominator, self.numerator, self.day)


def _divide_half_even(numerator: int, denominator: int) -> int:
    """``numerator ÷ denominator`` rounded half to even, exactly. The precision is chosen so
    that Decimal's own rounding of the quotient can never land on a half that is not one:
    a quotient that is no tie lies at least 1/(2·denominator) away from the nearest half."""
    digits = len(str(abs(numerator))) + len(str(abs(denominator))) + 3
    with localcontext(Context(prec=digits, rounding=ROUND_HALF_EVEN)):
        quotient = Decimal(numerator) / Decimal(denominator)
        return int(quotient.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def _places(value: Decimal) -> int:
    """Decimal places of a finite ``value`` (0 for an integer)."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _as_integers(numerator: Decimal, denominator: Decimal) -> tuple[int, int]:
    """The same ratio as two integers (both scaled by the power of ten they need)."""
    places = max(_places(numerator), _places(denominator))
    return int(numerator.scaleb(places)), int(denominator.scaleb(places))


def apply_rate(money: Money, rate: ConversionRate) -> Money:
    """``money`` (in ``rate.base``) in ``rate.quote``, rounded half to even to the quote
    currency's minor unit (VND 0 digits, USD 2, KWD 3)."""
    if money.currency != rate.base:
        raise ValueError(f"a {rate.base}→{rate.quote} rate cannot convert {money.currency}")
    numerator, denominator = _as_integers(rate.numerator, rate.denominator)
    shift = currency_exponent(rate.quote) - currency_exponent(rate.base)
    numerator *= money.minor * 10 ** max(shift, 0)
    denominator *= 10 ** max(-shift, 0)
    return Money(_divide_half_even(numerator, denominator), rate.quote)


class RateTable:
    """Rates loaded once (for a date range and a few currencies) answering many lookups."""

    def __init__(
        self, rates: Iterable[StoredRate], *, max_age_days: int = DEFAULT_MAX_AGE_DAYS
    ) -> None:
        if max_age_days < 0:
            raise ValueError("max_age_days must not be negative")
        self.max_age_days = max_age_days
        # (base, quote) → day → [own value, global value]
        self._pairs: dict[tuple[str, str], dict[date, list[Decimal | None]]] = defaultdict(dict)
        for rate in rates:
            slots = self._pairs[(rate.base, rate.quote)].setdefault(rate.day, [None, None])
            slots[0 if rate.own else 1] = rate.value
        self._memo: dict[tuple[str, str, date], ConversionRate | None] = {}

    def _on(self, base: str, quote: str, day: date) -> ConversionRate | None:
        """A rate between the two stored for exactly ``day``: own before global, the pair's
        own direction before its inverse."""
        forward = self._pairs.get((base, quote), {}).get(day)
        backward = self._pairs.get((quote, base), {}).get(day)
        for layer in (0, 1):
            if forward is not None and (value := forward[layer]) is not None:
                return ConversionRate(base, quote, value, Decimal(1), day)
            if backward is not None and (value := backward[layer]) is not None:
                return ConversionRate(base, quote, Decimal(1), value, day)
        return None

    def _pair(self, base: str, quote: str, day: date) -> ConversionRate | None:
        """The latest rate between the two on ``day`` or up to ``max_age_days`` before."""
        for age in range(self.max_age_days + 1):
            found = self._on(base, quote, day - timedelta(days=age))
            if found is not None:
                return found
        return None

    def rate(self, base: str, quote: str, day: date) -> ConversionRate | None:
        """The rate that converts ``base`` into ``quote`` on ``day``, or None (see the module
        docstring for the order: direct or inverse, then a cross rate through EUR)."""
        key = (base, quote, day)
        if key in self._memo:
            return self._memo[key]
        found: ConversionRate | None
        if base == quote:
            found = ConversionRate(base, quote, Decimal(1), Decimal(1), day)
        else:
            found = self._pair(base, quote, day)
            if found is None and EUR not in (base, quote):
                to_base = self._pair(EUR, base, day)
                to_quote = self._pair(EUR, quote, day)
                if to_base is not None and to_quote is not None:
                    found = ConversionRate(
                        base,
                        quote,
                        to_quote.numerator * to_base.denominator,
                        to_quote.denominator * to_base.numerator,
                        min(to_base.day, to_quote.day),
                    )
        self._memo[key] = found
        return found

    def convert(self, money: Money, to_currency: str, day: date) -> Money:
        """``money`` in ``to_currency`` at the rate of ``day``; raises ``MissingRate``."""
        target = check_currency(to_currency)
        if money.currency == target:
            return money
        rate = self.rate(money.currency, target, day)
        if rate is None:
            raise MissingRate(money.currency, day, target=target, max_age_days=self.max_age_days)
        return apply_rate(money, rate)


# --- many amounts into one currency, with the gaps reported -------------------------------------
PREVIEW_DAYS = 3  # days named in a warning before "and N more"


@dataclass(frozen=True, slots=True)
class RateGap:
    """Amounts in ``currency`` left out of a ``target`` total: no rate on ``days``."""

    currency: str
    target: str
    days: tuple[date, ...]  # oldest first
    count: int  # amounts (rollup rows' entries, transactions or balances) left out

    @property
    def message(self) -> str:
        """``No EUR→USD rate for 3 days (2026-03-01, 2026-03-02, 2026-03-05); those amounts
        are not included.``"""
        shown = ", ".join(day.isoformat() for day in self.days[:PREVIEW_DAYS])
        more = len(self.days) - PREVIEW_DAYS
        if more > 0:
            shown = gettext("%(days)s and %(more)d more") % {"days": shown, "more": more}
        return ngettext(
            "No %(currency)s→%(target)s rate for %(count)d day (%(days)s); "
            "those amounts are not included.",
            "No %(currency)s→%(target)s rate for %(count)d days (%(days)s); "
            "those amounts are not included.",
            len(self.days),
        ) % {
            "currency": self.currency,
            "target": self.target,
            "count": len(self.days),
            "days": shown,
        }


@dataclass(frozen=True, slots=True)
class MissingRates:
    """Everything a converted total had to leave out, per currency (empty: nothing)."""

    gaps: tuple[RateGap, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.gaps)

    @property
    def messages(self) -> list[str]:
        return [gap.message for gap in self.gaps]

    @property
    def currencies(self) -> tuple[str, ...]:
        return tuple(gap.currency for gap in self.gaps)

    def __or__(self, other: MissingRates) -> MissingRates:
        """Both sets of gaps together (days and counts of one currency added up)."""
        days: dict[tuple[str, str], set[date]] = defaultdict(set)
        counts: dict[tuple[str, str], int] = defaultdict(int)
        for gap in (*self.gaps, *other.gaps):
            days[(gap.currency, gap.target)].update(gap.days)
            counts[(gap.currency, gap.target)] += gap.count
        return MissingRates(
            tuple(
                RateGap(key[0], key[1], tuple(sorted(days[key])), counts[key])
                for key in sorted(days)
            )
        )


@dataclass
class Converter:
    """Converts many amounts into ``target`` through one ``RateTable`` and remembers which
    could not be converted, for a plain warning next to the total."""

    table: RateTable
    target: str
    _missing_days: dict[str, set[date]] = field(default_factory=lambda: defaultdict(set))
    _missing_counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def minor(self, minor: int, currency: str, day: date | None, count: int = 1) -> int | None:
        """``minor`` units of ``currency`` in minor units of ``target`` at ``day``'s rate;
        None (and remembered, as ``count`` amounts) when there is no rate. ``day`` may be None
        only for amounts already in ``target``."""
        if currency == self.target or minor == 0:  # nothing is nothing in any currency
            return minor
        if day is None:
            raise ValueError(f"a {currency} amount needs its date to be converted")
        rate = self.table.rate(currency, self.target, day)
        if rate is None:
            self._missing_days[currency].add(day)
            self._missing_counts[currency] += count
            return None
        return apply_rate(Money(minor, currency), rate).minor

    def missing(self) -> MissingRates:
        return MissingRates(
            tuple(
                RateGap(
                    currency,
                    self.target,
                    tuple(sorted(self._missing_days[currency])),
                    self._missing_counts[currency],
                )
                for currency in sorted(self._missing_days)
            )
        )
