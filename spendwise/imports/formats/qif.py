"""QIF (Quicken Interchange Format) statements, read record by record with ``quiffen``.

QIF writes dates and amounts the way the exporting program's country does (``11/03'26``,
``1.234,56``), so the two fields are decided for the whole file first, strictly — the date
format that reads every ``D`` line (month first, Quicken's habit, when both would), the
decimal mark the ``T`` lines show — and rewritten as ISO dates and plain decimals before
``quiffen`` reads each record. A record that cannot be read is a row error, not a refused
file. Investment accounts are refused; category and class lists are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from quiffen.core.transaction import Transaction  # type: ignore[import-untyped]

from spendwise.imports.formats import (
    FormatError,
    Parsed,
    ParsedRow,
    RowError,
    amounts,
    clean_text,
    dates,
)
from spendwise.imports.formats.text import decode
from spendwise.phrases import Phrase, gettext_noop, reason

TRANSACTION_TYPES = {"bank", "cash", "ccard", "oth a", "oth l", "invoice"}
# When both orders read every date, the US order wins: Quicken writes month first.
DATE_PREFERENCE = [
    "MM/DD/YYYY",
    "MM/DD/YY",
    "MM-DD-YYYY",
    "YYYY-MM-DD",
    "DD/MM/YYYY",
    "DD/MM/YY",
    "DD.MM.YYYY",
    "DD.MM.YY",
    "DD-MM-YYYY",
    "YYYY/MM/DD",
]


@dataclass
class _Record:
    line_number: int
    lines: list[str] = field(default_factory=list)

    def value(self, code: str) -> str | None:
        for line in self.lines:
            if line[:1] == code:
                return line[1:].strip()
        return None


def _normal_date(text: str) -> str:
    """QIF's quirks: ``'`` before a two-digit year of the 2000s, spaces for leading zeros."""
    return text.strip().replace("'", "/").replace(" ", "0")


def _records(text: str) -> list[_Record]:
    records: list[_Record] = []
    kind = ""
    current: _Record | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip():
            continue
        if line.startswith("!"):
            header = line[1:].strip().lower()
            if header.startswith("type:"):
                kind = header[5:].strip()
                if kind in ("invst", "port"):
                    raise FormatError(
                        Phrase(
                            gettext_noop(
                                "Investment accounts in QIF cannot be imported, only bank and card "
                                "accounts."
                            )
                        )
                    )
            elif header.startswith("account"):
                kind = "account"
            current = None
            continue
        if line.strip() == "^":
            if current is not None and kind in TRANSACTION_TYPES:
                records.append(current)
            current = None
            continue
        if current is None:
            current = _Record(number)
        current.lines.append(line)
    if current is not None and kind in TRANSACTION_TYPES:  # a last record without its "^"
        records.append(current)
    return records


def parse(data: bytes) -> Parsed:
    text, _encoding = decode(data)
    records = _records(text)
    if not records:
        raise FormatError(
            Phrase(gettext_noop("This QIF file has no bank, cash or card transactions."))
        )
    date_values = [_normal_date(r.value("D") or "") for r in records]
    found = dates.best(date_values)
    if not found:
        raise FormatError(
            Phrase(gettext_noop("The dates in this QIF file are in no format SpendWise knows."))
        )
    date_format = next((key for key in DATE_PREFERENCE if key in found), found[0])
    decimal_mark = amounts.guess_decimal_mark(r.value("T") or r.value("U") or "" for r in records)
    result = Parsed()
    for record, date_text in zip(records, date_values, strict=True):
        try:
            result.rows.append(_row(record, date_text, date_format, decimal_mark))
        except (ValueError, ArithmeticError) as exc:
            result.errors.append(RowError(record.line_number, reason(exc)))
    return result


def _row(record: _Record, date_text: str, date_format: str, decimal_mark: str) -> ParsedRow:
    if not date_text:
        raise ValueError(Phrase(gettext_noop("This transaction has no date (D line).")))
    day = dates.parse_date(date_text, date_format)
    amount_text = record.value("T") or record.value("U")
    if amount_text is None:
        raise ValueError(Phrase(gettext_noop("This transaction has no amount (T line).")))
    amount, _code = amounts.parse_amount(amount_text, decimal_mark)
    lines = [
        f"D{day.isoformat()}" if line[:1] == "D" else f"T{amount}" if line[:1] in "TU" else line
        for line in record.lines
    ]
    try:
        transaction, _classes = Transaction.from_list(lines, line_number=record.line_number)
    except Exception as exc:  # quiffen raises pydantic and parser errors for a bad record
        raise ValueError(f"This transaction cannot be read: {exc}".splitlines()[0]) from None
    category = transaction.category.name if transaction.category is not None else ""
    description = transaction.memo or ""
    if transaction.to_account and not description:
        description = f"Transfer: {transaction.to_account}"
    return ParsedRow(
        line_number=record.line_number,
        date=day,
        amount=Decimal(str(transaction.amount)),
        payee=clean_text(transaction.payee, 100),
        description=clean_text(description),
        category=clean_text(category, 100),
    )
