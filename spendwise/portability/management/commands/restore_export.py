"""``manage.py restore_export --email a@b.c export.zip``: the "Import a SpendWise export"
page for an operator (no upload size limit). The household must be empty; the whole file is
checked first and imported all or nothing. Exit status 1 with the reason when refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from spendwise.errors import DomainError
from spendwise.portability.management.commands._household import membership_for
from spendwise.portability.restore import restore


class Command(BaseCommand):
    help = "Import a SpendWise export (zip) into a person's empty household."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="the export's zip file")
        parser.add_argument("--email", required=True, help="the person who imports it")
        parser.add_argument("--household", type=int, help="household id (default: their first)")

    def handle(self, *args: Any, **options: Any) -> None:
        membership = membership_for(options["email"], options["household"])
        try:
            with options["archive"].open("rb") as archive:
                summary = restore(archive, membership)
        except OSError as exc:
            raise CommandError(f"Cannot read {options['archive']}: {exc.strerror}") from None
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"Imported {summary.describe()} into {membership.household.name}.")
