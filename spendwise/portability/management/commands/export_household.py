"""``manage.py export_household --email a@b.c -o export.zip``: the whole-data archive that
"Export my data" downloads, written to a file (backups, moving to another instance)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from spendwise.portability.export import write_archive
from spendwise.portability.management.commands._household import membership_for


class Command(BaseCommand):
    help = "Write a household's SpendWise export (zip) to a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="a member of the household")
        parser.add_argument("--household", type=int, help="household id (default: their first)")
        parser.add_argument("-o", "--output", required=True, type=Path, help="the zip to write")

    def handle(self, *args: Any, **options: Any) -> None:
        membership = membership_for(options["email"], options["household"])
        with options["output"].open("wb") as out:
            write_archive(membership.household, out)
        self.stdout.write(f"Wrote {membership.household.name} to {options['output']}.")
