"""The budget pages: a month's progress, set or edit a budget, delete it, copy last month.

Each view parses, loads through a household-scoped helper (another household's budget is a
404), calls one action with the member as actor, and renders. A refused action shows its
message with its status: 400, or 403 when the member's role cannot write. The month shown is
in the query string (``?month=2026-12``), labelled by the calendar month of its last day.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spendwise.budgets import actions, arithmetic, queries
from spendwise.budgets.forms import THIS_MONTH_ONLY, BudgetForm, parse_month
from spendwise.budgets.models import Budget
from spendwise.errors import DomainError
from spendwise.households.decorators import HouseholdRequest, household_required
from spendwise.money import Money
from spendwise.periods import add_months
from spendwise.web.forms import amount_text, posted, submit
from spendwise.web.responses import is_htmx, refused


def _label(request: HouseholdRequest, text: str | None) -> date:
    """The label month asked for, else the current budget month."""
    return parse_month(text) or queries.current_label(request.user)


def _index_url(label: date) -> str:
    return f"{reverse('budgets:index')}?month={label:%Y-%m}"


def _refused(request: HouseholdRequest, exc: DomainError, label: date) -> HttpResponse:
    return refused(request, exc, back_url=_index_url(label), back_label=gettext("Back to budgets"))


@household_required
@require_GET
def index(request: HouseholdRequest) -> HttpResponse:
    """Every budget's progress in one month, with links to the months before and after."""
    user, household = request.user, request.household
    label = _label(request, request.GET.get("month"))
    period = arithmetic.period_of(label, user.month_start_day)
    today = user.today()
    rows = queries.budget_progress(household, user, label)
    context: dict[str, Any] = {
        "label": label,
        "month_key": f"{label:%Y-%m}",
        "month_name": queries.month_name(label, user.locale),
        "period": period,
        "is_current": today in period,
        "day_number": (today - period.start).days + 1 if today in period else None,
        "previous_key": f"{add_months(label, -1):%Y-%m}",
        "previous_name": queries.month_name(add_months(label, -1), user.locale),
        "next_key": f"{add_months(label, 1):%Y-%m}",
        "next_name": queries.month_name(add_months(label, 1), user.locale),
        "rows": rows,
        "unset": queries.unset_budgets(household, label),
        "has_budgets": bool(rows) or queries.has_budgets(household),
        "home_currency": user.home_currency,
        "other_currencies": queries.other_currencies_spent(household, period, user.home_currency),
    }
    template = "budgets/budget_month.html" if is_htmx(request) else "budgets/index.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _save_or_show(
    request: HouseholdRequest, form: BudgetForm, label: date, budget: Budget | None
) -> HttpResponse:
    """Save a posted form and go back to the month, or show the form (with its errors)."""
    saved, status = submit(
        form,
        lambda data: actions.budget_set(
            actor=request.membership,
            category=budget.category if budget else data["category"],
            month=label,
            amount=data["amount"],
            repeats=form.repeats,
            rollover=data["rollover"],
            thresholds=data["thresholds"],
        ),
    )
    if saved is not None:
        messages.success(request, gettext("Budget for %(name)s saved.") % {"name": saved.name})
        return redirect(_index_url(label))
    context = {
        "form": form,
        "budget": budget,
        "label": label,
        "month_name": queries.month_name(label, request.user.locale),
        "back_url": _index_url(label),
    }
    return render(request, "budgets/budget_form.html", context, status=status)


@household_required
@require_http_methods(["GET", "POST"])
def set_budget(request: HouseholdRequest) -> HttpResponse:
    """Set a budget for a category (or overall) from the month in ``?month=`` on, or for that
    month only. Setting one that exists changes it."""
    label = _label(request, request.GET.get("month"))
    try:
        actions.check_can_write(request.membership)
    except DomainError as exc:
        return _refused(request, exc, label)
    form = BudgetForm(
        posted(request),
        household=request.household,
        currency=request.user.home_currency,
        locale=request.user.locale,
    )
    return _save_or_show(request, form, label, None)


@household_required
@require_http_methods(["GET", "POST"])
def edit_budget(request: HouseholdRequest, pk: int) -> HttpResponse:
    """Change a budget's amount for the month in ``?month=`` (on, or only), and its settings."""
    budget = queries.get_budget(request.household, pk)
    label = _label(request, request.GET.get("month"))
    try:
        actions.check_can_write(request.membership)
    except DomainError as exc:
        return _refused(request, exc, label)
    applied = arithmetic.amount_for([row.as_row() for row in budget.amounts.all()], label)
    initial: dict[str, Any] = {
        "category": budget.category_id,
        "rollover": budget.rollover,
        "thresholds": ", ".join(str(value) for value in budget.threshold_values),
    }
    if applied is not None:
        initial["amount"] = amount_text(Money(applied.amount, budget.currency), request.user.locale)
        if not applied.repeats:
            initial["scope"] = THIS_MONTH_ONLY
    form = BudgetForm(
        posted(request),
        household=request.household,
        currency=request.user.home_currency,
        locale=request.user.locale,
        budget=budget,
        initial=initial,
    )
    return _save_or_show(request, form, label, budget)


@household_required
@require_POST
def delete_budget(request: HouseholdRequest, pk: int) -> HttpResponse:
    budget = queries.get_budget(request.household, pk)
    label = _label(request, request.POST.get("month"))
    name = budget.name
    try:
        actions.budget_delete(actor=request.membership, budget=budget)
    except DomainError as exc:
        return _refused(request, exc, label)
    messages.success(request, gettext("Budget for %(name)s deleted.") % {"name": name})
    return redirect(_index_url(label))


@household_required
@require_POST
def copy_last_month(request: HouseholdRequest) -> HttpResponse:
    """Give this month (``month`` in the form) every budget's amount of the month before."""
    label = _label(request, request.POST.get("month"))
    try:
        copied = actions.budget_copy_last_month(actor=request.membership, month=label)
    except DomainError as exc:
        return _refused(request, exc, label)
    previous = queries.month_name(add_months(label, -1), request.user.locale)
    if copied:
        messages.success(
            request,
            ngettext(
                "Copied %(copied)s budget from %(previous)s into this month.",
                "Copied %(copied)s budgets from %(previous)s into this month.",
                copied,
            )
            % {"copied": copied, "previous": previous},
        )
    elif queries.has_amounts_in(request.household, add_months(label, -1)):
        messages.info(
            request,
            gettext("Nothing to copy: this month already has %(previous)s's amounts.")
            % {"previous": previous},
        )
    else:
        messages.info(
            request,
            gettext("No budgets were set for %(previous)s, so there is nothing to copy.")
            % {"previous": previous},
        )
    return redirect(_index_url(label))
