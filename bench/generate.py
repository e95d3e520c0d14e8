"""Realistic bulk data for benchmarks: one household with N transactions over ten years.

Rows are streamed with PostgreSQL COPY (the fastest path in; the benchmark is about reading),
then the daily rollup is rebuilt once, as an import would. Deterministic for a given seed.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection

from spendwise.households.models import Membership
from spendwise.identity.actions import provision_user
from spendwise.ledger import actions, rollup
from spendwise.ledger.models import Category, Payee, Tag, Transaction, Transfer

YEARS = 10


@dataclass(frozen=True)
class Generated:
    member: Membership
    rows: int
    insert_seconds: float
    rollup_seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.insert_seconds if self.insert_seconds else 0.0


def generate(email: str, rows: int, *, end: date, seed: int = 7) -> Generated:
    """Create the user and ``rows`` transactions (about 3 % transfer legs) ending at ``end``."""
    rng = random.Random(seed)  # noqa: S311 - benchmark data
    user = provision_user(email=email, confirmed=True)
    member = Membership.objects.select_related("household", "user").get(user=user)
    household = member.household
    accounts = [
        actions.account_create(
            actor=member, name=name, kind=kind, currency="USD", opening_balance=opening
        )
        for name, kind, opening in [
            ("Checking", "checking", 500000),
            ("Savings", "savings", 2000000),
            ("Credit card", "credit_card", 0),
            ("Cash", "cash", 10000),
        ]
    ]
    expense = list(Category.objects.filter(household=household, kind="expense"))
    income = list(Category.objects.filter(household=household, kind="income"))
    payees = Payee.objects.bulk_create(
        Payee(household=household, name=f"Payee {i:03d}") for i in range(300)
    )
    tags = Tag.objects.bulk_create(
        Tag(household=household, name=name) for name in ("work", "holiday", "family", "health")
    )
    start = end - timedelta(days=365 * YEARS)
    span = (end - start).days
    transfer_pairs = rows * 3 // 200
    transfers = Transfer.objects.bulk_create(
        Transfer(household=household) for _ in range(transfer_pairs)
    )
    table = Transaction._meta.db_table
    columns = (
        "household_id, account_id, kind, date, amount, currency, category_id, payee_id, note, "
        "transfer_id, created_by_id, created_at, updated_at"
    )
    now = "2026-01-01 00:00:00+00"
    began = time.perf_counter()
    raw = connection.connection  # the psycopg connection behind Django's
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        written = 0
        for transfer in transfers:
            day = start + timedelta(days=rng.randrange(span))
            minor = rng.randint(1000, 200000)
            source, destination = rng.sample(accounts, 2)
            for account, amount in ((source, -minor), (destination, minor)):
                copy.write_row(
                    (
                        household.pk,
                        account.pk,
                        "transfer",
                        day,
                        amount,
                        "USD",
                        None,
                        None,
                        "",
                        transfer.pk,
                        user.pk,
                        now,
                        now,
                    )
                )
                written += 1
        while written < rows:
            day = start + timedelta(days=rng.randrange(span))
            if rng.random() < 0.06:
                kind, category, minor = "income", rng.choice(income), rng.randint(10000, 600000)
                amount = minor
            else:
                kind, category = "expense", rng.choice(expense)
                amount = -int(rng.lognormvariate(7.5, 1.1)) - 1
            payee = rng.choice(payees) if rng.random() < 0.9 else None
            copy.write_row(
                (
                    household.pk,
                    rng.choice(accounts).pk,
                    kind,
                    day,
                    amount,
                    "USD",
                    category.pk,
                    payee.pk if payee else None,
                    "",
                    None,
                    user.pk,
                    now,
                    now,
                )
            )
            written += 1
    inserted = time.perf_counter() - began
    with connection.cursor() as cursor:  # tag about 5 % of expenses
        cursor.execute(
            f"INSERT INTO {table}_tags (transaction_id, tag_id) "
            f"SELECT id, %s FROM {table} WHERE household_id = %s AND kind = 'expense' "
            "AND id %% 20 = 0",
            [tags[0].pk, household.pk],
        )
    began = time.perf_counter()
    rollup.rebuild(household.pk)
    rolled = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Generated(member, written, inserted, rolled)
