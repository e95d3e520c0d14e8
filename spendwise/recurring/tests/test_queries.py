"""The dashboard's upcoming list: what waits for confirmation first, then what comes next."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import RequestFactory

from spendwise.money import Money
from spendwise.recurring.actions import run_due
from spendwise.recurring.queries import upcoming
from spendwise.testing.factories import make_schedule

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 27)


@pytest.fixture
def world(owner, checking, savings):
    bill = make_schedule(
        owner, checking, 8000, name="Electricity", start=date(2026, 10, 20), auto_post=False
    )
    make_schedule(owner, checking, 120000, name="Rent", start=date(2026, 12, 1), day_of_month=1)
    make_schedule(owner, checking, 2500, name="Gym", frequency="weekly", start=date(2026, 11, 30))
    make_schedule(
        owner, checking, 30000, name="Savings", kind="transfer", to_account=savings,
        start=date(2026, 12, 15),
    )  # fmt: skip
    make_schedule(owner, checking, 999, name="Paused", start=date(2026, 12, 2), active=False)
    make_schedule(owner, checking, 5, name="Next year", frequency="yearly", start=date(2027, 6, 1))
    run_due(TODAY)
    return bill


def test_pending_ones_come_first_then_the_next_dates_from_the_rules(owner, world):
    items = upcoming(owner.household, TODAY)
    assert [(i.date, i.schedule.name, i.is_pending) for i in items] == [
        (date(2026, 10, 20), "Electricity", True),
        (date(2026, 11, 20), "Electricity", True),
        (date(2026, 11, 30), "Gym", False),
        (date(2026, 12, 1), "Rent", False),
        (date(2026, 12, 7), "Gym", False),
        (date(2026, 12, 14), "Gym", False),
        (date(2026, 12, 15), "Savings", False),
        (date(2026, 12, 20), "Electricity", False),
        (date(2026, 12, 21), "Gym", False),
    ]
    assert items[0].money == Money(-8000, "USD")
    assert items[6].money == Money(30000, "USD")  # a transfer: the plain amount


def test_it_looks_as_far_ahead_as_asked_and_no_further_than_the_limit(owner, world):
    assert [i.date for i in upcoming(owner.household, TODAY, days=4)][-1] == date(2026, 12, 1)
    assert len(upcoming(owner.household, TODAY, limit=4)) == 4
    assert not any(i.schedule.name == "Paused" for i in upcoming(owner.household, TODAY, 365))


def test_it_shows_nothing_of_another_household(outsider, world):
    assert upcoming(outsider.household, TODAY) == []


def test_the_fragment_shows_dates_names_amounts_and_buttons_for_pending_ones(owner, world):
    request = RequestFactory().get("/")
    request.user = owner.user
    with time_machine.travel("2026-11-27 12:00:00+00:00", tick=False):
        html = render_to_string(
            "recurring/upcoming.html",
            {"upcoming": upcoming(owner.household, TODAY), "can_write": True},
            request=request,
        )
    assert "Oct 20, 2026" in html and "Electricity" in html and "-$80.00" in html
    assert "$1,200.00" in html and "Checking → Savings" in html
    assert html.count("Confirm</button>") == 2
    assert html.count("Skip</button>") == 2
    pending = world.occurrences.order_by("date").first()
    assert f'action="/recurring/occurrences/{pending.pk}/confirm/"' in html


def test_the_fragment_has_no_buttons_for_a_viewer(owner, world):
    request = RequestFactory().get("/")
    request.user = owner.user
    html = render_to_string(
        "recurring/upcoming.html",
        {"upcoming": upcoming(owner.household, TODAY), "can_write": False},
        request=request,
    )
    assert "Electricity" in html
    assert "Confirm</button>" not in html
