"""Loading rates (the operator's command, a household's upload, a rate by hand) and converting
with them through the database: exact storage, replace-on-reload, all-or-nothing, and each
household's own rates kept to itself."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from spendwise.currency import actions, queries
from spendwise.currency.ecb import parse_ecb
from spendwise.currency.models import ExchangeRate, RateSource
from spendwise.currency.rates import MissingRate
from spendwise.errors import DomainError, PermissionDenied
from spendwise.money import Money

pytestmark = pytest.mark.django_db

HIST = "Date,USD,JPY,VND,\n2026-03-06,1.0765,163.45,N/A,\n2026-03-05,1.0801,162.9,27345.6789,\n"


def stored() -> list[tuple[str, int | None, str, str, Decimal, str]]:
    return [
        (r.date.isoformat(), r.household_id, r.base, r.quote, r.rate, r.source)
        for r in ExchangeRate.objects.order_by("date", "quote", "household_id")
    ]


def test_the_command_loads_global_rates_exactly(tmp_path):
    path = tmp_path / "eurofxref-hist.csv"
    path.write_text(HIST)
    out = io.StringIO()

    call_command("load_ecb_rates", str(path), stdout=out)

    assert stored() == [
        ("2026-03-05", None, "EUR", "JPY", Decimal("162.9"), "ecb"),
        ("2026-03-05", None, "EUR", "USD", Decimal("1.0801"), "ecb"),
        ("2026-03-05", None, "EUR", "VND", Decimal("27345.6789"), "ecb"),
        ("2026-03-06", None, "EUR", "JPY", Decimal("163.45"), "ecb"),
        ("2026-03-06", None, "EUR", "USD", Decimal("1.0765"), "ecb"),
    ]
    assert ExchangeRate.objects.get(date="2026-03-05", quote="VND").rate_e10 == 273_456_789_000_000
    assert "Loaded 5 EUR rates for 2 day(s), 2026-03-05 to 2026-03-06, 3 currencies." in (
        out.getvalue()
    )


def test_loading_a_date_again_replaces_its_rates(tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text(HIST)
    call_command("load_ecb_rates", str(path), stdout=io.StringIO())
    path.write_text("Date, USD, \n06 March 2026, 1.2, \n")

    call_command("load_ecb_rates", str(path), stdout=io.StringIO())

    assert ExchangeRate.objects.count() == 5
    assert ExchangeRate.objects.get(date="2026-03-06", quote="USD").rate == Decimal("1.2")


def test_a_broken_file_changes_nothing(tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text(HIST)
    call_command("load_ecb_rates", str(path), stdout=io.StringIO())
    before = stored()
    # the first line is fine and would replace a rate; the second is broken
    path.write_text("Date,USD,\n2026-03-06,9.99,\n2026-03-05,1.0x,\n")

    with pytest.raises(CommandError) as raised:
        call_command("load_ecb_rates", str(path), stdout=io.StringIO())

    assert str(raised.value) == (f"{path}: nothing was loaded. Line 3, USD: “1.0x” is not a rate.")
    assert stored() == before


def test_a_truncated_xml_file_changes_nothing(tmp_path):
    path = tmp_path / "eurofxref-daily.xml"
    path.write_bytes(
        b"<gesmes:Envelope xmlns:gesmes='http://www.gesmes.org/xml/2002-08-01'><Cube>"
        b"<Cube time='2026-03-06'><Cube currency='USD' rate='1.0765'/>"
    )

    with pytest.raises(CommandError, match="The XML file cannot be read"):
        call_command("load_ecb_rates", str(path), stdout=io.StringIO())

    assert ExchangeRate.objects.count() == 0


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("load_ecb_rates", str(tmp_path / "nope.csv"))


def test_an_upload_becomes_the_households_own_rates(owner, outsider):
    written = actions.household_rates_load(actor=owner, rates=parse_ecb(HIST.encode()))

    assert written == 5
    assert {r.household_id for r in ExchangeRate.objects.all()} == {owner.household_id}
    assert queries.visible_rates(outsider.household).count() == 0
    assert queries.visible_rates(owner.household).count() == 5


def test_a_viewer_cannot_load_set_or_delete_rates(owner, viewer):
    rate = actions.rate_set(
        actor=owner, day=date(2026, 3, 6), base="EUR", quote="USD", rate=Decimal("1.1")
    )

    with pytest.raises(PermissionDenied):
        actions.household_rates_load(actor=viewer, rates=parse_ecb(HIST.encode()))
    with pytest.raises(PermissionDenied):
        actions.rate_set(
            actor=viewer, day=date(2026, 3, 6), base="EUR", quote="USD", rate=Decimal("2")
        )
    with pytest.raises(PermissionDenied):
        actions.rate_delete(actor=viewer, rate=rate)

    assert stored() == [("2026-03-06", owner.household_id, "EUR", "USD", Decimal("1.1"), "manual")]


def test_a_rate_by_hand_replaces_the_households_rate_of_that_date(owner):
    day = date(2026, 3, 6)
    actions.rate_set(actor=owner, day=day, base="eur", quote="USD", rate=Decimal("1.1"))

    rate = actions.rate_set(actor=owner, day=day, base="EUR", quote="USD", rate=Decimal("1.2"))

    assert ExchangeRate.objects.get() == rate
    assert (rate.rate, rate.source, rate.rate_text) == (
        Decimal("1.2"), RateSource.MANUAL, "1 EUR = 1.2 USD",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("base", "quote", "rate", "field", "message"),
    [
        ("EUR", "EUR", "1", "quote", "Choose two different currencies."),
        ("EUX", "USD", "1", "base", "“EUX” is not an ISO 4217 currency code."),
        ("EUR", "USD", "0", "rate", "A rate must be a number greater than zero."),
        ("EUR", "USD", "0.00000000001", "rate", "at most 10 decimal places"),
    ],
)
def test_a_bad_rate_by_hand_is_refused(owner, base, quote, rate, field, message):
    with pytest.raises(DomainError) as raised:
        actions.rate_set(
            actor=owner, day=date(2026, 3, 6), base=base, quote=quote, rate=Decimal(rate)
        )

    assert raised.value.field == field and message in raised.value.message
    assert ExchangeRate.objects.count() == 0


def test_convert_uses_the_global_rate_the_households_own_first_and_never_anothers(owner, outsider):
    actions.global_rates_load(rates=parse_ecb(HIST.encode()))
    saturday = date(2026, 3, 7)
    ten_euros = Money(1000, "EUR")

    # Friday's rate on Saturday: 10.00 × 1.0765 = 10.765 → $10.76 (half to even)
    assert queries.convert(owner.household, ten_euros, "USD", saturday) == Money(1076, "USD")
    # cross: 10.00 USD in VND on 5 March = 1000 × 27345.6789 / 1.0801 / 100 → 253,177 ₫
    assert queries.convert(owner.household, Money(1000, "USD"), "VND", date(2026, 3, 5)) == (
        Money(253_177, "VND")
    )
    actions.rate_set(actor=outsider, day=saturday, base="EUR", quote="USD", rate=Decimal("5"))
    assert queries.convert(owner.household, ten_euros, "USD", saturday) == Money(1076, "USD")
    actions.rate_set(actor=owner, day=saturday, base="EUR", quote="USD", rate=Decimal("1.5"))
    assert queries.convert(owner.household, ten_euros, "USD", saturday) == Money(1500, "USD")
    with pytest.raises(MissingRate):
        queries.convert(owner.household, ten_euros, "GBP", saturday)


def test_a_converter_loads_its_rates_in_one_query_and_none_for_the_home_currency(owner):
    actions.global_rates_load(rates=parse_ecb(HIST.encode()))

    with CaptureQueriesContext(connection) as queries_run:
        converter = queries.converter(
            owner.household, "USD", {"EUR", "JPY", "USD"}, date(2026, 3, 1), date(2026, 3, 31)
        )
        converted = [converter.minor(100, "JPY", date(2026, 3, d)) for d in range(1, 32)]
    with CaptureQueriesContext(connection) as none_run:
        queries.converter(owner.household, "USD", {"USD"}, date(2026, 3, 1), date(2026, 3, 31))

    assert len(queries_run) == 1 and len(none_run) == 0
    # on 5 March: 100 ¥ × 1.0801 / 162.9 = $0.663… → $0.66
    assert converted[4] == 66
    assert converted[0] is None  # 1 March: no rate yet
    assert converted[13] is None  # 14 March: the 6th's rate is eight days old


def test_the_command_reads_standard_input(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(HIST.encode())))

    call_command("load_ecb_rates", "-", stdout=io.StringIO())

    assert ExchangeRate.objects.filter(household=None).count() == 5
