"""``manage.py deliver_webhooks``: send the webhook deliveries that are due.

``run_scheduled`` calls it too, so the scheduled task needs nothing new. Safe to run as two
copies at once: see ``spendwise.webhooks.delivery``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from spendwise.webhooks.delivery import deliver_due


class Command(BaseCommand):
    help = "Send due webhook deliveries (retries included)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--limit", type=int, default=500, help="At most this many deliveries in one run."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        summary = deliver_due(limit=options["limit"])
        self.stdout.write(f"deliver_webhooks: {summary}")
