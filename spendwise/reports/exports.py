"""CSV downloads of the reports: the same numbers as the page, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

from spendwise.money import Money

# A plain decimal number a spreadsheet reads as a number, never as a formula.
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_FORMULA_STARTS = ("=", "+", "@", "\t", "\r")

Cell = str | int | Money | None


def safe_text(text: str) -> str:
    """User text for a CSV cell: a leading quote stops a spreadsheet from running it as a
    formula (cells beginning with = + @, a tab or CR, or - not followed by a plain number)."""
    if text.startswith(_FORMULA_STARTS) or (text.startswith("-") and not _NUMBER.fullmatch(text)):
        return "'" + text
    return text


def cell(value: Cell) -> str:
    """Amounts as plain decimal text (``-12.50``), counts as integers, everything else as
    user text made safe."""
    if value is None:
        return ""
    if isinstance(value, Money):
        return value.amount_str()
    if isinstance(value, int):
        return str(value)
    return safe_text(value)


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]
) -> HttpResponse:
    """A CSV attachment named ``filename`` (ASCII, chosen by us)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return response
