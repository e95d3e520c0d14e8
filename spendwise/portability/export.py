"""Reading a household out: the transactions CSV, and the whole-data archive.

The archive (``write_archive``) is a zip of

* ``spendwise.json`` — every object of the household (format ``FORMAT``, ``version``
  ``VERSION``; the layout is described in docs/portability.md). Objects refer to each other by
  ``id`` numbers local to the file (1, 2, 3 … per list, in the order of creation), never by
  database ids, so exporting a restored household gives the same document again;
* ``transactions.csv`` — the same transactions as a spreadsheet (``spreadsheet``);
* ``receipts/<n>-<name>`` — each receipt's file, named in the JSON.

Transactions are read in chunks (``iterator(chunk_size=2000)``) and written as they come, so
a large household is never held in memory whole.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from datetime import date
from typing import IO, Any
from zipfile import ZIP_DEFLATED, ZipFile

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from spendwise.attachments.models import Attachment
from spendwise.attachments.storage import get_storage
from spendwise.budgets.models import Budget, BudgetAlert, BudgetAmount
from spendwise.currency.models import ExchangeRate
from spendwise.households.models import Household
from spendwise.ledger.models import Account, Category, Payee, Tag, Transaction
from spendwise.money import Money
from spendwise.portability import spreadsheet
from spendwise.recurring.models import Occurrence, Schedule
from spendwise.rules.models import Rule

FORMAT = "spendwise-export"
VERSION = 1
DOCUMENT_NAME = "spendwise.json"
CSV_NAME = "transactions.csv"
RECEIPTS_FOLDER = "receipts/"
CHUNK = 2000


# --- the transactions CSV -----------------------------------------------------------------------
def csv_rows(
    rows: QuerySet[Transaction], transfer_ref: Callable[[int], int] | None = None
) -> Iterator[list[str]]:
    """``rows`` as CSV rows (``spreadsheet.TRANSACTION_COLUMNS``), oldest first, read from the
    database ``CHUNK`` rows at a time. ``transfer_ref`` maps a transfer's id to the number
    written in the "transfer id" column (default: the id itself)."""
    queryset = (
        rows.select_related("account", "category", "category__parent", "payee")
        .prefetch_related("tags")
        .order_by("date", "id")
    )
    for row in queryset.iterator(chunk_size=CHUNK):
        transfer = None
        if row.transfer_id is not None:
            transfer = transfer_ref(row.transfer_id) if transfer_ref else row.transfer_id
        yield spreadsheet.transaction_row(
            day=row.date.isoformat(),
            account=row.account.name,
            kind=row.kind,
            amount=row.money.amount_str(),
            currency=row.currency,
            category=str(row.category) if row.category else "",
            payee=row.payee.name if row.payee else "",
            tags=sorted((tag.name for tag in row.tags.all()), key=str.lower),
            note=row.note,
            transfer_id=transfer,
        )


def csv_filename(today: date) -> str:
    return f"spendwise-transactions-{today.isoformat()}.csv"


# --- the whole-data archive ---------------------------------------------------------------------
class _Numbering:
    """Database ids → the file's own ids (1, 2, 3 … in the order they are first numbered)."""

    def __init__(self) -> None:
        self.ids: dict[int, int] = {}

    def number(self, pk: int) -> int:
        return self.ids.setdefault(pk, len(self.ids) + 1)

    def ref(self, pk: int | None) -> int | None:
        return None if pk is None else self.ids[pk]


def _amount(minor: int | None, currency: str) -> str | None:
    return None if minor is None else Money(minor, currency).amount_str()


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


