"""The rollup: exact sums that make reports and balances cost days × categories, not rows.

Two tables, both kept exact by every ledger write inside the same database transaction, so
they can never disagree with the transactions that are committed:

* ``DailyTotal`` — per day, category, kind and currency: what budgets, reports and the
  dashboard's month read.
* ``AccountMonth`` — per account and calendar month: what balances read (at most one row per
  account and month, plus the days of the last month from the transactions themselves).

Every write calls ``add``/``remove`` with the rows it creates or deletes. ``rebuild``
recomputes a household's rollup from scratch (after bulk inserts, or as a repair tool:
``manage.py rebuild_rollup``); ``differences`` compares both tables with the transactions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from spendwise.ledger.models import AccountMonth, DailyTotal, Transaction
from spendwise.ledger.signals import entries_changed

_DAILY = DailyTotal._meta.db_table
_MONTHLY = AccountMonth._meta.db_table
_TRANSACTIONS = Transaction._meta.db_table

_UPSERT_DAILY = (
    f"INSERT INTO {_DAILY} (household_id, day, category_key, kind, currency, total, count) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (household_id, day, category_key, kind, currency) DO UPDATE SET "
    f"total = {_DAILY}.total + excluded.total, count = {_DAILY}.count + excluded.count"
)
_UPSERT_MONTHLY = (
    f"INSERT INTO {_MONTHLY} (household_id, account_id, month, total, count) "
    "VALUES (%s, %s, %s, %s, %s) "
    "ON CONFLICT (account_id, month) DO UPDATE SET "
    f"total = {_MONTHLY}.total + excluded.total, count = {_MONTHLY}.count + excluded.count"
)


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


def month_of(day: date) -> date:
    return day.replace(day=1)


def add(rows: Iterable[Transaction | Entry]) -> None:
    _apply(rows, +1)


def remove(rows: Iterable[Transaction | Entry]) -> None:
    _apply(rows, -1)


def _apply(rows: Iterable[Transaction | Entry], sign: int) -> None:
    entries = [row if isinstance(row, Entry) else Entry.of(row) for row in rows]
    if not entries:
        return
    daily: dict[tuple[int, date, int, str, str], list[int]] = defaultdict(lambda: [0, 0])
    monthly: dict[tuple[int, int, date], list[int]] = defaultdict(lambda: [0, 0])
    for e in entries:
        for bucket in (
            daily[(e.household_id, e.day, e.category_key, e.kind, e.currency)],
            monthly[(e.household_id, e.account_id, month_of(e.day))],
        ):
            bucket[0] += sign * e.amount
            bucket[1] += sign
    # ON CONFLICT … + excluded: concurrent writers add up instead of racing.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(_UPSERT_DAILY, [(*k, t, c) for k, (t, c) in daily.items()])
        cursor.executemany(_UPSERT_MONTHLY, [(*k, t, c) for k, (t, c) in monthly.items()])
        households = {e.household_id for e in entries}
        DailyTotal.objects.filter(
            household_id__in=households, day__in={k[1] for k in daily}, count=0
        ).delete()
        AccountMonth.objects.filter(
            account_id__in={k[1] for k in monthly}, month__in={k[2] for k in monthly}, count=0
        ).delete()
    for household_id in households:
        mine = [e for e in entries if e.household_id == household_id]
        transaction.on_commit(
            lambda h=household_id, e=mine: entries_changed.send(  # type: ignore[misc]
                sender=Entry, household_id=h, entries=e
            )
        )


def rebuild(household_id: int) -> int:
    """Recompute the household's rollup from its transactions; returns the rows written."""
    month = (
        "date_trunc('month', date)::date"
        if connection.vendor == "postgresql"
        else "date(date, 'start of month')"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        DailyTotal.objects.filter(household_id=household_id).delete()
        AccountMonth.objects.filter(household_id=household_id).delete()
        cursor.execute(
            f"INSERT INTO {_DAILY} (household_id, day, category_key, kind, currency, total, count) "
            "SELECT household_id, date, COALESCE(category_id, 0), kind, currency, SUM(amount), "
            f"COUNT(*) FROM {_TRANSACTIONS} WHERE household_id = %s "
            "GROUP BY household_id, date, COALESCE(category_id, 0), kind, currency",
            [household_id],
        )
        written = int(cursor.rowcount)
        cursor.execute(
            f"INSERT INTO {_MONTHLY} (household_id, account_id, month, total, count) "
            f"SELECT household_id, account_id, {month}, SUM(amount), COUNT(*) "
            f"FROM {_TRANSACTIONS} WHERE household_id = %s "
            f"GROUP BY household_id, account_id, {month}",
            [household_id],
        )
        return written + int(cursor.rowcount)


def account_totals(
    household_id: int, *, on: date | None = None, account_ids: list[int] | None = None
) -> dict[int, int]:
    """Sum of each account's transactions (minor units) up to the end of ``on`` (all when
    None): whole months from ``AccountMonth``, the days of ``on``'s own month from the
    transactions (one index range per account). Two queries at most."""
    months = AccountMonth.objects.filter(household_id=household_id)
    if account_ids is not None:
        months = months.filter(account_id__in=account_ids)
    if on is not None:
        months = months.filter(month__lt=month_of(on))
    totals: dict[int, int] = defaultdict(int)
    for account_id, total in (
        months.values_list("account_id").annotate(t=Sum("total")).values_list("account_id", "t")
    ):
        totals[account_id] += total or 0
    if on is not None:
        days = Transaction.objects.filter(
            household_id=household_id, date__gte=month_of(on), date__lte=on
        )
        if account_ids is not None:
            days = days.filter(account_id__in=account_ids)
        for account_id, total in (
            days.values_list("account_id").annotate(t=Sum("amount")).values_list("account_id", "t")
        ):
            totals[account_id] += total or 0
    return dict(totals)


def differences(household_id: int) -> list[str]:
    """Where the stored rollup and the transactions disagree (empty when exact)."""
    rows = Transaction.objects.filter(household_id=household_id)
    expected_daily = {
        (r["date"], r["category_id"] or 0, r["kind"], r["currency"]): (r["total"], r["n"])
        for r in rows.values("date", "category_id", "kind", "currency").annotate(
            total=Sum("amount"), n=Count("id")
        )
    }
    stored_daily = {
        (r.day, r.category_key, r.kind, r.currency): (r.total, r.count)
        for r in DailyTotal.objects.filter(household_id=household_id)
    }
    expected_monthly = {
        (r["account_id"], r["m"]): (r["total"], r["n"])
        for r in rows.annotate(m=TruncMonth("date"))
        .values("account_id", "m")
        .annotate(total=Sum("amount"), n=Count("id"))
    }
    stored_monthly = {
        (r.account_id, r.month): (r.total, r.count)
        for r in AccountMonth.objects.filter(household_id=household_id)
    }
    return _compare("daily", expected_daily, stored_daily) + _compare(
        "monthly", expected_monthly, stored_monthly
    )


def _compare(name: str, expected: dict[Any, Any], stored: dict[Any, Any]) -> list[str]:
    return [
        f"{name} {key}: stored {stored.get(key)} expected {expected.get(key)}"
        for key in sorted(set(expected) | set(stored), key=str)
        if expected.get(key) != stored.get(key)
    ]
