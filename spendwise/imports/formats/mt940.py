"""MT940 (SWIFT customer statement) files, read with the ``mt-940`` library.

The library quietly moves a date that does not exist (``260230``) to the last day of the
month, so each ``:61:`` line's value date is checked here first and such a row is a row
error. A ``:61:`` line the library cannot read refuses the file, with its line number.
Amounts come as ``Decimal`` (read again through ``str`` to stay exact); the payee is the
structured ``:86:`` name when the bank gives one, the description its purpose text.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import mt940

from spendwise.imports.formats import FormatError, Parsed, ParsedRow, RowError, clean_text
from spendwise.imports.formats.text import decode
from spendwise.phrases import Phrase, gettext_noop, reason

_LINE_61 = re.compile(r"(?m)^:61:(.*)$")
_NO_REFERENCE = {"", "NONREF", "NOTPROVIDED"}
_SUBFIELD = re.compile(r"\?\d{2}")


def _value_date(content: str) -> str | None:
    """Why the six-digit YYMMDD date of a ``:61:`` line is no date, or None when it is one."""
    digits = content[:6]
    if not re.fullmatch(r"\d{6}", digits):
        return Phrase(gettext_noop("“%(digits)s” is not a date."), digits=digits)
    try:
        date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        shown = f"20{digits[:2]}-{digits[2:4]}-{digits[4:6]}"
        return Phrase(gettext_noop("“%(shown)s” is not a real date."), shown=shown)
    return None


def parse(data: bytes) -> Parsed:
    text, _encoding = decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    found = [
        (text.count("\n", 0, m.start()) + 1, m.group(1).strip()) for m in _LINE_61.finditer(text)
    ]
    if not found:
        raise FormatError(
            Phrase(gettext_noop("This MT940 file has no transactions (no :61: lines)."))
        )
    try:
        transactions = list(mt940.parse(text, options=mt940.Options.all()))
    except Exception as exc:  # the library raises RuntimeError and others for a bad line
        raise FormatError(_where(exc, found)) from None
    if len(transactions) != len(found):
        raise FormatError(
            Phrase(
                gettext_noop(
                    "This MT940 file has %(count)s :61: lines but %(count2)s could be read."
                ),
                count=len(found),
                count2=len(transactions),
            )
        )
    result = Parsed()
    for (line, content), transaction in zip(found, transactions, strict=True):
        problem = _value_date(content)
        if problem:
            result.errors.append(RowError(line, problem))
            continue
        try:
            result.rows.append(_row(line, transaction.data))
        except (ValueError, ArithmeticError) as exc:
            result.errors.append(RowError(line, reason(exc)))
    return result


def _where(exc: Exception, found: list[tuple[int, str]]) -> str:
    for argument in getattr(exc, "args", ())[1:]:
        if isinstance(argument, str):
            for line, content in found:
                if content and content == argument.strip():
                    return f"Line {line} of this MT940 file cannot be read: “:61:{content}”."
    return "This MT940 file is damaged and cannot be read. Download it from your bank again."


def _row(line: int, data: dict[str, Any]) -> ParsedRow:
    amount_value = data.get("amount")
    if amount_value is None:
        raise ValueError(Phrase(gettext_noop("This transaction has no amount.")))
    amount = Decimal(str(amount_value.amount))
    day = data.get("date")
    if not isinstance(day, date):
        raise ValueError(Phrase(gettext_noop("This transaction has no date.")))
    # Only the bank's reference identifies the booking: the customer's may repeat (a mandate).
    reference = (data.get("bank_reference") or "").strip()
    if reference.upper() in _NO_REFERENCE:
        reference = ""
    description = data.get("purpose") or data.get("transaction_details") or ""
    description = _SUBFIELD.sub(" ", str(description))
    if not description.strip():
        description = data.get("posting_text") or ""
    return ParsedRow(
        line_number=line,
        date=date(day.year, day.month, day.day),
        amount=amount,
        payee=clean_text(data.get("applicant_name"), 100),
        description=clean_text(description),
        bank_id=clean_text(reference, 255),
        currency=str(amount_value.currency or data.get("currency") or "").upper(),
    )
