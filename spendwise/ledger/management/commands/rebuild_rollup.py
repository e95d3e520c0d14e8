"""``manage.py rebuild_rollup [--check] [--household ID]``: audit or recompute the rollup.

``--check`` only reports households whose rollup disagrees with their transactions (exit 1
when any does); without it, every (or the given) household's rollup is rebuilt.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from spendwise.households.models import Household
from spendwise.ledger import rollup


class Command(BaseCommand):
    help = "Check or rebuild the daily/monthly rollup from the transactions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Report differences only.")
        parser.add_argument("--household", type=int, help="Only this household id.")

    def handle(self, *args: Any, **options: Any) -> None:
        households = Household.objects.order_by("pk").values_list("pk", flat=True)
        if options["household"] is not None:
            households = households.filter(pk=options["household"])
        wrong = 0
        for household_id in households:
            if options["check"]:
                problems = rollup.differences(household_id)
                if problems:
                    wrong += 1
                    self.stdout.write(f"household {household_id}: {len(problems)} differences")
                    for line in problems[:10]:
                        self.stdout.write(f"  {line}")
            else:
                rows = rollup.rebuild(household_id)
                self.stdout.write(f"household {household_id}: rebuilt, {rows} rollup rows")
        if wrong:
            raise CommandError(f"{wrong} household(s) have a rollup that disagrees")
        if options["check"]:
            self.stdout.write(self.style.SUCCESS("The rollup matches the transactions."))
