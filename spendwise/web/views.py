"""The dashboard: this budget month at a glance."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from spendwise.households.decorators import HouseholdRequest, household_required
from spendwise.ledger import queries
from spendwise.ledger.models import Account
from spendwise.periods import month_range
from spendwise.recurring import queries as recurring_queries


@household_required
@require_safe
def dashboard(request: HouseholdRequest) -> HttpResponse:
    household = request.household
    user = request.user
    today = user.today()
    period = month_range(today, user.month_start_day)
    home = user.home_currency
    month = queries.spending_and_income(household, period.start, period.end, home)
    balances = queries.account_balances(household)
    worth = queries.converted_net_worth(household, balances, home, today)
    empty = not balances and not Account.objects.filter(household=household).exists()
    page = queries.transactions_page(household, queries.TransactionFilters(), size=8)
    context = {
        "period": period,
        "today": today,
        "empty": empty,
        "spent": month.spent,
        "earned": month.earned,
        "left": month.left,
        # Other currencies are converted at each day's rate (net worth: today's); what has no
        # rate is left out of the totals and named in one plain warning.
        "missing": month.missing | worth.missing,
        "converts": any(row.account.currency != home for row in balances),
        "top_categories": queries.top_spending_categories(
            household, period.start, period.end, home
        ),
        "balances": balances,
        "net_worth": worth.total,
        "recent": page.rows,
        "upcoming": recurring_queries.upcoming(household, today, days=14),
    }
    return render(request, "web/dashboard.html", context)
