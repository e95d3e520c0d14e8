"""The rule pages: list, add, edit, delete, move up/down, apply to existing transactions
(preview, then confirm), and the category suggestion fragment of the quick-add form.

Each view parses, loads through a household-scoped helper (another household's rule is a 404),
calls one action with the member as actor, and renders. A refused action shows its message
with its status: 400, 403 when the member's role cannot write, 409 when the transactions
changed between a preview and its confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spendwise.errors import DomainError
from spendwise.households.decorators import HouseholdRequest, household_required
from spendwise.ledger.actions import check_can_write
from spendwise.ledger.models import Account, Category, TransactionKind
from spendwise.money import Money
from spendwise.rules import actions, queries
from spendwise.rules.forms import RuleForm
from spendwise.rules.models import Rule
from spendwise.rules.suggest import suggester_for
from spendwise.web.forms import posted, submit
from spendwise.web.responses import is_htmx, refused

PREVIEW_ROWS = 200  # changes listed on the preview page; the counts cover all of them


def _refused(request: HouseholdRequest, exc: DomainError) -> HttpResponse:
    return refused(
        request, exc, back_url=reverse("rules:list"), back_label=gettext("Back to rules")
    )


@household_required
@require_GET
def rule_list(request: HouseholdRequest) -> HttpResponse:
    """The household's rules in the order they run."""
    rules = list(queries.rules_for(request.household))
    return render(request, "rules/rules.html", {"rules": rules})


def _save_or_show(request: HouseholdRequest, form: RuleForm, rule: Rule | None) -> HttpResponse:
    def save(_: dict[str, Any]) -> Rule:
        if rule is None:
            return actions.rule_create(actor=request.membership, data=form.rule_input())
        return actions.rule_update(actor=request.membership, rule=rule, data=form.rule_input())

    saved, status = submit(form, save)
    if saved is not None:
        messages.success(request, gettext("Rule “%(name)s” saved.") % {"name": saved.name})
        return redirect("rules:list")
    return render(request, "rules/rule_form.html", {"form": form, "rule": rule}, status=status)


@household_required
@require_http_methods(["GET", "POST"])
def rule_create(request: HouseholdRequest) -> HttpResponse:
    try:
        check_can_write(request.membership)
    except DomainError as exc:
        return _refused(request, exc)
    form = RuleForm(
        posted(request),
        household=request.household,
        currency=request.user.home_currency,
        locale=request.user.locale,
        initial={"payee_match": "contains"},
    )
    return _save_or_show(request, form, None)


@household_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HouseholdRequest, pk: int) -> HttpResponse:
    rule = queries.get_rule(request.household, pk)
    try:
        check_can_write(request.membership)
    except DomainError as exc:
        return _refused(request, exc)
    form = RuleForm(
        posted(request),
        household=request.household,
        currency=rule.currency,
        locale=request.user.locale,
        rule=rule,
    )
    return _save_or_show(request, form, rule)


@household_required
@require_POST
def rule_delete(request: HouseholdRequest, pk: int) -> HttpResponse:
    rule = queries.get_rule(request.household, pk)
    try:
        actions.rule_delete(actor=request.membership, rule=rule)
    except DomainError as exc:
        return _refused(request, exc)
    messages.success(request, gettext("Rule “%(name)s” deleted.") % {"name": rule.name})
    return redirect("rules:list")


@household_required
@require_POST
def rule_move(request: HouseholdRequest, pk: int) -> HttpResponse:
    """Move a rule one place up or down (``direction`` in the form). HTMX gets the list back."""
    rule = queries.get_rule(request.household, pk)
    try:
        actions.rule_move(
            actor=request.membership, rule=rule, direction=request.POST.get("direction", "")
        )
    except DomainError as exc:
        return _refused(request, exc)
    if is_htmx(request):
        rules = list(queries.rules_for(request.household))
        return render(request, "rules/rule_table.html", {"rules": rules})
    return redirect("rules:list")


