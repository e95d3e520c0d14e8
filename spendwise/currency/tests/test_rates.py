"""Conversion arithmetic, worked out by hand: direct, inverse and cross rates, rounding half to
even to each currency's minor unit, the latest-rate-within-7-days rule, and a missing rate
reported (never taken as 1)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from spendwise.currency.rates import (
    Converter,
    MissingRate,
    MissingRates,
    RateError,
    RateGap,
    RateTable,
    StoredRate,
    check_rate,
    rate_to_scaled,
    scaled_to_rate,
)
from spendwise.money import Money

MON = date(2026, 3, 2)


def rate(base: str, quote: str, value: str, day: date = MON, *, own: bool = False) -> StoredRate:
    return StoredRate(day, base, quote, Decimal(value), own)


def table(*rates: StoredRate, max_age_days: int = 7) -> RateTable:
    return RateTable(rates, max_age_days=max_age_days)


def test_it_converts_with_a_direct_rate():
    rates = table(rate("EUR", "USD", "1.0765"))

    # 12.34 EUR × 1.0765 = 13.28401 USD → 13.28
    assert rates.convert(Money(1234, "EUR"), "USD", MON) == Money(1328, "USD")


def test_it_converts_with_the_inverse_of_a_rate():
    rates = table(rate("EUR", "USD", "1.25"))

    # 10.00 USD ÷ 1.25 = 8.00 EUR
    assert rates.convert(Money(1000, "USD"), "EUR", MON) == Money(800, "EUR")
    # 1.00 USD ÷ 1.0765 would be 0.92893… : exact division, then one rounding
    assert table(rate("EUR", "USD", "1.0765")).convert(Money(100, "USD"), "EUR", MON) == Money(
        93, "EUR"
    )


def test_it_crosses_through_eur_when_only_eur_based_rates_exist():
    rates = table(rate("EUR", "USD", "1.08"), rate("EUR", "VND", "27000"))

    # USD→VND = EUR→VND ÷ EUR→USD = 27000 / 1.08 = 25000 exactly: 10.00 USD = 250,000 ₫
    assert rates.convert(Money(1000, "USD"), "VND", MON) == Money(250_000, "VND")
    # and back: 250,000 ₫ × 1.08 / 27000 = 10.00 USD
    assert rates.convert(Money(250_000, "VND"), "USD", MON) == Money(1000, "USD")
    cross = rates.rate("USD", "VND", MON)
    assert cross is not None and cross.value == Decimal("25000")


def test_it_rounds_to_the_targets_minor_unit_half_to_even():
    rates = table(
        rate("EUR", "VND", "27345.6789"),
        rate("EUR", "KWD", "0.33333"),
        rate("USD", "EUR", "0.5"),
    )

    # VND has no decimals: 10.00 EUR × 27345.6789 = 273,456.789 → 273,457
    assert rates.convert(Money(1000, "EUR"), "VND", MON) == Money(273_457, "VND")
    # KWD has three: 12.34 EUR × 0.33333 = 4.1132922 → 4.113
    assert rates.convert(Money(1234, "EUR"), "KWD", MON) == Money(4113, "KWD")
    # ties go to the even cent: 0.01 USD × 0.5 = 0.005 → 0.00; 0.03 × 0.5 = 0.015 → 0.02
    assert rates.convert(Money(1, "USD"), "EUR", MON) == Money(0, "EUR")
    assert rates.convert(Money(3, "USD"), "EUR", MON) == Money(2, "EUR")
    assert rates.convert(Money(-3, "USD"), "EUR", MON) == Money(-2, "EUR")
    # KWD → USD through EUR: 1.000 KWD ÷ 0.33333 × 2 (EUR→USD is the inverse of 0.5)
    # = 6.00006… USD → 6.00
    assert rates.convert(Money(1000, "KWD"), "USD", MON) == Money(600, "USD")


def test_a_missing_rate_is_reported_and_never_taken_as_one():
    rates = table(rate("EUR", "USD", "1.08"))

    with pytest.raises(MissingRate) as raised:
        rates.convert(Money(1000, "GBP"), "USD", MON)

    assert raised.value.currency == "GBP" and raised.value.day == MON
    assert raised.value.message == (
        "No GBP→USD exchange rate for 2026-03-02 or in the 7 days before. "
        "Add one on the Exchange rates page."
    )
    assert rates.convert(Money(1000, "USD"), "USD", MON) == Money(1000, "USD")  # same: as is


def test_it_uses_the_latest_rate_up_to_seven_days_before_and_no_older():
    rates = table(
        rate("EUR", "USD", "1.10", date(2026, 3, 6)),  # Friday
        rate("EUR", "USD", "1.20", date(2026, 3, 5)),
    )

    saturday, next_friday, next_saturday = date(2026, 3, 7), date(2026, 3, 13), date(2026, 3, 14)
    assert rates.convert(Money(1000, "EUR"), "USD", saturday) == Money(1100, "USD")
    assert rates.convert(Money(1000, "EUR"), "USD", next_friday) == Money(1100, "USD")
    with pytest.raises(MissingRate):  # eight days after the last rate
        rates.convert(Money(1000, "EUR"), "USD", next_saturday)
    with pytest.raises(MissingRate):  # a rate is never used for days before it
        rates.convert(Money(1000, "EUR"), "USD", date(2026, 3, 4))
    assert (
        table(*[rate("EUR", "USD", "1.1", date(2026, 3, 6))], max_age_days=0).rate(
            "EUR", "USD", saturday
        )
        is None
    )


def test_the_households_own_rate_wins_on_the_same_date_only():
    rates = table(
        rate("EUR", "USD", "1.10", date(2026, 3, 6)),
        rate("EUR", "USD", "1.50", date(2026, 3, 6), own=True),
        rate("EUR", "USD", "1.20", date(2026, 3, 9)),
        rate("USD", "EUR", "0.5", date(2026, 3, 5), own=True),
    )

    assert rates.convert(Money(100, "EUR"), "USD", date(2026, 3, 6)) == Money(150, "USD")
    # a newer global rate is newer: it is used from its date on
    assert rates.convert(Money(100, "EUR"), "USD", date(2026, 3, 9)) == Money(120, "USD")
    # an own rate in the other direction beats a global rate in this direction, same date
    both = table(rate("EUR", "USD", "1.10"), rate("USD", "EUR", "0.5", own=True))
    assert both.convert(Money(100, "EUR"), "USD", MON) == Money(200, "USD")


def test_a_direct_rate_is_preferred_over_a_cross_rate():
    rates = table(
        rate("EUR", "USD", "1.08"), rate("EUR", "VND", "27000"), rate("USD", "VND", "26000")
    )

    assert rates.convert(Money(100, "USD"), "VND", MON) == Money(26_000, "VND")


def test_the_converter_collects_the_days_without_a_rate():
    converter = Converter(table(rate("EUR", "USD", "2")), "USD")

    assert converter.minor(500, "EUR", MON) == 1000
    assert converter.minor(700, "USD", date(2020, 1, 1)) == 700
    assert converter.minor(500, "EUR", date(2026, 3, 20), count=2) is None
    assert converter.minor(500, "EUR", date(2026, 3, 21)) is None
    assert converter.minor(500, "GBP", MON) is None

    missing = converter.missing()
    assert missing.messages == [
        "No EUR→USD rate for 2 days (2026-03-20, 2026-03-21); those amounts are not included.",
        "No GBP→USD rate for 1 day (2026-03-02); those amounts are not included.",
    ]
    assert missing.gaps[0].count == 3
    assert missing.currencies == ("EUR", "GBP")


def test_a_long_gap_names_three_days_and_counts_the_rest():
    gap = RateGap("EUR", "USD", tuple(date(2026, 3, d) for d in range(1, 6)), 5)

    assert gap.message == (
        "No EUR→USD rate for 5 days (2026-03-01, 2026-03-02, 2026-03-03 and 2 more); "
        "those amounts are not included."
    )


def test_missing_rates_add_up():
    first = MissingRates((RateGap("EUR", "USD", (MON,), 1),))
    second = MissingRates((RateGap("EUR", "USD", (date(2026, 3, 1), MON), 2),))

    assert (first | second).gaps == (RateGap("EUR", "USD", (date(2026, 3, 1), MON), 3),)
    assert not MissingRates()


def test_rates_are_stored_exactly_with_ten_decimal_places():
    assert rate_to_scaled(Decimal("1.0765")) == 10_765_000_000
    assert scaled_to_rate(10_765_000_000) == Decimal("1.0765")
    assert f"{scaled_to_rate(27_000 * 10**10)}" == "27000"
    assert f"{scaled_to_rate(1):f}" == "0.0000000001"
    with pytest.raises(RateError, match="at most 10 decimal places"):
        check_rate(Decimal("0.00000000001"))
    with pytest.raises(RateError, match="greater than zero"):
        check_rate(Decimal("0"))
    with pytest.raises(RateError, match="less than"):
        check_rate(Decimal("100000000"))
    with pytest.raises(TypeError):
        check_rate(1.5)  # type: ignore[arg-type]
