"""OFX and QFX statements (OFX 1.x SGML and 2.x XML), read with ``ofxtools``.

``ofxtools`` parses the file into a tree (it reads the OFX header and its character set,
and never expands XML entities: it does not use an XML parser). Each ``STMTTRN`` is then
validated on its own, so that one bad transaction is a row error rather than a refused file.
The booking date is the date as the bank wrote it (``DTPOSTED``'s first eight digits):
``ofxtools`` converts to UTC, which moves a transaction at 23:30 in New York to the next day.
"""

from __future__ import annotations

import io
import logging
import re
from datetime import date
from decimal import Decimal
from typing import Any

from ofxtools.models.base import Aggregate
from ofxtools.Parser import OFXTree

from spendwise.imports.formats import FormatError, Parsed, ParsedRow, RowError, clean_text
from spendwise.imports.formats.text import refuse_unreadable
from spendwise.phrases import Phrase, gettext_noop, reason

# ofxtools logs every element it converts at INFO: thousands of lines per statement.
logging.getLogger("ofxtools").setLevel(logging.WARNING)

_AMOUNT = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_TRANSACTION_START = re.compile(rb"<STMTTRN>", re.IGNORECASE)


def _line_numbers(data: bytes) -> list[int]:
    """The line each ``<STMTTRN>`` starts on, in order."""
    return [data.count(b"\n", 0, m.start()) + 1 for m in _TRANSACTION_START.finditer(data)]


def _tree(data: bytes) -> Any:
    refuse_unreadable(data)
    # OFX 1 is SGML, where a file cut short still parses: the closing tag says it is whole.
    if not re.search(rb"</OFX>\s*$", data, re.IGNORECASE):
        raise FormatError(
            Phrase(
                gettext_noop(
                    "This OFX file is damaged or incomplete (it does not end with </OFX>). "
                    "Download it from your bank again."
                )
            )
        )
    tree = OFXTree()
    try:
        tree.parse(io.BytesIO(data))
    except Exception as exc:  # ofxtools raises many kinds for a damaged file
        raise FormatError(
            Phrase(
                gettext_noop(
                    "This OFX file is damaged or incomplete and cannot be read (%(reason)s). "
                    "Download it from your bank again."
                ),
                reason=_reason(exc),
            )
        ) from None
    return tree.getroot()


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) < 160 else text[:157] + "…"


def _posted(text: str | None) -> date:
    digits = (text or "").strip()[:8]
    if not re.fullmatch(r"\d{8}", digits):
        raise ValueError(Phrase(gettext_noop("“%(value)s” is not an OFX date."), value=text or ""))
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise ValueError(
            Phrase(gettext_noop("“%(digits)s” is not a real date."), digits=digits)
        ) from None


def parse(data: bytes) -> Parsed:
    root = _tree(data)
    statements = list(root.iter("STMTRS")) + list(root.iter("CCSTMTRS"))
    if not statements:
        if list(root.iter("INVSTMTRS")):
            raise FormatError(
                Phrase(
                    gettext_noop("Investment statements cannot be imported, only bank and cards.")
                )
            )
        raise FormatError(
            Phrase(gettext_noop("This OFX file has no bank or credit-card statement in it."))
        )
    lines = _line_numbers(data)
    result = Parsed()
    index = 0
    for statement in statements:
        currency = (statement.findtext("CURDEF") or "").strip().upper()
        for element in statement.iter("STMTTRN"):
            line = lines[index] if index < len(lines) else 0
            index += 1
            try:
                result.rows.append(_row(element, line, currency))
            except ValueError as exc:
                result.errors.append(RowError(line, reason(exc)))
    if not result.count:
        raise FormatError(Phrase(gettext_noop("This statement has no transactions.")))
    return result


def _row(element: Any, line: int, currency: str) -> ParsedRow:
    amount_element = element.find("TRNAMT")
    amount_text = (amount_element.text or "").strip() if amount_element is not None else ""
    if not _AMOUNT.match(amount_text):
        raise ValueError(
            Phrase(gettext_noop("“%(text)s” is not an amount."), text=amount_text)
            if amount_text
            else Phrase(gettext_noop("No amount."))
        )
    # Some banks write a decimal comma; OFX wants a point.
    amount_element.text = amount_text.replace(",", ".")
    day = _posted(element.findtext("DTPOSTED"))
    try:
        transaction = Aggregate.from_etree(element)
    except Exception as exc:  # a missing or malformed element of this transaction only
        raise ValueError(
            Phrase(
                gettext_noop("This transaction cannot be read: %(reason)s."), reason=_reason(exc)
            )
        ) from None
    amount = Decimal(str(transaction.trnamt))
    payee_aggregate = getattr(transaction, "payee", None)
    payee = transaction.name or (payee_aggregate.name if payee_aggregate is not None else "")
    description = transaction.memo or ""
    if not description and transaction.checknum:
        description = f"Check {transaction.checknum}"
    foreign = getattr(transaction, "currency", None)
    return ParsedRow(
        line_number=line,
        date=day,
        amount=amount,
        payee=clean_text(payee, 100),
        description=clean_text(description),
        bank_id=clean_text(transaction.fitid, 255),
        currency=(foreign.cursym if foreign is not None else currency) or "",
    )