# --- apply to existing transactions -------------------------------------------------------------
@dataclass(frozen=True)
class PreviewRow:
    date: date
    account: str
    money: Money
    old_payee: str
    new_payee: str | None  # None: unchanged
    old_category: str
    new_category: str | None  # None: unchanged
    added_tags: tuple[str, ...]
    rules: list[str]


def _preview_rows(request: HouseholdRequest, plan: queries.Plan) -> list[PreviewRow]:
    household = request.household
    shown = plan.changes[:PREVIEW_ROWS]
    accounts = dict(Account.objects.filter(household=household).values_list("id", "name"))
    categories = {
        c.pk: str(c) for c in Category.objects.filter(household=household).select_related("parent")
    }
    rule_names = dict(Rule.objects.filter(household=household).values_list("id", "name"))
    return [
        PreviewRow(
            date=change.date,
            account=accounts.get(change.account_id, ""),
            money=Money(change.amount, change.currency),
            old_payee=change.old_payee,
            new_payee=change.new_payee if change.payee_changes else None,
            old_category=categories.get(change.old_category_id or 0, ""),
            new_category=categories.get(change.new_category_id or 0, "")
            if change.category_changes
            else None,
            added_tags=change.added_tags,
            rules=[rule_names.get(i, "") for i in change.rule_ids],
        )
        for change in shown
    ]


def _apply(request: HouseholdRequest, rule: Rule | None) -> HttpResponse:
    """Preview (GET) or apply (POST, with the preview's digest) the rules to existing rows."""
    try:
        check_can_write(request.membership)
    except DomainError as exc:
        return _refused(request, exc)
    status, notice = 200, ""
    if request.method == "POST":
        try:
            plan = actions.rules_apply_to_existing(
                actor=request.membership, rule=rule, expected=request.POST.get("expected", "")
            )
        except DomainError as exc:
            if exc.code != "conflict":
                return _refused(request, exc)
            status, notice = 409, exc.message
        else:
            count = len(plan.changes)
            messages.success(
                request,
                ngettext(
                    "Rules applied: %(count)s transaction changed.",
                    "Rules applied: %(count)s transactions changed.",
                    count,
                )
                % {"count": count},
            )
            return redirect("rules:list")
    plan = queries.plan_for_existing(request.household, rule=rule)
    context = {
        "rule": rule,
        "plan": plan,
        "rows": _preview_rows(request, plan),
        "hidden_count": max(0, len(plan.changes) - PREVIEW_ROWS),
        "notice": notice,
        "has_rules": rule is not None or Rule.objects.filter(household=request.household).exists(),
    }
    return render(request, "rules/apply_preview.html", context, status=status)


@household_required
@require_http_methods(["GET", "POST"])
def apply_all(request: HouseholdRequest) -> HttpResponse:
    """Every rule, in order, applied to the existing expenses and income."""
    return _apply(request, None)


@household_required
@require_http_methods(["GET", "POST"])
def apply_one(request: HouseholdRequest, pk: int) -> HttpResponse:
    """One rule on its own applied to the existing expenses and income."""
    return _apply(request, queries.get_rule(request.household, pk))


# --- category suggestion ------------------------------------------------------------------------
@household_required
@require_GET
def suggest(request: HouseholdRequest) -> HttpResponse:
    """``?payee=&note=&kind=`` → "Suggested: Groceries [Use]", or nothing when unsure."""
    kind = request.GET.get("kind", TransactionKind.EXPENSE)
    category = None
    if kind in (TransactionKind.EXPENSE, TransactionKind.INCOME):
        category_id = suggester_for(request.household).suggest(
            request.GET.get("payee", "")[:100], request.GET.get("note", "")[:500], kind
        )
        if category_id is not None:
            category = (
                Category.objects.filter(household=request.household, pk=category_id, kind=kind)
                .select_related("parent")
                .first()
            )
    response = render(request, "rules/suggestion.html", {"category": category})
    patch_vary_headers(response, ("HX-Request",))
    return response
