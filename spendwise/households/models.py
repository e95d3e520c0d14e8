"""Households own every money row; users are members of them with a role."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models

from spendwise.money import Money


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    MEMBER = "member", "Member"
    VIEWER = "viewer", "Viewer"


class Household(models.Model):
    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.OWNER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["household", "user"], name="membership_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.household} as {self.role}"

    @property
    def can_write(self) -> bool:
        """Owners and members change money data; viewers only read."""
        return self.role in (Role.OWNER, Role.MEMBER)


class Invitation(models.Model):
    """An e-mailed offer to join a household with a role. Only a SHA-256 of the link's secret
    is stored; the link itself is shown to nobody but the invitee's mailbox."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.email} to {self.household} as {self.role}"

    def is_pending(self, now: datetime) -> bool:
        """Neither accepted, revoked nor expired at ``now``."""
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at


class Settlement(models.Model):
    """One member paying another back for shared spending of a period (``period_start`` to
    ``period_end``, both included). Recorded, not booked: no account balance changes."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="settlements")
    # A deleted account takes its settlements with it, as its paid-by marks go (SET_NULL).
    payer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    payee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    amount = models.BigIntegerField(help_text="minor units of currency, positive")
    currency = models.CharField(max_length=3)
    period_start = models.DateField()
    period_end = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="settlement_positive"),
            models.CheckConstraint(
                condition=~models.Q(payer=models.F("payee")), name="settlement_two_people"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payer} paid {self.payee} {self.amount} {self.currency}"

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)
