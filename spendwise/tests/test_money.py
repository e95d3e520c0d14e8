"""Money is exact: properties over many amounts and currencies (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spendwise.money import Money, MoneyError, currency_exponent

CURRENCIES = ["USD", "EUR", "VND", "JPY", "KWD", "GBP"]
minor_units = st.integers(min_value=-(10**15), max_value=10**15)
currencies = st.sampled_from(CURRENCIES)


def test_it_knows_each_currencys_minor_unit():
    assert [currency_exponent(c) for c in ("VND", "JPY", "USD", "EUR", "KWD")] == [0, 0, 2, 2, 3]


@given(minor_units, minor_units, minor_units, currencies)
def test_addition_is_associative_and_commutative(a, b, c, code):
    x, y, z = Money(a, code), Money(b, code), Money(c, code)
    assert (x + y) + z == x + (y + z)
    assert x + y == y + x
    assert x - x == Money.zero(code)


@given(minor_units, currencies)
def test_decimal_round_trip_is_exact(minor, code):
    money = Money(minor, code)
    assert Money.from_decimal(money.to_decimal(), code) == money
    assert Money.parse(money.amount_str(), code) == money


@given(minor_units, st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=8))
def test_allocation_adds_up_to_the_whole(minor, ratios):
    if sum(ratios) == 0:
        ratios = [*ratios[:-1], 1]
    parts = Money(minor, "USD").allocate(ratios)
    assert sum(p.minor for p in parts) == minor
    assert len(parts) == len(ratios)


@given(minor_units, currencies, st.sampled_from(["en", "vi", "de", "fr", "en_GB"]))
def test_formatted_amounts_parse_back_in_the_same_locale(minor, code, locale):
    money = Money(minor, code)
    text = money.format(locale)
    digits_only = "".join(ch for ch in text if ch.isdigit())
    assert digits_only.lstrip("0") == str(abs(minor)).lstrip("0")


def test_it_formats_vnd_without_minor_unit_in_vietnamese():
    assert Money(1234567, "VND").format("vi") == "1.234.567\xa0₫"


def test_it_formats_dollars_in_english():
    assert Money(-123456, "USD").format("en") == "-$1,234.56"


@pytest.mark.parametrize(
    ("text", "code", "locale", "minor"),
    [
        ("12.34", "USD", "en", 1234),
        ("1,234.50", "USD", "en", 123450),
        ("1.234.567", "VND", "vi", 1234567),
        ("12,5", "EUR", "de", 1250),
        ("0.125", "KWD", "en", 125),
        (" 7 ", "JPY", "en", 7),
    ],
)
def test_it_parses_what_people_type(text, code, locale, minor):
    assert Money.parse(text, code, locale) == Money(minor, code)


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("12.345", "USD", "at most 2 decimal places"),
        ("10.5", "VND", "no decimal places"),
        ("12.3.4", "USD", "is not an amount"),
        ("", "USD", "Enter an amount"),
        ("abc", "USD", "is not an amount"),
        ("NaN", "USD", "must be a number"),
        ("1e999999", "USD", "is not an amount"),
        ("1" * 60, "USD", "is not an amount"),
    ],
)
def test_it_refuses_amounts_that_are_not_exact(text, code, message):
    with pytest.raises(MoneyError, match=message):
        Money.parse(text, code)


def test_it_refuses_floats_and_mixed_currencies():
    with pytest.raises(TypeError):
        Money(1.5, "USD")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money.from_decimal(1.5, "USD")  # type: ignore[arg-type]
    with pytest.raises(MoneyError):
        Money(1, "USD") + Money(1, "EUR")
    with pytest.raises(MoneyError):
        Money(1, "XXZ")


def test_decimal_conversion_keeps_the_currencys_digits():
    assert Money(5, "KWD").to_decimal() == Decimal("0.005")
    assert Money(-5, "USD").amount_str() == "-0.05"
    assert Money(5000, "VND").amount_str() == "5000"
