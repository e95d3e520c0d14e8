"""When a recurring schedule comes due: the dates of a repetition rule. No Django here.

A rule repeats from its ``start`` date every ``interval`` days, weeks, months or years, until
its optional ``end`` (both included):

* daily and weekly: ``start``, ``start + interval`` days (or weeks), ...;
* monthly: on ``day_of_month`` (1–31, or ``LAST_DAY``); in a shorter month a day past its
  end falls on the month's last day (the 31st is the 30th in April, the 28th or 29th in
  February). The first occurrence is the first such day on or after ``start``;
* yearly: on the month and day of ``start``; 29 February falls on 28 February in other years.

Occurrence ``k`` (0, 1, 2 ...) is computed directly from ``start``, never from the previous
occurrence, so a short month does not pull every later date back.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

LAST_DAY = -1  # ``day_of_month`` for "the last day of the month"
MAX_INTERVAL = 999


class Frequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    YEARLY = "yearly"


@dataclass(frozen=True, slots=True)
class Rule:
    frequency: Frequency
    start: date
    interval: int = 1
    day_of_month: int | None = None  # monthly only: 1..31 or LAST_DAY; None = start's day
    end: date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "frequency", Frequency(self.frequency))
        if not 1 <= self.interval <= MAX_INTERVAL:
            raise ValueError(f"interval must be 1..{MAX_INTERVAL}, not {self.interval}")
        if self.day_of_month is not None and not (
            self.day_of_month == LAST_DAY or 1 <= self.day_of_month <= 31
        ):
            raise ValueError(f"day_of_month must be 1..31 or LAST_DAY, not {self.day_of_month}")
        if self.end is not None and self.end < self.start:
            raise ValueError("end must not be before start")

    @property
    def monthly_day(self) -> int:
        return self.day_of_month if self.day_of_month is not None else self.start.day


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _month_number(day: date) -> int:
    """Months since year 0: consecutive months differ by one."""
    return day.year * 12 + day.month - 1


def _day_in_month(month_number: int, day_of_month: int) -> date:
    year, month = divmod(month_number, 12)
    last = days_in_month(year, month + 1)
    day = last if day_of_month == LAST_DAY else min(day_of_month, last)
    return date(year, month + 1, day)


def _first_month(rule: Rule) -> int:
    """The month of the first monthly occurrence: ``start``'s, or the next one."""
    month = _month_number(rule.start)
    return month if _day_in_month(month, rule.monthly_day) >= rule.start else month + 1


def _step_days(rule: Rule) -> int:
    return rule.interval * (7 if rule.frequency == Frequency.WEEKLY else 1)


def nth(rule: Rule, k: int) -> date | None:
    """Occurrence number ``k`` (from 0), ignoring ``end``; None past the calendar's end."""
    try:
        if rule.frequency in (Frequency.DAILY, Frequency.WEEKLY):
            return rule.start + timedelta(days=k * _step_days(rule))
        if rule.frequency == Frequency.MONTHLY:
            return _day_in_month(_first_month(rule) + k * rule.interval, rule.monthly_day)
        year = rule.start.year + k * rule.interval
        return date(
            year, rule.start.month, min(rule.start.day, days_in_month(year, rule.start.month))
        )
    except (OverflowError, ValueError):  # beyond year 9999
        return None


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _index_on_or_after(rule: Rule, day: date) -> int:
    """The smallest ``k`` whose occurrence is on or after ``day`` (occurrences only grow)."""
    if day <= rule.start:
        return 0
    if rule.frequency in (Frequency.DAILY, Frequency.WEEKLY):
        return _ceil_div((day - rule.start).days, _step_days(rule))
    if rule.frequency == Frequency.MONTHLY:
        units = _month_number(day) - _first_month(rule)
    else:
        units = day.year - rule.start.year
    k = max(0, _ceil_div(units, rule.interval))
    found = nth(rule, k)
    # Same month (or year) as ``day`` but earlier in it: the next one is the answer.
    return k + 1 if found is not None and found < day else k


def first_on_or_after(rule: Rule, day: date) -> date | None:
    """The first occurrence on or after ``day``; None when the rule has ended by then."""
    found = nth(rule, _index_on_or_after(rule, day))
    if found is None or (rule.end is not None and found > rule.end):
        return None
    return found


def next_after(rule: Rule, day: date) -> date | None:
    """The first occurrence strictly after ``day``; None when there is none."""
    if day >= date.max:
        return None
    return first_on_or_after(rule, day + timedelta(days=1))


def occurrences(rule: Rule, since: date, until: date, *, limit: int | None = None) -> list[date]:
    """The occurrence dates in ``[since, until]`` (and within the rule's own start and end),
    oldest first; at most ``limit`` of them.
    """
    last = until if rule.end is None else min(until, rule.end)
    found: list[date] = []
    k = _index_on_or_after(rule, since)
    while limit is None or len(found) < limit:
        day = nth(rule, k)
        if day is None or day > last:
            break
        found.append(day)
        k += 1
    return found


# --- in words ---------------------------------------------------------------------------------
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th ... 11th, 12th, 13th ... 21st, 22nd, 31st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _every(interval: int, unit: str) -> str:
    return f"Every {unit}" if interval == 1 else f"Every {interval} {unit}s"


def describe(rule: Rule) -> str:
    """The rule in words: "Every 2 weeks on Friday", "Every month on the last day"."""
    if rule.frequency == Frequency.DAILY:
        return _every(rule.interval, "day")
    if rule.frequency == Frequency.WEEKLY:
        return f"{_every(rule.interval, 'week')} on {_WEEKDAYS[rule.start.weekday()]}"
    if rule.frequency == Frequency.MONTHLY:
        every = _every(rule.interval, "month")
        if rule.monthly_day == LAST_DAY:
            return f"{every} on the last day"
        text = f"{every} on the {ordinal(rule.monthly_day)}"
        return text + (" (or the month's last day)" if rule.monthly_day > 28 else "")
    text = f"{_every(rule.interval, 'year')} on {_MONTHS[rule.start.month - 1]} {rule.start.day}"
    if (rule.start.month, rule.start.day) == (2, 29):
        text += " (February 28 in other years)"
    return text
