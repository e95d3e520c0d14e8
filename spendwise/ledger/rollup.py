"""The daily rollup: exact per-day sums that make reports cost days × categories, not rows.

Every ledger write calls ``add``/``remove`` with the rows it creates or deletes, inside the
same database transaction, so the rollup can never disagree with the transactions that are
committed. ``rebuild`` recomputes a household's rollup from scratch (after bulk inserts, or
as an operator's repair tool); ``differences`` compares the two, for tests and audits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, Sum

from spendwise.ledger.models import DailyTotal, Transaction
from spendwise.ledger.signals import entries_changed

_TABLE = DailyTotal._meta.db_table


@dataclass(frozen=True, slots=True)
class Entry:
    """What the rollup needs to know of one transaction row."""

    household_id: int
    day: date
    account_id: int
    category_key: int
    kind: str
    currency: str
    amount: int

    @classmethod
    def of(cls, row: Transaction) -> Entry:
        return cls(
            row.household_id,
            row.date,
            row.account_id,
            row.category_id or 0,
            row.kind,
            row.currency,
            row.amount,
        )


def add(rows: Iterable[Transaction | Entry]) -> None:
    _apply(rows, +1)


def remove(rows: Iterable[Transaction | Entry]) -> None:
    _apply(rows, -1)


def _apply(rows: Iterable[Transaction | Entry], sign: int) -> None:
    deltas: dict[tuple[int, date, int, int, str, str], list[int]] = defaultdict(lambda: [0, 0])
    entries = [row if isinstance(row, Entry) else Entry.of(row) for row in rows]
    for entry in entries:
        key = (
            entry.household_id,
            entry.day,
            entry.account_id,
            entry.category_key,
            entry.kind,
            entry.currency,
        )
        deltas[key][0] += sign * entry.amount
        deltas[key][1] += sign
    if not deltas:
        return
    params = [(*key, total, count) for key, (total, count) in deltas.items()]
    # One statement per key; ON CONFLICT makes concurrent writers add up instead of racing.
    upsert = (
        f"INSERT INTO {_TABLE} "  # noqa: S608 - table name is ours, values are parameters
        "(household_id, day, account_id, category_key, kind, currency, total, count) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (household_id, day, account_id, category_key, kind) DO UPDATE SET "
        f"total = {_TABLE}.total + excluded.total, count = {_TABLE}.count + excluded.count"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(upsert, params)
        DailyTotal.objects.filter(
            household_id__in={key[0] for key in deltas},
            day__in={key[1] for key in deltas},
            count=0,
        ).delete()
    for household_id in {entry.household_id for entry in entries}:
        mine = [entry for entry in entries if entry.household_id == household_id]
        transaction.on_commit(
            lambda h=household_id, e=mine: entries_changed.send(  # type: ignore[misc]
                sender=Entry, household_id=h, entries=e
            )
        )


def rebuild(household_id: int) -> int:
    """Recompute the household's rollup from its transactions; returns the rows written."""
    with transaction.atomic():
        DailyTotal.objects.filter(household_id=household_id).delete()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_TABLE} "  # noqa: S608 - table names are ours
                "(household_id, day, account_id, category_key, kind, currency, total, count) "
                "SELECT household_id, date, account_id, COALESCE(category_id, 0), kind, "
                "currency, SUM(amount), COUNT(*) "
                f"FROM {Transaction._meta.db_table} WHERE household_id = %s "
                "GROUP BY household_id, date, account_id, COALESCE(category_id, 0), kind, currency",
                [household_id],
            )
            return int(cursor.rowcount)


def differences(household_id: int) -> list[str]:
    """Where the stored rollup and the transactions disagree (empty when exact)."""
    expected = {
        (r["date"], r["account_id"], r["category_id"] or 0, r["kind"]): (r["total"], r["n"])
        for r in Transaction.objects.filter(household_id=household_id)
        .values("date", "account_id", "category_id", "kind")
        .annotate(total=Sum("amount"), n=Count("id"))
    }
    stored = {
        (r.day, r.account_id, r.category_key, r.kind): (r.total, r.count)
        for r in DailyTotal.objects.filter(household_id=household_id)
    }
    return [
        f"{key}: stored {stored.get(key)} expected {expected.get(key)}"
        for key in sorted(set(expected) | set(stored), key=str)
        if expected.get(key) != stored.get(key)
    ]
