"""The ledger: accounts, categories, payees, tags, transactions and transfers.

Money is stored as signed integer minor units in the account's currency: money in is
positive, money out is negative (``signed_amount`` is the one place that decides). Balances
are derived from the rows, never stored by hand.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy

from spendwise.households.models import Household
from spendwise.money import Money


class AccountKind(models.TextChoices):
    CASH = "cash", gettext_lazy("Cash")
    CHECKING = "checking", gettext_lazy("Checking")
    SAVINGS = "savings", gettext_lazy("Savings")
    CREDIT_CARD = "credit_card", gettext_lazy("Credit card")
    E_WALLET = "e_wallet", gettext_lazy("E-wallet")
    LOAN = "loan", gettext_lazy("Loan")
    INVESTMENT = "investment", gettext_lazy("Investment")


class Account(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="accounts")
    name = models.CharField(max_length=100)
    kind = models.CharField(
        max_length=20, choices=AccountKind.choices, default=AccountKind.CHECKING
    )
    currency = models.CharField(max_length=3)
    opening_balance = models.BigIntegerField(default=0, help_text=gettext_lazy("minor units"))
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["archived", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                "household", Lower("name"), name="account_unique_name_per_household"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def opening(self) -> Money:
        return Money(self.opening_balance, self.currency)

    def balance(self, on: date | None = None) -> Money:
        """The balance at the end of ``on`` (or including every transaction when None)."""
        from spendwise.ledger.rollup import account_totals  # the rollup imports this module

        total = account_totals(self.household_id, on=on, account_ids=[self.pk]).get(self.pk, 0)
        return Money(self.opening_balance + total, self.currency)


class CategoryKind(models.TextChoices):
    EXPENSE = "expense", gettext_lazy("Expense")
    INCOME = "income", gettext_lazy("Income")


class Category(models.Model):
    """An expense or income category; at most one level of nesting."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=CategoryKind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    colour = models.CharField(max_length=7, default="#64748b")
    archived = models.BooleanField(default=False)

    class Meta:
        ordering = ["kind", "name", "id"]
        verbose_name_plural = "categories"
        constraints = [
            # Two partial constraints instead of NULLS NOT DISTINCT, which SQLite lacks.
            models.UniqueConstraint(
                "household",
                "kind",
                Lower("name"),
                condition=Q(parent__isnull=True),
                name="category_unique_top_name",
            ),
            models.UniqueConstraint(
                "parent",
                Lower("name"),
                condition=Q(parent__isnull=False),
                name="category_unique_child_name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id and self.parent else self.name


class Payee(models.Model):
    """Someone paid or paying; remembers the category used for them by default."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="payees")
    name = models.CharField(max_length=100)
    default_category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint("household", Lower("name"), name="payee_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=50)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint("household", Lower("name"), name="tag_unique_name")]

    def __str__(self) -> str:
        return self.name


class TransactionKind(models.TextChoices):
    EXPENSE = "expense", gettext_lazy("Expense")
    INCOME = "income", gettext_lazy("Income")
    TRANSFER = "transfer", gettext_lazy("Transfer")


def signed_amount(kind: str, magnitude: int, *, outgoing: bool = True) -> int:
    """The stored sign for an amount a person typed as a positive number.

    Expenses and the outgoing leg of a transfer take money out (negative); income and the
    incoming leg put money in (positive). Every write goes through here.
    """
    if magnitude < 0:
        raise ValueError("magnitude must not be negative")
    if kind == TransactionKind.EXPENSE:
        return -magnitude
    if kind == TransactionKind.INCOME:
        return magnitude
    return -magnitude if outgoing else magnitude


class Transfer(models.Model):
    """Money moved between two of the household's accounts: exactly two linked legs."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="transfers")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Transfer {self.pk}"

    def legs(self) -> tuple[Transaction, Transaction]:
        """(outgoing, incoming)."""
        rows = list(self.transactions.select_related("account").order_by("amount", "id"))
        return rows[0], rows[1]


class Transaction(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="transactions")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="transactions")
    kind = models.CharField(max_length=10, choices=TransactionKind.choices)
    date = models.DateField()
    amount = models.BigIntegerField(
        help_text=gettext_lazy("signed minor units of currency: + in, - out")
    )
    currency = models.CharField(max_length=3)
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="transactions"
    )
    payee = models.ForeignKey(
        Payee, on_delete=models.SET_NULL, null=True, blank=True, related_name="transactions"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="transactions")
    note = models.CharField(max_length=500, blank=True)
    transfer = models.ForeignKey(
        Transfer, on_delete=models.CASCADE, null=True, blank=True, related_name="transactions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who paid an expense out of their own pocket (settle-up splits these); None: not shared.
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # keyset pagination of the transaction list: newest first
            models.Index(fields=["household", "-date", "-id"], name="txn_household_date_id"),
            models.Index(fields=["account", "date"], name="txn_account_date"),
            models.Index(fields=["household", "category", "date"], name="txn_household_cat_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="transfer", transfer__isnull=False)
                | (~Q(kind="transfer") & Q(transfer__isnull=True)),
                name="txn_transfer_link_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.money}"

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)

    @property
    def magnitude(self) -> Money:
        return abs(self.money)

    @property
    def is_transfer(self) -> bool:
        return self.kind == TransactionKind.TRANSFER


class DailyTotal(models.Model):
    """Per household, day, category, kind and currency: the sum and count of transactions.

    With ``AccountMonth`` this is the rollup that every ledger write keeps exact inside its own
    database transaction (``spendwise.ledger.rollup``), so dashboards, budgets and reports read
    days × categories rows instead of every transaction. ``category_key`` is the category id,
    0 for none (a plain integer, so that the unique key has no NULL and the same upsert works on
    SQLite and PostgreSQL). ``rollup.rebuild`` recomputes both tables from the transactions.
    """

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    category_key = models.BigIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=TransactionKind.choices)
    currency = models.CharField(max_length=3)
    total = models.BigIntegerField(
        default=0, help_text=gettext_lazy("signed minor units of currency")
    )
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["household", "day", "category_key", "kind", "currency"],
                name="dailytotal_unique_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.category_key} {self.kind}: {self.total} {self.currency}"


class AccountMonth(models.Model):
    """Per account and calendar month (``month`` is its first day): the sum and count of the
    account's transactions. Balances add at most one row per month instead of every row."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    total = models.BigIntegerField(
        default=0, help_text=gettext_lazy("signed minor units of the account")
    )
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "month"], name="accountmonth_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.month:%Y-%m}: {self.total}"