class _Exporter:
    """Writes one household's archive; keeps the id numberings the sections share."""

    def __init__(self, household: Household, archive: ZipFile) -> None:
        self.household = household
        self.archive = archive
        self.accounts = _Numbering()
        self.categories = _Numbering()
        self.payees = _Numbering()
        self.tags = _Numbering()
        self.transfers = _Numbering()
        self.transactions = _Numbering()
        self.receipt_files: list[tuple[str, str]] = []  # (path in the zip, storage key)
        # Transactions that schedules' occurrences point at: only these ids are remembered.
        self.occurrence_targets = set(
            Occurrence.objects.filter(
                schedule__household=household, transaction__isnull=False
            ).values_list("transaction_id", flat=True)
        )

    # Sections before the transactions (small: read whole).
    def accounts_section(self) -> list[dict[str, Any]]:
        return [
            {
                "id": self.accounts.number(a.pk),
                "name": a.name,
                "kind": a.kind,
                "currency": a.currency,
                "opening_balance": _amount(a.opening_balance, a.currency),
                "archived": a.archived,
            }
            for a in Account.objects.filter(household=self.household).order_by("id")
        ]

    def categories_section(self) -> list[dict[str, Any]]:
        # Parents first, so that each child's parent has an id already.
        rows = sorted(
            Category.objects.filter(household=self.household),
            key=lambda c: (c.parent_id is not None, c.pk),
        )
        return [
            {
                "id": self.categories.number(c.pk),
                "name": c.name,
                "kind": c.kind,
                "parent": self.categories.ref(c.parent_id),
                "colour": c.colour,
                "archived": c.archived,
            }
            for c in rows
        ]

    def payees_section(self) -> list[dict[str, Any]]:
        return [
            {
                "id": self.payees.number(p.pk),
                "name": p.name,
                "default_category": self.categories.ref(p.default_category_id),
            }
            for p in Payee.objects.filter(household=self.household).order_by("id")
        ]

    def tags_section(self) -> list[dict[str, Any]]:
        return [
            {"id": self.tags.number(t.pk), "name": t.name}
            for t in Tag.objects.filter(household=self.household).order_by("id")
        ]

    # Transactions, streamed.
    def transaction_items(self) -> Iterator[dict[str, Any]]:
        rows = (
            Transaction.objects.filter(household=self.household)
            .prefetch_related("tags", Prefetch("attachments", to_attr="receipt_rows"))
            .order_by("id")
        )
        for number, row in enumerate(rows.iterator(chunk_size=CHUNK), start=1):
            if row.pk in self.occurrence_targets:
                self.transactions.ids[row.pk] = number
            yield {
                "id": number,
                "date": row.date.isoformat(),
                "account": self.accounts.ref(row.account_id),
                "kind": row.kind,
                "amount": _amount(row.amount, row.currency),
                "currency": row.currency,
                "category": self.categories.ref(row.category_id),
                "payee": self.payees.ref(row.payee_id),
                "tags": sorted(self.tags.ids[tag.pk] for tag in row.tags.all()),
                "note": row.note,
                "transfer": None
                if row.transfer_id is None
                else self.transfers.number(row.transfer_id),
                "receipts": [self.receipt(a) for a in getattr(row, "receipt_rows", [])],
            }

    def receipt(self, attachment: Attachment) -> dict[str, Any]:
        """The receipt's entry; its file is copied in by ``copy_receipts`` (a zip takes one
        member at a time, and the document is still being written)."""
        number = len(self.receipt_files) + 1
        path = f"{RECEIPTS_FOLDER}{number}-{attachment.original_name}"
        self.receipt_files.append((path, attachment.key))
        return {
            "file": path,
            "name": attachment.original_name,
            "content_type": attachment.content_type,
            "size": attachment.size,
            "sha256": attachment.sha256,
        }

    def copy_receipts(self) -> None:
        storage = get_storage()
        for path, key in self.receipt_files:
            self.archive.writestr(path, storage.open(key))

    # Sections after the transactions (they may point at transactions and transfers).
    def budgets_section(self) -> list[dict[str, Any]]:
        budgets = list(Budget.objects.filter(household=self.household).order_by("id"))
        amounts: dict[int, list[BudgetAmount]] = {b.pk: [] for b in budgets}
        for amount in BudgetAmount.objects.filter(budget__in=budgets).order_by("id"):
            amounts[amount.budget_id].append(amount)
        alerts: dict[int, list[BudgetAlert]] = {b.pk: [] for b in budgets}
        for alert in BudgetAlert.objects.filter(budget__in=budgets).order_by("id"):
            alerts[alert.budget_id].append(alert)
        return [
            {
                "id": number,
                "category": self.categories.ref(b.category_id),
                "currency": b.currency,
                "rollover": b.rollover,
                "thresholds": list(b.threshold_values),
                "amounts": [
                    {
                        "month": a.month.isoformat(),
                        "amount": _amount(a.amount, b.currency),
                        "repeats": a.repeats,
                    }
                    for a in amounts[b.pk]
                ],
                "alerts": [
                    {"month": a.month.isoformat(), "threshold": a.threshold} for a in alerts[b.pk]
                ],
            }
            for number, b in enumerate(budgets, start=1)
        ]

    def schedules_section(self) -> list[dict[str, Any]]:
        schedules = list(
            Schedule.objects.filter(household=self.household)
            .select_related("account", "to_account")
            .order_by("id")
        )
        occurrences: dict[int, list[Occurrence]] = {s.pk: [] for s in schedules}
        for occurrence in Occurrence.objects.filter(schedule__in=schedules).order_by("id"):
            occurrences[occurrence.schedule_id].append(occurrence)
        return [
            {
                "id": number,
                "name": s.name,
                "kind": s.kind,
                "account": self.accounts.ref(s.account_id),
                "to_account": self.accounts.ref(s.to_account_id),
                "amount": _amount(s.amount, s.account.currency),
                "received_amount": _amount(
                    s.received_amount, s.to_account.currency if s.to_account else ""
                )
                if s.received_amount is not None
                else None,
                "category": self.categories.ref(s.category_id),
                "payee": self.payees.ref(s.payee_id),
                "note": s.note,
                "frequency": s.frequency,
                "interval": s.interval,
                "day_of_month": s.day_of_month,
                "start_date": _day(s.start_date),
                "end_date": _day(s.end_date),
                "next_date": _day(s.next_date),
                "auto_post": s.auto_post,
                "active": s.active,
                "last_error": s.last_error,
                "occurrences": [
                    {
                        "date": o.date.isoformat(),
                        "status": o.status,
                        "transaction": self.transactions.ref(o.transaction_id),
                        "transfer": self.transfers.ids.get(o.transfer_id)
                        if o.transfer_id is not None
                        else None,
                    }
                    for o in occurrences[s.pk]
                ],
            }
            for number, s in enumerate(schedules, start=1)
        ]

    def rules_section(self) -> list[dict[str, Any]]:
        return [
            {
                "id": number,
                "name": r.name,
                "position": r.position,
                "payee_match": r.payee_match,
                "payee_value": r.payee_value,
                "note_match": r.note_match,
                "note_value": r.note_value,
                "currency": r.currency,
                "amount_min": _amount(r.amount_min, r.currency),
                "amount_max": _amount(r.amount_max, r.currency),
                "account": self.accounts.ref(r.account_id),
                "set_category": self.categories.ref(r.set_category_id),
                "rename_payee": r.rename_payee,
                "add_tags": r.add_tags,
            }
            for number, r in enumerate(
                Rule.objects.filter(household=self.household).order_by("position", "id"),
                start=1,
            )
        ]

    def exchange_rates_section(self) -> list[dict[str, Any]]:
        """The household's own rates (the global ECB rates are public, not theirs)."""
        return [
            {
                "date": r.date.isoformat(),
                "base": r.base,
                "quote": r.quote,
                "rate": str(r.rate),
                "source": r.source,
            }
            for r in ExchangeRate.objects.filter(household=self.household).order_by(
                "date", "base", "quote"
            )
        ]


