"""Which pages the benchmark measures, with the state they need (budgets, a deep cursor)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from spendwise.budgets.actions import budget_set
from spendwise.households.models import Household, Membership
from spendwise.ledger.models import Category, Transaction
from spendwise.ledger.queries import encode_cursor
from spendwise.money import Money
from spendwise.periods import add_months

REPORTS = ["spending", "trend", "income_expenses", "cash_flow", "net_worth", "payees", "tags"]


def deep_cursor(household: Household) -> str:
    """A cursor 90 % of the way down the household's transaction list."""
    total = Transaction.objects.filter(household=household).count()
    row = (
        Transaction.objects.filter(household=household)
        .order_by("-date", "-id")[int(total * 0.9) : int(total * 0.9) + 1]
        .get()
    )
    return encode_cursor(row)


def add_budgets(member: Membership, today: date) -> None:
    """An overall budget and one per top-level expense category, repeating, half with rollover,
    from ten years back, so that rollover has a decade of months to carry."""
    first = date(today.year - 10, today.month, 1)
    budget_set(actor=member, category=None, month=first, amount=Money(400000, "USD"), repeats=True)
    tops = Category.objects.filter(household=member.household, kind="expense", parent=None)
    for index, category in enumerate(tops):
        budget_set(
            actor=member,
            category=category,
            month=first,
            amount=Money(30000, "USD"),
            repeats=True,
            rollover=index % 2 == 0,
        )


def naive_floors(member: Membership, today: date) -> dict[str, list[str]]:
    """Hand-written SQL that computes each page's numbers straight from the transactions table:
    what a page without the rollup would pay at the least (no ORM, no Python, no template)."""
    h = member.household.pk
    t = Transaction._meta.db_table
    month = today.replace(day=1).isoformat()
    year_ago = add_months(today.replace(day=1), -11).isoformat()
    ten_years = add_months(today.replace(day=1), -120).isoformat()
    in_range = f"household_id = {h} AND date >= '{year_ago}' AND date <= '{today.isoformat()}'"
    by_month = "date_trunc('month', date)"
    keyset = f"SELECT * FROM {t} WHERE household_id = {h} ORDER BY date DESC, id DESC LIMIT 51"
    return {
        "dashboard": [
            f"SELECT kind, SUM(amount) FROM {t} WHERE household_id = {h} AND date >= '{month}' "
            "AND kind <> 'transfer' GROUP BY kind",
            f"SELECT account_id, SUM(amount) FROM {t} WHERE household_id = {h} GROUP BY account_id",
            f"SELECT category_id, SUM(amount) FROM {t} WHERE household_id = {h} "
            f"AND date >= '{month}' AND kind = 'expense' GROUP BY category_id",
            keyset.replace("51", "8"),
        ],
        "transactions first page": [keyset],
        "transactions deep page": [keyset],  # same cost through the index: the cursor seeks
        "budgets": [
            f"SELECT category_id, {by_month}, SUM(amount) FROM {t} WHERE household_id = {h} "
            f"AND kind = 'expense' AND date >= '{ten_years}' GROUP BY 1, 2"
        ],
        "report spending": [
            f"SELECT category_id, SUM(amount) FROM {t} WHERE {in_range} AND kind = 'expense' "
            "GROUP BY category_id"
        ],
        "report trend": [
            f"SELECT category_id, {by_month}, SUM(amount) FROM {t} WHERE {in_range} "
            "AND kind = 'expense' GROUP BY 1, 2"
        ],
        "report income_expenses": [
            f"SELECT {by_month}, kind, SUM(amount) FROM {t} WHERE {in_range} "
            "AND kind <> 'transfer' GROUP BY 1, 2"
        ],
        "report cash_flow": [
            f"SELECT {by_month}, kind, SUM(amount) FROM {t} WHERE {in_range} "
            "AND kind <> 'transfer' GROUP BY 1, 2"
        ],
        "report net_worth": [
            f"SELECT m, SUM(s) OVER (ORDER BY m) FROM (SELECT {by_month} AS m, SUM(amount) AS s "
            f"FROM {t} WHERE household_id = {h} GROUP BY 1) AS months"
        ],
        "report payees": [
            f"SELECT payee_id, SUM(amount) FROM {t} WHERE {in_range} AND kind = 'expense' "
            "GROUP BY payee_id ORDER BY 2 LIMIT 15"
        ],
        "report tags": [
            f"SELECT tag_id, SUM(amount) FROM {t} AS x JOIN {t}_tags ON transaction_id = x.id "
            f"WHERE {in_range} AND kind = 'expense' GROUP BY tag_id"
        ],
    }


def prepare_pages(member: Membership, today: date) -> list[tuple[str, str]]:
    add_budgets(member, today)
    transactions = reverse("ledger:transactions")
    last_12 = urlencode({"range": "last_12"})
    return [
        ("dashboard", reverse("web:dashboard")),
        ("transactions first page", transactions),
        (
            "transactions deep page",
            f"{transactions}?{urlencode({'cursor': deep_cursor(member.household)})}",
        ),
        ("budgets", reverse("budgets:index")),
        *[(f"report {name}", f"{reverse(f'reports:{name}')}?{last_12}") for name in REPORTS],
    ]
