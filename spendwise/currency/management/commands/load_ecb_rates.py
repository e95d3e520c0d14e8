"""``manage.py load_ecb_rates FILE``: load the ECB's euro reference rates as global rates.

FILE is eurofxref.csv, eurofxref-hist.csv, eurofxref-daily.xml or eurofxref-hist.xml (unzipped),
or ``-`` for standard input. Every household converts with global rates (its own rates win on
the same date). The whole file is read and checked first: on any problem nothing is written
and the command exits with the line at fault. Loading a date again replaces its rates, so a
daily job can load the day's file and a new installation the history file.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from spendwise.currency import actions
from spendwise.currency.ecb import MAX_FILE_BYTES, EcbFormatError, parse_ecb


class Command(BaseCommand):
    help = "Load an ECB euro reference-rate file (CSV or XML) as global exchange rates."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="eurofxref(-hist).csv or .xml, or - for stdin")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"]
        try:
            if name == "-":
                data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
            else:
                with Path(name).open("rb") as handle:
                    data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"{name}: cannot be read ({exc.strerror or exc}).") from None
        try:
            rates = parse_ecb(data)
        except EcbFormatError as exc:
            raise CommandError(f"{name}: nothing was loaded. {exc}") from None
        written = actions.global_rates_load(rates=rates)
        days = rates.days
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {written} EUR rates for {len(days)} day(s), "
                f"{days[0].isoformat()} to {days[-1].isoformat()}, "
                f"{len(rates.currencies)} currencies."
            )
        )
