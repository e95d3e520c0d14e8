"""Date-range presets: budget months follow the month start day; bad input falls back."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from spendwise.periods import Period, budget_months, parse_date_range, preset_period

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("preset", "start_day", "expected"),
    [
        ("this_month", 1, Period(date(2026, 11, 1), date(2026, 12, 1))),
        ("last_month", 1, Period(date(2026, 10, 1), date(2026, 11, 1))),
        ("last_3", 1, Period(date(2026, 9, 1), date(2026, 12, 1))),
        ("last_12", 1, Period(date(2025, 12, 1), date(2026, 12, 1))),
        ("ytd", 1, Period(date(2026, 1, 1), date(2026, 11, 21))),
        ("this_month", 25, Period(date(2026, 10, 25), date(2026, 11, 25))),
        ("last_month", 25, Period(date(2026, 9, 25), date(2026, 10, 25))),
        ("last_3", 25, Period(date(2026, 8, 25), date(2026, 11, 25))),
        ("last_12", 25, Period(date(2025, 11, 25), date(2026, 11, 25))),
        # A person whose month starts on the 25th has a "January" from 25 December.
        ("ytd", 25, Period(date(2025, 12, 25), date(2026, 11, 21))),
    ],
)
def test_it_computes_each_preset(preset, start_day, expected):
    assert preset_period(preset, TODAY, start_day) == expected


def test_the_year_to_date_follows_the_budget_year_across_new_year():
    # 28 December with a start day of 25 is already in the budget month "January 2027".
    assert preset_period("ytd", date(2026, 12, 28), 25) == Period(
        date(2026, 12, 25), date(2026, 12, 29)
    )
    assert preset_period("last_month", date(2027, 1, 10), 1) == Period(
        date(2026, 12, 1), date(2027, 1, 1)
    )


def test_a_custom_range_includes_both_days():
    chosen = parse_date_range("custom", "2026-02-03", "2026-02-03", today=TODAY)
    assert chosen.preset == "custom" and not chosen.error
    assert chosen.period == Period(date(2026, 2, 3), date(2026, 2, 4))


@pytest.mark.parametrize(
    ("date_from", "date_to", "message"),
    [
        ("2026-11-10", "2026-11-01", "The “from” date is after the “to” date."),
        ("2026-13-01", "2026-11-01", "“2026-13-01” is not a date (use YYYY-MM-DD)."),
        ("", "2026-11-01", "Enter the from date."),
        ("2026-11-01", None, "Enter the to date."),
        ("2000-01-01", "2026-11-01", "Choose a range of at most ten years."),
        ("9999-12-31", "9999-12-31", "That date is out of range."),
        ("0001-01-03", "0001-01-05", "That date is out of range."),  # was a 500 (year 0)
    ],
)
def test_an_unusable_custom_range_falls_back_to_this_month_with_a_message(
    date_from, date_to, message
):
    chosen = parse_date_range("custom", date_from, date_to, today=TODAY, start_day=25)

    assert chosen.preset == "this_month"
    assert chosen.period == Period(date(2026, 10, 25), date(2026, 11, 25))
    assert chosen.error == f"{message} Showing this budget month instead."


def test_an_unknown_preset_falls_back_and_no_preset_gives_the_default():
    assert parse_date_range("forever", today=TODAY).error.startswith("“forever” is not a date")
    assert parse_date_range(None, today=TODAY, default="last_12").preset == "last_12"
    assert parse_date_range("", today=TODAY).preset == "this_month"


def test_budget_months_are_cut_to_the_period():
    months = budget_months(Period(date(2026, 10, 10), date(2026, 12, 5)), 25)
    assert months == [
        Period(date(2026, 10, 10), date(2026, 10, 25)),
        Period(date(2026, 10, 25), date(2026, 11, 25)),
        Period(date(2026, 11, 25), date(2026, 12, 5)),
    ]
    assert budget_months(Period(date(2026, 1, 1), date(2026, 1, 1)), 1) == []


@pytest.mark.django_db
@time_machine.travel("2026-11-27 12:00:00+00:00", tick=False)
def test_the_page_uses_the_persons_today_and_month_start_day(owner, owner_client: Client):
    owner.user.month_start_day = 25
    owner.user.save()

    page = owner_client.get(reverse("reports:spending"), {"range": "last_month"})

    assert page.context["date_range"].period == Period(date(2026, 10, 25), date(2026, 11, 25))
    assert "Last budget month: Oct 25 – Nov 24, 2026" in page.content.decode()


@pytest.mark.django_db
@time_machine.travel("2026-11-30 23:30:00+00:00", tick=False)
def test_today_is_the_date_in_the_persons_time_zone(owner, owner_client: Client):
    owner.user.time_zone = "Asia/Ho_Chi_Minh"  # already 1 December there
    owner.user.save()

    page = owner_client.get(reverse("reports:spending"))

    assert page.context["date_range"].period.start == date(2026, 12, 1)


@pytest.mark.django_db
@time_machine.travel("2026-11-20 12:00:00+00:00", tick=False)
def test_a_bad_custom_range_on_a_page_shows_a_message_and_this_month(owner_client: Client):
    response = owner_client.get(
        reverse("reports:income_expenses"),
        {"range": "custom", "from": "2026-11-30", "to": "2026-11-01"},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "The “from” date is after the “to” date. Showing this budget month instead." in page
    assert "This budget month: Nov 2026" in page
