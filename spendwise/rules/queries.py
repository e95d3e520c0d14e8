"""Reads of rules, always scoped to one household, and the plan of what applying them to
existing transactions would change."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from spendwise.households.models import Household
from spendwise.ledger.models import Transaction, TransactionKind
from spendwise.rules import matching
from spendwise.rules.engine import rule_specs
from spendwise.rules.models import Rule

_CHUNK = 2000


def get_rule(household: Household, pk: object) -> Rule:
    """The household's rule ``pk``; another household's is a 404."""
    return get_object_or_404(
        Rule.objects.select_related("account", "set_category", "set_category__parent"),
        household=household,
        pk=pk,
    )


def rules_for(household: Household) -> QuerySet[Rule]:
    """In the order they run."""
    return Rule.objects.filter(household=household).select_related(
        "account", "set_category", "set_category__parent"
    )


@dataclass(frozen=True)
class Change:
    """What the rules would change on one existing transaction (signed ``amount`` as stored)."""

    transaction_id: int
    date: date
    account_id: int
    amount: int
    currency: str
    old_payee: str
    new_payee: str
    old_category_id: int | None
    new_category_id: int | None
    added_tags: tuple[str, ...]
    rule_ids: tuple[int, ...]

    @property
    def category_changes(self) -> bool:
        return self.new_category_id != self.old_category_id

    @property
    def payee_changes(self) -> bool:
        return self.new_payee != self.old_payee


@dataclass
class Plan:
    """Every change, newest transaction first; ``scanned`` transactions were looked at.
    ``digest`` identifies exactly these changes (the confirm step compares it)."""

    changes: list[Change] = field(default_factory=list)
    scanned: int = 0
    digest: str = ""

    @property
    def category_count(self) -> int:
        return sum(1 for change in self.changes if change.category_changes)

    @property
    def payee_count(self) -> int:
        return sum(1 for change in self.changes if change.payee_changes)

    @property
    def tag_count(self) -> int:
        return sum(1 for change in self.changes if change.added_tags)


def _digest(changes: list[Change]) -> str:
    hasher = hashlib.sha256()
    for c in changes:
        hasher.update(
            repr(
                (
                    c.transaction_id,
                    c.old_category_id,
                    c.new_category_id,
                    c.old_payee,
                    c.new_payee,
                    c.added_tags,
                )
            ).encode()
        )
    return hasher.hexdigest()


class _Row(NamedTuple):
    pk: int
    date: date
    account_id: int
    amount: int
    currency: str
    category_id: int | None
    payee: str | None
    note: str


def _tags_of(ids: list[int]) -> dict[int, list[str]]:
    """Tag names of these transactions (a query per ``_CHUNK`` ids)."""
    names: dict[int, list[str]] = {}
    links = Transaction.tags.through.objects
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        for txn_id, name in links.filter(transaction_id__in=chunk).values_list(
            "transaction_id", "tag__name"
        ):
            names.setdefault(txn_id, []).append(name)
    return names


def plan_for_existing(household: Household, *, rule: Rule | None = None) -> Plan:
    """What the household's rules (or only ``rule``) would change on its existing expenses
    and income: categories set (overriding the one there), payees renamed, tags added.
    Transfers are left alone. Reads the transactions once, in chunks, newest first."""
    specs = [rule.spec()] if rule is not None else rule_specs(household)
    plan = Plan()
    if not specs:
        plan.digest = _digest([])
        return plan
    rows = (
        Transaction.objects.filter(
            household=household, kind__in=(TransactionKind.EXPENSE, TransactionKind.INCOME)
        )
        .order_by("-date", "-id")
        .values_list(*_Row._fields[:6], "payee__name", "note")
    )
    candidates: list[tuple[_Row, matching.Outcome]] = []
    for values in rows.iterator(chunk_size=_CHUNK):
        row = _Row(*values)
        plan.scanned += 1
        outcome = matching.decide(
            specs,
            matching.Subject(
                payee=row.payee or "",
                note=row.note,
                amount_minor=row.amount,
                currency=row.currency,
                account_id=row.account_id,
            ),
        )
        if outcome.rule_ids:
            candidates.append((row, outcome))
    tags = _tags_of([row.pk for row, outcome in candidates if outcome.tag_names])
    for row, outcome in candidates:
        old_payee = row.payee or ""
        renamed = outcome.payee_name
        # payee names are case-insensitive: "amazon" renamed to "Amazon" is the same payee
        new_payee = renamed if renamed and renamed.casefold() != old_payee.casefold() else old_payee
        have = tags.get(row.pk, [])
        change = Change(
            transaction_id=row.pk,
            date=row.date,
            account_id=row.account_id,
            amount=row.amount,
            currency=row.currency,
            old_payee=old_payee,
            new_payee=new_payee,
            old_category_id=row.category_id,
            new_category_id=row.category_id if outcome.category_id is None else outcome.category_id,
            added_tags=tuple(matching.merge_tags(have, outcome.tag_names)[len(have) :]),
            rule_ids=tuple(outcome.rule_ids),
        )
        if change.category_changes or change.payee_changes or change.added_tags:
            plan.changes.append(change)
    plan.digest = _digest(plan.changes)
    return plan
