"""Settle-up arithmetic in integer minor units: equal shares and the transfers that even out
who paid what. No Django here.

The rule: every shared expense of the period (an expense with a "paid by" person) is split
equally among the participants; a share that does not divide evenly gives its leftover minor
units, one each, to the participants first in the given order (the caller orders them by
user id), so the shares always add up to the total exactly.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def split_equally(total: int, people: Sequence[K]) -> dict[K, int]:
    """``total`` minor units shared among ``people``; the first ``total % n`` get one more."""
    if not people:
        raise ValueError("nobody to split between")
    if total < 0:
        raise ValueError("total must not be negative")
    base, leftover = divmod(total, len(people))
    return {person: base + (1 if index < leftover else 0) for index, person in enumerate(people)}


def balances(
    paid: Mapping[K, int], shares: Mapping[K, int], settled: Mapping[K, int] | None = None
) -> dict[K, int]:
    """Per person: what they paid, minus their fair share, plus what they paid back in
    settlements (``settled``: paid out minus received). Positive: others owe them.
    The balances always add up to zero."""
    settled = settled or {}
    people = list(dict.fromkeys([*paid, *shares, *settled]))
    return {p: paid.get(p, 0) - shares.get(p, 0) + settled.get(p, 0) for p in people}


def transfers_to_settle(balance: Mapping[K, int], order: Sequence[K]) -> list[tuple[K, K, int]]:
    """(from, to, amount) payments that bring every balance to zero: the largest debtor pays
    the largest creditor, repeatedly. At most n-1 payments, and each person either only pays
    or only receives. Ties are broken by ``order``, so the answer is deterministic."""
    if sum(balance.values()) != 0:
        raise ValueError("balances must add up to zero")
    rank = {person: index for index, person in enumerate(order)}
    debtors = {p: -b for p, b in balance.items() if b < 0}
    creditors = {p: b for p, b in balance.items() if b > 0}
    payments: list[tuple[K, K, int]] = []
    while debtors and creditors:
        debtor = max(debtors, key=lambda p: (debtors[p], -rank.get(p, 0)))
        creditor = max(creditors, key=lambda p: (creditors[p], -rank.get(p, 0)))
        amount = min(debtors[debtor], creditors[creditor])
        payments.append((debtor, creditor, amount))
        for side, person in ((debtors, debtor), (creditors, creditor)):
            side[person] -= amount
            if side[person] == 0:
                del side[person]
    return payments
