"""The dashboard: this budget month at a glance."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from spendwise.households.decorators import HouseholdRequest, household_required
from spendwise.ledger import queries
from spendwise.ledger.models import Account
from spendwise.money import Money
from spendwise.periods import month_range
from spendwise.recurring import queries as recurring_queries


@household_required
def dashboard(request: HouseholdRequest) -> HttpResponse:
    household = request.household
    user = request.user
    today = user.today()
    period = month_range(today, user.month_start_day)
    home = user.home_currency
    totals = queries.spending_and_income(household, period.start, period.end)
    home_totals = totals.get(home, {"expense": 0, "income": 0})
    other_currencies = sorted(code for code in totals if code != home)
    balances = queries.account_balances(household)
    empty = not balances and not Account.objects.filter(household=household).exists()
    page = queries.transactions_page(household, queries.TransactionFilters(), size=8)
    context = {
        "period": period,
        "today": today,
        "empty": empty,
        "spent": Money(home_totals["expense"], home),
        "earned": Money(home_totals["income"], home),
        "left": Money(home_totals["income"] - home_totals["expense"], home),
        "other_totals": [
            (Money(totals[c]["expense"], c), Money(totals[c]["income"], c))
            for c in other_currencies
        ],
        "top_categories": queries.top_spending_categories(
            household, period.start, period.end, home
        ),
        "balances": balances,
        "net_worth": queries.net_worth(balances),
        "recent": page.rows,
        "upcoming": recurring_queries.upcoming(household, today, days=14),
    }
    return render(request, "web/dashboard.html", context)
