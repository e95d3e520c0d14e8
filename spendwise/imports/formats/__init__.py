"""Bank statement formats: each module turns a file's bytes into ``ParsedRow``s and
``RowError``s, or refuses the whole file with a ``FormatError``. No Django here.

Amounts are exact ``Decimal``s signed as they affect the account (money in positive, money
out negative), never floats; dates are the booking dates as written in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from spendwise.phrases import Phrase, gettext_noop

CSV = "csv"
OFX = "ofx"
QFX = "qfx"
QIF = "qif"
CAMT053 = "camt053"
MT940 = "mt940"
NAMES = {
    CSV: "CSV",
    OFX: "OFX",
    QFX: "QFX (Quicken)",
    QIF: "QIF",
    CAMT053: "CAMT.053 (ISO 20022 XML)",
    MT940: "MT940",
}


class FormatError(ValueError):
    """The whole file cannot be read. ``str(error)`` is a message for the person."""


@dataclass(frozen=True, slots=True)
class ParsedRow:
    """One transaction read from a statement.

    ``line_number`` is where it starts in the file (1-based). ``amount`` is signed as it
    affects the account. ``currency`` is the ISO code the file gives ("" when it says none);
    ``bank_id`` the bank's own id for the transaction ("" when it has none); ``category`` a
    category name the file carries (a CSV column, a QIF ``L`` line).
    """

    line_number: int
    date: date
    amount: Decimal
    payee: str = ""
    description: str = ""
    bank_id: str = ""
    currency: str = ""
    category: str = ""


@dataclass(frozen=True, slots=True)
class RowError:
    """A row that cannot be imported, and why (for the person)."""

    line_number: int
    reason: str


@dataclass
class Parsed:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.rows) + len(self.errors)


_SPACES = re.compile(r"\s+")


def clean_text(value: object, limit: int = 500) -> str:
    """Text from a file for a payee or note: whitespace collapsed, at most ``limit`` chars."""
    if value is None:
        return ""
    return _SPACES.sub(" ", str(value)).strip()[:limit]


def detect_format(file_name: str, data: bytes) -> str:
    """Which format ``data`` is in, from its content first and its name second.

    Raises ``FormatError`` for files we recognise as something we cannot read (a workbook, a
    PDF, UTF-16 text) and for files that look like none of our formats.
    """
    from spendwise.imports.formats.text import refuse_unreadable

    refuse_unreadable(data)
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").decode("latin-1")
    upper = head.upper()
    name = file_name.lower().rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    if upper.startswith("OFXHEADER") or "<OFX>" in upper or "<?OFX" in upper:
        return QFX if extension == "qfx" or "INTU.BID" in upper else OFX
    if upper.startswith(("!TYPE", "!ACCOUNT", "!OPTION", "!CLEAR")):
        return QIF
    if head.startswith("<"):
        if head[:100].lower().startswith(("<!doctype html", "<html")):
            raise FormatError(
                Phrase(
                    gettext_noop(
                        "This is a web page, not a statement: download the statement file itself "
                        "from your bank (CSV, OFX, QIF, CAMT.053 or MT940)."
                    )
                )
            )
        if "camt.053" in head or "BkToCstmrStmt" in head:
            return CAMT053
        if "camt.05" in head:
            raise FormatError(
                Phrase(
                    gettext_noop(
                        "This XML file is a bank notification or report, not a CAMT.053 account "
                        "statement. Download the end-of-day statement (camt.053) instead."
                    )
                )
            )
        raise FormatError(Phrase(gettext_noop("This XML file is not a CAMT.053 bank statement.")))
    if re.search(r"(?m)^:20:", head) and re.search(r"(?m)^:(25|28C?|60[FM]|61):", head):
        return MT940
    if extension in ("ofx", "qfx", "qif", "xml", "sta", "940", "mt940"):
        kind = {"xml": "CAMT.053", "sta": "MT940", "940": "MT940", "mt940": "MT940"}.get(
            extension, extension.upper()
        )
        raise FormatError(
            Phrase(
                gettext_noop("This file is named .%(extension)s but does not look like %(kind)s."),
                extension=extension,
                kind=kind,
            )
        )
    return CSV


def parse(fmt: str, data: bytes, csv_settings: object | None = None) -> Parsed:
    """Read ``data`` in format ``fmt``; CSV needs its ``csv.Settings`` (layout + mapping)."""
    # Each reader is imported when first needed: their libraries take time to load.
    if fmt == CSV:
        from spendwise.imports.formats import csv as csv_format

        if not isinstance(csv_settings, csv_format.Settings):
            raise FormatError(
                Phrase(gettext_noop("Choose which column holds what before the preview."))
            )
        return csv_format.parse(data, csv_settings)
    if fmt in (OFX, QFX):
        from spendwise.imports.formats import ofx

        return ofx.parse(data)
    if fmt == QIF:
        from spendwise.imports.formats import qif

        return qif.parse(data)
    if fmt == CAMT053:
        from spendwise.imports.formats import camt053

        return camt053.parse(data)
    if fmt == MT940:
        from spendwise.imports.formats import mt940

        return mt940.parse(data)
    raise FormatError(Phrase(gettext_noop("Unknown format %(fmt)s."), fmt=repr(fmt)))
