"""``manage.py seed_demo``: a demo user with a realistic year of money, for a first look.

Idempotent: when the demo household already has transactions it only prints the sign-in
details (``--reset`` deletes the demo user and builds everything again). Deterministic: the
same day gives the same data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from spendwise.households.models import Household, Membership
from spendwise.identity.actions import provision_user
from spendwise.identity.models import User
from spendwise.ledger import actions, rollup
from spendwise.ledger.models import (
    Account,
    Category,
    Payee,
    Tag,
    Transaction,
    Transfer,
    signed_amount,
)
from spendwise.money import Money

DEMO_EMAIL = "demo@spendwise.local"
DEMO_PASSWORD = "spendwise-demo-2026"  # noqa: S105 - printed for the person running the demo


@dataclass(frozen=True)
class Habit:
    """A kind of spending: how often per week, from which payees, in what range of cents."""

    category: str
    payees: tuple[str, ...]
    per_week: float
    low: int
    high: int
    account: str = "Credit card"


HABITS = [
    Habit("Groceries", ("FreshMart", "Green Grocer", "Costco"), 2.0, 2500, 14000),
    Habit("Restaurants", ("Pho Saigon", "Luigi's", "Sushi Bar", "Taco Stand"), 1.2, 1800, 9000),
    Habit("Coffee", ("Blue Bottle", "Corner Café"), 3.5, 350, 750, "Cash"),
    Habit("Fuel", ("Shell", "Chevron"), 0.8, 3500, 7000),
    Habit("Taxi", ("Uber", "Lyft"), 0.5, 900, 3500),
    Habit("Public transport", ("Metro card",), 0.4, 2000, 2000, "Checking"),
    Habit("Clothes", ("Uniqlo", "H&M"), 0.2, 2000, 12000),
    Habit("Electronics", ("Best Buy", "Apple Store"), 0.05, 3000, 40000),
    Habit("Pharmacy", ("CVS",), 0.3, 600, 4500),
    Habit("Going out", ("Cinema City", "Jazz Club"), 0.4, 1500, 6000),
    Habit("Gifts", ("Etsy",), 0.1, 2000, 8000),
]

MONTHLY = [  # (day, category, payee, cents, account, kind)
    (1, "Rent", "Oak Street Apartments", 165000, "Checking", "expense"),
    (5, "Utilities", "City Power & Water", None, "Checking", "expense"),
    (8, "Internet", "FiberNet", 5999, "Checking", "expense"),
    (12, "Phone", "Mobile One", 3500, "Credit card", "expense"),
    (15, "Subscriptions", "Netflix", 1549, "Credit card", "expense"),
    (18, "Subscriptions", "Spotify", 1099, "Credit card", "expense"),
    (20, "Insurance", "SafeHome Insurance", 8900, "Checking", "expense"),
    (25, "Salary", "Acme Corp", 520000, "Checking", "income"),
]


class Command(BaseCommand):
    help = "Create the demo user with a realistic year of transactions (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="Delete and rebuild the demo.")
        parser.add_argument("--months", type=int, default=12, help="Months of history (1-120).")

    def handle(self, *args: Any, **options: Any) -> None:
        months = max(1, min(120, int(options["months"])))
        if options["reset"]:
            delete_demo()
        user = provision_user(email=DEMO_EMAIL, confirmed=True)
        membership = Membership.objects.select_related("household", "user").get(user=user)
        if not Transaction.objects.filter(household=membership.household).exists():
            with transaction.atomic():
                user.set_password(DEMO_PASSWORD)
                user.display_name = "Alex"
                user.home_currency = "USD"
                user.time_zone = "America/New_York"
                user.save()
                count = build_demo(membership, end=user.today(), months=months)
                add_plans(membership, today=user.today())
            self.stdout.write(f"Created the demo household with {count} transactions.")
        else:
            self.stdout.write("The demo household already exists; nothing changed.")
        self.stdout.write(self.style.SUCCESS(f"Demo sign-in: {DEMO_EMAIL} / {DEMO_PASSWORD}"))


def delete_demo() -> None:
    user = User.objects.filter(email=DEMO_EMAIL).first()
    if user is None:
        return
    with transaction.atomic():
        households = Household.objects.filter(memberships__user=user)
        for household in households:
            Transaction.objects.filter(household=household).delete()
        households.delete()
        user.delete()


def build_demo(member: Membership, *, end: date, months: int) -> int:
    """Bulk-insert ``months`` of history ending at ``end``; returns the number of rows."""
    household = member.household
    rng = random.Random(f"spendwise-demo-{end.isoformat()}")  # noqa: S311 - demo data only
    accounts = {
        name: actions.account_create(
            actor=member, name=name, kind=kind, currency="USD", opening_balance=opening
        )
        for name, kind, opening in [
            ("Checking", "checking", 250000),
            ("Savings", "savings", 1200000),
            ("Credit card", "credit_card", 0),
            ("Cash", "cash", 20000),
        ]
    }
    categories = {c.name: c for c in Category.objects.filter(household=household)}
    payee_cache: dict[str, Payee] = {}
    tags = {
        name: Tag.objects.create(household=household, name=name) for name in ("work", "holiday")
    }

    def payee(name: str, category: Category) -> Payee:
        if name not in payee_cache:
            payee_cache[name] = Payee.objects.create(
                household=household, name=name, default_category=category
            )
        return payee_cache[name]

    rows: list[Transaction] = []
    tagged: list[tuple[int, Tag]] = []

    def entry(
        day: date,
        kind: str,
        cents: int,
        account: str,
        category: str,
        payee_name: str,
        note: str = "",
    ) -> None:
        cat = categories[category]
        rows.append(
            Transaction(
                household=household,
                account=accounts[account],
                kind=kind,
                date=day,
                amount=signed_amount(kind, cents),
                currency="USD",
                category=cat,
                payee=payee(payee_name, cat),
                note=note,
                created_by=member.user,
            )
        )

    start = end - timedelta(days=round(months * 30.44))
    day = start
    while day <= end:
        for habit in HABITS:
            if rng.random() < habit.per_week / 7:
                entry(
                    day,
                    "expense",
                    rng.randint(habit.low, habit.high),
                    habit.account,
                    habit.category,
                    rng.choice(habit.payees),
                )
                if habit.category == "Restaurants" and rng.random() < 0.2:
                    tagged.append((len(rows) - 1, tags["work"]))
        for month_day, category, payee_name, cents, account, kind in MONTHLY:
            if day.day == month_day:
                amount = cents if cents is not None else rng.randint(9000, 21000)
                entry(day, kind, amount, account, category, payee_name)
        if day.month == 12 and day.day == 20:
            entry(day, "income", 150000, "Checking", "Bonus", "Acme Corp", "Year-end bonus")
        if day.month == 7 and 10 <= day.day <= 16:
            entry(
                day,
                "expense",
                rng.randint(4000, 25000),
                "Credit card",
                "Restaurants",
                "Beach Resort",
                "Summer holiday",
            )
            tagged.append((len(rows) - 1, tags["holiday"]))
        day += timedelta(days=1)
    created = Transaction.objects.bulk_create(rows)
    rollup.rebuild(household.pk)  # bulk_create bypasses the actions; the transfers below don't
    Transaction.tags.through.objects.bulk_create(
        Transaction.tags.through(transaction_id=created[i].pk, tag_id=tag.pk) for i, tag in tagged
    )

    # Monthly transfers: pay off the card, put money aside.
    transfers = 0
    day = start
    while day <= end:
        if day.day == 27:
            card_spent = -sum(
                r.amount
                for r in created
                if r.account_id == accounts["Credit card"].pk
                and day - timedelta(days=31) < r.date <= day
            )
            for source, destination, cents in [
                ("Checking", "Credit card", card_spent),
                ("Checking", "Savings", 50000),
                ("Checking", "Cash", 20000),
            ]:
                if cents > 0:
                    _transfer(member, accounts[source], accounts[destination], day, cents)
                    transfers += 2
        day += timedelta(days=1)
    return len(created) + transfers


def _transfer(
    member: Membership, source: Account, destination: Account, day: date, cents: int
) -> Transfer:
    return actions.transfer_create(
        actor=member,
        data=actions.TransferInput(
            source=source, destination=destination, date=day, amount=Money(cents, "USD")
        ),
    )


def add_plans(member: Membership, *, today: date) -> None:
    """Budgets for this month on (one with rollover) and the recurring payments to come."""
    # Imported here: the ledger app must not depend on budgets or recurring at import time.
    from spendwise.budgets.actions import budget_set
    from spendwise.periods import add_months
    from spendwise.recurring.actions import ScheduleInput, schedule_create

    household = member.household
    start = add_months(today.replace(day=1), -2)
    for name, cents, rollover in [
        (None, 450000, False),
        ("Food", 110000, True),
        ("Transport", 30000, False),
        ("Entertainment", 12000, False),
        ("Shopping", 25000, False),
    ]:
        category = (
            Category.objects.get(household=household, parent=None, name=name) if name else None
        )
        budget_set(
            actor=member,
            category=category,
            month=start,
            amount=Money(cents, "USD"),
            repeats=True,
            rollover=rollover,
        )
    accounts = {a.name: a for a in Account.objects.filter(household=household)}
    categories = {c.name: c for c in Category.objects.filter(household=household)}
    next_month = add_months(today.replace(day=1), 1)
    for name, kind, cents, day, account, category_name, auto in [
        ("Rent", "expense", 165000, 1, "Checking", "Rent", True),
        ("Salary", "income", 520000, 25, "Checking", "Salary", True),
        ("Netflix", "expense", 1549, 15, "Credit card", "Subscriptions", False),
    ]:
        schedule_create(
            actor=member,
            data=ScheduleInput(
                name=name,
                kind=kind,
                account=accounts[account],
                amount=Money(cents, "USD"),
                frequency="monthly",
                start_date=next_month.replace(day=day),
                day_of_month=day,
                category=categories[category_name],
                payee_name=name,
                auto_post=auto,
            ),
        )
