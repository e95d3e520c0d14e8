"""``/api/v1/rates/…``: the exchange rates a household converts with (the global ECB rates and
its own), adding and deleting its own rates, and converting an amount.

The same scoped loaders and actions as the Exchange rates page: another household's rate, or
a global one, is a 404 to delete; a rate is a decimal string, never a float.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from spendwise.api.auth import household_request
from spendwise.api.errors import responses
from spendwise.api.pagination import PageParams, clamp_limit, decode, encode
from spendwise.api.schemas import DecimalText, MoneyOut, QueryIn, StrictIn, money_out, parse_money
from spendwise.currency import actions, queries
from spendwise.currency.models import ExchangeRate
from spendwise.currency.rates import MissingRate

router = Router(tags=["exchange rates"])

EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)
Currency = Field(min_length=3, max_length=3, pattern=r"^[A-Za-z]{3}$", examples=["EUR"])


class RateOut(Schema):
    id: int
    date: date
    base: str = Field(examples=["EUR"])
    quote: str = Field(examples=["USD"])
    rate: str = Field(examples=["1.0765"], description="1 base = rate quote; decimal string")
    source: Literal["ecb", "manual"]
    own: bool = Field(description="The household's own rate (false: a global ECB rate)")


class RateList(Schema):
    items: list[RateOut]
    next_cursor: str | None


class RateFilterParams(PageParams):
    base: str | None = Field(None, max_length=3)
    quote: str | None = Field(None, max_length=3)
    date_from: date | None = None
    date_to: date | None = None
    own: bool | None = Field(None, description="true: only the household's own; false: global")


class RateIn(StrictIn):
    date: date
    base: str = Currency
    quote: str = Currency
    rate: DecimalText = Field(description="1 base = rate quote (at most 10 decimal places)")


class ConvertParams(QueryIn):
    amount: DecimalText
    currency: str = Currency
    to: str = Currency
    on: date | None = Field(
        None, ge=EARLIEST, le=LATEST, description="The rate's date; default: today"
    )


def _rate_out(rate: ExchangeRate) -> dict[str, Any]:
    return {
        "id": rate.pk,
        "date": rate.date,
        "base": rate.base,
        "quote": rate.quote,
        "rate": f"{rate.rate:f}",
        "source": rate.source,
        "own": rate.household_id is not None,
    }


@router.get(
    "/rates",
    response=responses(ok200=RateList),
    summary="Exchange rates the household converts with, newest date first",
)
def list_rates(request: HttpRequest, params: Query[RateFilterParams]) -> dict[str, Any]:
    household = household_request(request).household
    limit = clamp_limit(params.limit)
    rows = queries.visible_rates(household)
    if params.base:
        rows = rows.filter(base=params.base.upper())
    if params.quote:
        rows = rows.filter(quote=params.quote.upper())
    if params.date_from is not None:
        rows = rows.filter(date__gte=params.date_from)
    if params.date_to is not None:
        rows = rows.filter(date__lte=params.date_to)
    if params.own is not None:
        rows = rows.filter(household__isnull=not params.own)
    if params.cursor:
        position = queries.decode_cursor(decode(params.cursor))
        if position is None:
            raise HttpError(400, "The cursor is not valid.")
        day, base, quote, pk = position
        # The page's keyset order: (-date, base, quote, id).
        rows = rows.filter(date__lte=day).filter(
            Q(date__lt=day)
            | Q(date=day, base__gt=base)
            | Q(date=day, base=base, quote__gt=quote)
            | Q(date=day, base=base, quote=quote, pk__gt=pk)
        )
    batch = list(rows.order_by("-date", "base", "quote", "id")[: limit + 1])
    more = len(batch) > limit
    batch = batch[:limit]
    return {
        "items": [_rate_out(row) for row in batch],
        "next_cursor": encode(queries.encode_cursor(batch[-1])) if more and batch else None,
    }


@router.post(
    "/rates",
    response=responses(ok201=RateOut),
    summary="Set the household's own rate for a date (replaces its rate of that date and pair)",
)
def create_rate(request: HttpRequest, payload: RateIn) -> Status[Any]:
    req = household_request(request)
    rate = actions.rate_set(
        actor=req.membership,
        day=payload.date,
        base=payload.base.upper(),
        quote=payload.quote.upper(),
        rate=Decimal(payload.rate),
    )
    return Status(201, _rate_out(rate))


@router.get(
    "/rates/convert",
    response=responses(ok200=MoneyOut),
    summary="Convert an amount (422 naming the missing rate when there is none)",
)
def convert(request: HttpRequest, params: Query[ConvertParams]) -> dict[str, str]:
    req = household_request(request)
    money = parse_money(params.amount, params.currency.upper())
    to = params.to.upper()
    parse_money("0", to, "to")  # an unknown target currency is a 400 naming ``to``
    day = params.on or req.user.today()
    try:
        converted = queries.convert(req.household, money, to, day)
    except MissingRate as exc:
        exc.status = 422  # the request is fine; the data to answer it is missing
        raise
    return money_out(converted)


@router.delete(
    "/rates/{rate_id}",
    response=responses(ok204=None),
    summary="Delete one of the household's own rates (a global rate is a 404)",
)
def delete_rate(request: HttpRequest, rate_id: int) -> Status[Any]:
    req = household_request(request)
    actions.rate_delete(actor=req.membership, rate=queries.get_own_rate(req.household, rate_id))
    return Status(204, None)
