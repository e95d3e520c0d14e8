"""Budget arithmetic: which amount applies to a month, rollover, percentages and pace.

No Django here. Amounts are integer minor units of the budget's currency; spending is a
positive number of minor units (what went out). A budget month is named by its *label*: the
first day of the calendar month that holds the budget month's last day (month start day 25:
25 Nov – 24 Dec is "December", labelled ``date(…, 12, 1)``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from spendwise.periods import Period, add_months, month_range

DEFAULT_THRESHOLDS = (80, 100)
MAX_THRESHOLDS = 5
MAX_THRESHOLD_PERCENT = 1000


# --- budget months ------------------------------------------------------------------------------
def label_of(day: date, start_day: int) -> date:
    """The label (first of a calendar month) of the budget month that contains ``day``."""
    return month_range(day, start_day).last_day.replace(day=1)


def period_of(label: date, start_day: int) -> Period:
    """The dates of the budget month labelled ``label`` (any day of that calendar month)."""
    label = label.replace(day=1)
    if start_day == 1:
        return month_range(label, 1)
    # The budget month ends on the day before ``start_day`` in the label's calendar month.
    return month_range(label.replace(day=start_day - 1), start_day)


def labels_between(first: date, last: date) -> list[date]:
    """Labels from ``first`` to ``last`` inclusive (both firsts of months)."""
    labels = []
    label = first.replace(day=1)
    while label <= last:
        labels.append(label)
        label = add_months(label, 1)
    return labels


def label_of_rollup_group(month_first: date, late: bool, start_day: int) -> date:
    """The label of days grouped by calendar month and by "on or after the start day".

    Lets a database group spending by (calendar month, day >= start day) and still get the
    budget month exactly: with a start day after the 1st, the days from the start day onward
    belong to the next label.
    """
    if start_day > 1 and late:
        return add_months(month_first.replace(day=1), 1)
    return month_first.replace(day=1)


# --- amounts ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class AmountRow:
    """One stored amount: from ``month`` on when ``repeats``, else for ``month`` only."""

    month: date
    amount: int
    repeats: bool


def amount_for(rows: Iterable[AmountRow], month: date) -> AmountRow | None:
    """The amount that applies to ``month``: its single-month override if there is one, else
    the latest repeating amount from ``month`` or before, else None (no budget that month)."""
    month = month.replace(day=1)
    latest: AmountRow | None = None
    for row in rows:
        if row.month != month and (not row.repeats or row.month > month):
            continue
        if not row.repeats:
            return row
        if latest is None or row.month > latest.month:
            latest = row
    return latest


def first_month(rows: Iterable[AmountRow]) -> date | None:
    """The earliest month any amount applies to: where rollover starts counting."""
    months = [row.month for row in rows]
    return min(months) if months else None


def carried_into(
    rows: Sequence[AmountRow],
    month: date,
    spent_by_month: Mapping[date, int],
    *,
    rollover: bool,
) -> int:
    """What rolls into ``month`` from the months before it (negative after overspending).

    Accumulates from the budget's first month: each budgeted month passes on its amount plus
    what it received minus what was spent. A month with no budget ends the chain (nothing
    carries across it). Without rollover nothing is carried.
    """
    start = first_month(rows)
    if not rollover or start is None:
        return 0
    carried = 0
    for label in labels_between(start, add_months(month.replace(day=1), -1)):
        applied = amount_for(rows, label)
        spent = spent_by_month.get(label, 0)
        carried = 0 if applied is None else carried + applied.amount - spent
    return carried


# --- progress -----------------------------------------------------------------------------------
def percent_used(spent: int, available: int) -> int:
    """Whole percent of ``available`` spent, rounded down. With nothing available, any
    spending is reported as 100 (the bar is full; the text says by how much it is over)."""
    if available > 0:
        return max(0, spent) * 100 // available
    return 100 if spent > 0 or available < 0 else 0


def thresholds_crossed(spent: int, available: int, thresholds: Iterable[int]) -> list[int]:
    """The thresholds (percent) that spending has reached: ``spent >= threshold% of
    available``, compared in integers. With nothing available, any spending reaches all."""
    if spent <= 0:
        return []
    return sorted(t for t in thresholds if spent * 100 >= t * available)


def projected_spending(spent: int, period: Period, today: date) -> int | None:
    """ "At this rate you will spend X by month end": spent / days elapsed × days in the
    month, rounded down. None when ``today`` is not in ``period``."""
    if today not in period:
        return None
    elapsed = (today - period.start).days + 1
    return spent * period.days // elapsed


@dataclass(frozen=True, slots=True)
class MonthFigures:
    """One budget in one month, in minor units."""

    budgeted: int
    carried: int
    spent: int
    projected: int | None

    @property
    def available(self) -> int:
        return self.budgeted + self.carried

    @property
    def remaining(self) -> int:
        return self.available - self.spent

    @property
    def percent(self) -> int:
        return percent_used(self.spent, self.available)


def month_figures(
    rows: Sequence[AmountRow],
    month: date,
    spent_by_month: Mapping[date, int],
    *,
    rollover: bool,
    period: Period,
    today: date,
) -> MonthFigures | None:
    """The budget's figures for ``month``, or None when no amount applies to it."""
    applied = amount_for(rows, month)
    if applied is None:
        return None
    spent = spent_by_month.get(month.replace(day=1), 0)
    return MonthFigures(
        budgeted=applied.amount,
        carried=carried_into(rows, month, spent_by_month, rollover=rollover),
        spent=spent,
        projected=projected_spending(spent, period, today),
    )


# --- thresholds ---------------------------------------------------------------------------------
def parse_thresholds(text: str) -> tuple[int, ...]:
    """``"80, 100"`` → ``(80, 100)``: whole percents 1–1000, sorted, without repeats.

    Raises ``ValueError`` with a message a person can act on.
    """
    parts = [part.strip().rstrip("%").strip() for part in (text or "").split(",")]
    parts = [part for part in parts if part]
    if not parts:
        return DEFAULT_THRESHOLDS
    values = set()
    for part in parts:
        if not (part.isascii() and part.isdigit()):
            raise ValueError(f"“{part}” is not a whole percentage.")
        value = int(part)
        if not 1 <= value <= MAX_THRESHOLD_PERCENT:
            raise ValueError(f"Thresholds are between 1 and {MAX_THRESHOLD_PERCENT} percent.")
        values.add(value)
    if len(values) > MAX_THRESHOLDS:
        raise ValueError(f"Choose at most {MAX_THRESHOLDS} thresholds.")
    return tuple(sorted(values))


def format_thresholds(values: Iterable[int]) -> str:
    return ",".join(str(value) for value in sorted(values))
