"""Settle-up arithmetic: exact shares, balances that add up to zero, few payments."""

from __future__ import annotations

import pytest

from spendwise.households.splitting import balances, split_equally, transfers_to_settle


def test_it_splits_evenly_when_it_divides():
    assert split_equally(900, ["a", "b", "c"]) == {"a": 300, "b": 300, "c": 300}


def test_it_gives_leftover_cents_one_each_to_the_first_people():
    shares = split_equally(1000, ["a", "b", "c"])
    assert shares == {"a": 334, "b": 333, "c": 333}
    assert sum(shares.values()) == 1000


def test_it_never_loses_a_minor_unit():
    for total in range(0, 50):
        for n in range(1, 8):
            people = list(range(n))
            shares = split_equally(total, people)
            assert sum(shares.values()) == total
            assert max(shares.values()) - min(shares.values()) <= 1
            # deterministic: the extra units go to the first people in the given order
            assert list(shares.values()) == sorted(shares.values(), reverse=True)


def test_it_refuses_to_split_between_nobody():
    with pytest.raises(ValueError):
        split_equally(100, [])


def test_balances_add_up_to_zero_and_count_settlements():
    paid = {"a": 1000, "b": 0, "c": 0}
    shares = split_equally(1000, ["a", "b", "c"])
    result = balances(paid, shares)
    assert result == {"a": 666, "b": -333, "c": -333}
    assert sum(result.values()) == 0
    settled = balances(paid, shares, {"b": 333, "a": -333})
    assert settled == {"a": 333, "b": 0, "c": -333}


def test_it_suggests_one_payment_per_debtor_to_a_single_creditor():
    assert transfers_to_settle({"a": 666, "b": -333, "c": -333}, ["a", "b", "c"]) == [
        ("b", "a", 333),
        ("c", "a", 333),
    ]


def test_it_uses_at_most_n_minus_one_payments_and_zeroes_everyone():
    balance = {"a": 500, "b": 250, "c": -100, "d": -650}
    payments = transfers_to_settle(balance, ["a", "b", "c", "d"])
    assert len(payments) <= 3
    left = dict(balance)
    for payer, payee, amount in payments:
        assert amount > 0
        left[payer] += amount
        left[payee] -= amount
    assert set(left.values()) == {0}


def test_it_suggests_nothing_when_settled():
    assert transfers_to_settle({"a": 0, "b": 0}, ["a", "b"]) == []
