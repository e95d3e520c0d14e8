"""Apply a household's rules to transactions that are about to be written.

The import wizard, the quick-add form and "apply to existing transactions" all call
``apply_rules``: it loads the rules once, compiles their patterns once and runs the Django-free
matcher (``spendwise.rules.matching``) over every draft. First matching rule wins per action;
see ``matching`` for the semantics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from spendwise.households.models import Household
from spendwise.ledger.models import Account
from spendwise.rules import matching
from spendwise.rules.models import Rule


@dataclass
class Draft:
    """A transaction before it is written. ``amount_minor`` is signed as stored (+ in, - out)
    in the account's currency; ``rule_ids`` records the rules whose actions were applied."""

    account_id: int
    date: date
    amount_minor: int  # signed as stored
    payee_name: str
    description: str
    category_id: int | None = None
    tag_names: list[str] = field(default_factory=list)
    rule_ids: list[int] = field(default_factory=list)


def rule_specs(household: Household) -> list[matching.RuleSpec]:
    """The household's rules in order (the model's ordering), compiled for the matcher:
    one query."""
    specs = []
    for row in Rule.objects.filter(household=household).select_related("set_category"):
        try:
            specs.append(row.spec(row.set_category.kind if row.set_category else None))
        except matching.PatternError:
            # Saved patterns are checked; one that no longer compiles (a library change)
            # must not stop an import: the rule is skipped and its page shows the error.
            continue
    return specs


def apply_rules(household: Household, drafts: list[Draft]) -> list[Draft]:
    """Apply the household's rules to ``drafts`` in place and return them.

    A matching rule sets the category (only one of the draft's kind: expense when the amount
    is negative, income when positive — overriding one the draft had), renames the payee and
    adds its tags to the draft's. Two queries, however many drafts.
    """
    specs = rule_specs(household)
    if not specs or not drafts:
        return drafts
    currencies = dict(Account.objects.filter(household=household).values_list("id", "currency"))
    for draft in drafts:
        outcome = matching.decide(
            specs,
            matching.Subject(
                payee=draft.payee_name or "",
                note=draft.description or "",
                amount_minor=draft.amount_minor,
                currency=currencies.get(draft.account_id, ""),
                account_id=draft.account_id,
            ),
        )
        if outcome.category_id is not None:
            draft.category_id = outcome.category_id
        if outcome.payee_name is not None:
            draft.payee_name = outcome.payee_name
        draft.tag_names = matching.merge_tags(draft.tag_names, outcome.tag_names)
        draft.rule_ids.extend(i for i in outcome.rule_ids if i not in draft.rule_ids)
    return drafts
