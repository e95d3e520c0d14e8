"""Writes of rules: create, change, delete, reorder, and apply to existing transactions.

Each action checks the member's role and writes in one database transaction, so a refused
action changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from spendwise.errors import DomainError
from spendwise.households.models import Membership
from spendwise.ledger import rollup
from spendwise.ledger.actions import (
    MAX_AMOUNT_MINOR,
    check_can_write,
    check_same_household,
    payee_for_name,
    tags_for_names,
)
from spendwise.ledger.models import Account, Category, Transaction
from spendwise.money import Money
from spendwise.rules import matching
from spendwise.rules.models import Rule
from spendwise.rules.queries import Plan, plan_for_existing

UP, DOWN = "up", "down"


@dataclass(frozen=True)
class RuleInput:
    """A rule as a person enters it. Amount bounds are magnitudes (never negative) in the
    chosen account's currency, else in the household's (the creator's home) currency."""

    name: str
    currency: str
    payee_match: str = ""
    payee_value: str = ""
    note_match: str = ""
    note_value: str = ""
    amount_min: Money | None = None
    amount_max: Money | None = None
    account: Account | None = None
    set_category: Category | None = None
    rename_payee: str = ""
    tag_names: tuple[str, ...] = ()


def _check_text(operator: str, value: str, field: str) -> str:
    """The value to store for a text condition (empty when the condition is off)."""
    if not operator:
        return ""
    if operator not in matching.TEXT_OPERATORS:
        raise DomainError(gettext("Choose how to compare."), field=field)
    if operator == matching.MATCHES:
        try:
            matching.check_pattern(value)
        except matching.PatternError as error:
            raise DomainError(str(error), field=field) from None
        return value
    value = " ".join(value.split())
    if not value:
        raise DomainError(gettext("Enter the text to look for."), field=field)
    if len(value) > matching.MAX_PATTERN_LENGTH:
        raise DomainError(
            gettext("Keep the text to %(MAX_PATTERN_LENGTH)s characters or fewer.")
            % {"MAX_PATTERN_LENGTH": matching.MAX_PATTERN_LENGTH},
            field=field,
        )
    return value


def _check_rule(actor: Membership, data: RuleInput) -> dict[str, object]:
    """Validate ``data`` and return the model's field values."""
    check_same_household(actor, data.account, data.set_category)
    name = " ".join(data.name.split())
    if not name:
        raise DomainError(gettext("Give the rule a name."), field="name")
    payee_value = _check_text(data.payee_match, data.payee_value, "payee_value")
    note_value = _check_text(data.note_match, data.note_value, "note_value")
    currency = data.account.currency if data.account else data.currency
    bounds: dict[str, int | None] = {}
    for field, money in (("amount_min", data.amount_min), ("amount_max", data.amount_max)):
        if money is None:
            bounds[field] = None
            continue
        if money.currency != currency:
            raise DomainError(
                gettext("Enter the amount in %(currency)s.") % {"currency": currency}, field=field
            )
        if money.minor < 0 or money.minor > MAX_AMOUNT_MINOR:
            raise DomainError(gettext("Enter an amount of zero or more."), field=field)
        bounds[field] = money.minor
    low, high = bounds["amount_min"], bounds["amount_max"]
    if low is not None and high is not None and low > high:
        raise DomainError(gettext("The minimum is larger than the maximum."), field="amount_max")
    rename = " ".join(data.rename_payee.split())
    tags = ", ".join(data.tag_names)
    has_condition = bool(data.payee_match or data.note_match or data.account) or (
        low is not None or high is not None
    )
    if not has_condition:
        raise DomainError(
            gettext(
                "Add at least one condition (payee, note, amount or account), or the rule would "
                "change every transaction."
            )
        )
    if data.set_category is None and not rename and not tags:
        raise DomainError(gettext("Add at least one action: a category, a new payee name or tags."))
    if len(tags) > Rule._meta.get_field("add_tags").max_length:  # type: ignore[operator]
        raise DomainError(gettext("That is too many tags for one rule."), field="add_tags")
    return {
        "name": name,
        "payee_match": data.payee_match,
        "payee_value": payee_value,
        "note_match": data.note_match,
        "note_value": note_value,
        "amount_min": low,
        "amount_max": high,
        "currency": currency,
        "account": data.account,
        "set_category": data.set_category,
        "rename_payee": rename,
        "add_tags": tags,
    }


def rule_create(*, actor: Membership, data: RuleInput) -> Rule:
    """A new rule, placed last (it runs after the household's existing rules)."""
    check_can_write(actor)
    values = _check_rule(actor, data)
    with transaction.atomic():
        last = Rule.objects.filter(household=actor.household).aggregate(m=Max("position"))["m"]
        return Rule.objects.create(
            household=actor.household, position=0 if last is None else last + 1, **values
        )


def rule_update(*, actor: Membership, rule: Rule, data: RuleInput) -> Rule:
    check_can_write(actor)
    check_same_household(actor, rule)
    values = _check_rule(actor, data)
    for name, value in values.items():
        setattr(rule, name, value)
    with transaction.atomic():
        rule.save()
    return rule


def rule_delete(*, actor: Membership, rule: Rule) -> None:
    check_can_write(actor)
    check_same_household(actor, rule)
    rule.delete()


def rule_move(*, actor: Membership, rule: Rule, direction: str) -> Rule:
    """Swap ``rule`` with its neighbour above (``up``) or below (``down``); positions are
    renumbered 0, 1, 2 … so that two rules never share one."""
    check_can_write(actor)
    check_same_household(actor, rule)
    if direction not in (UP, DOWN):
        raise DomainError(gettext("Move a rule up or down."), field="direction")
    with transaction.atomic():
        ordered = list(
            Rule.objects.select_for_update()
            .filter(household=actor.household)
            .order_by("position", "id")
        )
        index = next(i for i, row in enumerate(ordered) if row.pk == rule.pk)
        other = index - 1 if direction == UP else index + 1
        if 0 <= other < len(ordered):
            ordered[index], ordered[other] = ordered[other], ordered[index]
        changed = []
        for position, row in enumerate(ordered):
            if row.position != position:
                row.position = position
                changed.append(row)
        Rule.objects.bulk_update(changed, ["position"])
    rule.position = next(row.position for row in ordered if row.pk == rule.pk)
    return rule


# --- apply to existing transactions -------------------------------------------------------------
def rules_apply_to_existing(*, actor: Membership, rule: Rule | None = None, expected: str) -> Plan:
    """Apply the household's rules (or only ``rule``) to its existing expenses and income.

    ``expected`` is the ``Plan.digest`` of the preview the person confirmed: when the
    transactions or rules have changed since, nothing is written and the action is refused
    (code ``conflict``), so exactly the previewed rows change. Category changes move the
    rollup: the changed rows are removed from it and added back, in the same transaction.
    """
    check_can_write(actor)
    check_same_household(actor, rule)
    with transaction.atomic():
        plan = plan_for_existing(actor.household, rule=rule)
        if plan.digest != expected:
            raise DomainError(
                gettext(
                    "Your transactions or rules changed since the preview. Check the new preview "
                    "and confirm again."
                ),
                code="conflict",
            )
        if not plan.changes:
            return plan
        by_id = {change.transaction_id: change for change in plan.changes}
        rows = list(
            Transaction.objects.select_for_update()
            .filter(household=actor.household, pk__in=by_id)
            .order_by("pk")
        )
        moved = [row for row in rows if by_id[row.pk].category_changes]
        rollup.remove(moved)
        payees = {
            name: payee_for_name(actor.household, name)
            for name in {c.new_payee for c in plan.changes if c.payee_changes}
        }
        now = timezone.now()
        for row in rows:
            change = by_id[row.pk]
            if change.category_changes:
                row.category_id = change.new_category_id
            if change.payee_changes:
                row.payee = payees[change.new_payee]
            row.updated_at = now
        Transaction.objects.bulk_update(rows, ["category", "payee", "updated_at"], batch_size=1000)
        rollup.add(moved)
        tag_names = sorted({name for c in plan.changes for name in c.added_tags}, key=str.lower)
        tags = {tag.name.lower(): tag for tag in tags_for_names(actor.household, tag_names)}
        Transaction.tags.through.objects.bulk_create(
            [
                Transaction.tags.through(transaction_id=c.transaction_id, tag_id=tags[n.lower()].pk)
                for c in plan.changes
                for n in c.added_tags
            ],
            ignore_conflicts=True,
            batch_size=1000,
        )
    return plan
