"""Reading the ECB's reference-rate files: the daily and history CSVs (with N/A cells) and the
XML, and broken files refused with a message that says where."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from spendwise.currency.ecb import EcbFormatError, EcbRate, parse_ecb

# eurofxref.csv as the ECB publishes it: a long date, ", " separators and a trailing ", ".
DAILY_CSV = "Date, USD, JPY, BGN, KRW, \n27 March 2026, 1.0765, 163.45, 1.9558, 1456.21, \n"
# eurofxref-hist.csv: ISO dates, newest first, N/A for currencies without a rate that day.
HIST_CSV = (
    "Date,USD,JPY,CYP,ISK,\n"
    "2026-03-27,1.0765,163.45,N/A,150.1,\n"
    "2026-03-26,1.0801,162.9,N/A,N/A,\n"
    "2008-01-02,1.4717,163.06,0.5842,N/A,\n"
)
DAILY_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01"
    xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
  <gesmes:subject>Reference rates</gesmes:subject>
  <gesmes:Sender><gesmes:name>European Central Bank</gesmes:name></gesmes:Sender>
  <Cube>
    <Cube time='2026-03-27'>
      <Cube currency='USD' rate='1.0765'/>
      <Cube currency='JPY' rate='163.45'/>
    </Cube>
    <Cube time='2026-03-26'>
      <Cube currency='USD' rate='1.0801'/>
    </Cube>
  </Cube>
</gesmes:Envelope>
"""


def test_it_reads_the_daily_csv():
    rates = parse_ecb(DAILY_CSV.encode())

    day = date(2026, 3, 27)
    assert rates.rates == [
        EcbRate(day, "BGN", Decimal("1.9558")),
        EcbRate(day, "JPY", Decimal("163.45")),
        EcbRate(day, "KRW", Decimal("1456.21")),
        EcbRate(day, "USD", Decimal("1.0765")),
    ]
    assert rates.days == [day]


def test_it_reads_the_history_csv_and_skips_na_cells():
    rates = parse_ecb(("\ufeff" + HIST_CSV).encode())  # with a byte-order mark too

    assert [(r.day.isoformat(), r.currency, str(r.rate)) for r in rates.rates] == [
        ("2008-01-02", "CYP", "0.5842"),
        ("2008-01-02", "JPY", "163.06"),
        ("2008-01-02", "USD", "1.4717"),
        ("2026-03-26", "JPY", "162.9"),
        ("2026-03-26", "USD", "1.0801"),
        ("2026-03-27", "ISK", "150.1"),
        ("2026-03-27", "JPY", "163.45"),
        ("2026-03-27", "USD", "1.0765"),
    ]
    assert len(rates.rates) == 8  # 12 cells, 4 of them N/A
    assert rates.currencies == ["CYP", "ISK", "JPY", "USD"]


def test_it_reads_the_xml():
    rates = parse_ecb(DAILY_XML)

    assert [(r.day, r.currency, r.rate) for r in rates.rates] == [
        (date(2026, 3, 26), "USD", Decimal("1.0801")),
        (date(2026, 3, 27), "JPY", Decimal("163.45")),
        (date(2026, 3, 27), "USD", Decimal("1.0765")),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (DAILY_XML[:-40], "The XML file cannot be read"),  # truncated
        (b"<html><body>Not found</body></html>", "not an ECB reference-rate file"),
        (
            DAILY_XML.replace(b"rate='163.45'", b"rate='16x3.45'"),
            "2026-03-27, JPY: “16x3.45” is not a rate.",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
            "entities or a DTD",
        ),
        (HIST_CSV.replace("163.06", "1,63.06").encode(), "Line 4 has more values than"),
        (HIST_CSV.replace("162.9", "1.6.2").encode(), "Line 3, JPY: “1.6.2” is not a rate."),
        (HIST_CSV.replace("1.0801", "-1.0801").encode(), "Line 3, USD: “-1.0801”"),
        (HIST_CSV.replace("1.0801", "0").encode(), "greater than zero"),
        (HIST_CSV.replace("2026-03-26", "2026-02-30").encode(), "Line 3: “2026-02-30” is not"),
        (HIST_CSV.replace("CYP", "XYZ").encode(), "“XYZ” is not a currency code"),
        (
            b"Date,USD,JPY,\n2026-03-27,1.0765\n",
            "Line 2 has 1 value for 2 currencies. Is the file complete?",
        ),
        (HIST_CSV.split("\n", 1)[1].encode(), "must start with “Date”"),
        (b"Date, USD,\n", "holds no exchange rates"),
        (b"", "The file is empty."),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00\xff\xfe", "must be unzipped first"),
        (DAILY_CSV.replace("27 March", "27 Mars").encode(), "“27 Mars 2026” is not a date"),
    ],
)
def test_a_broken_file_is_refused_with_a_clear_message(content, message):
    with pytest.raises(EcbFormatError) as raised:
        parse_ecb(content)

    assert message in str(raised.value)
