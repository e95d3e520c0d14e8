"""``/api/v1/rules/…``: rules in the order they run, applying them to existing transactions
(preview, then apply with the preview's digest) and category suggestions.

The same scoped loaders (another household's rule is a 404) and the same actions as the rule
pages. Amount bounds are magnitudes in the rule's account's currency, else in the caller's
home currency.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from spendwise.api.auth import household_request
from spendwise.api.errors import responses
from spendwise.api.pagination import PageParams, id_page
from spendwise.api.schemas import DecimalText, MoneyOut, QueryIn, StrictIn, money_out, parse_money
from spendwise.households.decorators import HouseholdRequest
from spendwise.ledger import queries as ledger_queries
from spendwise.ledger.actions import parse_tag_names
from spendwise.ledger.models import Category
from spendwise.money import Money
from spendwise.rules import actions, matching, queries
from spendwise.rules.models import Rule
from spendwise.rules.suggest import suggester_for

router = Router(tags=["rules"])

PREVIEW_ROWS = 200  # changes listed in a preview; the counts cover all of them

TextMatch = Literal["", "contains", "equals", "matches"]


class RuleOut(Schema):
    id: int
    name: str
    position: int = Field(description="Lower runs first")
    payee_match: TextMatch = Field(description='"": any payee')
    payee_value: str
    note_match: TextMatch = Field(description='"": any note')
    note_value: str
    amount_min: MoneyOut | None = Field(description="Magnitude: expenses and income alike")
    amount_max: MoneyOut | None = Field(description="Magnitude: expenses and income alike")
    account_id: int | None
    set_category_id: int | None
    rename_payee: str
    add_tags: list[str]


class RuleList(Schema):
    items: list[RuleOut]
    next_cursor: str | None


class RuleIn(StrictIn):
    name: str = Field(min_length=1, max_length=100)
    payee_match: TextMatch = Field("", description='"": any payee')
    payee_value: str = Field("", max_length=matching.MAX_PATTERN_LENGTH + 50)
    note_match: TextMatch = Field("", description='"": any note')
    note_value: str = Field("", max_length=matching.MAX_PATTERN_LENGTH + 50)
    amount_min: DecimalText | None = Field(None, description="In the account's currency")
    amount_max: DecimalText | None = Field(None, description="In the account's currency")
    account_id: int | None = Field(None, description="Only transactions of this account")
    set_category_id: int | None = None
    rename_payee: str = Field("", max_length=100)
    add_tags: list[str] = Field([], max_length=20, description="Tag names to add")


class MoveIn(StrictIn):
    direction: Literal["up", "down"]


def _rule_out(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.pk,
        "name": rule.name,
        "position": rule.position,
        "payee_match": rule.payee_match,
        "payee_value": rule.payee_value,
        "note_match": rule.note_match,
        "note_value": rule.note_value,
        "amount_min": money_out(rule.minimum) if rule.minimum is not None else None,
        "amount_max": money_out(rule.maximum) if rule.maximum is not None else None,
        "account_id": rule.account_id,
        "set_category_id": rule.set_category_id,
        "rename_payee": rule.rename_payee,
        "add_tags": rule.tag_names,
    }


def _rule_input(req: HouseholdRequest, payload: RuleIn, currency: str) -> actions.RuleInput:
    household = req.household
    account = (
        ledger_queries.get_account(household, payload.account_id)
        if payload.account_id is not None
        else None
    )
    category = (
        ledger_queries.get_category(household, payload.set_category_id)
        if payload.set_category_id is not None
        else None
    )
    currency = account.currency if account is not None else currency

    def bound(text: str | None, field: str) -> Money | None:
        return parse_money(text, currency, field) if text is not None else None

    return actions.RuleInput(
        name=payload.name,
        currency=currency,
        payee_match=payload.payee_match,
        payee_value=payload.payee_value if payload.payee_match else "",
        note_match=payload.note_match,
        note_value=payload.note_value if payload.note_match else "",
        amount_min=bound(payload.amount_min, "amount_min"),
        amount_max=bound(payload.amount_max, "amount_max"),
        account=account,
        set_category=category,
        rename_payee=payload.rename_payee,
        tag_names=tuple(parse_tag_names(", ".join(payload.add_tags))),
    )


@router.get("/rules", response=responses(ok200=RuleList), summary="Rules, in the order they run")
def list_rules(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    rules = queries.rules_for(household_request(request).household)
    # The cursor is by id; ``position`` says the order in which they run.
    return id_page(rules, params, _rule_out)


@router.post("/rules", response=responses(ok201=RuleOut), summary="Add a rule (it runs last)")
def create_rule(request: HttpRequest, payload: RuleIn) -> Status[Any]:
    req = household_request(request)
    data = _rule_input(req, payload, req.user.home_currency)
    rule = actions.rule_create(actor=req.membership, data=data)
    return Status(201, _rule_out(rule))


# Declared before /rules/{rule_id} so that "suggest" and "apply" are not read as ids.
class SuggestParams(QueryIn):
    payee: str = Field("", max_length=100)
    note: str = Field("", max_length=500)
    kind: Literal["expense", "income"] = "expense"


class SuggestionOut(Schema):
    category_id: int | None = Field(description="null: no confident suggestion")


@router.get(
    "/rules/suggest",
    response=responses(ok200=SuggestionOut),
    summary="The category the household's history suggests for a payee and note",
)
def suggest(request: HttpRequest, params: Query[SuggestParams]) -> dict[str, Any]:
    household = household_request(request).household
    category_id = suggester_for(household).suggest(params.payee, params.note, params.kind)
    if (
        category_id is not None
        and not Category.objects.filter(
            household=household, pk=category_id, kind=params.kind, archived=False
        ).exists()
    ):
        category_id = None
    return {"category_id": category_id}


# --- apply to existing transactions -------------------------------------------------------------
class ChangeOut(Schema):
    transaction_id: int
    date: date
    account_id: int
    amount: MoneyOut = Field(description="Signed as stored")
    old_payee: str
    new_payee: str | None = Field(description="null: unchanged")
    old_category_id: int | None
    new_category_id: int | None = Field(description="Equal to old_category_id: unchanged")
    category_changes: bool
    added_tags: list[str]
    rule_ids: list[int]


class PlanOut(Schema):
    digest: str = Field(description="Send it back to apply exactly these changes")
    scanned: int = Field(description="Transactions looked at")
    change_count: int = Field(description="Transactions that would change")
    category_count: int
    payee_count: int
    tag_count: int
    changes: list[ChangeOut] = Field(description=f"The first {PREVIEW_ROWS}, newest first")
    truncated: bool = Field(description="More changes than listed")


class ApplyIn(StrictIn):
    digest: str = Field(min_length=1, max_length=64, description="From the preview")


class AppliedOut(Schema):
    changed: int = Field(description="Transactions changed")
    digest: str


def _plan_out(plan: queries.Plan) -> dict[str, Any]:
    return {
        "digest": plan.digest,
        "scanned": plan.scanned,
        "change_count": len(plan.changes),
        "category_count": plan.category_count,
        "payee_count": plan.payee_count,
        "tag_count": plan.tag_count,
        "changes": [
            {
                "transaction_id": c.transaction_id,
                "date": c.date,
                "account_id": c.account_id,
                "amount": money_out(Money(c.amount, c.currency)),
                "old_payee": c.old_payee,
                "new_payee": c.new_payee if c.payee_changes else None,
                "old_category_id": c.old_category_id,
                "new_category_id": c.new_category_id,
                "category_changes": c.category_changes,
                "added_tags": list(c.added_tags),
                "rule_ids": list(c.rule_ids),
            }
            for c in plan.changes[:PREVIEW_ROWS]
        ],
        "truncated": len(plan.changes) > PREVIEW_ROWS,
    }


def _apply(request: HttpRequest, rule: Rule | None, digest: str) -> dict[str, Any]:
    req = household_request(request)
    plan = actions.rules_apply_to_existing(actor=req.membership, rule=rule, expected=digest)
    return {"changed": len(plan.changes), "digest": plan.digest}


@router.get(
    "/rules/apply",
    response=responses(ok200=PlanOut),
    summary="Preview: what every rule, in order, would change on existing expenses and income",
)
def preview_all(request: HttpRequest) -> dict[str, Any]:
    return _plan_out(queries.plan_for_existing(household_request(request).household))


@router.post(
    "/rules/apply",
    response=responses(ok200=AppliedOut),
    summary="Apply every rule to existing transactions (409 when the preview is stale)",
)
def apply_all(request: HttpRequest, payload: ApplyIn) -> dict[str, Any]:
    return _apply(request, None, payload.digest)


# --- one rule -----------------------------------------------------------------------------------
@router.get("/rules/{rule_id}", response=responses(ok200=RuleOut), summary="One rule")
def get_rule(request: HttpRequest, rule_id: int) -> dict[str, Any]:
    return _rule_out(queries.get_rule(household_request(request).household, rule_id))


@router.put("/rules/{rule_id}", response=responses(ok200=RuleOut), summary="Replace a rule")
def update_rule(request: HttpRequest, rule_id: int, payload: RuleIn) -> dict[str, Any]:
    req = household_request(request)
    rule = queries.get_rule(req.household, rule_id)
    data = _rule_input(req, payload, rule.currency)
    return _rule_out(actions.rule_update(actor=req.membership, rule=rule, data=data))


@router.delete(
    "/rules/{rule_id}",
    response=responses(ok204=None),
    summary="Delete a rule; what it changed stays",
)
def delete_rule(request: HttpRequest, rule_id: int) -> Status[Any]:
    req = household_request(request)
    actions.rule_delete(actor=req.membership, rule=queries.get_rule(req.household, rule_id))
    return Status(204, None)


@router.post(
    "/rules/{rule_id}/move",
    response=responses(ok200=RuleOut),
    summary="Swap a rule with the one above or below it",
)
def move_rule(request: HttpRequest, rule_id: int, payload: MoveIn) -> dict[str, Any]:
    req = household_request(request)
    rule = queries.get_rule(req.household, rule_id)
    return _rule_out(
        actions.rule_move(actor=req.membership, rule=rule, direction=payload.direction)
    )


@router.get(
    "/rules/{rule_id}/apply",
    response=responses(ok200=PlanOut),
    summary="Preview: what this rule alone would change on existing expenses and income",
)
def preview_one(request: HttpRequest, rule_id: int) -> dict[str, Any]:
    household = household_request(request).household
    rule = queries.get_rule(household, rule_id)
    return _plan_out(queries.plan_for_existing(household, rule=rule))


@router.post(
    "/rules/{rule_id}/apply",
    response=responses(ok200=AppliedOut),
    summary="Apply this rule alone to existing transactions (409 when the preview is stale)",
)
def apply_one(request: HttpRequest, rule_id: int, payload: ApplyIn) -> dict[str, Any]:
    rule = queries.get_rule(household_request(request).household, rule_id)
    return _apply(request, rule, payload.digest)
