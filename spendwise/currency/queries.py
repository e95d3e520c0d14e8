"""Reads of exchange rates, and conversion into a household's home currency.

A household sees (and converts with) the global rates plus its own, never another
household's. ``convert`` converts one amount; reports and the dashboard use ``converter``,
which loads every rate they need for a date range in one query and then converts row by row
in Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Case, DateField, F, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from spendwise.currency.models import ExchangeRate
from spendwise.currency.rates import EUR, Converter, RateTable, StoredRate, scaled_to_rate
from spendwise.households.models import Household
from spendwise.money import Money, check_currency


def max_age_days() -> int:
    """How many days before a date a rate may be and still be used for it."""
    return int(settings.EXCHANGE_RATE_MAX_AGE_DAYS)


def visible_rates(household: Household) -> QuerySet[ExchangeRate]:
    """The global rates and the household's own."""
    return ExchangeRate.objects.filter(Q(household__isnull=True) | Q(household=household))


def get_own_rate(household: Household, pk: object) -> ExchangeRate:
    """One of the household's own rates; a global rate or another household's is a 404."""
    return get_object_or_404(ExchangeRate, household=household, pk=pk)


def rate_table(
    household: Household, currencies: Iterable[str], start: date, end: date
) -> RateTable:
    """Every rate among ``currencies`` (and EUR, for cross rates) that a conversion on a day
    in [start, end] may use: one query."""
    codes = {check_currency(code) for code in currencies} | {EUR}
    oldest = start - timedelta(days=max_age_days())
    rows = (
        visible_rates(household)
        .filter(base__in=codes, quote__in=codes, date__gte=oldest, date__lte=end)
        .values_list("date", "base", "quote", "rate_e10", "household_id")
        .order_by()
    )
    return RateTable(
        (
            StoredRate(day, base, quote, scaled_to_rate(scaled), owner is not None)
            for day, base, quote, scaled, owner in rows
        ),
        max_age_days=max_age_days(),
    )


def convert(household: Household, money: Money, to_currency: str, on: date) -> Money:
    """``money`` in ``to_currency`` at the rate of ``on`` (the latest within
    ``EXCHANGE_RATE_MAX_AGE_DAYS`` before it; a cross rate through EUR when needed), rounded
    half to even to the currency's minor unit. Raises ``MissingRate``, never assumes 1:1."""
    target = check_currency(to_currency)
    if money.currency == target:
        return money
    return rate_table(household, {money.currency, target}, on, on).convert(money, target, on)


def foreign_day(currency: str, field: str = "day") -> Case:
    """SQL for grouping sums to convert: the row's date (``field``) when its amount is not in
    ``currency`` (it is converted at that day's rate), NULL when it is (home-currency amounts
    need no rate, so they stay summed over the whole range)."""
    return Case(
        When(currency=currency, then=Value(None)), default=F(field), output_field=DateField()
    )


def converter(
    household: Household, target: str, currencies: Iterable[str], start: date, end: date
) -> Converter:
    """A ``Converter`` into ``target`` for amounts in ``currencies`` dated in [start, end].
    One query for the rates; none when every amount is already in ``target``."""
    others = {code for code in currencies if code != target}
    table = rate_table(household, {*others, target}, start, end) if others else RateTable([])
    return Converter(table, target)


# --- the list page ------------------------------------------------------------------------------
@dataclass(frozen=True)
class RateFilters:
    currency: str = ""  # base or quote
    source: str = ""
    owner: str = ""  # "own", "global" or "" (both)
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class RatePage:
    rows: list[ExchangeRate]
    next_cursor: str | None


def encode_cursor(row: ExchangeRate) -> str:
    return f"{row.date.isoformat()}_{row.base}_{row.quote}_{row.pk}"


def decode_cursor(cursor: str) -> tuple[date, str, str, int] | None:
    """``None`` for a cursor that is not ours (the list then starts from the top)."""
    try:
        day, base, quote, pk = cursor.split("_", 3)
        return date.fromisoformat(day), base[:3], quote[:3], int(pk)
    except (ValueError, AttributeError):
        return None


def rates_page(
    household: Household, filters: RateFilters, *, cursor: str = "", size: int = 100
) -> RatePage:
    """Rates the household sees, newest date first and by pair within a date, ``size`` rows
    after ``cursor`` (keyset pagination: every page costs the same, however far back)."""
    rows = visible_rates(household)
    if filters.currency:
        rows = rows.filter(Q(base=filters.currency) | Q(quote=filters.currency))
    if filters.source:
        rows = rows.filter(source=filters.source)
    if filters.owner == "own":
        rows = rows.filter(household=household)
    elif filters.owner == "global":
        rows = rows.filter(household__isnull=True)
    if filters.date_from:
        rows = rows.filter(date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(date__lte=filters.date_to)
    position = decode_cursor(cursor) if cursor else None
    if position is not None:
        day, base, quote, pk = position
        # date <= day bounds the index range scan; the OR then only trims the first day.
        rows = rows.filter(date__lte=day).filter(
            Q(date__lt=day)
            | Q(date=day, base__gt=base)
            | Q(date=day, base=base, quote__gt=quote)
            | Q(date=day, base=base, quote=quote, pk__gt=pk)
        )
    batch = list(rows.order_by("-date", "base", "quote", "id")[: size + 1])
    more = len(batch) > size
    batch = batch[:size]
    return RatePage(batch, encode_cursor(batch[-1]) if more and batch else None)
