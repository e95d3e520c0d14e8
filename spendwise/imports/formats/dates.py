"""Dates as banks write them, and which format a whole column is in.

A column's format is decided over every row, never the first few: ``fitting`` returns the
formats that read every value. One format: use it. Several (every day ≤ 12): the person
chooses. None: ``best`` picks the format that reads the most values, and the others become
row errors ("2026-02-30 is not a real date").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from spendwise.phrases import Phrase, gettext_noop

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


class DateError(ValueError):
    """A value that is not a date in the format; ``str()`` says why, for the person."""


@dataclass(frozen=True)
class DateFormat:
    key: str  # what the person sees: "DD/MM/YYYY"
    pattern: re.Pattern[str]
    order: str  # the order of the groups: "dmy", "mdy" or "ymd"


def _numeric(key: str, order: str, separator: str, year_digits: int = 4) -> DateFormat:
    year = rf"(\d{{{year_digits}}})"
    part = r"(\d{1,2})"
    groups = [year if c == "y" else part for c in order]
    sep = re.escape(separator)
    return DateFormat(key, re.compile("^" + sep.join(groups) + "$"), order)


FORMATS: list[DateFormat] = [
    _numeric("YYYY-MM-DD", "ymd", "-"),
    _numeric("DD/MM/YYYY", "dmy", "/"),
    _numeric("MM/DD/YYYY", "mdy", "/"),
    _numeric("DD.MM.YYYY", "dmy", "."),
    _numeric("DD-MM-YYYY", "dmy", "-"),
    _numeric("MM-DD-YYYY", "mdy", "-"),
    _numeric("YYYY/MM/DD", "ymd", "/"),
    _numeric("YYYY.MM.DD", "ymd", "."),
    _numeric("DD/MM/YY", "dmy", "/", 2),
    _numeric("MM/DD/YY", "mdy", "/", 2),
    _numeric("DD.MM.YY", "dmy", ".", 2),
    _numeric("DD-MM-YY", "dmy", "-", 2),
    _numeric("YY-MM-DD", "ymd", "-", 2),
    DateFormat("YYYYMMDD", re.compile(r"^(\d{4})(\d{2})(\d{2})$"), "ymd"),
    # 5 Jan 2026, 05-Jan-2026, 5 January 2026
    DateFormat("DD MMM YYYY", re.compile(r"^(\d{1,2})[ \-]([A-Za-z]{3,9})\.?[ \-](\d{4})$"), "dmy"),
    # Jan 5, 2026
    DateFormat("MMM DD, YYYY", re.compile(r"^([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})$"), "mdy"),
]
BY_KEY = {f.key: f for f in FORMATS}

# A time after the date ("2026-11-03 14:22", "2026-11-03T14:22:05+01:00") says nothing of the
# booking day as the bank wrote it.
_TIME = re.compile(
    r"(?:[T ]|\s+)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp][Mm])?\s*(?:Z|[+-]\d{2}:?\d{2})?$"
)


def without_time(text: str) -> str:
    return _TIME.sub("", text.strip())


def _year(text: str) -> int:
    value = int(text)
    if len(text) == 2:  # as strptime's %y does: 69–99 are 1900s
        return value + (1900 if value >= 69 else 2000)
    return value


def parse_date(text: str, key: str) -> date:
    """``text`` read with the format ``key``; raises ``DateError`` with a reason."""
    fmt = BY_KEY[key]
    value = without_time(text)
    match = fmt.pattern.match(value)
    if not match:
        raise DateError(
            Phrase(
                gettext_noop("“%(strip)s” is not a date in the format %(key)s."),
                strip=text.strip(),
                key=key,
            )
        )
    parts = dict(zip(fmt.order, match.groups(), strict=True))
    month_text = parts["m"]
    if month_text.isdigit():
        month = int(month_text)
    else:
        month = MONTHS.get(month_text.lower(), 0)
        if not month:
            raise DateError(
                Phrase(
                    gettext_noop("“%(strip)s” has no month name we know (use English)."),
                    strip=text.strip(),
                )
            )
    try:
        return date(_year(parts["y"]), month, int(parts["d"]))
    except ValueError:
        raise DateError(
            Phrase(gettext_noop("“%(strip)s” is not a real date."), strip=text.strip())
        ) from None


def fits(text: str, key: str) -> bool:
    try:
        parse_date(text, key)
    except DateError:
        return False
    return True


def fitting(values: Iterable[str], keys: Iterable[str] | None = None) -> list[str]:
    """The formats (in ``FORMATS`` order) that read every non-empty value."""
    candidates = list(keys) if keys is not None else [f.key for f in FORMATS]
    for value in values:
        if not value.strip():
            continue
        candidates = [key for key in candidates if fits(value, key)]
        if not candidates:
            break
    return candidates


def best(values: list[str], keys: Iterable[str] | None = None) -> list[str]:
    """The formats that read the most non-empty values (all of them when any format reads
    every value; none when no format reads any value)."""
    candidates = list(keys) if keys is not None else [f.key for f in FORMATS]
    every = fitting(values, candidates)
    if every:
        return every
    present = [v for v in values if v.strip()]
    scores = {key: sum(fits(v, key) for v in present) for key in candidates}
    top = max(scores.values(), default=0)
    return [key for key in candidates if top and scores[key] == top]


def looks_like_date(text: str) -> bool:
    """Whether any format reads ``text`` (for guessing which column holds dates)."""
    return any(fits(text, f.key) for f in FORMATS)
