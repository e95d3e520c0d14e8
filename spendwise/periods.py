"""Budget months: the one place that knows where "this month" starts and ends.

A person paid on the 25th sets a month start day of 25: their "November" runs from
25 October to 24 November. No Django here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

MIN_START_DAY = 1
MAX_START_DAY = 28  # every month has a 28th


@dataclass(frozen=True, slots=True)
class Period:
    """A half-open date range: ``start`` included, ``end`` excluded."""

    start: date
    end: date

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day < self.end


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later; only used with days 1..28."""
    index = day.year * 12 + (day.month - 1) + months
    return day.replace(year=index // 12, month=index % 12 + 1)


def month_range(day: date, start_day: int = 1) -> Period:
    """The budget month that contains ``day`` for a month start day of ``start_day``."""
    if not MIN_START_DAY <= start_day <= MAX_START_DAY:
        raise ValueError(f"month start day must be 1..28, not {start_day}")
    start = day.replace(day=start_day)
    if day.day < start_day:
        start = add_months(start, -1)
    return Period(start, add_months(start, 1))
