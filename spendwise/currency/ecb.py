"""The European Central Bank's euro reference-rate files, read into exact rates. No Django here.

Two formats, both with EUR as the base currency (1 EUR = rate units of the currency):

* CSV — ``eurofxref.csv`` (one day, ``04 January 2024, 1.0919, …``) and
  ``eurofxref-hist.csv`` (every day since 1999, ``2024-01-04,1.0919,…``). The first line is
  ``Date, USD, JPY, …``; a currency without a rate that day has ``N/A`` (or nothing).
* XML — ``eurofxref-daily.xml``, ``eurofxref-hist.xml``: a ``gesmes:Envelope`` holding
  ``<Cube time="2024-01-04">`` elements of ``<Cube currency="USD" rate="1.0919"/>``. Read with
  defusedxml: no entity expansion, no DTD, no external references.

A file is read completely before anything is used: any problem raises ``EcbFormatError`` with
a message that says where, and the caller writes nothing.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from spendwise.currency.rates import EUR, RateError, check_rate
from spendwise.money import MoneyError, check_currency

MAX_FILE_BYTES = 20 * 1024 * 1024  # eurofxref-hist.xml, the largest ECB file, is well below
_NUMBER = re.compile(r"\d{1,12}(\.\d{1,20})?")
_MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
_LONG_DATE = re.compile(r"(\d{1,2}) ([A-Za-z]+) (\d{4})")
_NO_RATE = {"", "N/A", "NA"}


class EcbFormatError(ValueError):
    """The file is not a complete ECB reference-rate file; the message says where."""


@dataclass(frozen=True, slots=True)
class EcbRate:
    """1 EUR = ``rate`` ``currency`` on ``day``."""

    day: date
    currency: str
    rate: Decimal


@dataclass(frozen=True)
class EcbRates:
    """Everything a file holds, oldest day first."""

    rates: list[EcbRate]

    @property
    def days(self) -> list[date]:
        return sorted({rate.day for rate in self.rates})

    @property
    def currencies(self) -> list[str]:
        return sorted({rate.currency for rate in self.rates})

    @property
    def base(self) -> str:
        return EUR


def parse_rate(text: str, where: str) -> Decimal:
    """One rate as written in a file (``1.0919``): digits and one point only."""
    cleaned = text.strip()
    if not _NUMBER.fullmatch(cleaned):
        raise EcbFormatError(f"{where}: “{cleaned[:30]}” is not a rate.")
    try:
        return check_rate(Decimal(cleaned))
    except (RateError, InvalidOperation) as exc:
        raise EcbFormatError(f"{where}: “{cleaned}” cannot be used. {exc}") from None


def parse_day(text: str, where: str) -> date:
    """``2024-01-04`` (history files, XML) or ``04 January 2024`` (the daily CSV)."""
    cleaned = text.strip()
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        pass
    match = _LONG_DATE.fullmatch(cleaned)
    if match and match[2].lower() in _MONTHS:
        try:
            return date(int(match[3]), _MONTHS[match[2].lower()], int(match[1]))
        except ValueError:
            pass
    raise EcbFormatError(f"{where}: “{cleaned[:30]}” is not a date.")


def _currency(code: str, where: str) -> str:
    try:
        currency = check_currency(code.strip())
    except MoneyError:
        raise EcbFormatError(f"{where}: “{code.strip()[:20]}” is not a currency code.") from None
    if currency == EUR:
        raise EcbFormatError(f"{where}: EUR is the base of ECB rates and cannot be a column.")
    return currency


def _finish(rates: list[EcbRate]) -> EcbRates:
    if not rates:
        raise EcbFormatError("The file holds no exchange rates.")
    return EcbRates(sorted(rates, key=lambda rate: (rate.day, rate.currency)))


def parse_ecb_csv(text: str) -> EcbRates:
    """``eurofxref.csv`` or ``eurofxref-hist.csv`` as text."""
    try:
        rows = list(csv.reader(text.splitlines(), skipinitialspace=True))
    except csv.Error as exc:
        raise EcbFormatError(f"The CSV file cannot be read ({exc}).") from None
    numbered = [(n, row) for n, row in enumerate(rows, start=1) if any(map(str.strip, row))]
    if not numbered:
        raise EcbFormatError("The file is empty.")
    header_line, header = numbered[0]
    while header and not header[-1].strip():  # the ECB ends every line with ", "
        header = header[:-1]
    if not header or header[0].strip().lower() != "date":
        raise EcbFormatError(
            "Line 1 must start with “Date” followed by currency codes (“Date, USD, JPY, …”): "
            "this is not an ECB reference-rate CSV file."
        )
    currencies = [_currency(code, f"Line {header_line}") for code in header[1:]]
    if len(set(currencies)) != len(currencies):
        raise EcbFormatError(f"Line {header_line}: a currency appears twice.")
    rates: list[EcbRate] = []
    seen: set[date] = set()
    for number, row in numbered[1:]:
        where = f"Line {number}"
        day = parse_day(row[0], where)
        if day in seen:
            raise EcbFormatError(f"{where}: {day.isoformat()} appears twice.")
        seen.add(day)
        cells = row[1:]
        if len(cells) < len(currencies):
            raise EcbFormatError(
                f"{where} has {len(cells)} value{'' if len(cells) == 1 else 's'} for "
                f"{len(currencies)} currencies. "
                "Is the file complete?"
            )
        if any(cell.strip() for cell in cells[len(currencies) :]):
            raise EcbFormatError(f"{where} has more values than the header has currencies.")
        for currency, cell in zip(currencies, cells, strict=False):
            if cell.strip().upper() in _NO_RATE:
                continue
            rates.append(EcbRate(day, currency, parse_rate(cell, f"{where}, {currency}")))
    return _finish(rates)


def _local(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rsplit("}", 1)[-1]


def parse_ecb_xml(data: bytes) -> EcbRates:
    """``eurofxref-daily.xml`` or ``eurofxref-hist.xml`` as bytes."""
    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise EcbFormatError(
            "The XML file declares entities or a DTD, which are refused for safety."
        ) from None
    except ParseError as exc:
        raise EcbFormatError(f"The XML file cannot be read ({exc}). Is it complete?") from None
    if _local(root.tag) != "Envelope":
        raise EcbFormatError(
            "This XML file is not an ECB reference-rate file (its root is not a gesmes Envelope)."
        )
    rates: list[EcbRate] = []
    seen: set[date] = set()
    for cube in root.iter():
        if _local(cube.tag) != "Cube" or "time" not in cube.attrib:
            continue
        day = parse_day(cube.attrib["time"], "A Cube element's time")
        if day in seen:
            raise EcbFormatError(f"{day.isoformat()} appears twice.")
        seen.add(day)
        currencies: set[str] = set()
        for child in cube:
            if _local(child.tag) != "Cube":
                continue
            where = f"{day.isoformat()}"
            if "currency" not in child.attrib or "rate" not in child.attrib:
                raise EcbFormatError(f"{where}: a Cube element lacks its currency or rate.")
            currency = _currency(child.attrib["currency"], where)
            if currency in currencies:
                raise EcbFormatError(f"{where}: {currency} appears twice.")
            currencies.add(currency)
            rate = parse_rate(child.attrib["rate"], f"{where}, {currency}")
            rates.append(EcbRate(day, currency, rate))
    return _finish(rates)


def parse_ecb(data: bytes) -> EcbRates:
    """An ECB file in either format, told apart by its first character (``<``: XML)."""
    if len(data) > MAX_FILE_BYTES:
        raise EcbFormatError(
            f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; "
            "ECB reference-rate files are smaller."
        )
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return parse_ecb_xml(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise EcbFormatError(
            "The file is neither CSV text nor XML. (A .zip from the ECB must be unzipped first.)"
        ) from None
    return parse_ecb_csv(text)
