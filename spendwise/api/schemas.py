"""Schemas shared by every router: money as a decimal string with its currency, never a float."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field, field_validator

from spendwise.money import Money, MoneyError


class MoneyOut(Schema):
    amount: str = Field(examples=["-12.50"], description="Decimal string, currency's digits")
    currency: str = Field(examples=["USD"], description="ISO 4217 code")


def money_out(money: Money) -> dict[str, str]:
    return {"amount": money.amount_str(), "currency": money.currency}


def _decimal_text(value: Any) -> str:
    """Amounts travel as JSON strings ("12.50"): a JSON number would be a float on the way."""
    if isinstance(value, bool) or not isinstance(value, str):
        raise ValueError('send the amount as a string, e.g. "12.50"')
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a decimal amount") from None
    if not number.is_finite() or len(value) > 40 or "e" in value.lower():
        raise ValueError(f"{value!r} is not a decimal amount")
    return str(value).strip()


# What ``_decimal_text`` accepts, for the schema (and the clients and fuzzers that read it).
DECIMAL_PATTERN = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"

DecimalText = Annotated[
    str,
    BeforeValidator(_decimal_text),
    Field(
        examples=["12.50"],
        pattern=DECIMAL_PATTERN,
        max_length=40,
        description="Decimal string in the currency's minor digits",
        # Pydantic checks the pattern after the validator and leaves it out of the schema.
        json_schema_extra={"pattern": DECIMAL_PATTERN},
    ),
]


def parse_money(text: str, currency: str, field: str = "amount") -> Money:
    from spendwise.errors import DomainError

    try:
        return Money.from_decimal(Decimal(text), currency)
    except MoneyError as exc:
        raise DomainError(str(exc), field=field) from None


def _without_nul(value: Any) -> Any:
    """PostgreSQL cannot store a NUL character in text: refuse it (422), never a 500."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("must not contain a NUL character")
    if isinstance(value, list | tuple):
        for item in value:
            _without_nul(item)
    return value


class QueryIn(Schema):
    """Query parameters: text in them is checked as in bodies."""

    @field_validator("*", mode="after")
    @classmethod
    def _text_without_nul(cls, value: Any) -> Any:
        return _without_nul(value)


class StrictIn(QueryIn):
    """Inputs refuse fields they do not know, so a typo is an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")
