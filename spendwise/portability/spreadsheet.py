"""The transactions CSV: its columns, and cells that a spreadsheet will not run. No Django.

A cell of text that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is what
Excel, LibreOffice and Google Sheets treat as a formula (CSV injection); a leading single quote
makes it plain text. Only text columns are neutralised: the amount column is a decimal number
we write ourselves (``-12.50``) and must stay a number.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

TRANSACTION_COLUMNS = (
    "date",
    "account",
    "kind",
    "amount",
    "currency",
    "category",
    "payee",
    "tags",
    "note",
    "transfer id",
)


def neutralise(text: str) -> str:
    """``text`` for a text cell: prefixed with ``'`` when a spreadsheet would run it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def transaction_row(
    *,
    day: str,
    account: str,
    kind: str,
    amount: str,
    currency: str,
    category: str,
    payee: str,
    tags: Sequence[str],
    note: str,
    transfer_id: int | None,
) -> list[str]:
    """One CSV row in ``TRANSACTION_COLUMNS`` order. ``amount`` is the signed decimal text of
    the amount (``-12.50``), ``day`` an ISO date; every other text is neutralised."""
    return [
        day,
        neutralise(account),
        neutralise(kind),
        amount,
        currency,
        neutralise(category),
        neutralise(payee),
        neutralise(", ".join(tags)),
        neutralise(note),
        "" if transfer_id is None else str(transfer_id),
    ]


class _Line:
    """A write-only file that hands back what the csv writer wrote."""

    def write(self, text: str) -> str:
        return text


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[str]]) -> Iterator[str]:
    """The CSV text, one line at a time (for a streamed response or a file)."""
    writer = csv.writer(_Line())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)
