"""Which pages the benchmark measures, with the state they need (budgets, a deep cursor)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from spendwise.households.models import Household, Membership
from spendwise.ledger.models import Transaction
from spendwise.ledger.queries import encode_cursor


def deep_cursor(household: Household) -> str:
    """A cursor 90 % of the way down the household's transaction list."""
    total = Transaction.objects.filter(household=household).count()
    row = (
        Transaction.objects.filter(household=household)
        .order_by("-date", "-id")[int(total * 0.9) : int(total * 0.9) + 1]
        .get()
    )
    return encode_cursor(row)


def prepare_pages(member: Membership, today: date) -> list[tuple[str, str]]:
    transactions = reverse("ledger:transactions")
    return [
        ("dashboard", reverse("web:dashboard")),
        ("transactions first page", transactions),
        (
            "transactions deep page",
            f"{transactions}?{urlencode({'cursor': deep_cursor(member.household)})}",
        ),
    ]
