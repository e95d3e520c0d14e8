"""``manage.py run_scheduled [--date YYYY-MM-DD]``: post what recurring schedules have due.

Run it every hour or so (the container's scheduled task). Safe to run twice and as two
copies at once; see ``spendwise.recurring.actions.run_due``. It then sends due webhook
deliveries (``manage.py deliver_webhooks``, ``spendwise.webhooks.delivery``).
"""

from __future__ import annotations

from argparse import ArgumentTypeError
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from spendwise.recurring.actions import run_due
from spendwise.webhooks.delivery import deliver_due


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(f"{text!r} is not a date like 2026-11-27") from None


class Command(BaseCommand):
    help = "Post due recurring transactions, or queue them for confirmation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            type=_day,
            default=None,
            help="Handle occurrences up to this day (YYYY-MM-DD); default: today in UTC.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # One day for every household: a schedule may post up to a day early or late for
        # someone far from UTC, never twice.
        today: date = options["date"] or timezone.localdate()
        summary = run_due(today)
        self.stdout.write(f"run_scheduled {today.isoformat()}: {summary}")
        # After posting, so that webhooks for the transactions just posted go out in this run.
        sent = deliver_due()
        if sent.delivered or sent.retrying or sent.failed:
            self.stdout.write(f"deliver_webhooks: {sent}")
