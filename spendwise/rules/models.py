"""Rules: ordered per household, each with conditions (all must match) and actions.

The matching itself lives in ``matching.py`` (no Django); ``Rule.spec`` turns a row into what
the matcher reads.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy

from spendwise.households.models import Household
from spendwise.ledger.models import Account, Category
from spendwise.money import Money
from spendwise.rules import matching


class TextMatch(models.TextChoices):
    CONTAINS = matching.CONTAINS, gettext_lazy("contains")
    EQUALS = matching.EQUALS, gettext_lazy("is")
    MATCHES = matching.MATCHES, gettext_lazy("matches the pattern")


class Rule(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0, help_text=gettext_lazy("lower runs first"))
    # conditions: a blank operator means "any"
    payee_match = models.CharField(max_length=10, choices=TextMatch.choices, blank=True)
    payee_value = models.CharField(max_length=200, blank=True)
    note_match = models.CharField(max_length=10, choices=TextMatch.choices, blank=True)
    note_value = models.CharField(max_length=200, blank=True)
    amount_min = models.BigIntegerField(
        null=True, blank=True, help_text=gettext_lazy("magnitude, minor units of currency")
    )
    amount_max = models.BigIntegerField(
        null=True, blank=True, help_text=gettext_lazy("magnitude, minor units of currency")
    )
    currency = models.CharField(
        max_length=3, help_text=gettext_lazy("of amount_min and amount_max")
    )
    # A rule about one account means nothing once the account is gone.
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # actions
    set_category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rename_payee = models.CharField(max_length=100, blank=True)
    add_tags = models.CharField(
        max_length=200, blank=True, help_text=gettext_lazy("comma-separated names")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["household", "position"], name="rule_household_position")]

    def __str__(self) -> str:
        return self.name

    @property
    def minimum(self) -> Money | None:
        return Money(self.amount_min, self.currency) if self.amount_min is not None else None

    @property
    def maximum(self) -> Money | None:
        return Money(self.amount_max, self.currency) if self.amount_max is not None else None

    @property
    def tag_names(self) -> list[str]:
        from spendwise.ledger.actions import parse_tag_names

        return parse_tag_names(self.add_tags)

    def spec(self, category_kind: str | None = None) -> matching.RuleSpec:
        """The rule for the matcher (compiles its patterns). ``category_kind`` saves a query
        when the caller already knows the kind of ``set_category``."""
        if self.set_category_id is not None and category_kind is None:
            category_kind = self.set_category.kind if self.set_category else None
        return matching.RuleSpec(
            id=self.pk,
            payee=matching.TextCondition.build(self.payee_match, self.payee_value)
            if self.payee_match
            else None,
            note=matching.TextCondition.build(self.note_match, self.note_value)
            if self.note_match
            else None,
            amount_min=self.amount_min,
            amount_max=self.amount_max,
            currency=self.currency,
            account_id=self.account_id,
            category_id=self.set_category_id,
            category_kind=category_kind,
            rename_payee=" ".join(self.rename_payee.split()),
            tag_names=tuple(self.tag_names),
        )
