from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spendwise.periods import Period, month_range


def test_a_month_starting_on_the_25th_runs_from_the_25th_to_the_24th():
    assert month_range(date(2026, 11, 27), 25) == Period(date(2026, 11, 25), date(2026, 12, 25))
    assert month_range(date(2026, 11, 24), 25) == Period(date(2026, 10, 25), date(2026, 11, 25))
    assert month_range(date(2026, 11, 25), 25).start == date(2026, 11, 25)


def test_the_month_crosses_the_year_end():
    assert month_range(date(2027, 1, 3), 25) == Period(date(2026, 12, 25), date(2027, 1, 25))
    assert month_range(date(2026, 12, 31), 1) == Period(date(2026, 12, 1), date(2027, 1, 1))


def test_it_refuses_a_start_day_past_the_28th():
    with pytest.raises(ValueError, match=r"1\.\.28"):
        month_range(date(2026, 1, 1), 29)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)), st.integers(1, 28))
def test_every_day_is_in_exactly_its_own_month(day, start_day):
    period = month_range(day, start_day)
    assert day in period
    assert period.start.day == start_day
    assert 28 <= period.days <= 31
    assert month_range(period.end, start_day).start == period.end
