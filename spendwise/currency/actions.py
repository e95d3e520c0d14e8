"""Writes of exchange rates. Each action checks the actor's role (the operator's command has
none: it runs on the server) and writes every row in one database transaction, so a refused
or broken load changes nothing.

Loading a rate for a date that already has one (same owner, base and quote) replaces it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from spendwise.currency.ecb import EcbRates
from spendwise.currency.models import ExchangeRate, RateSource
from spendwise.currency.rates import EUR, RateError, rate_to_scaled
from spendwise.errors import DomainError
from spendwise.households.models import Membership
from spendwise.ledger.actions import check_can_write
from spendwise.money import MoneyError, check_currency

_TABLE = ExchangeRate._meta.db_table
_COLUMNS = "(household_id, date, base, quote, rate_e10, source, updated_at)"
_UPDATE = (
    "DO UPDATE SET rate_e10 = excluded.rate_e10, source = excluded.source, "
    "updated_at = excluded.updated_at"
)
# The conflict targets name the two partial unique constraints of ExchangeRate.
_UPSERT_GLOBAL = (
    f"INSERT INTO {_TABLE} {_COLUMNS} VALUES (NULL, %s, %s, %s, %s, %s, %s) "  # noqa: S608
    f"ON CONFLICT (date, base, quote) WHERE household_id IS NULL {_UPDATE}"
)
_UPSERT_HOUSEHOLD = (
    f"INSERT INTO {_TABLE} {_COLUMNS} VALUES (%s, %s, %s, %s, %s, %s, %s) "  # noqa: S608
    f"ON CONFLICT (household_id, date, base, quote) WHERE household_id IS NOT NULL {_UPDATE}"
)
_BATCH = 5000

Row = tuple[date, str, str, int, str]  # date, base, quote, rate × 10^10, source


def _upsert(household_id: int | None, rows: Iterable[Row]) -> int:
    """Insert or replace ``rows`` as the household's own rates (None: global); returns how
    many were written. The caller holds the transaction."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = _UPSERT_GLOBAL if household_id is None else _UPSERT_HOUSEHOLD
    owner = () if household_id is None else (household_id,)
    values = [
        (*owner, day, base, quote, scaled, source, now) for day, base, quote, scaled, source in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(values), _BATCH):
            cursor.executemany(sql, values[start : start + _BATCH])
    return len(values)


def _ecb_rows(rates: EcbRates) -> list[Row]:
    return [
        (rate.day, EUR, rate.currency, rate_to_scaled(rate.rate), RateSource.ECB.value)
        for rate in rates.rates
    ]


def global_rates_load(*, rates: EcbRates) -> int:
    """Store an ECB file's rates as global reference rates, used by every household.

    Operator-only: called by ``manage.py load_ecb_rates``, never by a page (a household member
    cannot change what other households see). Returns the number of rates written.
    """
    rows = _ecb_rows(rates)
    with transaction.atomic():
        return _upsert(None, rows)


def household_rates_load(*, actor: Membership, rates: EcbRates) -> int:
    """Store an ECB file's rates as the actor's household's own rates (they win over global
    rates of the same date, for this household only). Returns the number written."""
    check_can_write(actor)
    rows = _ecb_rows(rates)
    with transaction.atomic():
        return _upsert(actor.household_id, rows)


def _check_code(code: str, field: str) -> str:
    try:
        return check_currency((code or "").strip())
    except MoneyError as exc:
        raise DomainError(str(exc), field=field) from None


def rate_set(*, actor: Membership, day: date, base: str, quote: str, rate: Decimal) -> ExchangeRate:
    """Set the household's own rate 1 ``base`` = ``rate`` ``quote`` on ``day`` (replacing
    the household's rate of that date and pair, if any)."""
    check_can_write(actor)
    base = _check_code(base, "base")
    quote = _check_code(quote, "quote")
    if base == quote:
        raise DomainError(gettext("Choose two different currencies."), field="quote")
    try:
        scaled = rate_to_scaled(rate)
    except RateError as exc:
        raise DomainError(str(exc), field="rate") from None
    with transaction.atomic():
        _upsert(actor.household_id, [(day, base, quote, scaled, RateSource.MANUAL.value)])
        return ExchangeRate.objects.get(
            household_id=actor.household_id, date=day, base=base, quote=quote
        )


def rate_delete(*, actor: Membership, rate: ExchangeRate) -> None:
    """Delete one of the household's own rates (global rates are the operator's)."""
    check_can_write(actor)
    if rate.household_id != actor.household_id:
        raise DomainError(gettext("That exchange rate does not exist."), code="not_found")
    rate.delete()
