"""Exchange rates: public reference data, plus each household's own rates.

A row with no household is global: the ECB's reference rates, loaded by an operator with
``manage.py load_ecb_rates``; every household uses them. A row with a household is that
household's own (entered by hand or uploaded on the Exchange rates page): only that household
sees and uses it, and on the same date it wins over the global rate.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from spendwise.currency.rates import scaled_to_rate
from spendwise.households.models import Household


class RateSource(models.TextChoices):
    ECB = "ecb", gettext_lazy("ECB reference rate")
    MANUAL = "manual", gettext_lazy("Entered by hand")


class ExchangeRate(models.Model):
    """1 ``base`` = ``rate`` ``quote`` on ``date``. The rate is stored exactly as an integer
    (rate × 10^10) so that it is the same number on SQLite and PostgreSQL."""

    household = models.ForeignKey(
        Household,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="exchange_rates",
        help_text=gettext_lazy("empty: a global (ECB) rate that every household uses"),
    )
    date = models.DateField()
    base = models.CharField(max_length=3)
    quote = models.CharField(max_length=3)
    rate_e10 = models.BigIntegerField(help_text=gettext_lazy("quote units per base unit × 10^10"))
    source = models.CharField(max_length=10, choices=RateSource.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "base", "quote", "id"]
        # The list page's keyset order (the unique constraints lead with date or household).
        indexes = [
            models.Index(fields=["-date", "base", "quote", "id"], name="exchangerate_list_order")
        ]
        constraints = [
            # Two partial constraints instead of NULLS NOT DISTINCT, which SQLite lacks; the
            # loaders' upserts name them in ON CONFLICT (…) WHERE ….
            models.UniqueConstraint(
                fields=["date", "base", "quote"],
                condition=Q(household__isnull=True),
                name="exchangerate_unique_global",
            ),
            models.UniqueConstraint(
                fields=["household", "date", "base", "quote"],
                condition=Q(household__isnull=False),
                name="exchangerate_unique_household",
            ),
            models.CheckConstraint(condition=Q(rate_e10__gt=0), name="exchangerate_rate_positive"),
            models.CheckConstraint(
                condition=~Q(base=F("quote")), name="exchangerate_two_currencies"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} 1 {self.base} = {self.rate} {self.quote}"

    @property
    def rate(self) -> Decimal:
        return scaled_to_rate(self.rate_e10)

    @property
    def rate_text(self) -> str:
        """``1 EUR = 1.0765 USD``."""
        return f"1 {self.base} = {self.rate:f} {self.quote}"

    @property
    def is_global(self) -> bool:
        return self.household_id is None
