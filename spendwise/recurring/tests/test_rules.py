"""Occurrence dates of repetition rules: examples a person would check by hand, then
properties over random rules compared with a day-by-day reading of the rule."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spendwise.recurring.rules import (
    LAST_DAY,
    Frequency,
    Rule,
    days_in_month,
    describe,
    first_on_or_after,
    next_after,
    occurrences,
)

D = date


def test_it_posts_monthly_on_the_31st_on_the_last_day_of_shorter_months():
    rule = Rule(Frequency.MONTHLY, D(2027, 12, 31), day_of_month=31)
    assert occurrences(rule, D(2027, 12, 1), D(2028, 5, 31)) == [
        D(2027, 12, 31),
        D(2028, 1, 31),
        D(2028, 2, 29),  # leap year
        D(2028, 3, 31),  # back to the 31st, not pulled to the 29th by February
        D(2028, 4, 30),
        D(2028, 5, 31),
    ]
    assert occurrences(rule, D(2029, 2, 1), D(2029, 3, 1)) == [D(2029, 2, 28)]


def test_it_posts_monthly_on_the_last_day_across_february_and_leap_years():
    rule = Rule(Frequency.MONTHLY, D(2027, 1, 10), day_of_month=LAST_DAY)
    assert occurrences(rule, D(2027, 1, 1), D(2027, 4, 30)) == [
        D(2027, 1, 31),
        D(2027, 2, 28),
        D(2027, 3, 31),
        D(2027, 4, 30),
    ]
    assert first_on_or_after(rule, D(2028, 2, 1)) == D(2028, 2, 29)
    assert first_on_or_after(rule, D(2100, 2, 1)) == D(2100, 2, 28)  # 2100 is not a leap year
    assert first_on_or_after(rule, D(2000, 2, 1)) == D(2027, 1, 31)


def test_a_monthly_day_earlier_than_the_start_date_begins_the_next_month():
    rule = Rule(Frequency.MONTHLY, D(2026, 11, 20), day_of_month=5, interval=2)
    assert occurrences(rule, D(2026, 1, 1), D(2027, 5, 31)) == [
        D(2026, 12, 5),
        D(2027, 2, 5),
        D(2027, 4, 5),
    ]


def test_it_posts_every_two_weeks_on_the_start_weekday():
    rule = Rule(Frequency.WEEKLY, D(2026, 11, 6), interval=2)  # a Friday
    found = occurrences(rule, D(2026, 11, 1), D(2026, 12, 31))
    assert found == [D(2026, 11, 6), D(2026, 11, 20), D(2026, 12, 4), D(2026, 12, 18)]
    assert {day.weekday() for day in found} == {4}
    assert describe(rule) == "Every 2 weeks on Friday"


def test_it_posts_yearly_on_29_february_and_on_the_28th_in_other_years():
    rule = Rule(Frequency.YEARLY, D(2024, 2, 29))
    assert occurrences(rule, D(2024, 1, 1), D(2029, 12, 31)) == [
        D(2024, 2, 29),
        D(2025, 2, 28),
        D(2026, 2, 28),
        D(2027, 2, 28),
        D(2028, 2, 29),
        D(2029, 2, 28),
    ]
    assert describe(rule) == "Every year on February 29 (February 28 in other years)"


def test_it_respects_the_end_date():
    rule = Rule(Frequency.MONTHLY, D(2026, 1, 15), day_of_month=15, end=D(2026, 4, 15))
    assert occurrences(rule, D(2026, 1, 1), D(2027, 1, 1)) == [
        D(2026, 1, 15),
        D(2026, 2, 15),
        D(2026, 3, 15),
        D(2026, 4, 15),
    ]
    assert next_after(rule, D(2026, 4, 15)) is None
    assert first_on_or_after(rule, D(2026, 4, 16)) is None


def test_it_says_the_rule_in_words():
    assert describe(Rule(Frequency.DAILY, D(2026, 1, 1))) == "Every day"
    assert describe(Rule(Frequency.DAILY, D(2026, 1, 1), interval=3)) == "Every 3 days"
    assert describe(Rule(Frequency.WEEKLY, D(2026, 11, 2))) == "Every week on Monday"
    assert (
        describe(Rule(Frequency.MONTHLY, D(2026, 1, 1), day_of_month=LAST_DAY))
        == "Every month on the last day"
    )
    assert (
        describe(Rule(Frequency.MONTHLY, D(2026, 1, 1), day_of_month=22, interval=3))
        == "Every 3 months on the 22nd"
    )
    assert (
        describe(Rule(Frequency.MONTHLY, D(2026, 1, 1), day_of_month=31))
        == "Every month on the 31st (or the month's last day)"
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"interval": 0},
        {"day_of_month": 0},
        {"day_of_month": 32},
        {"end": D(2025, 12, 31)},
    ],
)
def test_it_refuses_an_impossible_rule(kwargs):
    with pytest.raises(ValueError):
        Rule(Frequency.MONTHLY, D(2026, 1, 1), **kwargs)


def test_it_stops_quietly_at_the_end_of_the_calendar():
    rule = Rule(Frequency.YEARLY, D(9998, 6, 1))
    assert occurrences(rule, D(9998, 1, 1), date.max) == [D(9998, 6, 1), D(9999, 6, 1)]
    assert next_after(rule, D(9999, 6, 1)) is None


# --- properties -----------------------------------------------------------------------------
def matches(rule: Rule, day: date) -> bool:
    """The rule read literally, one day at a time (the oracle)."""
    if day < rule.start or (rule.end is not None and day > rule.end):
        return False
    if rule.frequency in (Frequency.DAILY, Frequency.WEEKLY):
        step = rule.interval * (7 if rule.frequency == Frequency.WEEKLY else 1)
        return (day - rule.start).days % step == 0
    if rule.frequency == Frequency.YEARLY:
        wanted = min(rule.start.day, days_in_month(day.year, rule.start.month))
        return (
            (day.year - rule.start.year) % rule.interval == 0
            and day.month == rule.start.month
            and day.day == wanted
        )
    dom = rule.day_of_month if rule.day_of_month is not None else rule.start.day

    def on(year: int, month: int) -> date:
        last = days_in_month(year, month)
        return date(year, month, last if dom == LAST_DAY else min(dom, last))

    if day != on(day.year, day.month):
        return False
    # Months with an occurrence are every ``interval``-th from the first one on/after start.
    first = on(rule.start.year, rule.start.month)
    if first < rule.start:
        month = rule.start.month % 12 + 1
        first = on(rule.start.year + (rule.start.month == 12), month)
    months = (day.year - first.year) * 12 + day.month - first.month
    return months % rule.interval == 0


@st.composite
def rules(draw: st.DrawFn) -> Rule:
    frequency = draw(st.sampled_from(list(Frequency)))
    start = draw(st.dates(min_value=D(1999, 1, 1), max_value=D(2040, 12, 31)))
    interval = draw(st.integers(1, 5) | st.integers(6, 60))
    day_of_month = (
        draw(st.sampled_from([LAST_DAY, 1, 15, 28, 29, 30, 31]) | st.integers(1, 31))
        if frequency == Frequency.MONTHLY
        else None
    )
    end = draw(st.none() | st.dates(min_value=start, max_value=start + timedelta(days=5000)))
    return Rule(frequency, start, interval, day_of_month, end)


windows = st.tuples(
    st.dates(min_value=D(1998, 1, 1), max_value=D(2045, 12, 31)), st.integers(0, 1200)
)


@settings(max_examples=300, deadline=None)
@given(rules(), windows)
def test_it_never_skips_or_repeats_a_date_and_stays_in_the_window(rule, window):
    since, length = window
    until = since + timedelta(days=length)
    found = occurrences(rule, since, until)
    assert found == sorted(set(found))  # sorted, no repeats
    expected = [since + timedelta(days=n) for n in range(length + 1)]
    assert found == [day for day in expected if matches(rule, day)]  # nothing skipped
    for day in found:
        assert since <= day <= until and rule.start <= day
        assert rule.end is None or day <= rule.end


@settings(max_examples=300, deadline=None)
@given(rules(), st.dates(min_value=D(1998, 1, 1), max_value=D(2045, 12, 31)))
def test_next_after_is_the_very_next_occurrence(rule, day):
    following = next_after(rule, day)
    if following is None:
        assert occurrences(rule, day + timedelta(days=1), D(2070, 12, 31)) == []
        return
    assert following > day
    assert matches(rule, following)
    assert occurrences(rule, day + timedelta(days=1), following) == [following]
    assert first_on_or_after(rule, day + timedelta(days=1)) == following


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=D(1999, 1, 1), max_value=D(2040, 12, 31)),
    st.integers(1, 4),
    st.integers(0, 3000),
)
def test_monthly_last_day_is_always_the_months_last_day(start, interval, length):
    rule = Rule(Frequency.MONTHLY, start, interval=interval, day_of_month=LAST_DAY)
    found = occurrences(rule, start, start + timedelta(days=length))
    for earlier, later in pairwise(found):
        gap = (later.year - earlier.year) * 12 + later.month - earlier.month
        assert gap == interval
    for day in found:
        assert (day + timedelta(days=1)).day == 1


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=D(1999, 1, 1), max_value=D(2040, 12, 31)), st.integers(1, 31))
def test_a_monthly_day_is_that_day_or_the_last_of_a_shorter_month(start, day_of_month):
    rule = Rule(Frequency.MONTHLY, start, day_of_month=day_of_month)
    found = occurrences(rule, start, start + timedelta(days=800))
    assert len(found) >= 25
    for day in found:
        assert day.day == min(day_of_month, days_in_month(day.year, day.month))
