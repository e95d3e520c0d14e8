"""``manage.py run_scheduled``."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from spendwise.ledger.models import Transaction
from spendwise.testing.factories import make_schedule

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("run_scheduled", *args, stdout=out)
    return out.getvalue()


def test_it_posts_up_to_the_given_date_and_prints_a_summary(owner, checking):
    make_schedule(owner, checking, 1000, name="Rent", start=date(2026, 10, 1))
    make_schedule(owner, checking, 500, name="Bill", start=date(2026, 11, 3), auto_post=False)

    output = run("--date", "2026-11-27")

    assert output.strip() == (
        "run_scheduled 2026-11-27: schedules processed: 2, posted: 2, pending: 1, "
        "failed: 0, skipped: 0"
    )
    assert sorted(Transaction.objects.values_list("date", "amount")) == [
        (date(2026, 10, 1), -1000),
        (date(2026, 11, 1), -1000),
    ]
    assert "schedules processed: 0, posted: 0, pending: 0" in run("--date", "2026-11-27")


def test_it_runs_for_today_by_default(owner, checking):
    make_schedule(owner, checking, 1000, start=date(2026, 11, 1))
    with time_machine.travel("2026-12-01 03:00:00+00:00", tick=False):
        output = run()
    assert output.startswith("run_scheduled 2026-12-01: schedules processed: 1, posted: 2,")


def test_it_refuses_a_date_it_cannot_read(db):
    with pytest.raises(CommandError, match="is not a date like 2026-11-27"):
        run("--date", "27/11/2026")
