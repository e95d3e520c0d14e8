"""The daily rollup stays exactly equal to the transactions through any sequence of writes."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spendwise.ledger import actions, rollup
from spendwise.ledger.models import AccountMonth, DailyTotal, Transaction
from spendwise.money import Money
from spendwise.testing.factories import category, make_account, make_entry, make_member

pytestmark = pytest.mark.django_db

# Hypothesis runs many examples inside one test's transaction: each gets a new household.
_example = itertools.count()

operations = st.lists(
    st.tuples(
        st.sampled_from(["expense", "income", "transfer", "edit", "delete"]),
        st.integers(min_value=1, max_value=10**9),
        st.integers(min_value=0, max_value=40),
        st.integers(min_value=0, max_value=2),
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations)
def test_the_rollup_matches_the_transactions_after_any_writes(ops):
    member = make_member(f"rollup{next(_example)}@example.com")
    accounts = [
        make_account(member, "A"),
        make_account(member, "B"),
        make_account(member, "Euro", currency="EUR"),
    ]
    names = ["Groceries", "Rent", None]
    start = date(2026, 1, 1)
    for op, minor, offset, pick in ops:
        on = start + timedelta(days=offset)
        rows = list(Transaction.objects.filter(household=member.household, transfer=None))
        if op in ("expense", "income"):
            name = "Salary" if op == "income" and names[pick] else names[pick]
            make_entry(member, accounts[pick], minor, kind=op, on=on, category_name=name)
        elif op == "transfer":
            source, destination = accounts[pick], accounts[(pick + 1) % 3]
            actions.transfer_create(
                actor=member,
                data=actions.TransferInput(
                    source=source,
                    destination=destination,
                    date=on,
                    amount=Money(minor, source.currency),
                    received=Money(minor // 2 + 1, destination.currency)
                    if destination.currency != source.currency
                    else None,
                ),
            )
        elif op == "edit" and rows:
            row = rows[minor % len(rows)]
            actions.transaction_update(
                actor=member,
                row=row,
                entry=actions.EntryInput(
                    kind="expense",
                    account=accounts[pick],
                    date=on,
                    amount=Money(minor, accounts[pick].currency),
                    category=category(member, "Coffee"),
                ),
            )
        elif op == "delete":
            every = list(Transaction.objects.filter(household=member.household))
            if every:
                actions.transaction_delete(actor=member, row=every[minor % len(every)])
    assert rollup.differences(member.household.pk) == []
    assert not DailyTotal.objects.filter(household=member.household, count=0).exists()
    assert not AccountMonth.objects.filter(household=member.household, count=0).exists()


def test_rebuild_recomputes_the_rollup_after_bulk_inserts(owner):
    account = make_account(owner, "Checking")
    make_entry(owner, account, 500, category_name="Coffee")
    Transaction.objects.bulk_create(
        [
            Transaction(
                household=owner.household,
                account=account,
                kind="expense",
                date=date(2026, 3, day),
                amount=-100 * day,
                currency="USD",
            )
            for day in range(1, 11)
        ]
    )
    assert rollup.differences(owner.household.pk) != []
    rollup.rebuild(owner.household.pk)
    assert rollup.differences(owner.household.pk) == []
    assert DailyTotal.objects.filter(household=owner.household).count() == 11


def test_the_rebuild_command_finds_and_repairs_a_broken_rollup(owner, capsys):
    from django.core.management import CommandError, call_command

    account = make_account(owner, "Checking")
    make_entry(owner, account, 500, category_name="Coffee")
    DailyTotal.objects.filter(household=owner.household).update(total=1)
    with pytest.raises(CommandError, match="1 household"):
        call_command("rebuild_rollup", "--check")
    call_command("rebuild_rollup", "--household", str(owner.household.pk))
    call_command("rebuild_rollup", "--check")
    assert "matches the transactions" in capsys.readouterr().out
    assert account.balance().minor == -500
