"""Budget month, amount and rollover arithmetic: examples and properties (no database)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spendwise.budgets.arithmetic import (
    AmountRow,
    amount_for,
    carried_into,
    label_of,
    label_of_rollup_group,
    labels_between,
    month_figures,
    parse_thresholds,
    percent_used,
    period_of,
    projected_spending,
    thresholds_crossed,
)
from spendwise.periods import Period, add_months

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2200, 12, 31))
start_days = st.integers(min_value=1, max_value=28)
labels = st.builds(lambda y, m: date(y, m, 1), st.integers(2000, 2100), st.integers(1, 12))


# --- budget months ------------------------------------------------------------------------------
def test_it_labels_a_budget_month_by_the_calendar_month_of_its_last_day():
    assert label_of(date(2026, 11, 25), 25) == date(2026, 12, 1)
    assert label_of(date(2026, 12, 24), 25) == date(2026, 12, 1)
    assert label_of(date(2026, 12, 25), 25) == date(2027, 1, 1)
    assert label_of(date(2026, 12, 31), 1) == date(2026, 12, 1)
    assert period_of(date(2026, 12, 1), 25) == Period(date(2026, 11, 25), date(2026, 12, 25))
    assert period_of(date(2027, 1, 1), 1) == Period(date(2027, 1, 1), date(2027, 2, 1))


@given(day=days, start_day=start_days)
def test_it_puts_every_day_in_the_period_of_its_label(day, start_day):
    label = label_of(day, start_day)
    period = period_of(label, start_day)
    assert day in period
    assert label == period.last_day.replace(day=1)


@given(label=labels, start_day=start_days)
def test_it_tiles_the_calendar_with_consecutive_budget_months(label, start_day):
    this, following = period_of(label, start_day), period_of(add_months(label, 1), start_day)
    assert this.end == following.start
    assert 28 <= this.days <= 31


@given(day=days, start_day=start_days)
def test_it_finds_the_label_from_the_calendar_month_and_the_start_day_alone(day, start_day):
    """What the database groups by (calendar month, day >= start day) is enough."""
    grouped = label_of_rollup_group(day.replace(day=1), day.day >= start_day, start_day)
    assert grouped == label_of(day, start_day)


def test_it_lists_the_labels_between_two_months_across_a_year_end():
    assert labels_between(date(2026, 11, 1), date(2027, 2, 1)) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
    ]


# --- which amount applies -----------------------------------------------------------------------
def test_it_prefers_a_single_month_override_then_the_latest_repeating_amount():
    rows = [
        AmountRow(date(2026, 11, 1), 500, True),
        AmountRow(date(2026, 12, 1), 700, False),
        AmountRow(date(2027, 2, 1), 600, True),
    ]

    def amount(month):
        applied = amount_for(rows, month)
        return applied.amount if applied else None

    assert amount(date(2026, 10, 1)) is None
    assert amount(date(2026, 11, 1)) == 500
    assert amount(date(2026, 12, 1)) == 700
    assert amount(date(2027, 1, 1)) == 500
    assert amount(date(2027, 3, 1)) == 600


amount_rows = st.lists(
    st.builds(AmountRow, labels, st.integers(0, 10**9), st.booleans()),
    max_size=8,
    unique_by=lambda row: (row.month, row.repeats),
)


@given(rows=amount_rows, month=labels)
def test_it_resolves_amounts_like_the_written_rule(rows, month):
    override = [row for row in rows if not row.repeats and row.month == month]
    repeating = [row for row in rows if row.repeats and row.month <= month]
    expected = (
        override[0] if override else max(repeating, key=lambda r: r.month) if repeating else None
    )
    assert amount_for(rows, month) == expected


# --- rollover -----------------------------------------------------------------------------------
def test_it_carries_underspending_and_overspending_across_a_year_end():
    rows = [AmountRow(date(2026, 11, 1), 30000, True)]
    spent = {date(2026, 11, 1): 25000, date(2026, 12, 1): 40000, date(2027, 1, 1): 10000}
    assert carried_into(rows, date(2026, 11, 1), spent, rollover=True) == 0
    assert carried_into(rows, date(2026, 12, 1), spent, rollover=True) == 5000
    # December: 300 + 50 available, 400 spent → 50 over, carried into January.
    assert carried_into(rows, date(2027, 1, 1), spent, rollover=True) == -5000
    assert carried_into(rows, date(2027, 1, 1), spent, rollover=False) == 0


def test_a_month_without_a_budget_ends_the_rollover_chain():
    rows = [AmountRow(date(2026, 11, 1), 100, False), AmountRow(date(2027, 1, 1), 100, True)]
    spent = {date(2026, 11, 1): 40}
    assert carried_into(rows, date(2026, 12, 1), spent, rollover=True) == 60
    assert carried_into(rows, date(2027, 1, 1), spent, rollover=True) == 0


@given(
    amounts=st.lists(st.integers(0, 10**9), min_size=1, max_size=24),
    spending=st.lists(st.integers(0, 10**9), min_size=24, max_size=24),
    first=labels,
)
def test_with_rollover_what_remains_is_everything_budgeted_minus_everything_spent(
    amounts, spending, first
):
    months = [add_months(first, offset) for offset in range(len(amounts))]
    rows = [AmountRow(month, amount, True) for month, amount in zip(months, amounts, strict=True)]
    spent = dict(zip(months, spending, strict=False))
    last = months[-1]
    figures = month_figures(
        rows, last, spent, rollover=True, period=period_of(last, 1), today=date(1900, 1, 1)
    )
    assert figures is not None
    assert figures.remaining == sum(amounts) - sum(spending[: len(amounts)])
    assert figures.available == sum(amounts) - sum(spending[: len(amounts) - 1])
    without = month_figures(
        rows, last, spent, rollover=False, period=period_of(last, 1), today=date(1900, 1, 1)
    )
    assert without is not None and without.carried == 0
    assert without.remaining == amounts[-1] - spent[last]


# --- percent, thresholds and pace ---------------------------------------------------------------
def test_it_counts_whole_percents_and_reports_spending_with_nothing_available_as_full():
    assert percent_used(7999, 10000) == 79
    assert percent_used(8000, 10000) == 80
    assert percent_used(12000, 10000) == 120
    assert percent_used(0, 0) == 0
    assert percent_used(1, 0) == 100
    assert percent_used(0, -500) == 100


@given(
    spent=st.integers(0, 10**12),
    extra=st.integers(0, 10**12),
    available=st.integers(-(10**12), 10**12),
    thresholds=st.lists(st.integers(1, 1000), min_size=1, max_size=5, unique=True),
)
def test_thresholds_once_reached_stay_reached_as_spending_grows(
    spent, extra, available, thresholds
):
    before = set(thresholds_crossed(spent, available, thresholds))
    after = set(thresholds_crossed(spent + extra, available, thresholds))
    assert before <= after
    if available > 0 and spent > 0:
        assert before == {t for t in thresholds if spent * 100 >= t * available}


def test_it_projects_spending_at_the_current_pace_in_integers():
    december = period_of(date(2026, 12, 1), 1)
    assert projected_spending(10000, december, date(2026, 12, 10)) == 31000
    assert projected_spending(10000, december, date(2026, 12, 3)) == 103333
    assert projected_spending(10000, december, date(2027, 1, 1)) is None


@given(spent=st.integers(0, 10**12), label=labels, start_day=start_days, offset=st.integers(0, 30))
def test_the_projection_is_at_least_what_is_spent_and_equals_it_on_the_last_day(
    spent, label, start_day, offset
):
    period = period_of(label, start_day)
    today = date.fromordinal(min(period.start.toordinal() + offset, period.last_day.toordinal()))
    projected = projected_spending(spent, period, today)
    assert projected is not None and projected >= spent
    assert projected_spending(spent, period, period.last_day) == spent


@pytest.mark.parametrize(
    ("text", "expected"),
    [("80, 100", (80, 100)), ("100,80,80", (80, 100)), ("", (80, 100)), ("50 %, 90%", (50, 90))],
)
def test_it_reads_thresholds(text, expected):
    assert parse_thresholds(text) == expected


@pytest.mark.parametrize("text", ["eighty", "0", "1001", "1,2,3,4,5,6", "80.5", "-10"])
def test_it_refuses_thresholds_that_are_not_whole_percents(text):
    with pytest.raises(ValueError, match=r"\w"):
        parse_thresholds(text)
