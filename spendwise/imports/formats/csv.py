"""CSV statements: detection (encoding, delimiter, header row, columns, date format,
decimal mark) and reading rows with a column mapping.

``sniff`` looks at the whole file once and returns a ``Layout`` (what the file is like) and
a guessed ``Mapping`` (which column is what); the person confirms or changes the mapping,
then ``parse`` reads every row with it.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import asdict, dataclass, field, fields, replace
from decimal import Decimal
from typing import Any

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

DELIMITERS = ",;\t|"
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
SAMPLE_ROWS = 5

SIGN_IN = "in"  # a positive amount is money in (most bank exports)
SIGN_OUT = "out"  # a positive amount is money out (many credit-card exports)

# What each column role is called in the headers banks write (lower case, no punctuation).
ROLE_WORDS: dict[str, list[str]] = {
    "date": [
        "booking date",
        "transaction date",
        "posting date",
        "posted date",
        "date posted",
        "date",
        "buchungstag",
        "buchungsdatum",
        "datum",
        "fecha",
        "data",
        "ngày",
        "value date",
        "valuta",
        "wertstellung",
    ],
    "amount": [
        "amount",
        "transaction amount",
        "betrag",
        "umsatz",
        "importe",
        "montant",
        "số tiền",
    ],
    "debit": [
        "debit",
        "debits",
        "debit amount",
        "withdrawal",
        "withdrawals",
        "paid out",
        "money out",
        "out",
        "soll",
        "ausgang",
        "cargo",
        "débit",
        "ghi nợ",
    ],
    "credit": [
        "credit",
        "credits",
        "credit amount",
        "deposit",
        "deposits",
        "paid in",
        "money in",
        "in",
        "haben",
        "eingang",
        "abono",
        "crédit",
        "ghi có",
    ],
    "currency": ["currency", "ccy", "währung", "waehrung", "moneda", "devise"],
    "category": ["category", "kategorie", "categoría", "catégorie"],
    "bank_id": [
        "transaction id",
        "id",
        "fitid",
        "reference number",
        "ref no",
        "transaction reference",
    ],
    "payee": [
        "payee",
        "name",
        "merchant",
        "beneficiary",
        "counterparty",
        "recipient",
        "payer",
        "empfänger",
        "zahlungsempfänger",
        "auftraggeber",
        "beguenstigter zahlungspflichtiger",
        "partner name",
        "bénéficiaire",
    ],
    "description": [
        "description",
        "memo",
        "details",
        "narrative",
        "reference",
        "verwendungszweck",
        "purpose",
        "note",
        "notes",
        "text",
        "buchungstext",
        "concepto",
        "libellé",
        "mô tả",
        "nội dung",
    ],
}
# Words too short or too common to look for inside a longer header ("Amount in EUR").
EXACT_ONLY = {"in", "out", "id", "name", "text", "data", "note", "notes", "sum"}
ROLES = [
    "date",
    "amount",
    "debit",
    "credit",
    "currency",
    "category",
    "bank_id",
    "payee",
    "description",
]


@dataclass(frozen=True)
class Layout:
    """What the file is like, detected once at upload."""

    encoding: str
    delimiter: str
    skip_rows: int  # records before the header (or the first row of data)
    has_header: bool
    columns: list[str]  # header names, or "Column 1" …
    samples: list[list[str]]  # the first rows of data
    rows: int  # records of data (blank ones not counted)
    signature: str  # identifies the header, to remember a mapping per account
    date_formats: dict[str, list[str]]  # column index (as text) → formats that read it all


@dataclass(frozen=True)
class Mapping:
    """Which column holds what (0-based indexes; None: not in the file) and how to read it."""

    date: int | None = None
    date_format: str = ""
    amount: int | None = None
    debit: int | None = None
    credit: int | None = None
    payee: int | None = None
    description: int | None = None
    category: int | None = None
    currency: int | None = None
    bank_id: int | None = None
    decimal_mark: str = amounts.POINT
    sign: str = SIGN_IN
    has_header: bool = True
    skip_rows: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mapping:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def used_columns(self) -> list[int]:
        return [
            index
            for index in (
                self.date,
                self.amount,
                self.debit,
                self.credit,
                self.payee,
                self.description,
                self.category,
                self.currency,
                self.bank_id,
            )
            if index is not None
        ]

    def problems(self, column_count: int) -> dict[str, str]:
        """What makes this mapping unusable, by field (empty when it can be used)."""
        found: dict[str, str] = {}
        if self.date is None:
            found["date"] = Phrase(gettext_noop("Choose the column with the date."))
        if not self.date_format:
            found["date_format"] = Phrase(gettext_noop("Choose how the dates are written."))
        elif self.date_format not in dates.BY_KEY:
            found["date_format"] = Phrase(gettext_noop("Choose one of the date formats listed."))
        if self.amount is None and (self.debit is None or self.credit is None):
            if self.debit is None and self.credit is None:
                found["amount"] = Phrase(
                    gettext_noop("Choose the amount column, or a debit and a credit column.")
                )
            else:
                found["credit" if self.credit is None else "debit"] = Phrase(
                    gettext_noop("Choose both a debit and a credit column, or one amount column.")
                )
        if self.amount is not None and (self.debit is not None or self.credit is not None):
            found["amount"] = Phrase(
                gettext_noop("Choose one amount column or debit and credit columns, not both.")
            )
        used = Counter(self.used_columns())
        for index, times in used.items():
            if times > 1:
                found.setdefault(
                    "__all__",
                    Phrase(
                        gettext_noop("Column %(number)s is chosen for two things."),
                        number=index + 1,
                    ),
                )
            if not 0 <= index < column_count:
                found.setdefault(
                    "__all__",
                    Phrase(gettext_noop("The file has no column %(number)s."), number=index + 1),
                )
        if self.decimal_mark not in (amounts.POINT, amounts.COMMA):
            found["decimal_mark"] = "Choose a point or a comma."
        if self.sign not in (SIGN_IN, SIGN_OUT):
            found["sign"] = "Choose what a positive amount means."
        return found


@dataclass(frozen=True)
class Settings:
    """A layout and a mapping: everything ``parse`` needs."""

    layout: Layout
    mapping: Mapping


@dataclass
class _Record:
    line_number: int
    cells: list[str] = field(default_factory=list)


def _records(text: str, delimiter: str) -> list[_Record]:
    """Every record with the physical line it starts on (quoted cells may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    records: list[_Record] = []
    previous_end = 0
    try:
        for cells in reader:
            records.append(_Record(previous_end + 1, [c.strip() for c in cells]))
            previous_end = reader.line_num
    except csv.Error as exc:
        raise FormatError(
            Phrase(
                gettext_noop("Line %(value)s cannot be read as CSV: %(exc)s."),
                value=previous_end + 1,
                exc=exc,
            )
        ) from None
    return records


def _is_blank(record: _Record) -> bool:
    return not any(record.cells)


def _filled(record: _Record) -> int:
    return sum(1 for cell in record.cells if cell)


def _delimiter(text: str) -> str:
    """csv.Sniffer over , ; tab |, checked by the number of columns being steady."""
    sample = "\n".join(text.splitlines()[:50])
    candidates = []
    with contextlib.suppress(csv.Error):  # the sniffer gives up on some files: count instead
        candidates.append(csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter)
    candidates += [d for d in DELIMITERS if d not in candidates]

    def steadiness(delimiter: str) -> tuple[int, int]:
        widths = [len(r.cells) for r in _records(sample, delimiter)[:50] if not _is_blank(r)]
        if not widths:
            return (0, 0)
        width, times = Counter(widths).most_common(1)[0]
        return (times if width > 1 else 0, width)

    scores = {d: steadiness(d) for d in candidates}
    sniffed = candidates[0]
    best = max(candidates, key=lambda d: scores[d])
    # Trust the sniffer unless another delimiter gives steadier (or, as steady, more) columns:
    # "03/11/2026<tab>Shop<tab>-42,17" has a steady comma too.
    if scores[sniffed][0] > 0 and scores[sniffed] >= scores[best]:
        return sniffed
    if scores[best][0] == 0:
        raise FormatError(
            Phrase(
                gettext_noop(
                    "This file does not look like a table: no comma, semicolon, tab or vertical "
                    "bar "
                    "separates its columns."
                )
            )
        )
    return best


def _normal(header: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", header.lower()).split())


def signature(columns: list[str], has_header: bool, delimiter: str) -> str:
    """The same for every file from the same bank export (header names, not data)."""
    key = "|".join(_normal(c) for c in columns) if has_header else f"{len(columns)} columns"
    return hashlib.sha256(f"{delimiter}\n{key}".encode()).hexdigest()[:40]


def _is_value(cell: str) -> bool:
    return dates.looks_like_date(cell) or amounts.looks_like_amount(cell)


def sniff(data: bytes) -> tuple[Layout, Mapping]:
    """Detect the file's layout and guess a mapping; raises ``FormatError``."""
    text, encoding = decode(data)
    if not text.strip():
        raise FormatError(Phrase(gettext_noop("The file is empty.")))
    delimiter = _delimiter(text)
    records = _records(text, delimiter)
    widths = Counter(len(r.cells) for r in records if not _is_blank(r) and len(r.cells) > 1)
    if not widths:
        raise FormatError(
            Phrase(
                gettext_noop("This file has only one column: it does not look like a statement.")
            )
        )
    width = widths.most_common(1)[0][0]
    # Lines before the table (account name, period — often padded with delimiters) are
    # skipped: the table starts at the first record as wide as most, with most cells filled.
    skip = next(
        (i for i, r in enumerate(records) if len(r.cells) == width and _filled(r) * 5 >= width * 3),
        next(i for i, r in enumerate(records) if len(r.cells) == width),
    )
    first = records[skip]
    later = [r for r in records[skip + 1 :] if not _is_blank(r)]
    has_header = not any(_is_value(c) for c in first.cells if c) and (
        not later or any(_is_value(c) for c in later[0].cells if c)
    )
    columns = (
        [c or f"Column {i + 1}" for i, c in enumerate(first.cells)]
        if has_header
        else [f"Column {i + 1}" for i in range(width)]
    )
    body = [r for r in records[skip + (1 if has_header else 0) :] if not _is_blank(r)]
    if not body:
        raise FormatError(
            Phrase(gettext_noop("This file has a header but no rows of transactions."))
        )
    column_values = [[r.cells[i] if i < len(r.cells) else "" for r in body] for i in range(width)]
    date_formats = {
        str(i): dates.best(values)
        for i, values in enumerate(column_values)
        if sum(dates.looks_like_date(v) for v in values[:50]) >= max(1, len(values[:50]) // 2)
    }
    layout = Layout(
        encoding=encoding,
        delimiter=delimiter,
        skip_rows=skip,
        has_header=has_header,
        columns=columns,
        samples=[r.cells for r in body[:SAMPLE_ROWS]],
        rows=len(body),
        signature=signature(columns, has_header, delimiter),
        date_formats=date_formats,
    )
    return layout, guess_mapping(layout, column_values)


def _by_header(columns: list[str]) -> dict[str, int]:
    """Roles found from header names: exact names first, then names containing the word."""
    normal = [_normal(c) for c in columns]
    found: dict[str, int] = {}
    taken: set[int] = set()
    for exact in (True, False):
        for role in ROLES:
            if role in found:
                continue
            for word in ROLE_WORDS[role]:
                hits = [
                    i
                    for i, name in enumerate(normal)
                    if i not in taken
                    and (
                        name == word
                        if exact or word in EXACT_ONLY
                        else re.search(rf"(^|\s){re.escape(word)}(\s|$)", name)
                    )
                ]
                if hits:
                    found[role] = hits[0]
                    taken.add(hits[0])
                    break
    return found


def _mostly_amounts(values: list[str]) -> bool:
    present = [v for v in values if v]
    return bool(present) and sum(map(amounts.looks_like_amount, present)) * 10 >= len(present) * 9


def guess_mapping(layout: Layout, column_values: list[list[str]]) -> Mapping:
    """Which column is what, from header names, else from what the columns hold."""
    roles = _by_header(layout.columns) if layout.has_header else {}
    if "date" not in roles and layout.date_formats:
        roles["date"] = int(next(iter(layout.date_formats)))
    numeric = [
        i
        for i, values in enumerate(column_values)
        if i not in roles.values()
        and str(i) not in layout.date_formats
        and _mostly_amounts(values[:500])
    ]
    if "amount" not in roles and not ("debit" in roles and "credit" in roles) and numeric:
        roles["amount"] = numeric[0]
    if "amount" in roles and ("debit" in roles or "credit" in roles):
        roles.pop("debit", None)
        roles.pop("credit", None)
    if "payee" not in roles and "description" in roles:
        # One text column ("Description" at most banks) names the merchant: make it the payee.
        roles["payee"] = roles.pop("description")
    if "payee" not in roles:
        texts = [
            i
            for i, values in enumerate(column_values)
            if i not in roles.values()
            and str(i) not in layout.date_formats
            and i not in numeric
            and any(v for v in values)
        ]
        if texts:
            roles["payee"] = max(texts, key=lambda i: sum(len(v) for v in column_values[i]))
    amount_values = [
        v
        for role in ("amount", "debit", "credit")
        if role in roles
        for v in column_values[roles[role]]
    ]
    date_column = roles.get("date")
    fitting = layout.date_formats.get(str(date_column), []) if date_column is not None else []
    return Mapping(
        date=roles.get("date"),
        date_format=fitting[0] if len(fitting) == 1 else "",
        amount=roles.get("amount"),
        debit=roles.get("debit"),
        credit=roles.get("credit"),
        payee=roles.get("payee"),
        description=roles.get("description"),
        category=roles.get("category"),
        currency=roles.get("currency"),
        bank_id=roles.get("bank_id"),
        decimal_mark=amounts.guess_decimal_mark(amount_values),
        sign=SIGN_IN,
        has_header=layout.has_header,
        skip_rows=layout.skip_rows,
    )


def date_choices(layout: Layout, mapping: Mapping) -> list[str]:
    """The date formats to offer for the mapped date column: those that read every row, or
    (when none does) those that read the most, or every format."""
    fitting = layout.date_formats.get(str(mapping.date), []) if mapping.date is not None else []
    return fitting or [f.key for f in dates.FORMATS]


def remembered(layout: Layout, guess: Mapping, saved: dict[str, Any] | None) -> Mapping:
    """A mapping saved for this account and header, where it still fits the file; else the
    guess. A saved date format that no longer reads every row is dropped (asked again)."""
    if not saved:
        return guess
    mapping = Mapping.from_dict(saved)
    if mapping.problems(len(layout.columns)).keys() - {"date_format"}:
        return guess
    if mapping.date_format not in layout.date_formats.get(str(mapping.date), []):
        mapping = replace(mapping, date_format=guess.date_format)
    return mapping


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def parse(data: bytes, settings: Settings) -> Parsed:
    """Every row of the file read with ``settings``; rows that cannot be read are
    ``RowError``s with the line they start on."""
    layout, mapping = settings.layout, settings.mapping
    problems = mapping.problems(len(layout.columns))
    if problems:
        raise FormatError(next(iter(problems.values())))
    text, _encoding = decode(data)
    records = _records(text, layout.delimiter)[mapping.skip_rows :]
    if mapping.has_header and records:
        records = records[1:]
    needed = max(mapping.used_columns()) + 1
    result = Parsed()
    for record in records:
        if _is_blank(record):
            continue
        cells = record.cells
        if len(cells) < needed:
            result.errors.append(
                RowError(
                    record.line_number,
                    Phrase(
                        gettext_noop("This row has %(count)s column; column %(needed)s is needed.")
                        if len(cells) == 1
                        else gettext_noop(
                            "This row has %(count)s columns; column %(needed)s is needed."
                        ),
                        count=len(cells),
                        needed=needed,
                    ),
                )
            )
            continue
        try:
            result.rows.append(_row(record.line_number, cells, mapping))
        except (dates.DateError, amounts.AmountError) as exc:
            result.errors.append(RowError(record.line_number, reason(exc)))
    return result


def _row(line_number: int, cells: list[str], mapping: Mapping) -> ParsedRow:
    day = dates.parse_date(_cell(cells, mapping.date), mapping.date_format)
    code = _cell(cells, mapping.currency).upper()
    if mapping.amount is not None:
        amount, written_code = amounts.parse_amount(
            _cell(cells, mapping.amount), mapping.decimal_mark
        )
        if mapping.sign == SIGN_OUT:
            amount = -amount
    else:
        debit_text, credit_text = _cell(cells, mapping.debit), _cell(cells, mapping.credit)
        if not debit_text and not credit_text:
            raise amounts.AmountError(
                Phrase(gettext_noop("There is no amount in the debit or the credit column."))
            )
        nothing = (Decimal(0), "")
        debit, debit_code = (
            amounts.parse_amount(debit_text, mapping.decimal_mark) if debit_text else nothing
        )
        credit, credit_code = (
            amounts.parse_amount(credit_text, mapping.decimal_mark) if credit_text else nothing
        )
        # Some banks write debits as negative numbers, some as positive: out is out.
        amount = abs(credit) - abs(debit)
        written_code = debit_code or credit_code
    return ParsedRow(
        line_number=line_number,
        date=day,
        amount=amount,
        payee=clean_text(_cell(cells, mapping.payee), 100),
        description=clean_text(_cell(cells, mapping.description)),
        bank_id=clean_text(_cell(cells, mapping.bank_id), 100),
        currency=code or written_code,
        category=clean_text(_cell(cells, mapping.category), 100),
    )
