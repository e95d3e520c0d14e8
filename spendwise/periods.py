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


# --- Date-range presets for reports --------------------------------------------------------------
# Appended for the reports; still no Django here. A range is chosen in the query string as
# ``?range=this_month|last_month|last_3|last_12|ytd|custom&from=YYYY-MM-DD&to=YYYY-MM-DD``.

MAX_CUSTOM_DAYS = 3660  # ten years: monthly reports stay at most ~121 buckets wide

PRESET_LABELS: dict[str, str] = {
    "this_month": "This budget month",
    "last_month": "Last budget month",
    "last_3": "Last 3 months",
    "last_12": "Last 12 months",
    "ytd": "Year to date",
    "custom": "Custom range",
}


@dataclass(frozen=True, slots=True)
class DateRange:
    """A chosen report range: the preset's key, the half-open period, and, when what was asked
    for could not be used, a user-facing ``error`` saying what was shown instead."""

    preset: str
    period: Period
    error: str = ""
    # What was wrong, for pages that word ``error`` in another language: "preset", "from_missing",
    # "to_missing", "not_a_date", "out_of_range", "reversed" or "too_long"; ``value`` is the text.
    problem: str = ""
    value: str = ""

    @property
    def label(self) -> str:
        return PRESET_LABELS[self.preset]


def preset_period(preset: str, today: date, start_day: int = 1) -> Period:
    """The period of a named preset on ``today`` for a month start day of ``start_day``.

    Month presets cover whole budget months ending with the current one (later-dated entries
    in the current month count, as on the dashboard); "ytd" runs from the start of the budget
    month that contains 1 January (the person's "January") up to and including ``today``.
    """
    current = month_range(today, start_day)
    if preset == "this_month":
        return current
    if preset == "last_month":
        return Period(add_months(current.start, -1), current.start)
    if preset == "last_3":
        return Period(add_months(current.start, -2), current.end)
    if preset == "last_12":
        return Period(add_months(current.start, -11), current.end)
    if preset == "ytd":
        year_start = month_range(date(current.last_day.year, 1, 1), start_day).start
        return Period(year_start, today + timedelta(days=1))
    raise ValueError(f"unknown date range preset {preset!r}")


# Custom ranges stay within these days: the budget months around year 1 or 9999 would step
# outside what a date can hold (and nothing can be booked outside 1900 to 50 years ahead).
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)


class _RangeProblem(ValueError):
    def __init__(self, message: str, problem: str, value: str = "") -> None:
        super().__init__(message)
        self.problem, self.value = problem, value


def _parse_day(text: str | None, what: str) -> date:
    if not text or not text.strip():
        raise _RangeProblem(f"Enter the {what} date.", f"{what}_missing")
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        shown = text.strip()[:20]
        raise _RangeProblem(
            f"“{shown}” is not a date (use YYYY-MM-DD).", "not_a_date", shown
        ) from None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise _RangeProblem("That date is out of range.", "out_of_range")
    return day


def parse_date_range(
    preset: str | None,
    date_from: str | None = None,
    date_to: str | None = None,
    *,
    today: date,
    start_day: int = 1,
    default: str = "this_month",
) -> DateRange:
    """The range asked for in a query string; never raises for bad input.

    No preset gives ``default``. An unknown preset or an unusable custom range (a bad date,
    from after to, longer than ten years) falls back to this budget month with ``error`` set.
    ``from`` and ``to`` are both included in a custom range.
    """
    chosen = (preset or "").strip() or default
    fallback = "Showing this budget month instead."
    if chosen not in PRESET_LABELS:
        return DateRange(
            "this_month",
            preset_period("this_month", today, start_day),
            f"“{chosen[:20]}” is not a date range. {fallback}",
            problem="preset",
            value=chosen[:20],
        )
    if chosen != "custom":
        return DateRange(chosen, preset_period(chosen, today, start_day))
    try:
        first = _parse_day(date_from, "from")
        last = _parse_day(date_to, "to")
        if first > last:
            raise _RangeProblem("The “from” date is after the “to” date.", "reversed")
        if (last - first).days >= MAX_CUSTOM_DAYS:
            raise _RangeProblem("Choose a range of at most ten years.", "too_long")
        period = Period(first, last + timedelta(days=1))
    except (ValueError, OverflowError) as exc:
        message = str(exc) if isinstance(exc, ValueError) else "That date is out of range."
        return DateRange(
            "this_month",
            preset_period("this_month", today, start_day),
            f"{message} {fallback}",
            problem=getattr(exc, "problem", "out_of_range"),
            value=getattr(exc, "value", ""),
        )
    return DateRange("custom", period)


def budget_months(period: Period, start_day: int = 1) -> list[Period]:
    """The budget months that overlap ``period``, oldest first, each cut to its part inside."""
    months = []
    cursor = period.start
    while cursor < period.end:
        month = month_range(cursor, start_day)
        months.append(Period(max(month.start, period.start), min(month.end, period.end)))
        cursor = month.end
    return months


def days_of(period: Period) -> list[date]:
    """Every day of ``period``, oldest first."""
    return [period.start + timedelta(days=offset) for offset in range(period.days)]