def _write_members(document: IO[str], members: dict[str, Any]) -> None:
    document.write(
        ",\n".join(
            f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in members.items()
        )
    )


def write_archive(household: Household, out: IO[bytes]) -> None:
    """Write the household's whole-data archive (a zip) to ``out``."""
    with ZipFile(out, "w", compression=ZIP_DEFLATED) as archive:
        exporter = _Exporter(household, archive)
        with (
            archive.open(DOCUMENT_NAME, "w") as raw,
            io.TextIOWrapper(raw, encoding="utf-8", newline="\n") as document,
        ):
            # The small sections, the transactions one at a time, then the sections that
            # point at transactions.
            document.write("{\n")
            _write_members(
                document,
                {
                    "format": FORMAT,
                    "version": VERSION,
                    "exported_at": timezone.now().isoformat(timespec="seconds"),
                    "household": {"name": household.name},
                    "accounts": exporter.accounts_section(),
                    "categories": exporter.categories_section(),
                    "payees": exporter.payees_section(),
                    "tags": exporter.tags_section(),
                },
            )
            document.write(',\n "transactions": [')
            for index, item in enumerate(exporter.transaction_items()):
                document.write(",\n  " if index else "\n  ")
                document.write(json.dumps(item, ensure_ascii=False))
            document.write("\n ],\n")
            _write_members(
                document,
                {
                    "budgets": exporter.budgets_section(),
                    "schedules": exporter.schedules_section(),
                    "rules": exporter.rules_section(),
                    "exchange_rates": exporter.exchange_rates_section(),
                },
            )
            document.write("\n}\n")
        with (
            archive.open(CSV_NAME, "w") as raw,
            io.TextIOWrapper(raw, encoding="utf-8", newline="") as table,
        ):
            rows = csv_rows(
                Transaction.objects.filter(household=household),
                transfer_ref=lambda pk: exporter.transfers.ids[pk],
            )
            for line in spreadsheet.csv_lines(spreadsheet.TRANSACTION_COLUMNS, rows):
                table.write(line)
        exporter.copy_receipts()
