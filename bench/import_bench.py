"""``make bench-import``: a 10,000-row bank CSV through the import wizard's own functions.

Run inside a throw-away PostgreSQL (``python -m spendwise.testing.postgres -- …``, which
``make bench-import`` does). It creates one household with a year of categorised history
(for suggestions) and a few rules, writes a realistic CSV (semicolons, decimal commas,
DD.MM.YYYY, a UTF-8 BOM), then times each phase and prints rows per second:

* ``detect``  — ``csv.sniff``: encoding, delimiter, header, date format, decimal mark;
* ``parse``   — ``csv.parse`` with the detected mapping (Django-free);
* ``preview`` — ``preview.build_preview``: parse, duplicates, rules, suggestions;
* ``commit``  — ``actions.import_commit``: bulk insert in chunks, rollup, import lines;
* ``reimport``— the same file previewed again (every row a duplicate);
* ``undo``    — ``actions.import_undo`` of the whole import.

``IMPORT_BENCH_ROWS`` changes the number of rows (default 10000).
"""

from __future__ import annotations

import os
import random
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spendwise.settings_test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from spendwise.households.models import Membership  # noqa: E402
from spendwise.identity.actions import provision_user  # noqa: E402
from spendwise.imports import actions, preview  # noqa: E402
from spendwise.imports.formats import csv as csv_format  # noqa: E402
from spendwise.ledger import rollup  # noqa: E402
from spendwise.ledger.actions import EntryInput, account_create, transaction_create  # noqa: E402
from spendwise.ledger.models import Category  # noqa: E402
from spendwise.money import Money  # noqa: E402
from spendwise.rules.actions import RuleInput, rule_create  # noqa: E402

T = TypeVar("T")

MERCHANTS = [
    ("REWE Markt GmbH", "Lebensmittel", "Groceries", 2000, 9000),
    ("Aldi Süd", "Einkauf", "Groceries", 1000, 6000),
    ("Shell Station 4471", "Tanken", "Fuel", 4000, 9000),
    ("Deutsche Bahn", "Fahrkarte", "Public transport", 1500, 12000),
    ("Café Müller", "Frühstück", "Coffee", 300, 1800),
    ("Netflix", "Abo", "Subscriptions", 1299, 1299),
    ("Stadtwerke München", "Abschlag Strom", "Utilities", 6000, 9000),
    ("Apotheke am Markt", "Rezept", "Pharmacy", 500, 4000),
    ("Amazon EU", "Bestellung", "Electronics", 1000, 25000),
    ("Restaurant Da Luigi", "Abendessen", "Restaurants", 2500, 9000),
]


def timed(label: str, rows: int, action: Callable[[], T]) -> T:
    began = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - began
    print(f"{label:<9} {rows:>7} rows  {seconds:8.3f} s  {rows / seconds:>10,.0f} rows/s")
    return result


def statement_csv(rows: int, start: date, seed: int = 11) -> bytes:
    rng = random.Random(seed)  # noqa: S311 - benchmark data
    lines = [
        "Kontoumsätze;;;;",
        "Konto: DE89 3704 0044 0532 0130 00;;;;",
        "Buchungstag;Valuta;Empfänger/Auftraggeber;Verwendungszweck;Betrag (EUR)",
    ]
    for i in range(rows):
        day = start + timedelta(days=i * 365 // rows)
        if i % 30 == 0:
            payee, purpose, cents = "ACME GmbH", f"Gehalt {day:%m/%Y}", 350000
        else:
            payee, purpose, _c, low, high = rng.choice(MERCHANTS)
            cents = -rng.randint(low, high)
        whole, part = divmod(abs(cents), 100)
        amount = f"{'-' if cents < 0 else ''}{whole:,}".replace(",", ".") + f",{part:02d}"
        lines.append(f"{day:%d.%m.%Y};{day:%d.%m.%Y};{payee};{purpose} {i};{amount}")
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


def setup_household() -> Membership:
    user = provision_user(email="import-bench@example.com", confirmed=True)
    member = Membership.objects.select_related("household", "user").get(user=user)
    categories = {c.name: c for c in Category.objects.filter(household=member.household)}
    for payee, _purpose, name, _low, _high in MERCHANTS[:4]:
        rule_create(
            actor=member,
            data=RuleInput(
                name=f"{payee} rule",
                currency="EUR",
                payee_match="contains",
                payee_value=payee.split()[0],
                set_category=categories[name],
            ),
        )
    return member


def main() -> int:
    call_command("migrate", verbosity=0)
    rows = int(os.environ.get("IMPORT_BENCH_ROWS", "10000"))
    member = setup_household()
    history = account_create(actor=member, name="History", kind="checking", currency="EUR")
    account = account_create(actor=member, name="Girokonto", kind="checking", currency="EUR")
    print(f"SpendWise import benchmark: {rows} CSV rows, PostgreSQL")

    # Categorised history in another account, for the suggester to learn from.
    categories = {c.name: c for c in Category.objects.filter(household=member.household)}
    for i in range(300):
        payee, purpose, name, low, _high = MERCHANTS[i % len(MERCHANTS)]
        transaction_create(
            actor=member,
            entry=EntryInput(
                kind="expense",
                account=history,
                date=date(2025, 1, 1) + timedelta(days=i),
                amount=Money(low, "EUR"),
                category=categories[name],
                payee_name=payee,
                note=purpose,
            ),
        )

    content = statement_csv(rows, date(2026, 1, 1))
    print(f"file      {len(content) / 1_048_576:.2f} MB")
    layout, mapping = timed("detect", rows, lambda: csv_format.sniff(content))
    settings = csv_format.Settings(layout, mapping)
    parsed = timed("parse", rows, lambda: csv_format.parse(content, settings))
    assert len(parsed.rows) == rows, parsed.errors[:3]  # noqa: S101 - the generator's rows

    draft = actions.draft_create(
        actor=member, account=account, file_name="bench.csv", content=content
    )
    actions.draft_map(actor=member, draft=draft, mapping=mapping)
    shown = timed("preview", rows, lambda: preview.build_preview(draft))
    ruled = sum(1 for r in shown.rows if r.category_source == preview.FROM_RULE)
    suggested = sum(1 for r in shown.rows if r.category_source == preview.SUGGESTED)
    batch = timed("commit", rows, lambda: actions.import_commit(actor=member, draft=draft))
    print(
        f"          categories: {ruled} by rules, {suggested} suggested; "
        f"{batch.rows_imported} imported"
    )

    again = actions.draft_create(
        actor=member, account=account, file_name="bench.csv", content=content
    )
    actions.draft_map(actor=member, draft=again, mapping=mapping)
    repeat = timed("reimport", rows, lambda: preview.build_preview(again))
    duplicates = repeat.count(preview.DUPLICATE)
    print(f"          {duplicates} of {rows} recognised as duplicates")
    timed("undo", rows, lambda: actions.import_undo(actor=member, batch=batch))
    differences = rollup.differences(member.household.pk)
    print(f"rollup    {'exact' if not differences else f'{len(differences)} differences'}")
    return 0 if duplicates == rows and not differences else 1


if __name__ == "__main__":
    sys.exit(main())
