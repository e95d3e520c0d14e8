"""How periods are named on charts and in tables, in the person's locale."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date, format_interval, format_skeleton

from spendwise.periods import Period, add_months


def period_label(period: Period, locale: str = "en") -> str:
    """``Nov 5, 2026`` for a day, ``Nov 2026`` for a calendar month, else the interval
    ``Oct 25 – Nov 24, 2026`` (budget months starting on another day, or cut by a range)."""
    if period.days == 1:
        return day_label(period.start, locale)
    if period.start.day == 1 and period.end == add_months(period.start, 1):
        return str(format_skeleton("yMMM", period.start, locale=locale))
    text = str(format_interval(period.start, period.last_day, skeleton="yMMMd", locale=locale))
    return text.replace("\u2009", " ")  # CLDR's thin spaces around the dash: plain ones


def short_day(day: date, locale: str = "en") -> str:
    """``Nov 5`` for the x-axis of a chart of days."""
    return str(format_skeleton("MMMd", day, locale=locale))


def day_label(day: date, locale: str = "en") -> str:
    """``Nov 5, 2026``."""
    return str(format_date(day, format="medium", locale=locale))
