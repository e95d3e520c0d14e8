"""Recurring transactions: a ``Schedule`` says what to post and when; each date it came due
is recorded once as an ``Occurrence`` (posted, pending confirmation, or skipped).

The unique (schedule, date) pair is what makes posting idempotent: whatever runs twice, a
date is handled at most once.
"""

from __future__ import annotations

from babel.dates import format_skeleton, get_day_names
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy, ngettext

from spendwise.households.models import Household
from spendwise.ledger.models import (
    Account,
    Category,
    Payee,
    Transaction,
    TransactionKind,
    Transfer,
    signed_amount,
)
from spendwise.money import Money, babel_locale
from spendwise.recurring import rules


class ScheduleKind(models.TextChoices):
    EXPENSE = "expense", gettext_lazy("Expense")
    INCOME = "income", gettext_lazy("Income")
    TRANSFER = "transfer", gettext_lazy("Transfer")


class Frequency(models.TextChoices):
    DAILY = rules.Frequency.DAILY.value, gettext_lazy("Daily")
    WEEKLY = rules.Frequency.WEEKLY.value, gettext_lazy("Weekly")
    MONTHLY = rules.Frequency.MONTHLY.value, gettext_lazy("Monthly")
    YEARLY = rules.Frequency.YEARLY.value, gettext_lazy("Yearly")


class Schedule(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="schedules")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=ScheduleKind.choices)
    # A schedule is only about its accounts: deleting an account (possible only while it has
    # no transactions) takes its schedules along.
    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="schedules",
        help_text=gettext_lazy("source"),
    )
    to_account = models.ForeignKey(
        Account, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    amount = models.BigIntegerField(
        help_text=gettext_lazy("positive minor units of the account's currency")
    )
    received_amount = models.BigIntegerField(
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "positive minor units of to_account's currency; transfers across currencies"
        ),
    )
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    payee = models.ForeignKey(
        Payee, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)

    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    interval = models.PositiveSmallIntegerField(
        default=1, help_text=gettext_lazy("every N days/weeks/...")
    )
    day_of_month = models.SmallIntegerField(
        null=True,
        blank=True,
        help_text=gettext_lazy("monthly: 1..31, or %(LAST_DAY)s for the last day")
        % {"LAST_DAY": rules.LAST_DAY},
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    next_date = models.DateField(
        null=True,
        blank=True,
        help_text=gettext_lazy("the next occurrence not yet handled; null when ended"),
    )
    auto_post = models.BooleanField(default=True)
    active = models.BooleanField(default=True)
    last_error = models.CharField(max_length=300, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["active", "next_date"], name="schedule_due"),
            models.Index(fields=["household", "next_date"], name="schedule_household_next"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="schedule_amount_positive"),
            models.CheckConstraint(
                condition=Q(received_amount__isnull=True) | Q(received_amount__gt=0),
                name="schedule_received_positive",
            ),
            models.CheckConstraint(
                condition=Q(interval__gte=1, interval__lte=rules.MAX_INTERVAL),
                name="schedule_interval_range",
            ),
            models.CheckConstraint(
                condition=Q(day_of_month__isnull=True)
                | Q(day_of_month=rules.LAST_DAY)
                | Q(day_of_month__gte=1, day_of_month__lte=31),
                name="schedule_day_of_month_range",
            ),
            models.CheckConstraint(
                condition=~Q(frequency=Frequency.MONTHLY) | Q(day_of_month__isnull=False),
                name="schedule_monthly_has_day",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=ScheduleKind.TRANSFER, to_account__isnull=False)
                    & ~Q(to_account=F("account"))
                )
                | (
                    ~Q(kind=ScheduleKind.TRANSFER)
                    & Q(to_account__isnull=True, received_amount__isnull=True)
                ),
                name="schedule_transfer_accounts",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="schedule_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def rule(self) -> rules.Rule:
        return rules.Rule(
            frequency=rules.Frequency(self.frequency),
            start=self.start_date,
            interval=self.interval,
            day_of_month=self.day_of_month,
            end=self.end_date,
        )

    @property
    def describe(self) -> str:
        """The frequency in words, in the active language: "Every month on the last day"."""
        return describe_in_words(self.rule)

    @property
    def is_transfer(self) -> bool:
        return self.kind == ScheduleKind.TRANSFER

    @property
    def money(self) -> Money:
        """The amount as it will be booked on ``account``: negative for expenses and the
        outgoing leg of a transfer, positive for income."""
        kind = TransactionKind.TRANSFER if self.is_transfer else self.kind
        return Money(signed_amount(kind, self.amount), self.account.currency)

    @property
    def display_money(self) -> Money:
        """For lists: signed for an expense or income, the plain amount for a transfer."""
        return abs(self.money) if self.is_transfer else self.money

    @property
    def received(self) -> Money | None:
        """What arrives in ``to_account`` (transfers only)."""
        if self.to_account is None:
            return None
        minor = self.received_amount if self.received_amount is not None else self.amount
        return Money(minor, self.to_account.currency)


class OccurrenceStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("Waiting for confirmation")
    POSTED = "posted", gettext_lazy("Posted")
    SKIPPED = "skipped", gettext_lazy("Skipped")


class Occurrence(models.Model):
    """One date a schedule came due, and what became of it. Append-only except for a pending
    one being confirmed or skipped."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="occurrences")
    date = models.DateField()
    status = models.CharField(max_length=10, choices=OccurrenceStatus.choices)
    # Deleting the posted transaction later keeps this record, so the date is not posted again.
    transaction = models.ForeignKey(
        Transaction, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    transfer = models.ForeignKey(
        Transfer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "date"], name="occurrence_once_per_date")
        ]
        indexes = [models.Index(fields=["schedule", "status"], name="occurrence_status")]

    def __str__(self) -> str:
        return f"{self.schedule} on {self.date}: {self.status}"

    @property
    def is_pending(self) -> bool:
        return self.status == OccurrenceStatus.PENDING


def describe_in_words(rule: rules.Rule) -> str:
    """A repetition rule in the active language ("Every 2 weeks on Friday"); English reads as
    ``rules.describe``. Weekday and month names come from Babel."""
    locale = babel_locale(translation.get_language() or "en")
    n = rule.interval
    if rule.frequency == rules.Frequency.DAILY:
        return ngettext("Every day", "Every %(count)d days", n) % {"count": n}
    if rule.frequency == rules.Frequency.WEEKLY:
        weekday = get_day_names("wide", locale=locale)[rule.start.weekday()]
        return ngettext("Every week on %(weekday)s", "Every %(count)d weeks on %(weekday)s", n) % {
            "count": n,
            "weekday": weekday,
        }
    if rule.frequency == rules.Frequency.MONTHLY:
        if rule.monthly_day == rules.LAST_DAY:
            return ngettext(
                "Every month on the last day", "Every %(count)d months on the last day", n
            ) % {"count": n}
        # English says "the 22nd"; other languages get the plain number.
        day = rules.ordinal(rule.monthly_day) if locale.language == "en" else rule.monthly_day
        values = {"count": n, "day": day}
        if rule.monthly_day > 28:
            return (
                ngettext(
                    "Every month on the %(day)s (or the month's last day)",
                    "Every %(count)d months on the %(day)s (or the month's last day)",
                    n,
                )
                % values
            )
        return (
            ngettext("Every month on the %(day)s", "Every %(count)d months on the %(day)s", n)
            % values
        )
    on_day = format_skeleton("MMMMd", rule.start, locale=locale)
    text = ngettext("Every year on %(date)s", "Every %(count)d years on %(date)s", n) % {
        "count": n,
        "date": on_day,
    }
    if (rule.start.month, rule.start.day) == (2, 29):
        text += gettext(" (February 28 in other years)")
    return text
